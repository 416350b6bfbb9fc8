"""Where the shipped templates and glossary live, and how a user's own folder overrides them.

In a wheel they are package data (``summarizer/templates``, ``summarizer/glossary``, mapped
there from the top-level folders at build time); in a source checkout they are the top-level
folders themselves, so people who edit them see the effect without reinstalling.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_folder(name: str) -> Path:
    """The shipped ``templates`` or ``glossary`` folder."""
    packaged = Path(str(resources.files("summarizer") / name))
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the shipped {name}/ folder is missing from this installation")

"""Project settings: ``summarizer.toml`` or ``[tool.summarizer]`` in ``pyproject.toml``.

Looked for in the current folder. Command-line options win over the file; unknown keys are
an error, so a typo never silently does nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    max_grade: float | None = None
    """Reading grade that ``check`` (default 8 when unset) and ``build`` fail above."""

    templates: Path | None = None
    """Your templates folder, looked in before the shipped one."""

    glossary: Path | None = None
    """Your glossary folder; its entries add to or replace the shipped ones."""

    page_size: str | None = None
    """PDF page size: "a4" or "letter"."""

    source: Path | None = None
    """The file these settings came from."""


DEFAULT_MAX_GRADE = 8.0


def load_config(folder: Path | None = None) -> Config:
    folder = folder or Path.cwd()
    own = folder / "summarizer.toml"
    project = folder / "pyproject.toml"
    if own.is_file():
        data = _read(own)
        table = data.get("summarizer", data)
        return _config(table, own)
    if project.is_file():
        table = _read(project).get("tool", {}).get("summarizer")
        if isinstance(table, dict):
            return _config(table, project)
    return Config()


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read settings ({error})") from None


def _config(table: dict, path: Path) -> Config:
    known = {f.name for f in fields(Config)} - {"source"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})")
    values: dict = {"source": path}
    if "max_grade" in table:
        if isinstance(table["max_grade"], bool) or not isinstance(table["max_grade"], (int, float)):
            raise ConfigError(f"{path}: max_grade must be a number")
        values["max_grade"] = float(table["max_grade"])
    for name in ("templates", "glossary"):
        if name in table:
            folder = (path.parent / str(table[name])).resolve()
            if not folder.is_dir():
                raise ConfigError(f"{path}: {name} folder not found: {folder}")
            values[name] = folder
    if "page_size" in table:
        if table["page_size"] not in ("a4", "letter"):
            raise ConfigError(f"{path}: page_size must be \"a4\" or \"letter\"")
        values["page_size"] = table["page_size"]
    return Config(**values)

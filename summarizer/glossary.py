"""The glossary: plain definitions of hard words, and the matcher that finds them in text.

Entries are YAML data (``glossary/*.yaml``), validated when loaded. A user's folder adds
entries or replaces shipped ones entry by entry (same ``term``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from summarizer.resources import shipped_folder

CATEGORIES = (
    "research process",
    "study design",
    "body and diseases",
    "treatments and drugs",
    "tests and lab values",
    "procedures",
    "abbreviations",
)
_FIELDS = {"term", "variants", "abbreviations", "short", "definition", "example", "category"}
_REQUIRED = ("term", "short", "definition", "category")


class GlossaryError(Exception):
    """A glossary file that cannot be used; the message names file, entry and field."""


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    short: str
    definition: str
    category: str
    variants: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    example: str | None = None
    source: str = ""

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-")

    def spoken_forms(self) -> tuple[str, ...]:
        """The term and its variants, with a plain plural added for each (matched ignoring case)."""
        forms = []
        for form in (self.term, *self.variants):
            forms.append(form)
            if form[-1:].isalpha() and not form.endswith("s") and form.lower() == form:
                forms.append(form + "s")
        return tuple(dict.fromkeys(forms))


def _entry_from_yaml(item: object, source: str, index: int) -> GlossaryEntry:
    where = f"{source}: entry {index + 1}"
    if not isinstance(item, dict):
        raise GlossaryError(f"{where}: expected a mapping with term, short, definition, category")
    if isinstance(item.get("term"), str):
        where = f"{source}: entry {index + 1} ({item['term']!r})"
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        raise GlossaryError(f"{where}: unknown field {unknown[0]!r} (allowed: {', '.join(sorted(_FIELDS))})")
    for name in _REQUIRED:
        value = item.get(name)
        if not isinstance(value, str) or not value.strip():
            raise GlossaryError(f"{where}: field {name!r} is missing or empty")
    if item["category"] not in CATEGORIES:
        raise GlossaryError(f"{where}: field 'category' must be one of: {', '.join(CATEGORIES)}")
    lists = {}
    for name in ("variants", "abbreviations"):
        value = item.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise GlossaryError(f"{where}: field {name!r} must be a list of words")
        lists[name] = tuple(v.strip() for v in value)
    example = item.get("example")
    if example is not None and not isinstance(example, str):
        raise GlossaryError(f"{where}: field 'example' must be text")
    return GlossaryEntry(
        term=item["term"].strip(),
        short=item["short"].strip(),
        definition=item["definition"].strip(),
        category=item["category"],
        example=example.strip() if example else None,
        source=source,
        **lists,
    )


def read_glossary_file(path: Path) -> list[GlossaryEntry]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise GlossaryError(f"{path}: cannot read glossary file ({error.__class__.__name__})") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise GlossaryError(f"{path}: expected a list of entries")
    return [_entry_from_yaml(item, str(path), i) for i, item in enumerate(data)]


class Glossary:
    """All entries, keyed by term, with one compiled matcher over every form of every term."""

    def __init__(self, entries: list[GlossaryEntry]):
        by_term: dict[str, GlossaryEntry] = {}
        for entry in entries:
            by_term[entry.term.lower()] = entry  # later folders override earlier ones
        self.entries: tuple[GlossaryEntry, ...] = tuple(sorted(by_term.values(), key=lambda e: e.term.lower()))
        self._by_form: dict[str, GlossaryEntry] = {}
        self._by_abbreviation: dict[str, GlossaryEntry] = {}
        for entry in self.entries:
            for form in entry.spoken_forms():
                self._by_form.setdefault(form.lower(), entry)
            for abbreviation in entry.abbreviations:
                self._by_abbreviation.setdefault(abbreviation, entry)
        self._matcher = _compile(self._by_form, self._by_abbreviation)

    @classmethod
    def load(cls, user_folder: Path | None = None) -> Glossary:
        entries: list[GlossaryEntry] = []
        folders = [shipped_folder("glossary")] + ([user_folder] if user_folder else [])
        for folder in folders:
            for path in sorted(folder.glob("*.y*ml")):
                entries.extend(read_glossary_file(path))
        return cls(entries)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str) -> list[tuple[int, int, GlossaryEntry]]:
        """Every term in ``text``, as (start, end, entry), longest match first, left to right."""
        if self._matcher is None:
            return []
        skip = [m.span() for m in _URL_OR_EMAIL.finditer(text)]
        found = []
        for match in self._matcher.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in skip):
                continue
            word = match.group()
            entry = self._by_abbreviation.get(word) or self._by_form.get(word.lower())
            if entry is None:  # an abbreviation matched ignoring case: not ours
                continue
            found.append((start, end, entry))
        return found


_URL_OR_EMAIL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.IGNORECASE)


def _compile(forms: dict[str, GlossaryEntry], abbreviations: dict[str, GlossaryEntry]) -> re.Pattern | None:
    """One regex for all terms. Alternatives are sorted longest first, so at any position the
    longest term wins; abbreviations are matched case-sensitively via a scoped ``(?-i:...)``."""
    alternatives = [(len(form), re.escape(form).replace(r"\ ", r"[\s-]+")) for form in forms]
    alternatives += [(len(a), f"(?-i:{re.escape(a)})") for a in abbreviations]
    if not alternatives:
        return None
    alternatives.sort(key=lambda item: (-item[0], item[1]))
    pattern = "|".join(alt for _, alt in alternatives)
    return re.compile(r"(?<![\w@/.-])(?:" + pattern + r")(?![\w@-]|\.\w)", re.IGNORECASE)

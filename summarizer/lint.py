"""Glossary lint: problems a writer should fix before entries reach a leaflet."""

from __future__ import annotations

import re

import textstat

from summarizer.coverage import hard_words
from summarizer.glossary import Glossary

MAX_DEFINITION_GRADE = 7.0
MAX_DEFINITION_WORDS = 30


def lint_glossary(glossary: Glossary) -> list[str]:
    """One line per problem: file, entry and what is wrong."""
    problems = []
    owner: dict[str, str] = {}
    for entry in glossary.entries:
        where = f"{entry.source}: {entry.term!r}"
        forms = {f.lower() for f in (entry.term, *entry.variants)} | {f"abbr:{a}" for a in entry.abbreviations}
        for form in sorted(forms):
            if form in owner and owner[form] != entry.term:
                problems.append(f"{where}: {form.removeprefix('abbr:')!r} is also a form of {owner[form]!r}")
            owner.setdefault(form, entry.term)
        words = len(entry.definition.split())
        if words > MAX_DEFINITION_WORDS:
            problems.append(f"{where}: definition has {words} words (at most {MAX_DEFINITION_WORDS})")
        grade = textstat.flesch_kincaid_grade(entry.definition)
        if grade > MAX_DEFINITION_GRADE and words >= 6:
            problems.append(f"{where}: definition reads at grade {grade:.1f} (at most {MAX_DEFINITION_GRADE:g})")
        for field_name in ("short", "definition"):
            text = getattr(entry, field_name)
            for word, explained in hard_words(text, glossary):
                if not explained and word.lower() not in _own_words(entry):
                    problems.append(f"{where}: {field_name} uses the hard word {word!r}, which no entry explains")
    return problems


def _own_words(entry) -> set[str]:
    return {w.lower() for form in (entry.term, *entry.variants, *entry.abbreviations) for w in re.findall(r"[A-Za-z]+", form)}

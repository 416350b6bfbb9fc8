"""How well the glossary explains the leaflets: hard words found, and those no entry explains.

A hard word is a word of letters (three or more) that is rare in everyday English: a Zipf
frequency under 3 in ``wordfreq`` (about once in a million words or less), and not a regular
form of a common word ("relaxes", "uncomplicated": see ``glossary.is_hard``). Names of the record's
own people, places and organisations are left out, and so are codes with digits ("MK-3475") or
Roman numerals ("stage IIIA"), which are not words a glossary can explain.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.check import REFERENCE_SECTIONS, WORD_MEMORY, extract_sections
from summarizer.glossary import is_hard, web_addresses
from summarizer.model import Study

_WORD = re.compile(r"(?<![\w-])[A-Za-z]{3,}(?:['’][a-z]+)?(?![\w-]*\d)")
_POSSESSIVE = re.compile(r"['’]s$")
# "stage IIIA", "grade IIb", "type IIa": a Roman numeral and a letter is a code, like "MK-3475"
_STAGE_CODE = re.compile(r"(?:I{1,3}|IV|VI{0,3})[A-Ea-e]")


def hard_words(text: str, glossary) -> Iterator[tuple[str, bool]]:
    """Each hard word of ``text`` (a possessive "'s" dropped) and whether a glossary entry
    explains it there. Words inside web and e-mail addresses are passed over."""
    return hard_words_between(text, [(s, e) for s, e, _ in glossary.find(text)], web_addresses(text))


def hard_words_between(text: str, explained: list[tuple[int, int]], addresses: list[tuple[int, int]]) -> Iterator[tuple[str, bool]]:
    """``hard_words`` for a caller that has found the glossary's spans (``explained``) and the
    web addresses in ``text`` already."""
    for match in _WORD.finditer(text):
        word = _hard_form(match.group())
        if word is None:
            continue
        start, end = match.span()
        if addresses and any(s <= start < e for s, e in addresses):  # nearly always none
            continue
        yield word, any(s <= start and end <= e for s, e in explained)


def hard_word_forms(text: str) -> list[str]:
    """The hard words ``hard_words_between`` looks at in ``text``, web addresses not left out:
    with none of them, no glossary can leave a word of ``text`` unexplained."""
    # findall: the pattern has no group, so it gives the matched words without a match object each
    return [word for word in map(_hard_form, _WORD.findall(text)) if word is not None]


@lru_cache(maxsize=WORD_MEMORY)
def _hard_form(match: str) -> str | None:
    """The word a match of ``_WORD`` is (a possessive "'s" dropped) when it is hard and no
    stage code, else None: one remembered look-up per word of a text, as most words are met
    again and again."""
    word = _POSSESSIVE.sub("", match)
    if _STAGE_CODE.fullmatch(word) or not is_hard(word):
        return None
    return word


def record_names(study: Study) -> set[str]:
    """Words of the record's names of people, places and organisations, lower case."""
    parts = [study.lead_sponsor.name if study.lead_sponsor else "", study.organization.name if study.organization else ""]
    parts += [c.name for c in study.collaborators]
    parts += [o.name for o in study.officials] + [o.affiliation or "" for o in study.officials]
    parts += [c.name or "" for c in study.central_contacts]
    if study.responsible_party:
        parts += [study.responsible_party.name or "", study.responsible_party.affiliation or ""]
    for location in study.locations:
        parts += [location.facility or "", location.city or "", location.state or "", location.country or ""]
        parts += [c.name or "" for c in location.contacts]
    return {w.lower() for part in parts for w in re.findall(r"[A-Za-z]+", part)}


@dataclass
class StudyCoverage:
    nct_id: str
    hard: int = 0
    explained: int = 0
    unexplained: Counter = field(default_factory=Counter)


_GLOSS = re.compile(r'<span class="smz-gloss">[^<]*</span>')


def study_coverage(study: Study, html: str, glossary) -> StudyCoverage:
    """Hard-word occurrences in the text a reader reads through, and which are explained. Our
    own glosses are left out: a term named again in its gloss ("systemically (systemic: ...)")
    is not another word of the record explained."""
    names = record_names(study)
    result = StudyCoverage(study.nct_id)
    for section in extract_sections(_GLOSS.sub("", html)):
        if section.id in REFERENCE_SECTIONS:
            continue
        for block in section.blocks:
            for word, explained in hard_words(block, glossary):
                if word.lower() in names:
                    continue
                result.hard += 1
                if explained:
                    result.explained += 1
                else:
                    result.unexplained[word.lower()] += 1
    return result


@dataclass
class CoverageReport:
    studies: list[StudyCoverage]

    @property
    def hard(self) -> int:
        return sum(s.hard for s in self.studies)

    @property
    def explained(self) -> int:
        return sum(s.explained for s in self.studies)

    @property
    def share_explained(self) -> float:
        return self.explained / self.hard if self.hard else 1.0

    def top_unexplained(self, count: int = 20) -> list[tuple[str, int, int]]:
        """(word, studies using it, occurrences), most studies first."""
        studies: Counter = Counter()
        occurrences: Counter = Counter()
        for study in self.studies:
            studies.update(study.unexplained.keys())
            occurrences.update(study.unexplained)
        ranked = sorted(studies, key=lambda w: (-studies[w], -occurrences[w], w))
        return [(w, studies[w], occurrences[w]) for w in ranked[:count]]

    def as_dict(self, top: int = 20) -> dict:
        return {
            "studies": len(self.studies),
            "hard_words": self.hard,
            "explained": self.explained,
            "share_explained": round(self.share_explained, 4),
            "top_unexplained": [{"word": w, "studies": s, "occurrences": o} for w, s, o in self.top_unexplained(top)],
        }

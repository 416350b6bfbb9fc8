"""The glossary: plain definitions of hard words, and the matcher that finds them in text.

Entries are YAML data (``glossary/*.yaml``), validated when loaded. A user's folder adds
entries or replaces shipped ones entry by entry (same ``term``).
"""

from __future__ import annotations

import copy
import re
import weakref
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml
from wordfreq import top_n_list, zipf_frequency

# libyaml when PyYAML was built with it: the glossary is thousands of entries
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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


HARD_ZIPF = 3.0


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """Words rare in print but plain to a reader ("clots", "wheezing"), kept in
    ``glossary/everyday-words.txt`` so a reviewer can see and change the list."""
    path = shipped_folder("glossary") / "everyday-words.txt"
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=65536)
def is_hard(word: str) -> bool:
    """Rare in everyday English: a Zipf frequency under 3 in ``wordfreq`` (about once in a
    million words or less), and not on our list of plain everyday words. A form of a common
    word is not hard: "relaxes", "assessing" and "milder" read as easily as "relax",
    "assess" and "mild", though each form alone is rarer in print."""
    word = word.lower()
    if word in everyday_words():
        return False
    return all(zipf_frequency(form, "en") < HARD_ZIPF for form in (word, *_base_forms(word)))


@lru_cache(maxsize=1)
def plain_words() -> frozenset[str]:
    """Words ``is_hard`` never finds hard, by their own frequency: wordfreq's list down to the
    last word at Zipf 3 (about 29,000), and our everyday words. The matcher passes over them
    with one set lookup: no entry's fallback (a word ending, a British spelling, a word
    beginning) can explain a word that is not hard."""
    words = top_n_list("en", 60000)  # most frequent first
    low, high = 0, len(words)
    while low < high:
        middle = (low + high) // 2
        if zipf_frequency(words[middle], "en") >= HARD_ZIPF:
            low = middle + 1
        else:
            high = middle
    return frozenset(words[:low]) | everyday_words()


_PLAIN_PREFIXES = ("un", "non", "sub", "multi", "under", "over", "self", "post")


def _base_forms(word: str) -> tuple[str, ...]:
    """The words ``word`` may be made from: a regular inflection (plural, -ed, -ing, -er,
    -est) or a plain prefix on a word ("uncorrected", "substudy", "underweight")."""
    if len(word) < 5:
        return ()
    forms = [word[len(prefix) :] for prefix in _PLAIN_PREFIXES if word.startswith(prefix) and len(word) - len(prefix) >= 4]
    return tuple(forms) + tuple(f for form in (word, *forms) for f in _inflection_bases(form))


def _inflection_bases(word: str) -> list[str]:
    forms = []
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    elif word.endswith("es"):
        forms += [word[:-2], word[:-1]]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        forms.append(word[:-1])
    for ending in ("ed", "er", "est", "ing"):
        if word.endswith(ending):
            stem = word[: -len(ending)]
            forms += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.append(stem[:-1])  # "numbed" is "numb", "stopping" is "stop"
            if stem.endswith("i"):
                forms.append(stem[:-1] + "y")  # "studied" is "study"
    return forms


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
    def is_ending(self) -> bool:
        """A word ending ("-mab") that names a kind of thing, like the stems of drug names."""
        return self.term.startswith("-")

    @property
    def is_beginning(self) -> bool:
        """A word beginning ("pre-") with a plain meaning, used for a word made of it and a term."""
        return self.term.endswith("-") and not self.is_ending

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
    if item["term"].startswith("-") and not re.fullmatch(r"-[a-z]{3,}", item["term"].strip()):
        raise GlossaryError(f"{where}: field 'term': a word ending is a hyphen and 3 or more lower-case letters (-mab)")
    if item["term"].strip().endswith("-") and not re.fullmatch(r"[a-z]{2,}-", item["term"].strip()):
        raise GlossaryError(f"{where}: field 'term': a word beginning is 2 or more lower-case letters and a hyphen (pre-)")
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
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
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
        self._endings: dict[str, GlossaryEntry] = {}
        self._beginnings: dict[str, GlossaryEntry] = {}
        for entry in self.entries:
            if entry.is_ending:
                self._endings[entry.term[1:]] = entry
                continue
            if entry.is_beginning:
                self._beginnings[entry.term[:-1]] = entry
                continue
            for form in entry.spoken_forms():
                self._by_form.setdefault(_normal(form), entry)
            for abbreviation in entry.abbreviations:
                self._by_abbreviation.setdefault(abbreviation, entry)
        # first word (lower case) -> most words in any form starting with it: most words of a
        # text start no term at all and are passed over with one dict lookup
        self._starts = _longest_starts([*self._by_form, *self._by_abbreviation])
        self._longest = max(self._starts.values(), default=0)
        # every run of leading words of a longer form ("interstitial", "interstitial lung"): a
        # run that is none of these cannot grow into a term, so the matcher stops there
        self._prefixes = _prefixes_of([*self._by_form, *self._by_abbreviation])
        # first word -> the second words of those forms: "the" starts "the pill" but nothing goes
        # on to "the study", so there the matcher looks up "the" alone
        self._followers = _followers_of([*self._by_form, *self._by_abbreviation])
        self._longest_ending = max(map(len, self._endings), default=0)
        self._by_word_ending: dict[str, GlossaryEntry | None] = {}
        # the fallback for a word no form names: it looks only at the shipped forms (a record's
        # own terms never change it), so its results are shared by every with_record_terms copy
        self._own_forms = self._by_form
        self._longest_beginning = max(map(len, self._beginnings), default=0)
        self._derived: dict[str, GlossaryEntry | None] = {}
        # words passed over at once: common words, but not a beginning ("non" in "non-squamous")
        self._plain = plain_words() - self._beginnings.keys()

    @classmethod
    def load(cls, user_folder: Path | None = None) -> Glossary:
        entries: list[GlossaryEntry] = []
        folders = [shipped_folder("glossary")] + ([user_folder] if user_folder else [])
        for folder in folders:
            seen: dict[str, str] = {}
            for path in sorted(folder.glob("*.y*ml")):
                for entry in read_glossary_file(path):
                    # in one folder a term is defined once; a later folder overrides on purpose
                    if entry.term.lower() in seen:
                        raise GlossaryError(f"{path}: {entry.term!r} is defined twice in {folder} (also in {seen[entry.term.lower()]})")
                    seen[entry.term.lower()] = path.name
                    entries.append(entry)
        return cls(entries)

    def __len__(self) -> int:
        return len(self.entries)

    def with_record_terms(self, defined: dict[str, GlossaryEntry]) -> Glossary:
        """This glossary plus the terms a record defines itself: its abbreviations (they win
        over ours for that record: "MS" is whatever the record says it is) and the names of
        the treatments it tests (matched ignoring case, where no entry of ours has the name)."""
        if not defined:
            return self
        extended = copy.copy(self)
        extended._by_abbreviation = dict(self._by_abbreviation)
        extended._by_form = dict(self._by_form)
        for key, entry in defined.items():
            if _is_short_form(key):
                extended._by_abbreviation[key] = entry
            else:
                extended._by_form.setdefault(_normal(key), entry)
        # the indexes are large and a record adds a few keys: only what grows is copied
        starts = {first: n for first, n in _longest_starts(defined).items() if n > self._starts.get(first, 0)}
        if starts:
            extended._starts = {**self._starts, **starts}
            extended._longest = max(self._longest, *starts.values())
        prefixes = _prefixes_of(list(defined)) - self._prefixes
        if prefixes:
            extended._prefixes = self._prefixes | prefixes
        followers = _followers_of(list(defined))
        if followers:
            extended._followers = {**self._followers, **{
                first: self._followers.get(first, frozenset()) | second for first, second in followers.items()}}
        return extended

    def explains(self, text: str) -> bool:
        """Whether one entry covers all of ``text``."""
        found = self.find(text)
        return len(found) == 1 and found[0][0] == 0 and found[0][1] == len(text.strip())

    def find(self, text: str) -> list[tuple[int, int, GlossaryEntry]]:
        """Every term in ``text``, as (start, end, entry), left to right, longest match first.

        One pass over the words: at each word, the longest run of up to N words that is a
        known form wins (a dict lookup per length, not a regex per term). Forms ignore case;
        abbreviations must match case exactly, so "AST" never matches "last" or "Ast".
        """
        if not self._longest:
            return []
        lower = _same_length_lower(text)
        spans = [m.span() for m in _WORD.finditer(lower)]
        if not spans:
            return []
        words = [lower[a:b] for a, b in spans]
        # most words start no term and are common (no fallback explains them): one list pass in C
        # finds the rest
        starts, plain = self._starts, self._plain
        candidates = [i for i, word in enumerate(words) if word in starts or word not in plain]
        if not candidates:
            return []
        by_abbreviation, by_form, prefixes = self._by_abbreviation, self._by_form, self._prefixes
        skip = None  # the web addresses, looked for at the first hit
        found = []
        count = len(spans)
        after = 0  # the first word not inside a term already found
        for i in candidates:
            if i < after:
                continue
            start, first_end = spans[i]
            word = words[i]
            most = starts.get(word, 0)
            hit = None
            if most == 1 or (most and word not in prefixes):
                # the usual case: no longer form starts with this word, so only the word itself
                # is looked up (what the loops below do for a run of one word)
                entry = by_abbreviation.get(text[start:first_end]) or by_form.get(word)
                if entry and not _glued_after(text, first_end):
                    hit = (start, first_end, entry, 1)
            elif most:
                # keys of the runs of 1..most words starting here, as _normal() would make them
                keys = [word]
                stop = min(i + most, count)
                if stop > i + 1 and not _may_follow(self._followers, word, words[i + 1]):
                    stop = i + 1  # what the loop finds after looking up two words that start nothing
                for j in range(i + 1, stop):
                    if keys[-1] not in prefixes:
                        break
                    gap = text[spans[j - 1][1] : spans[j][0]]
                    # one space, the usual gap, without the pattern
                    separator = " " if gap == " " or _SPACE_OR_HYPHEN.fullmatch(gap) else gap if gap in ("/", ".") else None
                    if separator is None:
                        break
                    keys.append(keys[-1] + separator + words[j])
                for n in range(len(keys), 0, -1):
                    end = spans[i + n - 1][1]
                    entry = by_abbreviation.get(text[start:end]) or by_form.get(keys[n - 1])
                    if entry and not _glued_after(text, end):
                        hit = (start, end, entry, n)
                        break
            if hit is None and word not in plain:
                hit = self._fallback_hit(text, spans, words, i)
            # checked only for a hit: most candidate words match nothing
            if hit is None or _glued_before(text, start):
                continue
            if skip is None:
                skip = web_addresses(text, lower)
            if not any(s < hit[1] and hit[0] < e for s, e in skip):
                found.append(hit[:3])
                after = i + hit[3]
        return found

    def _entry_by_ending(self, word: str) -> GlossaryEntry | None:
        """An entry for a hard word no entry names, from its ending: "daratumumab" is a
        "-mab" (a lab-made antibody medicine). The word itself is the term, so "Words to
        know" lists it with the ending's definition."""
        if word in self._by_word_ending:
            return self._by_word_ending[word]
        found = None
        if word.isalpha() and is_hard(word):
            for n in range(min(self._longest_ending, len(word) - 2), 2, -1):
                ending = self._endings.get(word[-n:])
                # a drug name has a part of its own before the ending: 2 letters before a long
                # ending ("lo-sartan"), 3 before a short one ("ate-nolol" but not "x-caine")
                if ending and len(word) - n >= (2 if n >= 5 else 3):
                    found = GlossaryEntry(
                        term=word,
                        short=ending.short,
                        definition=ending.definition,
                        category=ending.category,
                        source=ending.source,
                    )
                    break
        self._by_word_ending[word] = found
        return found

    # --- the fallback: a word no form names, explained by an entry it is made from ----------

    def _fallback_hit(self, text: str, spans: list, words: list[str], i: int) -> tuple | None:
        """(start, end, entry, words taken) for the word at ``i`` that no form names: two words
        joined by a hyphen that make a term ("peri-operative", "non-squamous"), else the word
        alone (``_derived_entry``). Only hard words and word beginnings get here."""
        word = words[i]
        if i + 1 < len(spans) and text[spans[i][1] : spans[i + 1][0]] == "-":
            entry = self._compound_entry(word, words[i + 1])
            if entry and not _glued_after(text, spans[i + 1][1]):
                return (spans[i][0], spans[i + 1][1], entry, 2)
        entry = self._derived.get(word, _UNSEEN)
        if entry is _UNSEEN:
            entry = self._derived[word] = self._derived_entry(word)
        if entry and not _glued_after(text, spans[i][1]):
            return (spans[i][0], spans[i][1], entry, 1)
        return None

    def _derived_entry(self, word: str) -> GlossaryEntry | None:
        """A hard word no entry names, explained by an entry it comes from: a British spelling
        ("haemoglobin": the entry itself), an adverb or noun made from a glossed adjective
        ("systemically", "chronicity"), a word beginning on a term ("pregestational"), a
        drug name's official ending ("daratumumab"), or a slip of the keyboard ("palcebo")."""
        if len(word) < 5 or not word.isalpha() or not is_hard(word):
            return self._entry_by_ending(word)
        return (
            self._form_entry(word)[0]
            or self._adjective_entry(word)
            or self._beginning_entry(word)
            or self._entry_by_ending(word)
            or self._misspelling_entry(word)
        )

    def _form_entry(self, word: str) -> tuple[GlossaryEntry | None, str]:
        """The entry one of our forms names, as written or in its American spelling, and that form."""
        entry = self._own_forms.get(word)
        if entry:
            return entry, word
        for spelling in american_spellings(word):
            entry = self._own_forms.get(spelling)
            if entry:
                return entry, spelling
        return None, word

    def _adjective_entry(self, word: str) -> GlossaryEntry | None:
        """An adverb or noun made from an adjective we explain: "systemically" is "systemic"
        with its gloss named, "systemically (systemic: affecting the whole body)"."""
        for ending, adjective in _ADJECTIVE_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) + len(adjective) >= 4:
                entry, form = self._form_entry(word[: -len(ending)] + adjective)
                if entry and not entry.is_ending and " " not in form:
                    return replace(entry, short=f"{_as_written(entry, form)}: {entry.short}")
        return None

    def _beginning_entry(self, word: str) -> GlossaryEntry | None:
        """A word beginning on a term we explain: "pregestational" is glossed "(pre-: before;
        gestational: about pregnancy)". Only for a word rarely seen in print: one met more
        often has a meaning of its own ("interoperable" is not "between" and "operable")."""
        if zipf_frequency(word, "en") >= _COINED_ZIPF:
            return None
        for n in range(min(self._longest_beginning, len(word) - 5), 1, -1):
            beginning = self._beginnings.get(word[:n])
            if beginning:
                entry = self._with_beginning(word, beginning, word[n:])
                if entry:
                    return entry
        return None

    def _with_beginning(self, word: str, beginning: GlossaryEntry, rest: str, plain_rest: bool = False) -> GlossaryEntry | None:
        """``word``, made of ``beginning`` and ``rest``, where the rest is a word of at least 5
        letters that one of our forms names, not just any word: "reagent" is not re- and "agent".
        The rest must be a hard word too, unless ``plain_rest`` ("immuno-oncology": a hyphen
        shows where the parts meet, and the beginning is the hard part)."""
        if len(rest) < 5 or not (plain_rest or is_hard(rest)):
            return None
        entry, form = self._form_entry(rest)
        if entry is None or " " in form:
            return None
        return GlossaryEntry(
            term=word,
            short=f"{beginning.term}: {beginning.short}; {_as_written(entry, form)}: {entry.short}",
            definition=f"{beginning.definition} {form[0].upper()}{form[1:]}: {entry.definition}",
            category=entry.category,
            source=beginning.source,
        )

    def _misspelling_entry(self, word: str) -> GlossaryEntry | None:
        """A long word never seen in print that is one slip of the keyboard (a letter left out,
        added, changed or two swapped) from one term of ours, and only one: "palcebo" is glossed
        "(placebo: ...)". Not at the last letter ("nephrop" is cut short, not "nephron"), nor
        in a word beginning ("microsomia" is not "macrosomia")."""
        if len(word) < _MISSPELT_LENGTH or zipf_frequency(word, "en") > 0:
            return None
        forms = self._own_forms
        found: dict[str, tuple[GlossaryEntry, str]] = {}
        for form in filter(forms.__contains__, _one_slip_from(word)):
            if len(form) >= _MISSPELT_LENGTH and form != word:
                found.setdefault(forms[form].term, (forms[form], form))
        if len(found) != 1:
            return None
        (entry, form), = found.values()
        if self._beginning_of(word) != self._beginning_of(form):
            return None
        return replace(entry, short=f"{_as_written(entry, form)}: {entry.short}")

    def _beginning_of(self, word: str) -> str:
        for n in range(min(self._longest_beginning, len(word)), 1, -1):
            if word[:n] in self._beginnings:
                return word[:n]
        return ""

    def _compound_entry(self, first: str, second: str) -> GlossaryEntry | None:
        """Two words joined by a hyphen: the one word they make ("peri-operative" is our
        "perioperative"), or a word beginning and a term ("non-squamous")."""
        key = first + "-" + second
        if key in self._derived:
            return self._derived[key]
        found = None
        if first.isalpha() and second.isalpha():
            joined = first + second
            found = self._form_entry(joined)[0] or (self._adjective_entry(joined) if is_hard(joined) else None)
            if found is None and first in self._beginnings:
                found = self._with_beginning(key, self._beginnings[first], second, plain_rest=is_hard(first))
        self._derived[key] = found
        return found


_UNSEEN = object()
_COINED_ZIPF = 2.0
_MISSPELT_LENGTH = 7
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


# An adverb or a noun made from an adjective -> the adjective's ending ("-ically" -> "-ic"):
# longer endings first, so "chronicity" is tried as "chronic" before anything shorter.
_ADJECTIVE_ENDINGS = (
    ("ibility", "ible"), ("ability", "able"),
    ("ically", "ic"), ("ically", "ical"), ("icity", "ic"), ("ality", "al"), ("ivity", "ive"),
    ("osity", "ous"), ("arity", "ar"), ("iness", "y"),
    ("ally", "al"), ("ibly", "ible"), ("ably", "able"), ("ness", ""), ("ily", "y"), ("ly", ""),
)

# British spellings -> American, by regular rules. Each is tried alone and all together; a
# spelling counts only where it is one of our forms, so "aerobic" or "exercise" change nothing.
_AMERICAN = (
    (re.compile(r"(?<=[a-z])ae(?=[a-z])|^ae(?=ti)"), "e"),  # haemoglobin, paediatric, anaemia, aetiology
    (re.compile(r"oe(?=[a-z])"), "e"),  # oedema, oesophagus, diarrhoea, foetal, coeliac
    (re.compile(r"(?<=[a-z])is(?=(?:e|ed|es|ing|er|ers|ation|ations|able)$)"), "iz"),  # randomised
    (re.compile(r"(?<=[a-z])ys(?=(?:e|ed|es|ing|er|ers)$)"), "yz"),  # analysed, dialyse
    (re.compile(r"(?<=[a-z])our(?=(?:s|ed|ing|al|ally|able|ite|ites)?$)"), "or"),  # tumour, behavioural
    (re.compile(r"(?<=[a-z][tbv])re(?=[sd]?$)"), "er"),  # centre, litre, fibre, manoeuvre
    (re.compile(r"(?<=[aeiou])ll(?=(?:ed|ing|er|ers)$)"), "l"),  # labelled, counselling
    (re.compile(r"(?<=[^aeiou][oi])l(?=(?:s|ment|ments)?$)"), "ll"),  # enrol, enrolment, fulfil
    (re.compile(r"(?<=[a-z])ogue(?=s?$)"), "og"),  # analogue
    (re.compile(r"sulph"), "sulf"),  # sulphate, sulphonylurea
    (re.compile(r"leuc(?=[aeiou])"), "leuk"),  # leucocyte, leucopenia
    (re.compile(r"(?<=[a-z])ence(?=s?$)"), "ense"),  # licence
    (re.compile(r"gramme"), "gram"),  # programme
)


def _as_written(entry: GlossaryEntry, form: str) -> str:
    """``form`` (a lookup key) as the entry writes it: "mounjaro" -> "Mounjaro"."""
    for written in (entry.term, *entry.variants):
        if written.lower() == form:
            return written
    return form


def _one_slip_from(word: str) -> list[str]:
    """Every word one slip from ``word``: a letter added, a letter left out, two letters next to
    each other swapped, or a letter changed for a key beside it or, for a vowel, another vowel
    ("adherance"); "cardiotonic" is not a slip for "cardiotoxic". The last letter is neither
    changed nor left out: a word's end is where words differ ("hypoxemiae", "nephrop")."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return [
        *[head + c + tail for head, tail in splits for c in _LETTERS],
        *[head + tail[1:] for head, tail in splits[:-2]],
        *[head + c + tail[1:] for head, tail in splits[:-2] for c in _SLIPS.get(tail[0], "")],
        *[head + tail[1] + tail[0] + tail[2:] for head, tail in splits[:-2]],
    ]


# the keys beside each letter on a QWERTY keyboard, and for a vowel the other vowels
_KEYS_BESIDE = dict(zip(_LETTERS, (
    "qwsz", "vghn", "xvdf", "sfercx", "wrsd", "dgrtcv", "fhtyvb", "gjyubn", "uojk", "hkuinm", "jlio", "kop",
    "njk", "bmhj", "iplk", "ol", "wa", "etdf", "adwezx", "ryfg", "yihj", "cbfg", "qeas", "zcsd", "tugh", "asx",
)))
_SLIPS = {
    letter: "".join(sorted(set(keys) | (set("aeiou") - {letter} if letter in "aeiou" else set())))
    for letter, keys in _KEYS_BESIDE.items()
}


@lru_cache(maxsize=8192)
def american_spellings(word: str) -> tuple[str, ...]:
    """The American spellings a British spelling may have: "haemorrhages" -> "hemorrhages"."""
    spellings = []
    together = word
    for pattern, replacement in _AMERICAN:
        changed = pattern.sub(replacement, word)
        if changed != word:
            spellings.append(changed)
            together = pattern.sub(replacement, together)
    if together != word and together not in spellings:
        spellings.insert(0, together)
    return tuple(spellings)


_SPACE_OR_HYPHEN = re.compile(r"[\s-]{1,3}")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SEPARATOR = re.compile(r"[\s-]+")


def _normal(form: str) -> str:
    """The lookup key of a form: lower case, runs of spaces and hyphens as one space."""
    return _SEPARATOR.sub(" ", form.strip().lower())


def _same_length_lower(text: str) -> str:
    """``text.lower()``, but a character whose lower case is longer ("İ") stays as it is, so
    positions in the lower-case text are positions in ``text``."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _longest_starts(forms) -> dict[str, int]:
    """First word (lower case) -> the most words in any of ``forms`` that starts with it."""
    starts: dict[str, int] = {}
    for form in forms:
        tokens = _WORD.findall(form)
        if tokens:
            first = tokens[0].lower()
            starts[first] = max(starts.get(first, 0), len(tokens))
    return starts


def _followers_of(forms: list[str]) -> dict[str, frozenset[str]]:
    """First word -> the second words of the lookup keys of ``forms`` of two or more words
    (lower case, as the matcher builds keys and ``_prefixes_of`` their leading words)."""
    followers: dict[str, set[str]] = {}
    for form in forms:
        words = _WORD.findall(_normal(form))
        if len(words) > 1:
            followers.setdefault(words[0], set()).add(words[1])
    return {first: frozenset(second) for first, second in followers.items()}


def _may_follow(followers: dict[str, frozenset[str]], word: str, following: str) -> bool:
    """Whether a form, prefix or short form of two or more words may start with ``word`` then
    ``following`` (lower-case words of a text). A short form is matched on the text as written,
    and only ASCII is sure to be lowered the same way in the text and in the form ("İ", a final
    sigma), so any other pair may."""
    return following in followers.get(word, ()) or not (word.isascii() and following.isascii())


def _prefixes_of(forms: list[str]) -> set[str]:
    """The lookup keys of the leading words of each form of two or more words, as the matcher
    builds them: "pd l1" gives "pd"; "microalbumin/creatinine ratio" gives "microalbumin" and
    "microalbumin/creatinine"."""
    prefixes = set()
    for form in forms:
        key = _normal(form)
        ends = [m.end() for m in _WORD.finditer(key)]
        prefixes.update(key[:end] for end in ends[:-1])
    return prefixes


# Web and e-mail addresses, and bare domains: no term is matched inside them.
WEB_ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|\b[\w-]+\.(?:gov|org|com|edu|net)\b\S*", re.IGNORECASE
)
_ADDRESS_HINTS = ("@", "www", "://", ".gov", ".org", ".com", ".edu", ".net")
# Any of the hints: one search passes over a text with none (nearly every text) at once, where
# looking for each hint in turn costs eight calls and the sets below.
_ANY_ADDRESS_HINT = re.compile("|".join(map(re.escape, _ADDRESS_HINTS)))
_SPACE = re.compile(r"\s")


def web_addresses(text: str, lower: str | None = None) -> list[tuple[int, int]]:
    """Spans of ``WEB_ADDRESS`` in ``text``. The pattern is tried only on the run of non-space
    characters around each hint ("@", "www", ".org"...): run over a whole leaflet it tries
    every word, which cost more than finding the terms."""
    lower = lower if lower is not None else _same_length_lower(text)
    if _ANY_ADDRESS_HINT.search(lower) is None:
        return []
    runs = set()
    for hint in _ADDRESS_HINTS:
        at = lower.find(hint)
        while at != -1:
            start = at
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            space = _SPACE.search(text, at)
            runs.add((start, space.start() if space else len(text)))
            at = lower.find(hint, at + len(hint))
    spans = {m.span() for start, end in runs for m in WEB_ADDRESS.finditer(text, start, end)}
    return sorted(spans)


_PREFIXES = frozenset(
    "non anti un in pre post semi sub super multi co re de dis over under self ex pro counter intra inter "
    "extra trans hyper hypo pseudo neo mid".split()
)


def _glued_before(text: str, start: int) -> bool:
    """Part of something longer: "x.ALT", "@ALT", "803-ALT", "T-ALT". "CKD-EPI" or
    "microalbumin/creatinine" are two words and may each be a term."""
    if start < 2 or not text[start - 2].isalnum():
        return False
    mark = text[start - 1]
    if mark in ".@'’":
        return True
    if mark != "-":
        return False
    # "non-squamous" is not "squamous": a prefix joined by a hyphen changes the word
    before = re.search(r"([A-Za-z]+)-$", text[max(0, start - 12) : start])
    return _code_like(text, start - 2, -1) or bool(before and before.group(1).lower() in _PREFIXES)


def _glued_after(text: str, end: int) -> bool:
    if end + 1 >= len(text) or not text[end + 1].isalnum():
        return False
    mark = text[end]
    if mark in ".@'’":
        return True
    return mark == "-" and _code_like(text, end + 1, 1)


def _code_like(text: str, index: int, step: int) -> bool:
    """The word beside a hyphen is a code ("803", "1b") or a single letter ("T-cell")."""
    word = []
    while 0 <= index < len(text) and text[index].isalnum():
        word.append(text[index])
        index += step
    return len(word) == 1 or any(c.isdigit() for c in word)


# --- abbreviations a record defines itself ------------------------------------------------
# "Interstitial Lung Disease (ILD)" and "ILD (interstitial lung disease)": the long form must
# account for the letters of the short form in order, the first letter starting a word
# (after Schwartz and Hearst, 2003), so "(see below)" or "(n=20)" are not taken for definitions.
# "(ILD)", "[eCrCl]", "(%EWL)"
_SHORT_IN_BRACKETS = re.compile(r"[(\[]%?([A-Za-z][A-Za-z0-9\-]{1,11})%?[)\]]")
_ROMAN = re.compile(r"[IVXLC]+")
# Both patterns below start with the capital itself and look behind it afterwards ("at the
# text's start or after white space or '('", "after no word character"): a pattern that starts
# with a letter class lets the regex engine skip to the next capital, where one that starts with
# a look-behind is tried at every character (a leaflet's 20,000 characters: twice as slow).
# "ETP - Extension treatment period", "DBTP: Double blind treatment period"
_SHORT_DASH_LONG = re.compile(r"([A-Z](?<![^\s(][A-Z])[A-Za-z0-9]{1,11})\s*(?:[-–—=]|:)\s+([A-Za-z][A-Za-z'’ -]{2,80})")
_SHORT_THEN_LONG = re.compile(r"([A-Z](?<!\w[A-Z])[A-Za-z0-9\-]{1,11})\s+\(([^()]{3,80})\)")


def _is_short_form(word: str) -> bool:
    return sum(c.isupper() for c in word) >= 2 and any(c.isalpha() for c in word) and len(word) <= 12


def long_form_for(short: str, words: list[str]) -> str | None:
    """The shortest run of trailing ``words`` whose letters spell ``short``."""
    letters = [c.lower() for c in short if c.isalnum()]
    if not letters or not letters[0].isalpha() or len(words) == 0:
        return None
    text = " ".join(words)
    s_index = len(letters) - 1
    l_index = len(text) - 1
    while s_index >= 0:
        char = letters[s_index]
        while l_index >= 0 and (
            text[l_index].lower() != char or (s_index == 0 and l_index > 0 and text[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = text.rfind(" ", 0, l_index + 1) + 1
    long_form = text[start:].strip(" ,;:")
    if len(long_form.split()) > len(letters) + 4 or len(long_form) <= len(short):
        return None
    return long_form


def defined_abbreviations(texts: list[str], glossary: Glossary) -> dict[str, GlossaryEntry]:
    """Short forms the record spells out, mapped to our entry for the long form when we have
    one, else to a new entry that says what the short form stands for."""
    entries = {}
    for short, long_form in spelled_out(texts).items():
        if glossary.explains(long_form):
            entries[short] = glossary.find(long_form)[0][2]
        else:
            entries[short] = GlossaryEntry(
                term=long_form,
                short=long_form,
                definition=f"Short for {long_form}.",
                category="abbreviations",
                abbreviations=(short,),
                source="the study record",
            )
    return entries


def spelled_out(texts: list[str]) -> dict[str, str]:
    """Short forms ``texts`` spell out, with the long form of each: the short forms of
    ``defined_abbreviations``, for a caller that needs no entries (the glossary is not searched)."""
    found: dict[str, str] = {}
    for text in texts:
        if not text:
            continue
        for match in _SHORT_IN_BRACKETS.finditer(text):
            short = match.group(1)
            if short in found or not _is_short_form(short):
                continue
            before = re.split(r"[.;:()\[\]\n]", text[max(0, match.start() - 160) : match.start()])[-1]
            long_form = long_form_for(short, before.split())
            if long_form:
                found[short] = long_form
        for match in _SHORT_THEN_LONG.finditer(text):
            short, inside = match.groups()
            if short in found or not _is_short_form(short):
                continue
            long_form = long_form_for(short, inside.split())
            if long_form and long_form == inside.strip():
                found[short] = long_form
        for match in _SHORT_DASH_LONG.finditer(text):
            short, after = match.groups()
            if short in found or not _is_short_form(short):
                continue
            # without brackets the words must be a strict initialism: their first letters are the
            # short form ("ETP - Extension treatment period"), so "ADP - and CP-induced" is not
            letters = short.lower()
            words = after.split()
            initials = "".join(w[0].lower() for w in words[: len(letters)])
            if len(words) >= len(letters) and initials == letters and not _ROMAN.fullmatch(short):
                found[short] = " ".join(words[: len(letters)])
    return found


# --- one record's glossary, with what the shared glossary found remembered ------------------

# texts whose finds are remembered, per glossary: a batch of leaflets repeats many of them
TEXT_MEMORY = 4096


class RecordGlossary:
    """A glossary plus one record's own terms (``Glossary.with_record_terms``), whose ``find``
    remembers, for every record, the results of texts none of the record's terms can match.

    ``Glossary.find`` tries a term at a word only when the word is the first word of one of its
    forms, so a record's own terms change nothing in a text where the first run of letters and
    digits of none of them stands as a run of its own (looked for ignoring case: a looser test
    than the finder's). Those texts are found with the record's terms, and remembered for this
    record only."""

    def __init__(self, glossary, record_terms: dict | None = None):
        self.base = glossary
        self.record_terms = record_terms or {}
        self._extended = None if self.record_terms else glossary
        starts = {m.group() for key in self.record_terms for m in [_FIRST_RUN.search(key)] if m}
        self._record_words = _record_words_pattern(tuple(sorted(starts))) if starts else None
        self._find = _shared_finder(glossary)
        self._own: dict[str, list] = {}

    @property
    def glossary(self):
        """The glossary with the record's terms (made when first needed)."""
        if self._extended is None:
            self._extended = _with_record_terms(self.base, self.record_terms)
        return self._extended

    def find(self, text: str) -> list:
        if self.shares_base(text):
            return self._find(text)
        found = self._own.get(text)
        if found is None:
            found = self._own[text] = self.glossary.find(text)
        return found

    def shares_base(self, text: str) -> bool:
        """Whether the base glossary's findings in ``text`` are this record's: none of the
        record's terms may match, and lower case keeps every position."""
        return (self._record_words is None or self._record_words.search(text) is None) and len(text.lower()) == len(text)


_FIRST_RUN = re.compile(r"[^\W_]+")


@lru_cache(maxsize=8)
def _record_words_pattern(starts: tuple[str, ...]) -> re.Pattern:
    """A pattern for any of ``starts`` standing as a run of its own. Remembered for a few records:
    the renderer and the checker of one leaflet make it for the same words, and re's own memory
    had lost it in between (a leaflet uses many patterns); it is slow to compile."""
    return re.compile(r"(?<![^\W_])(?:%s)(?![^\W_])" % "|".join(map(re.escape, starts)), re.I)


# The last glossary made with a record's terms, with what it was made from: the renderer's and
# the checker's RecordGlossary of one leaflet both need it, and making it copies the glossary's
# large indexes. One only, so memory does not grow over a batch.
_LAST_EXTENDED: list[tuple] = []


def _with_record_terms(glossary, record_terms: dict):
    """``glossary.with_record_terms(record_terms)``, shared with the last caller that asked for
    the same terms of the same glossary."""
    # the same entry objects, not equal ones: the renderer tells a record's own entry by identity
    terms = tuple((key, id(entry)) for key, entry in record_terms.items())
    if _LAST_EXTENDED and _LAST_EXTENDED[0][0] is glossary and _LAST_EXTENDED[0][1] == terms:
        return _LAST_EXTENDED[0][2]
    extended = glossary.with_record_terms(record_terms)
    # the entries are kept with it, so their ids are not reused while it is remembered
    _LAST_EXTENDED[:] = [(glossary, terms, extended, list(record_terms.values()))]
    return extended


def per_glossary_memory(memories: weakref.WeakKeyDictionary, glossary, work):
    """``work(glossary, text)`` as a function of ``text`` with its last few thousand results
    remembered, one memory per glossary in ``memories`` (it goes with the glossary)."""
    try:
        return memories[glossary]
    except KeyError:
        ref = weakref.ref(glossary)

        @lru_cache(maxsize=TEXT_MEMORY)
        def remembered(text: str):
            return work(ref(), text)

        memories[glossary] = remembered
        return remembered


_FINDERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _shared_finder(glossary):
    """``glossary.find``, remembered per glossary."""
    return per_glossary_memory(_FINDERS, glossary, lambda base, text: base.find(text))

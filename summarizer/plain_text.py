"""Small, pure rewrites of record text into plain words that keep every fact.

Symbols become words ("≥ 18" -> "18 or more"), ranges and per-kilogram doses are said in
words, registry dates and ages are said the way people say them. Nothing here drops a number.
"""

from __future__ import annotations

import re
from pathlib import Path
from functools import lru_cache

import yaml

from summarizer.phrases import PhraseError
from summarizer.resources import shipped_folder

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
NUMBER_WORDS = {  # number words as digits (the fact check counts "two" as "2")
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
}
NEGATIONS = re.compile(
    r"\b(?:no|not|non|without|never|neither|nor|unable|unwilling|inability|cannot|absence|lack|exclude[ds]?|free of)\b|n't\b",
    re.I,
)
_MD_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def unescape_markdown(text: str) -> str:
    """Remove CommonMark backslash escapes (the API writes ``\\<`` for ``<``)."""
    return _MD_ESCAPE.sub(r"\1", text)


_NUMBER = re.compile(r"\d+(?:\.\d+)?|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_NUMBER_WORD_BEFORE_TIME = re.compile(
    r"\b(" + "|".join(NUMBER_WORDS) + r")(?=\s+(?:days?|weeks?|months?|years?|hours?|times)\b)", re.I)


def numbers_in(text: str) -> list[str]:
    """The numbers in a text, number words as digits, for checking that rewrites keep them."""
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return [NUMBER_WORDS.get(w.lower(), w) for w in _NUMBER.findall(text)]


_TIME_UNIT = r"(?=\s*[\d.]+\s*(?:hours?|days?|weeks?|months?|years?|times|cycles?|doses?)\b)"
# Each pattern with the marks one of which it needs to match: a text without them is not
# searched (a lookbehind or a leading space at the start lets no pattern skip ahead on its own).
_SYMBOLS = [
    (re.compile(r"(?<![<>=-])\s*<\s*" + _TIME_UNIT), " less than ", ("<",)),
    (re.compile(r"(?<![<>=-])\s*>\s*" + _TIME_UNIT), " more than ", (">",)),
    (re.compile(r"\s*(?:≥|>=|=>)\s*"), " at least ", ("≥", ">=", "=>")),
    (re.compile(r"\s*(?:≤|<=|=<)\s*"), " at most ", ("≤", "<=", "=<")),
    (re.compile(r"(?<![<>=-])\s*<\s*(?=[\d.])"), " below ", ("<",)),
    (re.compile(r"(?<![<>=-])\s*>\s*(?=[\d.])"), " above ", (">",)),
    (re.compile(r"(?<=\d)\s*[x×]\s*(?:the\s+)?(?:institutional\s+)?(?:ULN|upper limit of normal)\b", re.I),
     " times the upper limit of normal", ("x", "X", "×")),
    (re.compile(r"(?<=\d)\s*[x×]\s*(?:the\s+)?(?:LLN|lower limit of normal)\b", re.I), " times the lower limit of normal",
     ("x", "X", "×")),
    (re.compile(r"(?<=\d)\s?(?:-|–|—|to)\s?(?=\d)"), " to ", ("-", "–", "—", "to")),
    (re.compile(r"\s*±\s*"), " plus or minus ", ("±",)),
]


# What every pattern of _SYMBOLS needs: a comparison sign or "±", or a digit (ranges, "x ULN").
_SYMBOL_OR_DIGIT = re.compile(r"[\d<>=≥≤±]")
_SPACE_IN_BRACKET = re.compile(r"([(\[]) ")
_SPACES = re.compile(r"[ ]{2,}")


def plain_symbols(text: str) -> str:
    """Say comparison symbols, ranges and "x ULN" in words; numbers themselves are untouched."""
    if _SYMBOL_OR_DIGIT.search(text):  # most text has none: ten patterns not tried
        for pattern, words, marks in _SYMBOLS:
            if any(mark in text for mark in marks):
                text = pattern.sub(words, text)
    text = _NUMBER_WORD_BEFORE_TIME.sub(lambda m: NUMBER_WORDS[m.group(1).lower()], text)
    text = _SPACE_IN_BRACKET.sub(r"\1", text)  # "( below 90%" -> "(below 90%"
    return _SPACES.sub(" ", text).strip()


_PER_KG = re.compile(r"\s*/\s*kg\b(?:\s+(?:of\s+)?body\s*weight)?", re.I)
_INTRAVENOUSLY = re.compile(r"\b(?:intravenously|by IV|IV infusion|i\.v\.)(?=[\s.,;]|$)", re.I)


def plain_dose(text: str, words: EverydayWords | None = None) -> str:
    """Doses in words: "0.5-1 million MSC/Kg intravenously" ->
    "0.5 to 1 million MSC for each kilogram of body weight, given into a vein"."""
    text = everyday_words(plain_symbols(text), words)
    text = _PER_KG.sub(" for each kilogram of body weight", text)
    return _INTRAVENOUSLY.sub(", given into a vein", text).replace(" ,", ",").replace(",,", ",")


def plain_date(value: str | None) -> str | None:
    """"2019-11-05" -> "November 5, 2019"; "2019-11" -> "November 2019"; "2019" stays."""
    if not value:
        return None
    parts = value.split("-")
    try:
        if len(parts) == 3:
            return f"{_MONTHS[int(parts[1]) - 1]} {int(parts[2])}, {parts[0]}"
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return value
    return value


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)


def plain_age(value: str | None) -> tuple[str, str] | None:
    """"18 Years" -> ("18", "years"); "6 Months" -> ("6", "months"); "1 Year" -> ("1", "year")."""
    if not value:
        return None
    match = _AGE.match(value)
    if not match:
        return (value, "")
    number, unit = match.groups()
    unit = unit.lower()
    return number, unit if number == "1" else unit + "s"


def age_range(minimum: str | None, maximum: str | None) -> str | None:
    """Ages in words: "18 to 80 years old", "18 years or older", "up to 17 years old"."""
    low, high = plain_age(minimum), plain_age(maximum)
    if low and high:
        if low[1] == high[1]:
            return f"{low[0]} to {high[0]} {high[1]} old".replace("  ", " ")
        return f"{low[0]} {low[1]} to {high[0]} {high[1]} old"
    if low:
        return f"{low[0]} {low[1]} or older"
    if high:
        return f"up to {high[0]} {high[1]} old"
    return None


_SAID_TWICE = re.compile(r"\b([A-Za-z][\w-]*(?: [\w-]+){0,3}) \((\1)\)", re.I)


class EverydayWords:
    """Formal words and the everyday words we say instead (``templates/plain-words.yaml``).
    A user's templates folder may hold its own ``plain-words.yaml``: its pairs are added to the
    shipped ones, and a formal word it lists replaces the shipped pair (map a word to itself to
    keep it as written)."""

    def __init__(self, pairs: dict[str, str]):
        ordered = sorted(pairs.items(), key=lambda item: -len(item[0]))  # longest phrase first
        # not part of a hyphened word ("non-participants") or a plural possessive ("participants'")
        # a phrase mapped to itself stays as written, and guards its words from shorter pairs
        # ("modification of diet in renal disease" is a name: not "change ... kidney disease")
        self._plain = {formal.lower(): plain for formal, plain in ordered}
        # one pattern for all: at each place the longest formal phrase wins, as it comes first
        self._pattern = _phrase_pattern(self._plain) if self._plain else None
        self._by_first_word = _patterns_by_first_word(self._plain)
        self._kept: dict[int, tuple[object, EverydayWords]] = {}

    def keeping(self, glossary) -> EverydayWords:
        """This table, with the glossary's own multi-word terms kept as written when a swap would
        leave half a term: "hematologic malignancy" is explained whole by its entry, not made
        "hematologic cancer" (a hard word left with nothing to explain it). A swap that gives
        another term ("type 2 diabetes") or plain words ("weight-loss surgery") still happens."""
        kept = self._kept.get(id(glossary))
        if kept is None or kept[0] is not glossary:
            from summarizer.glossary import is_hard  # glossary is the later stage

            names = {form.lower() for entry in glossary.entries if not entry.is_ending
                     for form in (entry.term, *entry.variants) if " " in form}

            def half_swapped(name: str) -> bool:
                if name in self._plain or not self._has_a_pair(name):
                    return False
                swapped = self(name)
                if any(start == 0 and end == len(swapped) for start, end, _ in glossary.find(swapped)):
                    return False
                return any(is_hard(word) for word in re.findall(r"[a-z]+", swapped.lower()))

            guards = {name: name for name in names if half_swapped(name)}
            kept = (glossary, EverydayWords({**guards, **self._plain}) if guards else self)
            self._kept[id(glossary)] = kept  # holding the glossary keeps its id from being reused
        return kept[1]

    def _has_a_pair(self, name: str) -> bool:
        """A formal phrase of this table among the words of ``name`` (quicker than the pattern)."""
        words = name.split()
        return any(" ".join(words[i:j]) in self._plain for i in range(len(words)) for j in range(i + 1, len(words) + 1))

    @classmethod
    def load(cls, user_templates: Path | None = None) -> EverydayWords:
        # the shipped table is read once; a user's folder is read again each time (--watch)
        return _shipped_everyday_words() if user_templates is None else _read_everyday_words(user_templates)

    def __call__(self, text: str) -> str:
        """``text`` with formal words said the everyday way; a capital stays a capital."""
        if not self._pattern:
            return text
        if self._by_first_word is not None and text.isascii():
            plain = self._swap_at_first_words(text)
        else:
            plain = self._pattern.sub(self._replace, text)
        # "breastfeeding (lactating)" must not become "breastfeeding (breastfeeding)"
        return _SAID_TWICE.sub(r"\1", plain) if plain != text else plain

    def _swap_at_first_words(self, text: str) -> str:
        """``self._pattern.sub(self._replace, text)`` for ASCII text, tried only at the words that
        start a formal phrase, with the phrases that start with that word. The one pattern tries
        every phrase at every word, and most texts hold no formal phrase at all."""
        pieces = []
        done = 0  # the text before this is swapped
        for word in _WORD_RUN.finditer(text):
            if word.start() < done:
                continue
            pattern = self._by_first_word.get(word.group().lower())
            match = pattern.match(text, word.start()) if pattern else None
            if match:
                pieces += [text[done : match.start()], self._replace(match)]
                done = match.end()
        return "".join(pieces) + text[done:] if pieces else text

    def _replace(self, match: re.Match) -> str:
        formal = match.group()
        if formal[-1] in "sS" and match.string[match.end() : match.end() + 1] in ("'", "’"):
            return formal  # a plural possessive: "participants' diaries"
        plain = self._plain[re.sub(r"\s+", " ", formal.lower())]
        if plain.lower() == formal.lower():
            return formal
        if formal.isupper() and len(formal) > 1:
            return plain.upper()  # "HYPERTENSION" in a line written in capitals
        if " " in formal and all(word[0].isupper() for word in formal.split() if word[0].isalpha()):
            return " ".join(word[0].upper() + word[1:] for word in plain.split(" "))  # a title: "Lab Test"
        return plain[0].upper() + plain[1:] if formal[0].isupper() else plain


def _phrase_pattern(phrases) -> re.Pattern:
    """Any of the lower-case formal ``phrases``, in any case, as whole words: at one place the
    first in order wins (``EverydayWords`` orders them longest first)."""
    alternatives = "|".join(re.escape(formal) for formal in phrases)
    return re.compile(r"(?<!-)\b(?:" + alternatives + r")\b(?!-)", re.I)


_WORD_RUN = re.compile(r"\w+")


def _patterns_by_first_word(phrases) -> dict[str, re.Pattern] | None:
    """``_phrase_pattern`` of the phrases that start with each first word, in their order.

    In ASCII text a match of the whole pattern starts at a word that is a phrase's first word
    (in any case): it starts at a word boundary, and the phrase's first word ends where that
    word of the text ends (at a mark of the phrase, or the closing word boundary). So there only
    the phrases starting with that word can match, and the first of them to match is the one the
    whole pattern takes. None if a phrase does not start with an ASCII word (in any case some
    letters match others, the Kelvin sign a "k"): the test would not be exact."""
    grouped: dict[str, list[str]] = {}
    for phrase in phrases:
        first = _WORD_RUN.match(phrase)
        if first is None or not first.group().isascii():
            return None
        grouped.setdefault(first.group(), []).append(phrase)
    return {word: _phrase_pattern(group) for word, group in grouped.items()}


@lru_cache(maxsize=1)
def _shipped_everyday_words() -> EverydayWords:
    return _read_everyday_words(None)


def _read_everyday_words(user_templates: Path | None) -> EverydayWords:
    pairs: dict[str, str] = {}
    for folder in [shipped_folder("templates")] + ([Path(user_templates)] if user_templates else []):
        path = folder / "plain-words.yaml"
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise PhraseError(f"{path}: cannot read ({error.__class__.__name__})") from None
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in data.items()):
            raise PhraseError(f"{path}: expected lines 'formal words: everyday words'")
        pairs.update({k.lower(): v for k, v in data.items()})
    return EverydayWords(pairs)


def everyday_words(text: str, words: EverydayWords | None = None) -> str:
    """Formal words said the everyday way, with ``words`` (a user's table) or the shipped table."""
    return (words or EverydayWords.load())(text)

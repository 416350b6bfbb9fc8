"""Small, pure rewrites of record text into plain words that keep every fact.

Symbols become words ("≥ 18" -> "18 or more"), ranges and per-kilogram doses are said in
words, registry dates and ages are said the way people say them. Nothing here drops a number.
"""

from __future__ import annotations

import re
from functools import lru_cache

import yaml

from summarizer.resources import shipped_folder

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_NUMBER_WORDS = {
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


def numbers_in(text: str) -> list[str]:
    """The numbers in a text, number words as digits, for checking that rewrites keep them."""
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    words = re.findall(r"\d+(?:\.\d+)?|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", text, re.I)
    return [_NUMBER_WORDS.get(w.lower(), w) for w in words]


_TIME_UNIT = r"(?=\s*[\d.]+\s*(?:hours?|days?|weeks?|months?|years?|times|cycles?|doses?)\b)"
_SYMBOLS = [
    (re.compile(r"(?<![<>=-])\s*<\s*" + _TIME_UNIT), " less than "),
    (re.compile(r"(?<![<>=-])\s*>\s*" + _TIME_UNIT), " more than "),
    (re.compile(r"\s*(?:≥|>=|=>)\s*"), " at least "),
    (re.compile(r"\s*(?:≤|<=|=<)\s*"), " at most "),
    (re.compile(r"(?<![<>=-])\s*<\s*(?=[\d.])"), " below "),
    (re.compile(r"(?<![<>=-])\s*>\s*(?=[\d.])"), " above "),
    (re.compile(r"(?<=\d)\s*[x×]\s*(?:the\s+)?(?:institutional\s+)?(?:ULN|upper limit of normal)\b", re.I),
     " times the upper limit of normal"),
    (re.compile(r"(?<=\d)\s*[x×]\s*(?:the\s+)?(?:LLN|lower limit of normal)\b", re.I), " times the lower limit of normal"),
    (re.compile(r"(?<=\d)\s?(?:-|–|—|to)\s?(?=\d)"), " to "),
    (re.compile(r"\s*±\s*"), " plus or minus "),
]


def plain_symbols(text: str) -> str:
    """Say comparison symbols, ranges and "x ULN" in words; numbers themselves are untouched."""
    for pattern, words in _SYMBOLS:
        text = pattern.sub(words, text)
    text = re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")(?=\s+(?:days?|weeks?|months?|years?|hours?|times)\b)",
                  lambda m: _NUMBER_WORDS[m.group(1).lower()], text, flags=re.I)
    text = re.sub(r"([(\[]) ", r"\1", text)  # "( below 90%" -> "(below 90%"
    return re.sub(r"[ ]{2,}", " ", text).strip()


_PER_KG = re.compile(r"\s*/\s*kg\b(?:\s+(?:of\s+)?body\s*weight)?", re.I)
_INTRAVENOUSLY = re.compile(r"\b(?:intravenously|by IV|IV infusion|i\.v\.)(?=[\s.,;]|$)", re.I)


def plain_dose(text: str) -> str:
    """Doses in words: "0.5-1 million MSC/Kg intravenously" ->
    "0.5 to 1 million MSC for each kilogram of body weight, given into a vein"."""
    text = everyday_words(plain_symbols(text))
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


@lru_cache(maxsize=1)
def _everyday_words() -> list[tuple[re.Pattern, str]]:
    path = shipped_folder("templates") / "plain-words.yaml"
    pairs = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    ordered = sorted((pairs or {}).items(), key=lambda item: -len(item[0]))  # longest phrase first
    # not part of a hyphened word ("non-participants") or a plural possessive ("participants'")
    return [
        (re.compile(r"(?<!-)\b" + re.escape(formal) + r"\b(?!-)" + (r"(?!['’])" if formal.endswith("s") else ""), re.I), plain)
        for formal, plain in ordered
    ]


def everyday_words(text: str) -> str:
    """Formal words said the everyday way (templates/plain-words.yaml); a capital stays a capital."""
    for pattern, plain in _everyday_words():
        text = pattern.sub(lambda m: plain[0].upper() + plain[1:] if m.group()[0].isupper() else plain, text)
    return text

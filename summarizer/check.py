"""Check: the reading level of what we publish, measured on the rendered HTML.

Text is prepared before textstat sees it, because textstat counts sentences by splitting on
``.!?``: every list item, heading, table cell and paragraph ends a sentence; "e.g.", "Dr.",
decimals and web addresses do not; collapsed ``<details>`` text (the record's original
wording) is not read through, so it is not counted. The figures are textstat's own, on that
prepared text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser

import textstat
from textstat.backend.selections._list_words import list_words
from textstat.backend.utils._get_lang_easy_words import get_lang_easy_words

LONG_SENTENCE_WORDS = 20  # UK Health Research Authority guidance for participant information

_BLOCKS = {
    "p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption", "summary",
    "div", "section", "article", "header", "footer", "blockquote", "pre", "br", "ul", "ol", "dl", "tr",
    "table", "main", "details", "figcaption",
}
_SKIPPED = {"style", "script", "template", "noscript", "head", "title"}
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|St|No|approx|Fig|al|U\.S|a\.m|p\.m)\.", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class ReadingLevel:
    """textstat's figures for one prepared text."""

    flesch_kincaid_grade: float
    smog_index: float
    flesch_reading_ease: float
    words: int
    sentences: int
    words_per_sentence: float
    long_sentences: tuple[str, ...] = ()
    dale_chall: float = 0.0
    complex_word_share: float = 0.0  # words of 3 or more syllables

    def as_dict(self) -> dict:
        data = asdict(self)
        data["long_sentences"] = list(self.long_sentences)
        return data


@dataclass
class Section:
    id: str
    heading: str
    blocks: list[str] = field(default_factory=list)


class _TextExtractor(HTMLParser):
    """Collects the text a reader reads through, block by block, per ``<section id>``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = [Section("top", "Title")]
        self._current: list[str] = []
        self._skip_depth = 0
        self._details_depth = 0
        self._in_summary = False
        self._heading = False
        self._stack: list[tuple[str, bool]] = []

    def _flush(self):
        text = re.sub(r"\s+", " ", "".join(self._current)).strip()
        if text:
            self.sections[-1].blocks.append(text)
            if self._heading and not self.sections[-1].heading:
                self.sections[-1].heading = text
        self._current = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        skipped = tag in _SKIPPED or "smz-print-only" in classes or "smz-running-footer" in classes or attrs.get("hidden") is not None
        if tag in _BLOCKS:
            self._flush()
        if tag in ("br", "wbr", "img", "hr", "meta", "link", "input"):
            return
        self._stack.append((tag, skipped))
        if skipped:
            self._skip_depth += 1
        if tag == "details":
            self._details_depth += 1
        if tag == "summary":
            self._in_summary = True
        if tag == "section" and attrs.get("id") and not self._skip_depth:
            self.sections.append(Section(attrs["id"], ""))
        self._heading = tag in ("h1", "h2", "h3", "h4", "h5", "h6")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self._flush()
        # pop to the matching tag, tolerating unclosed elements (p, li) in hand-written HTML
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                for open_tag, skipped in self._stack[i:]:
                    if skipped:
                        self._skip_depth -= 1
                    if open_tag == "details":
                        self._details_depth -= 1
                    if open_tag == "summary":
                        self._in_summary = False
                del self._stack[i:]
                break
        self._heading = False

    def handle_data(self, data):
        if self._skip_depth:
            return
        if self._details_depth and not self._in_summary:
            return  # folded text is not read through
        self._current.append(data)

    def close(self):
        super().close()
        self._flush()


def extract_sections(html: str) -> list[Section]:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return [s for s in parser.sections if s.blocks]


def split_sentences(block: str) -> list[str]:
    """Sentences of one block of text; abbreviations and decimals do not end a sentence."""
    protected = _ABBREVIATIONS.sub(lambda m: m.group().replace(".", "\u2024"), block)
    parts = _SENTENCE_END.split(protected)
    return [p.replace("\u2024", ".").strip() for p in parts if p.strip()]


def prepare_text(blocks: list[str]) -> list[str]:
    """One sentence per item, each ending in a single full stop, with no other ``.!?`` inside,
    so textstat counts exactly these sentences."""
    sentences = []
    for block in blocks:
        for sentence in split_sentences(block):
            body = sentence.rstrip(".!?:;, ")
            body = re.sub(r"[.!?]", "\u00b7", body)  # decimals, URLs, "e.g." inside a sentence
            if re.search(r"[A-Za-z0-9]", body):
                sentences.append(body + ".")
    return sentences


@lru_cache(maxsize=200_000)
def word_syllables(word: str) -> int:
    """textstat's syllable count for one word, remembered: textstat itself caches only 128 texts,
    so counting sentence by sentence would count the same words again and again."""
    return textstat.syllable_count(word)


def sentence_grade(sentence: str) -> float:
    """Flesch-Kincaid grade of one sentence: textstat's formula and counts (a test checks they are
    equal), with syllables counted once per word."""
    words = textstat.lexicon_count(sentence)
    sentences = textstat.sentence_count(sentence)
    syllables = sum(word_syllables(w) for w in list_words(sentence, lowercase=True))
    if not words or not sentences or not syllables:
        return 0.0
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def complex_words(text: str) -> int:
    """Words of 3 or more syllables, as textstat.polysyllabcount counts them."""
    return sum(1 for w in list_words(text) if word_syllables(w) >= 3)


def smog(text: str) -> float:
    """SMOG index as textstat.smog_index computes it (a test checks they are equal)."""
    sentences = textstat.sentence_count(text)
    if not sentences:
        return 0.0
    return (1.043 * (30 * (complex_words(text) / sentences)) ** 0.5) + 3.1291


def dale_chall(text: str) -> float:
    """Dale-Chall score as textstat.dale_chall_readability_score computes it (a test checks they
    are equal): a difficult word is one not on the Dale-Chall list of easy words."""
    words = textstat.lexicon_count(text)
    if not words:
        return 0.0
    easy = get_lang_easy_words("en_US")
    hard = sum(1 for w in list_words(text) if len(w.split()) == 1 and w.lower() not in easy)
    share = 100 * hard / words
    score = 0.1579 * share + 0.0496 * (words / textstat.sentence_count(text))
    return score + 3.6365 if share > 5 else score


def reading_level(sentences: list[str]) -> ReadingLevel:
    text = "\n".join(sentences)
    words = textstat.lexicon_count(text)
    counted = textstat.sentence_count(text) if text else 0
    long = tuple(s.replace("\u00b7", ".") for s in sentences if textstat.lexicon_count(s) > LONG_SENTENCE_WORDS)
    if not words:
        return ReadingLevel(0.0, 0.0, 0.0, 0, 0, 0.0, ())
    return ReadingLevel(
        dale_chall=round(dale_chall(text), 1),
        complex_word_share=round(complex_words(text) / words, 3),
        flesch_kincaid_grade=round(textstat.flesch_kincaid_grade(text), 1),
        smog_index=round(smog(text), 1),
        flesch_reading_ease=round(textstat.flesch_reading_ease(text), 1),
        words=words,
        sentences=counted,
        words_per_sentence=round(words / max(counted, 1), 1),
        long_sentences=long,
    )


_PASSIVE = re.compile(
    r"\b(?:am|is|are|was|were|be|been|being|get|gets|got)\s+(?:\w+ly\s+)?"
    r"(?P<participle>\w+ed|given|taken|done|seen|made|known|shown|written|chosen|found|held|told|kept|paid|put|"
    r"sent|brought|drawn|driven|eaten|grown|hidden|led|left|lost|meant|met|read|run|said|sold|spent|thought|"
    r"understood|worn|begun|broken|frozen|spoken|stolen|withdrawn|undergone)\b",
    re.I,
)
_NOT_PARTICIPLE = {"need", "seed", "bed", "red", "shed", "feed", "speed", "hundred", "interested", "tired", "bored",
                   "married", "worried", "scared", "used", "based", "concerned", "related", "allowed", "supposed"}
_SYMBOL = re.compile(r"[<>≤≥=±×]|\b[\d.]+\s*[x×]\s*(?:ULN|LLN)\b|(?<=\d)\s*[x×]\s*10\^?\d")
_SHORT_FORM = re.compile(r"\b[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9-]*\b")


@dataclass(frozen=True)
class SentenceFinding:
    """One sentence and what makes it hard to read."""

    text: str
    words: int
    grade: float
    long: bool
    passive: tuple[str, ...] = ()
    unexplained: tuple[str, ...] = ()  # hard words no glossary entry explains
    abbreviations: tuple[str, ...] = ()  # short forms not spelled out
    symbols: tuple[str, ...] = ()  # numbers written with symbols

    @property
    def flagged(self) -> bool:
        return self.long or bool(self.passive or self.unexplained or self.abbreviations or self.symbols)

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def find_passive(sentence: str) -> list[str]:
    return [m.group() for m in _PASSIVE.finditer(sentence) if m.group("participle").lower() not in _NOT_PARTICIPLE]


def analyse_sentence(sentence: str, glossary=None, defined: set[str] = frozenset()) -> SentenceFinding:
    from summarizer.coverage import hard_words  # wordfreq loads lazily: only for sentence detail
    from summarizer.glossary import WEB_ADDRESS

    words = textstat.lexicon_count(sentence)
    covered = [(a, b) for a, b, _ in glossary.find(sentence)] if glossary is not None else []
    covered += [m.span() for m in WEB_ADDRESS.finditer(sentence)]
    covered += [m.span() for m in re.finditer(r"\bNCT\d{8}\b", sentence)]

    def explained(match: re.Match) -> bool:
        return any(a <= match.start() and match.end() <= b for a, b in covered)

    # capitals are abbreviations: they are reported as such below
    unexplained = [w for w, ok in hard_words(sentence, glossary) if not ok and not w.isupper()] if glossary is not None else []
    short_forms = [m.group() for m in _SHORT_FORM.finditer(sentence)
                   if sum(c.isupper() for c in m.group()) >= 2 and not explained(m) and m.group() not in defined]
    return SentenceFinding(
        text=sentence,
        words=words,
        grade=round(sentence_grade(sentence), 1) if words else 0.0,
        long=words > LONG_SENTENCE_WORDS,
        passive=tuple(find_passive(sentence)),
        unexplained=tuple(dict.fromkeys(unexplained)),
        abbreviations=tuple(dict.fromkeys(short_forms)),
        symbols=tuple(m.group() for m in _SYMBOL.finditer(sentence)),
    )


# Sections a reader reads through; "Words to know" is a reference list, measured on its own.
REFERENCE_SECTIONS = {"words-to-know"}


@dataclass
class ReadingReport:
    read_through: ReadingLevel
    sections: dict[str, ReadingLevel]
    headings: dict[str, str]
    findings: dict[str, list[SentenceFinding]] = field(default_factory=dict)  # per section, when asked for

    def as_dict(self) -> dict:
        data = {
            "read_through": self.read_through.as_dict(),
            "sections": {
                key: {"heading": self.headings.get(key, ""), **level.as_dict()} for key, level in self.sections.items()
            },
        }
        if self.findings:
            data["sentences"] = {key: [f.as_dict() for f in found if f.flagged] for key, found in self.findings.items()}
        return data

    def over(self, max_grade: float) -> list[str]:
        """Names of the measured parts whose grade is over the limit."""
        parts = []
        if self.read_through.flesch_kincaid_grade > max_grade:
            parts.append(f"whole leaflet (grade {self.read_through.flesch_kincaid_grade})")
        for key, level in self.sections.items():
            if key not in REFERENCE_SECTIONS and level.flesch_kincaid_grade > max_grade:
                parts.append(f"{self.headings.get(key) or key} (grade {level.flesch_kincaid_grade})")
        return parts


def check_html(html: str, glossary=None, sentences: bool = False) -> ReadingReport:
    """Figures for the whole read-through text and each section; with ``sentences``, also what
    makes each sentence hard (hard words are judged against ``glossary``)."""
    sections = extract_sections(html)
    read_through: list[str] = []
    levels: dict[str, ReadingLevel] = {}
    headings: dict[str, str] = {}
    findings: dict[str, list[SentenceFinding]] = {}
    defined: set[str] = set()
    if sentences:
        from summarizer.glossary import defined_abbreviations

        all_text = "\n".join(b for s in sections for b in s.blocks)
        defined = set(defined_abbreviations([all_text], glossary)) if glossary is not None else set(
            re.findall(r"\(([A-Z][A-Za-z0-9-]+)\)", all_text))
    for section in sections:
        prepared = prepare_text(section.blocks)
        key = section.id
        headings[key] = section.heading
        if key != "top":
            levels[key] = reading_level(prepared)
        if key not in REFERENCE_SECTIONS:
            read_through += prepared
            if sentences:
                findings[key] = [
                    analyse_sentence(s, glossary, defined)
                    for block in section.blocks
                    for s in split_sentences(block)
                ]
    return ReadingReport(reading_level(read_through), levels, headings, findings)


def check_text(text: str) -> ReadingLevel:
    """Reading level of plain or Markdown text: each line or list item is a block."""
    blocks = [re.sub(r"^\s*(?:[*\-•+]|\d+[.)])\s+", "", line).strip() for line in text.splitlines()]
    return reading_level(prepare_text([b for b in blocks if b]))

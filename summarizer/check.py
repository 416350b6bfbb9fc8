"""Check: the reading level of what we publish, measured on the rendered HTML.

Text is prepared before textstat sees it, because textstat counts sentences by splitting on
``.!?``: every list item, heading, table cell and paragraph ends a sentence; "e.g.", "Dr.",
decimals and web addresses do not; collapsed ``<details>`` text (the record's original
wording) is not read through, so it is not counted. The figures are textstat's own, on that
prepared text.
"""

from __future__ import annotations

import re
import weakref
from functools import lru_cache
from dataclasses import dataclass, field, fields
from html import unescape
from html.parser import HTMLParser

import textstat
from textstat.backend.selections._list_words import list_words
from textstat.backend.utils._get_cmudict import get_cmudict
from textstat.backend.utils._get_lang_cfg import get_lang_cfg
from textstat.backend.utils._get_pyphen import get_pyphen
from textstat.backend.utils._get_lang_easy_words import get_lang_easy_words
from textstat.backend.utils.constants import RE_NONCONTRACTION_APOSTROPHE

# at the top, not in the functions that use them: they run for every block and sentence
from summarizer.glossary import RecordGlossary, _same_length_lower, per_glossary_memory, web_addresses

LONG_SENTENCE_WORDS = 20  # UK Health Research Authority guidance for participant information

# What is measured once is remembered, in bounded memories: the wording every leaflet shares (fixed
# sentences, glossary definitions, common words) stays in them, and a batch of any size uses the
# same memory once they are full (after some 40 leaflets).
SENTENCE_MEMORY = 4096  # sentences, blocks and texts
WORD_MEMORY = 16_384  # words

_BLOCKS = {
    "p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption", "summary",
    "div", "section", "article", "header", "footer", "blockquote", "pre", "br", "ul", "ol", "dl", "tr",
    "table", "main", "details", "figcaption",
}
_SKIPPED = {"style", "script", "template", "noscript", "head", "title"}
_VOID = frozenset(("br", "wbr", "img", "hr", "meta", "link", "input"))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_FOLDING = frozenset(("details", "summary"))
_SPACES = re.compile(r"\s+")
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
        # what dataclasses.asdict gives, without its deep copy: every field is a number or text
        data = {name: getattr(self, name) for name in _LEVEL_FIELDS}
        data["long_sentences"] = list(self.long_sentences)
        return data


_LEVEL_FIELDS = tuple(f.name for f in fields(ReadingLevel))


def _hidden(attrs: dict) -> bool:
    """Whether a start tag's attributes hide the element from a reader."""
    classes = (attrs.get("class") or "").split()
    return "smz-print-only" in classes or "smz-running-footer" in classes or attrs.get("hidden") is not None


def _close(stack: list[tuple[str, bool]], tag: str) -> tuple[int, int, bool]:
    """Pop ``stack`` to the open ``tag``, tolerating unclosed elements (p, li) in hand-written
    HTML: the skipped elements and ``<details>`` that closes, and whether a ``<summary>`` did."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == tag:
            closed = stack[i:]
            del stack[i:]
            return (sum(1 for _, skipped in closed if skipped), sum(1 for name, _ in closed if name == "details"),
                    any(name == "summary" for name, _ in closed))
    return 0, 0, False


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
        text = _SPACES.sub(" ", "".join(self._current)).strip()
        if text:
            self.sections[-1].blocks.append(text)
            if self._heading and not self.sections[-1].heading:
                self.sections[-1].heading = text
        self._current = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = tag in _SKIPPED or _hidden(attrs)
        if tag in _BLOCKS:
            self._flush()
        if tag in _VOID:
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
        self._heading = tag in _HEADINGS

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self._flush()
        skipped, details, summary = _close(self._stack, tag)
        self._skip_depth -= skipped
        self._details_depth -= details
        if summary:
            self._in_summary = False
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


def extract_sections(html: str, ours: bool = False) -> list[Section]:
    """The text a reader reads through, per section. ``ours`` is for HTML this tool has just
    rendered: it is read by a quicker scanner that does what ``_TextExtractor`` does for the
    plain markup Jinja writes (quoted attributes, escaped text), and leaves anything else to
    ``html.parser`` (a test checks the two give the same sections)."""
    sections = _own_sections(html) if ours else None
    if sections is None:
        parser = _TextExtractor()
        parser.feed(html)
        parser.close()
        sections = parser.sections
    return [s for s in sections if s.blocks]


# One tag of the markup we write: a start tag with quoted or bare attributes (optionally
# self-closing), an end tag, a comment or the doctype. Anything else (a stray "<", unquoted
# attribute values, processing instructions, CDATA) sends the page to html.parser instead.
_OWN_TAG = re.compile(
    r"<(?:([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'))?)*)\s*(/?)>"
    r"|/([a-zA-Z][a-zA-Z0-9-]*)\s*>|!--(?:(?!--).)*?-->|!doctype\s[^<>\"']*>)",
    re.S | re.I,
)
# The text up to the next tag and the tag: one match per tag. The text takes no characters
# back (possessive), so a "<" that starts no tag fails at once instead of being retried.
_OWN_TOKEN = re.compile(r"([^<]*+)" + _OWN_TAG.pattern, re.S | re.I)
_OWN_ATTRIBUTE = re.compile(r"\s+([^\s\"'<>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'))?")
_RAW_TEXT_END = {name: re.compile(r"</\s*%s\s*>" % name, re.I) for name in HTMLParser.CDATA_CONTENT_ELEMENTS}


@lru_cache(maxsize=1024)
def _own_attributes(attributes: str) -> tuple[bool, str | None]:
    """What ``_TextExtractor`` reads in a start tag's attributes: whether they hide the element
    from a reader, and its id."""
    attrs: dict[str, str | None] = {}
    for attribute in _OWN_ATTRIBUTE.finditer(attributes):
        value = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
        attrs[attribute.group(1).lower()] = value if value is None or "&" not in value else unescape(value)
    return _hidden(attrs), attrs.get("id")


def _own_sections(html: str) -> list[Section] | None:
    """``_TextExtractor``'s sections, its handlers inlined, for markup this scanner reads the way
    ``html.parser`` does; None for anything else."""
    sections = [Section("top", "Title")]
    current: list[str] = []
    stack: list[tuple[str, bool]] = []
    skip = details = 0
    in_summary = heading = False

    def flush():
        if current:
            # what _SPACES.sub(" ", ...).strip() gives (both take white space as str.isspace
            # does), in one pass in C
            text = " ".join("".join(current).split())
            current.clear()
            if text:
                last = sections[-1]
                last.blocks.append(text)
                if heading and not last.heading:
                    last.heading = text

    def end(tag):
        nonlocal skip, details, in_summary, heading
        if tag in _BLOCKS:
            flush()
        if stack and stack[-1][0] == tag:
            # the usual case, the innermost element closing: what _close() does for one element
            skipped, folded, summary = stack.pop()[1], tag == "details", tag == "summary"
        else:
            skipped, folded, summary = _close(stack, tag)
        skip -= skipped
        details -= folded
        if summary:
            in_summary = False
        heading = False

    position = 0
    token_at = _OWN_TOKEN.match
    while True:
        token = token_at(html, position)
        if token is None:
            if "<" in html[position:]:
                return None  # a "<" that starts no tag of ours
            text = html[position:]
            if text and not skip and (not details or in_summary):
                current.append(unescape(text) if "&" in text else text)
            break
        text, name, attributes, closed, end_name = token.groups()
        if text and not skip and (not details or in_summary):
            current.append(unescape(text) if "&" in text else text)
        position = token.end()
        if end_name is not None:
            end_name = end_name.lower()
            if stack and stack[-1][0] == end_name and end_name not in _BLOCKS and end_name not in _FOLDING:
                # the usual case, an inline element closing: what end() does for it
                if stack.pop()[1]:
                    skip -= 1
                heading = False
            else:
                end(end_name)
            continue
        if name is None:
            continue  # a comment or the doctype
        name = name.lower()
        hidden, section_id = _own_attributes(attributes) if attributes else (False, None)
        skipped = hidden or name in _SKIPPED
        if name in _BLOCKS:
            flush()
        if name not in _VOID:
            stack.append((name, skipped))
            if skipped:
                skip += 1
            if name == "details":
                details += 1
            elif name == "summary":
                in_summary = True
            elif name == "section" and section_id and not skip:
                sections.append(Section(section_id, ""))
            heading = name in _HEADINGS
        if closed:
            end(name)
        elif name in _RAW_TEXT_END:  # <style>, <script>: raw text up to the end tag, never read
            raw_end = _RAW_TEXT_END[name].search(html, position)
            if raw_end is None:
                return None
            if raw_end.start() > position and not skip and (not details or in_summary):
                current.append(html[position:raw_end.start()])
            end(name)
            position = raw_end.end()
    flush()
    return sections


def split_sentences(block: str) -> list[str]:
    """Sentences of one block of text; abbreviations and decimals do not end a sentence."""
    return list(_split_block(block))


@lru_cache(maxsize=SENTENCE_MEMORY)
def _split_block(block: str) -> tuple[str, ...]:
    if "." in block:
        protected = _ABBREVIATIONS.sub(lambda m: m.group().replace(".", "\u2024"), block)
        parts = _SENTENCE_END.split(protected)
    elif "!" in block or "?" in block:
        parts = _SENTENCE_END.split(block)
    else:
        # a heading, a list item, a label: no mark can end a sentence inside it (about half of
        # a leaflet's blocks), so neither pattern is tried at each of its characters
        parts = [block]
    return tuple(p.replace("\u2024", ".").strip() for p in parts if p.strip())


_INNER_MARK = re.compile(r"[.!?]")
_LETTER_OR_DIGIT = re.compile(r"[A-Za-z0-9]")


def prepare_text(blocks: list[str]) -> list[str]:
    """One sentence per item, each ending in a single full stop, with no other ``.!?`` inside,
    so textstat counts exactly these sentences."""
    sentences = []
    for block in blocks:
        sentences += _prepare_block(block)
    return sentences


@lru_cache(maxsize=SENTENCE_MEMORY)
def _prepare_block(block: str) -> tuple[str, ...]:
    sentences = []
    for sentence in _split_block(_addresses_as_links(block)):
        body = _prepared_body(sentence)
        if _LETTER_OR_DIGIT.search(body):
            sentences.append(body + ".")
    return tuple(sentences)


def _prepared_body(sentence: str) -> str:
    """A sentence as ``prepare_text`` writes it, before its closing full stop: no closing marks,
    and no ``.!?`` inside (decimals, URLs, "e.g.")."""
    return _INNER_MARK.sub("\u00b7", sentence.rstrip(".!?:;, "))


def _addresses_as_links(block: str) -> str:
    """A web or e-mail address is read as one thing, not syllable by syllable: it counts as the
    one short word "link" ("https://clinicaltrials.gov/study/NCT..." alone would lift a
    sentence's grade by ten)."""
    spans = web_addresses(block)
    for start, end in reversed(spans):
        block = block[:start] + "link" + block[end:]
    return block


# textstat's word list, ``list_words(text)``: remove_punctuation(text), then split. Its two
# patterns are compiled here once; textstat passes them to re.sub as strings on each call and
# remembers only the last 128 texts, so on a leaflet's sentences it works them out every time.
_NOT_CONTRACTION = re.compile(RE_NONCONTRACTION_APOSTROPHE)
_PUNCTUATION = re.compile(r"[^\w\s\']")


def text_words(text: str) -> list[str]:
    """``list_words(text)``, textstat's words of a text (a test checks they are equal). The
    words of ``list_words(text, lowercase=True)`` are these words in lower case: lower case
    neither makes nor removes white space."""
    if "'" in text:
        text = _NOT_CONTRACTION.sub("", text)
    return _PUNCTUATION.sub("", text).split()


def _long_parts(text: str) -> int:
    """The parts of ``text`` that textstat.sentence_count counts: runs of text up to their
    closing marks, of more than two words."""
    return sum(1 for part in _TEXTSTAT_SENTENCE.findall(text) if len(text_words(part)) > 2)


@lru_cache(maxsize=WORD_MEMORY)
def _word_facts(word: str) -> tuple[int, int, int, int]:
    """All that textstat's counts take from one word of ``text_words``, in one remembered
    look-up instead of one per count: (syllables as textstat.syllable_count counts the word in
    a text, 1 if it is complex (3 or more syllables, textstat.polysyllabcount), 1 if it is
    difficult (not on the Dale-Chall list of easy words), syllables of the lower-case word
    counted on its own (``sentence_grade``)).

    ``word`` has been through ``text_words``, which textstat's punctuation removal leaves as it is,
    so textstat's words of ``word`` in lower case are the one word ``lower``: its syllables as a
    word of a text and as a word on its own (``word_syllables(word)``) are the same count. The
    lower-case word counted on its own is split again; that can differ only where lower case made
    a mark that is not a letter ("İ" becomes "i" and a combining dot), never in ASCII."""
    lower = word.lower()
    syllables = token_syllables(lower)
    return (
        syllables,
        int(syllables >= 3),
        int(lower not in get_lang_easy_words("en_US")),
        syllables if lower.isascii() else word_syllables(lower),
    )


def _summed_facts(words: list[str]) -> tuple[int, int, int, int]:
    """``_word_facts`` added up over ``words``."""
    if not words:
        return (0, 0, 0, 0)
    return tuple(map(sum, zip(*map(_word_facts, words))))


@lru_cache(maxsize=WORD_MEMORY)
def word_syllables(word: str) -> int:
    """textstat's syllable count for one word (textstat.syllable_count), remembered: textstat
    itself caches only 128 texts, so counting sentence by sentence would count the same words
    again and again. It is textstat's loop over the word's own words, each counted once."""
    return sum(token_syllables(token) for token in list_words(word, lowercase=True))


@lru_cache(maxsize=WORD_MEMORY)
def token_syllables(token: str) -> int:
    """Syllables of one word of ``list_words(text, lowercase=True)``, counted as
    textstat.syllable_count counts each word of a text (its own loop, once per word). Unlike
    ``word_syllables`` it does not split the word again: "İnönü" lowercases to a dotted i
    that only a second split takes apart."""
    try:
        return sum(1 for p in get_cmudict("en_US")[token][0] if p[-1].isdigit())
    except (TypeError, IndexError, KeyError):
        return len(get_pyphen("en_US").positions(token)) + 1


def warm_up() -> None:
    """Load what measuring any text needs (the pronouncing dictionary, hyphenation patterns, word
    frequencies): done once in a process that then forks workers, they share it."""
    from summarizer.glossary import is_hard

    get_cmudict("en_US")
    get_pyphen("en_US")
    get_lang_easy_words("en_US")
    is_hard("warm")


def trim_memories() -> None:
    """Keep what the libraries under the checker remember per word within ``WORD_MEMORY`` words:
    pyphen keeps every word it has hyphenated, wordfreq up to 100,000 and the glossary's hard-word
    test 65,536, so over a long batch they grow with its vocabulary. Called between studies;
    emptying a memory costs a few words counted again."""
    from wordfreq import _wf_cache

    from summarizer.glossary import is_hard

    hyphenation = getattr(get_pyphen("en_US"), "hd", None)
    if len(getattr(hyphenation, "cache", ())) > WORD_MEMORY:
        hyphenation.cache.clear()
    if len(_wf_cache) > WORD_MEMORY:
        _wf_cache.clear()
    if is_hard.cache_info().currsize > WORD_MEMORY:
        is_hard.cache_clear()


# textstat's formulas, on its counts: the whole-text functions below and ``reading_level``'s
# summed counts share them.
def _fk_grade(words: int, sentences: int, syllables: int) -> float:
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def _smog_index(complex_count: int, sentences: int) -> float:
    return (1.043 * (30 * (complex_count / sentences)) ** 0.5) + 3.1291


def _dale_chall_score(difficult: int, words: int, sentences: int) -> float:
    share = 100 * difficult / words
    score = 0.1579 * share + 0.0496 * (words / sentences)
    return score + 3.6365 if share > 5 else score


def sentence_grade(sentence: str) -> float:
    """Flesch-Kincaid grade of one sentence: textstat's formula and counts (a test checks they are
    equal), with syllables counted once per word."""
    return _grade_of(sentence, _written_counts(sentence))


def _written_counts(sentence: str) -> _Counts:
    """The word counts of a sentence as written, taken from its prepared form: preparing only
    takes away or changes ``.!?:;,`` and closing spaces, which textstat's word list drops
    anyway (an apostrophe before any of them is dropped too), so the words are the same and
    a sentence is counted once for the section figures and its own finding."""
    return _sentence_counts(_prepared_body(sentence) + ".")


def _grade_of(sentence: str, counts: _Counts) -> float:
    """``sentence_grade`` of a sentence with the ``_written_counts`` ``counts``."""
    if not sentence:
        return 0.0
    if _INNER_MARK.search(sentence.rstrip(".!?")):
        sentences = max(1, _long_parts(sentence))  # textstat.sentence_count
    else:
        sentences = 1  # one part at most, as in a prepared sentence (see _sentence_counts)
    if not counts.words or not counts.word_syllables:
        return 0.0
    return _fk_grade(counts.words, sentences, counts.word_syllables)


def complex_words(text: str) -> int:
    """Words of 3 or more syllables, as textstat.polysyllabcount counts them."""
    return sum(1 for w in list_words(text) if word_syllables(w) >= 3)


def smog(text: str) -> float:
    """SMOG index as textstat.smog_index computes it (a test checks they are equal)."""
    sentences = textstat.sentence_count(text)
    if not sentences:
        return 0.0
    return _smog_index(complex_words(text), sentences)


def dale_chall(text: str) -> float:
    """Dale-Chall score as textstat.dale_chall_readability_score computes it (a test checks they
    are equal): a difficult word is one not on the Dale-Chall list of easy words."""
    words = textstat.lexicon_count(text)
    if not words:
        return 0.0
    easy = get_lang_easy_words("en_US")
    hard = sum(1 for w in list_words(text) if len(w.split()) == 1 and w.lower() not in easy)
    return _dale_chall_score(hard, words, textstat.sentence_count(text))


# textstat.sentence_count's own pattern: a sentence is a run of text from a word boundary up to
# its closing marks, and runs of two words or fewer are not counted.
_TEXTSTAT_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
_ONE_SENTENCE = re.compile(r"[^.!?]*\.")


@dataclass(frozen=True)
class _Counts:
    """textstat's counts for one prepared sentence. For sentences that each end in their only
    ``.``, textstat's counts of the sentences joined by newlines are these counts summed: words,
    syllables and difficult words are counted word by word, and textstat's sentence pattern
    matches each such sentence on its own (a test checks this over real leaflets)."""

    words: int
    counted: int  # sentences textstat counts in it (those of more than two words)
    syllables: int  # textstat.syllable_count
    complex: int  # words of 3 or more syllables (textstat.polysyllabcount)
    difficult: int  # words not on the Dale-Chall list of easy words
    word_syllables: int  # syllables with each lower-case word counted on its own (sentence_grade)


@lru_cache(maxsize=SENTENCE_MEMORY)
def _sentence_counts(sentence: str) -> _Counts | None:
    """None for a text that is not one prepared sentence (counted as a whole text instead)."""
    if not _ONE_SENTENCE.fullmatch(sentence):
        return None
    words = text_words(sentence)
    syllables, complex_count, difficult, by_word = _summed_facts(words)
    return _Counts(
        words=len(words),
        # textstat's sentence pattern matches a prepared sentence once, from its first word to its
        # full stop: what it leaves out before the first word holds no word (``_long_parts``)
        counted=int(len(words) > 2),
        syllables=syllables,
        complex=complex_count,
        difficult=difficult,  # textstat's test that a word is one word holds for every word of a split
        word_syllables=by_word,
    )


_NOTHING_READ = ReadingLevel(0.0, 0.0, 0.0, 0, 0, 0.0, ())
_FRE = {key: get_lang_cfg("en_US", key) for key in ("fre_base", "fre_sentence_length", "fre_syll_per_word")}


def reading_level(sentences: list[str]) -> ReadingLevel:
    """textstat's figures for the prepared ``sentences`` read one after another.

    Each sentence is counted once and remembered (the same sentences come back in the read-through
    text, in every leaflet's fixed wording and in the glossary's definitions); the formulas are
    textstat's, on the summed counts, so the figures equal textstat's on the joined text."""
    return _level_of(sentences, [_sentence_counts(s) for s in sentences])


def _level_of(sentences: list[str], counts: list[_Counts | None]) -> ReadingLevel:
    """``reading_level`` of ``sentences`` whose ``_sentence_counts`` are ``counts``."""
    if None in counts:
        return _reading_level_of_text(sentences)
    words = sum(c.words for c in counts)
    if not words:
        return _NOTHING_READ
    counted = max(1, sum(c.counted for c in counts))  # textstat.sentence_count never says 0 for text
    syllables = sum(c.syllables for c in counts)
    complex_count = sum(c.complex for c in counts)
    per_sentence = words / counted  # textstat's words_per_sentence
    per_word = syllables / words  # textstat's syllables_per_word
    if per_word == 0:
        grade = ease = 0.0
    else:
        grade = _fk_grade(words, counted, syllables)
        ease = _FRE["fre_base"] - _FRE["fre_sentence_length"] * per_sentence - _FRE["fre_syll_per_word"] * per_word
    return ReadingLevel(
        dale_chall=round(_dale_chall_score(sum(c.difficult for c in counts), words, counted), 1),
        complex_word_share=round(complex_count / words, 3),
        flesch_kincaid_grade=round(grade, 1),
        smog_index=round(_smog_index(complex_count, counted), 1),
        flesch_reading_ease=round(ease, 1),
        words=words,
        sentences=counted,
        words_per_sentence=round(per_sentence, 1),
        long_sentences=tuple(s.replace("\u00b7", ".") for s, c in zip(sentences, counts) if c.words > LONG_SENTENCE_WORDS),
    )


def _reading_level_of_text(sentences: list[str]) -> ReadingLevel:
    """textstat on the joined text: for sentences not prepared by ``prepare_text``."""
    text = "\n".join(sentences)
    words = textstat.lexicon_count(text)
    counted = textstat.sentence_count(text) if text else 0
    long = tuple(s.replace("\u00b7", ".") for s in sentences if textstat.lexicon_count(s) > LONG_SENTENCE_WORDS)
    if not words:
        return _NOTHING_READ
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


# "(?=[abgiw])": each verb starts with one of these letters; looking for it first passes over
# other characters faster than trying the word boundary at each
_PASSIVE = re.compile(
    r"(?=[abgiw])\b(?:am|is|are|was|were|be|been|being|get|gets|got)\s+(?:\w+ly\s+)?"
    r"(?P<participle>\w+ed|given|taken|done|seen|made|known|shown|written|chosen|found|held|told|kept|paid|put|"
    r"sent|brought|drawn|driven|eaten|grown|hidden|led|left|lost|meant|met|read|run|said|sold|spent|thought|"
    r"understood|worn|begun|broken|frozen|spoken|stolen|withdrawn|undergone)\b",
    re.I,
)
_NOT_PARTICIPLE = {"need", "seed", "bed", "red", "shed", "feed", "speed", "hundred", "interested", "tired", "bored",
                   "married", "worried", "scared", "used", "based", "concerned", "related", "allowed", "supposed"}
_SYMBOL = re.compile(r"[<>≤≥=±×]|\b[\d.]+\s*[x×]\s*(?:ULN|LLN)\b|(?<=\d)\s*[x×]\s*10\^?\d")
# Every match of _SYMBOL has a symbol, a digit or "ULN"/"LLN" ("0. x ULN" has no digit): a
# sentence with none of them is passed over without trying the pattern at each character.
_SYMBOL_HINT = re.compile(r"[<>≤≥=±×\d]|[UL]LN")
_SHORT_FORM = re.compile(r"\b[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9-]*\b")  # two capitals or more


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
        # dataclasses.asdict with the tuples as lists, without its deep copy of text and numbers
        return {name: list(v) if isinstance(v := getattr(self, name), tuple) else v for name in _FINDING_FIELDS}


_FINDING_FIELDS = tuple(f.name for f in fields(SentenceFinding))


def find_passive(sentence: str) -> list[str]:
    return [m.group() for m in _PASSIVE.finditer(sentence) if m.group("participle").lower() not in _NOT_PARTICIPLE]


@lru_cache(maxsize=SENTENCE_MEMORY)
def _sentence_basics(sentence: str) -> tuple:
    """What a sentence's finding needs that no glossary changes: words, grade, passive voice,
    symbols, the capitalised short forms with where they are, and whether it has a hard word
    that is not in capitals (the only kind reported as unexplained)."""
    from summarizer.coverage import hard_word_forms  # coverage imports this module

    counts = _written_counts(sentence)
    return (
        counts.words,
        round(_grade_of(sentence, counts), 1) if counts.words else 0.0,
        tuple(find_passive(sentence)),
        _symbols(sentence),
        tuple((m.group(), m.start(), m.end()) for m in _SHORT_FORM.finditer(sentence)),
        any(not word.isupper() for word in hard_word_forms(sentence)),
    )


def _symbols(sentence: str) -> tuple[str, ...]:
    """The numbers written with symbols in a sentence."""
    if _SYMBOL_HINT.search(sentence) is None:
        return ()
    return tuple(m.group() for m in _SYMBOL.finditer(sentence))


def _glossary_view(sentence: str, glossary) -> tuple[tuple[tuple[int, int], ...], tuple[str, ...]]:
    """The spans a glossary entry, a web address or an NCT ID explains, and the hard words
    no entry explains (capitals are abbreviations: they are reported as such)."""
    from summarizer.coverage import hard_words_between  # coverage imports this module

    explained = [(a, b) for a, b, _ in glossary.find(sentence)] if glossary is not None else []
    addresses = web_addresses(sentence, _same_length_lower(sentence))
    covered = explained + addresses
    if "NCT" in sentence:
        covered += [m.span() for m in _NCT_ID.finditer(sentence)]
    # the hard words, judged against the glossary's spans and the addresses found above
    unexplained = [w for w, ok in hard_words_between(sentence, explained, addresses)
                   if not ok and not w.isupper()] if glossary is not None else []
    return tuple(covered), tuple(dict.fromkeys(unexplained))


_NCT_ID = re.compile(r"\bNCT\d{8}\b")


_VIEWS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

def _remembered_view(sentence: str, glossary: RecordGlossary):
    """``_glossary_view`` of a sentence the record's own terms cannot touch, remembered per glossary."""
    view = per_glossary_memory(_VIEWS, glossary.base, lambda base, text: _glossary_view(text, RecordGlossary(base)))
    return view(sentence)


def analyse_sentence(sentence: str, glossary=None, defined: set[str] = frozenset()) -> SentenceFinding:
    words, grade, passive, symbols, short_forms, hard = _sentence_basics(sentence)
    if not short_forms and not hard:
        # the glossary's spans would judge nothing here: no short form to look up and no hard
        # word to report (about half of a leaflet's sentences), so the text is not searched
        covered, unexplained = (), ()
    elif isinstance(glossary, RecordGlossary) and glossary.shares_base(sentence):
        covered, unexplained = _remembered_view(sentence, glossary)
    else:
        covered, unexplained = _glossary_view(sentence, glossary)
    return SentenceFinding(
        text=sentence,
        words=words,
        grade=grade,
        long=words > LONG_SENTENCE_WORDS,
        passive=passive,
        unexplained=unexplained,
        abbreviations=tuple(dict.fromkeys(
            form for form, start, end in short_forms
            if form not in defined and not any(a <= start and end <= b for a, b in covered))),
        symbols=symbols,
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


def check_html(html: str, glossary=None, sentences: bool = False, ours: bool = False) -> ReadingReport:
    """Figures for the whole read-through text and each section; with ``sentences``, also what
    makes each sentence hard (hard words are judged against ``glossary``, a ``Glossary`` or a
    ``RecordGlossary``). ``ours``: the HTML is a page this tool has just rendered."""
    sections = extract_sections(html, ours=ours)
    read_through: list[str] = []
    levels: dict[str, ReadingLevel] = {}
    headings: dict[str, str] = {}
    findings: dict[str, list[SentenceFinding]] = {}
    defined: set[str] = set()
    if sentences:
        from summarizer.glossary import spelled_out

        if glossary is not None and not isinstance(glossary, RecordGlossary):
            glossary = RecordGlossary(glossary)  # each sentence's glossary findings are remembered
        all_text = "\n".join(b for s in sections for b in s.blocks)
        # the short forms of defined_abbreviations: only which are spelled out counts here
        defined = set(spelled_out([all_text])) if glossary is not None else set(
            re.findall(r"\(([A-Z][A-Za-z0-9-]+)\)", all_text))
    read_through_counts: list[_Counts | None] = []
    for section in sections:
        prepared = prepare_text(section.blocks)
        # each sentence looked up once, for its section and the read-through text
        counts = [_sentence_counts(s) for s in prepared]
        key = section.id
        headings[key] = section.heading
        if key != "top":
            levels[key] = _level_of(prepared, counts)
        if key not in REFERENCE_SECTIONS:
            read_through += prepared
            read_through_counts += counts
            if sentences:
                findings[key] = [
                    analyse_sentence(s, glossary, defined)
                    for block in section.blocks
                    for s in _split_block(block)
                ]
    return ReadingReport(_level_of(read_through, read_through_counts), levels, headings, findings)


def check_text(text: str) -> ReadingLevel:
    """Reading level of plain or Markdown text: each line or list item is a block."""
    blocks = [re.sub(r"^\s*(?:[*\-•+]|\d+[.)])\s+", "", line).strip() for line in text.splitlines()]
    return reading_level(prepare_text([b for b in blocks if b]))

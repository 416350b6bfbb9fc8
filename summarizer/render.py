"""Render: a ``Leaflet`` -> standalone HTML, an embeddable fragment, and a PDF.

Templates are Jinja2 files found in the user's folder first, then the shipped folder; a
user template can extend a shipped one as ``{% extends "!default/leaflet.html" %}``.
Hard words are explained while the template renders, so "first use" is first in reading order.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from summarizer.explain import Leaflet
from summarizer.glossary import Glossary, GlossaryEntry, RecordGlossary, long_form_for
from summarizer.phrases import PhraseBook
from summarizer.eligibility import example_list
from summarizer.plain_text import EverydayWords, everyday_words, plain_symbols
from summarizer.resources import shipped_folder

_OWN_BRACKET = re.compile(r" ?\(([A-Za-z0-9][\w-]{0,11})\)")
PAGE_SIZES = {"a4": "A4", "letter": "letter"}


class TermAnnotator:
    """Explains each glossary term at its first use in one rendered document."""

    def __init__(self, glossary: Glossary, defined: dict[str, GlossaryEntry] | None = None):
        # the glossary with the record's own terms; its finds are remembered across records
        self.glossary = RecordGlossary(glossary, defined)
        self.defined = defined or {}
        self.used: dict[str, GlossaryEntry] = {}

    def __call__(self, text: object, says: str | None = None) -> Markup:
        """Escape ``text`` and gloss each term not met before.

        ``says`` is for our own sentences that already explain a term: the terms in ``says``
        (an enum label such as "Open label") get no gloss in ``text``, as the sentence itself
        says what they mean; they still go to "Words to know"."""
        if text is None:
            return Markup("")
        text = str(text)
        found = self.glossary.find(text)
        if not found:
            return escape(text)  # most texts name no term: what the join below gives for them
        explained = {entry.term for _, _, entry in self.glossary.find(says)} if says else set()
        out = []
        position = 0
        for start, end, entry in found:
            if entry.term in self.used:
                continue
            self.used[entry.term] = entry
            if entry.term in explained or self._defined_here(text, start, end, entry):
                continue
            out.append(escape(text[position:start]))
            # "Interstitial lung disease (ILD)" -> "... (ILD: a group of diseases ...)": one bracket
            own = _OWN_BRACKET.match(text, end)
            if own and own.group(1).lower() in ("s", "es") and own.group().startswith("("):
                end, own = own.end(), None  # "medication(s)": the plural mark is part of the word
            # what Markup(...).format(...) gives, each piece escaped, without its string.Formatter
            if own and self._names_the_term(own.group(1), text[start:end], entry):
                out.append(Markup('<dfn class="smz-term">%s</dfn> <span class="smz-gloss">(%s: %s)</span>' % (
                    escape(text[start:end]), escape(own.group(1)), escape(entry.short))))
                position = own.end()
            else:
                out.append(Markup('<dfn class="smz-term">%s</dfn> <span class="smz-gloss">(%s)</span>' % (
                    escape(text[start:end]), escape(entry.short))))
                position = end
        out.append(escape(text[position:]))
        return Markup("").join(out)

    def _names_the_term(self, short: str, said: str, entry: GlossaryEntry) -> bool:
        """The bracket after a term is another name for it: its abbreviation ("ILD", "AEs",
        "eGFR"). Anything else ("Melanoma (Skin)", "dexamethasone (VTd)") stays as written: a
        gloss on it would say the wrong thing."""
        if short in entry.abbreviations or self.defined.get(short) is entry:
            return True
        return short.lower() in (form.lower() for form in entry.spoken_forms()) or long_form_for(short, said.split()) is not None

    def _defined_here(self, text: str, start: int, end: int, entry: GlossaryEntry) -> bool:
        """The record's own "long form (SHORT)" at this place: it explains itself."""
        short = text[start:end]
        if self.defined.get(short) is not entry or entry.source != "the study record":
            return False
        before = text[:start].rstrip()
        return before.endswith("(") and before[:-1].rstrip().lower().endswith(entry.term.lower())

    def words_to_know(self) -> list[GlossaryEntry]:
        return sorted(self.used.values(), key=lambda e: e.term.lower())


def _markdown_renderer() -> MarkdownIt:
    # CommonMark, as the registry writes it. Raw HTML is off (it is shown as text), images are
    # off (a leaflet loads nothing from elsewhere), and only http(s) and mailto links survive.
    md = MarkdownIt("commonmark", {"html": False})
    md.disable("image")
    md.validateLink = lambda url: bool(re.match(r"(?i)^(https?:|mailto:)", url.strip()))

    def text(self, tokens, idx, options, env):
        return env["annotate"](tokens[idx].content) if env.get("annotate") else escape(tokens[idx].content)

    def heading_open(self, tokens, idx, options, env):
        return '<p class="smz-md-heading"><strong>'  # keeps our heading outline intact

    def heading_close(self, tokens, idx, options, env):
        return "</strong></p>\n"

    def link_open(self, tokens, idx, options, env):
        tokens[idx].attrSet("rel", "nofollow noopener")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("text", text)
    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)
    md.add_render_rule("link_open", link_open)
    return md


_MARKDOWN = _markdown_renderer()


# Included templates whose output two pages of one leaflet can share (see LeafletRenderer.pages).
SHARED_INCLUDES = frozenset({"content.html"})
_SHARED = "_smz_shared_renders"  # the context variable that holds what has been rendered


class _SharingEnvironment(Environment):
    """An environment whose ``{% include %}`` of a shared template renders it once per leaflet
    when the pages of one leaflet are rendered together (``LeafletRenderer.pages``)."""

    def get_template(self, name, parent=None, globals=None):
        template = super().get_template(name, parent, globals)
        if parent is not None and isinstance(name, str) and name in SHARED_INCLUDES:
            return _SharedInclude(template)
        return template


class _SharedInclude:
    """A template as ``{% include %}`` uses it, whose output is taken from ``_SharedRenders``
    when the context has one."""

    def __init__(self, template):
        self._template = template

    def __getattr__(self, name):  # new_context and the rest: the template's own
        return getattr(self._template, name)

    def root_render_func(self, context):
        shared = context.get(_SHARED)
        if shared is None:
            yield from self._template.root_render_func(context)
        else:
            yield from shared.render(self._template, context)


class _SharedRenders:
    """Output of shared includes for one leaflet, reused only when all that shapes it is the same:
    the same template, the same objects in its context (and the same blocks), and the same terms
    already explained. Replaying it also replays its effect: the terms it explained."""

    def __init__(self, annotator: TermAnnotator):
        self.annotator = annotator
        self.done: dict = {}

    def render(self, template, context) -> list:
        values = context.get_all()
        key = (
            id(template),
            frozenset((name, id(value)) for name, value in values.items()),
            tuple((name, tuple(map(id, stack))) for name, stack in sorted(context.blocks.items())),
            tuple((term, id(entry)) for term, entry in self.annotator.used.items()),
        )
        if key in self.done:
            _, events, used = self.done[key]
            self.annotator.used.clear()
            self.annotator.used.update(used)
            return events
        # the first item keeps the objects whose ids are in the key alive
        alive = (template, list(values.values()), context.blocks, dict(self.annotator.used))
        events = list(template.root_render_func(context))
        self.done[key] = (alive, events, dict(self.annotator.used))
        return events


@lru_cache(maxsize=8)
def template_environment(user_templates: Path | None = None) -> Environment:
    """One Jinja environment per templates folder: it caches compiled templates, so a batch
    compiles each template once."""
    shipped = FileSystemLoader(str(shipped_folder("templates")))
    loaders = ([FileSystemLoader(str(user_templates))] if user_templates else []) + [
        shipped,
        PrefixLoader({"!default": shipped}, delimiter="/"),
    ]
    env = _SharingEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Only a user's templates change while we run (``--watch`` rebuilds when they do); the
        # shipped ones are files of the installed tool. Without a user's folder, a template
        # once compiled is not checked again for changes (a file date per template and include,
        # every page).
        auto_reload=user_templates is not None,
    )
    return env


class LeafletRenderer:
    """Renders leaflets with one template environment, glossary and phrase book."""

    def __init__(self, glossary: Glossary, phrases: PhraseBook, user_templates: Path | None = None):
        self.glossary = glossary
        self.phrases = phrases
        self.env = template_environment(user_templates)
        self._plain = _plain_filter(phrases.everyday)

    def _context(self, leaflet: Leaflet, **extra) -> tuple[TermAnnotator, dict]:
        annotate = TermAnnotator(self.glossary, leaflet.record_terms)

        def markdown(text: str | None) -> Markup:
            if not text:
                return Markup("")
            return Markup(_MARKDOWN.render(text, {"annotate": annotate}))

        context = {
            "leaflet": leaflet,
            "study": leaflet.study,
            "say": self.phrases.say,
            "explain": annotate,
            "markdown": markdown,
            "words_to_know": annotate.words_to_know,
            "plain": self._plain,
            "example_list": example_list,
            **extra,
        }
        return annotate, context

    def render(self, leaflet: Leaflet, template: str, **extra) -> str:
        _, context = self._context(leaflet, **extra)
        return self.env.get_template(template).render(context)

    def html(self, leaflet: Leaflet) -> str:
        return self.render(leaflet, "leaflet.html")

    def fragment(self, leaflet: Leaflet) -> str:
        return self.render(leaflet, "embed.html")

    def pages(self, leaflet: Leaflet, templates: tuple[str, ...] = ("leaflet.html", "embed.html")) -> list[str]:
        """Several pages of one leaflet, the same as rendering each alone; the leaflet content they
        include (``SHARED_INCLUDES``) is rendered once when it would come out the same."""
        annotate, context = self._context(leaflet)
        context[_SHARED] = _SharedRenders(annotate)
        pages = []
        for template in templates:
            annotate.used.clear()  # each page explains each term at its own first use
            pages.append(self.env.get_template(template).render(context))
        return pages

    def pdf(self, leaflet: Leaflet, page_size: str = "a4") -> bytes:
        # Imported here: WeasyPrint is slow to import and only PDF output needs it.
        from weasyprint import HTML

        source = self.render(leaflet, "print.html", page_size=PAGE_SIZES[page_size], created=_source_date())
        document = HTML(string=source, url_fetcher=_inline_only_fetcher(), base_url=None)
        return document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def _plain_filter(words: EverydayWords | None):
    """Record text with symbols in words and formal words made everyday (the renderer's own
    everyday-words table: a user's templates folder may have its own)."""

    @lru_cache(maxsize=1024, typed=True)
    def plain(text):
        return everyday_words(plain_symbols(text), words) if text else text

    return plain


def _source_date() -> str | None:
    """SOURCE_DATE_EPOCH as an ISO date for the PDF metadata; no date at all when it is unset,
    so the same inputs always give the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.strip().isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _inline_only_fetcher():
    """Everything a leaflet needs is inline (a site logo is a data: URI); a record must never
    make the PDF engine fetch a file or a URL, so anything else is refused."""
    from weasyprint.urls import URLFetcher, URLFetchingError

    class InlineOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if re.match(r"data:image/(?:png|jpeg);base64,", url):
                return super().fetch(url, headers)
            raise URLFetchingError(f"summarizer does not load external resources ({url[:60]})")

    return InlineOnlyFetcher(allowed_protocols={"data"}, allow_redirects=False)


# (finding field, CSS class of its <mark>, what it is in words)
_MARK_KINDS = (
    ("unexplained", "unexplained", "hard word"),
    ("abbreviations", "abbreviation", "abbreviation"),
    ("symbols", "symbol", "symbol"),
    ("passive", "passive", "passive voice"),
)


@lru_cache(maxsize=2048)
def marked_sentence(finding) -> Markup:
    """The sentence, escaped, with each flagged piece in a ``<mark>`` that also says in words
    what it is (for screen readers and for anyone who cannot tell the colours apart)."""
    text = finding.text
    spans: list[tuple[int, int, str, str]] = []
    for field_name, css, label in _MARK_KINDS:
        for piece in getattr(finding, field_name):
            for match in re.finditer(re.escape(piece), text):
                if not any(s < match.end() and match.start() < e for s, e, _, _ in spans):
                    spans.append((match.start(), match.end(), css, label))
    out, position = [], 0
    for start, end, css, label in sorted(spans):
        out.append(escape(text[position:start]))
        out.append(Markup('<mark class="{}">{}<span class="visually-hidden"> ({})</span></mark>').format(
            css, text[start:end], label))
        position = end
    out.append(escape(text[position:]))
    return Markup("").join(out)


def render_report(report, title: str, max_grade: float, user_templates: Path | None = None) -> str:
    """The reading-level report as a standalone, offline HTML page."""
    rows = [("Whole text read through", report.read_through)] + [
        (report.headings.get(key) or key, level) for key, level in report.sections.items()
    ]
    template = template_environment(user_templates).get_template("report.html")
    return template.render(report=report, rows=rows, title=title, max_grade=max_grade, marked=marked_sentence)

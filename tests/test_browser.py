"""The leaflet in a real browser (Debian's Chromium driven by Playwright): embed.html keeps its looks
on a hostile host page and changes nothing of the host's, no horizontal scroll on a phone or a
desktop, a clean print, <details> by keyboard, and axe-core finds no WCAG 2.2 A or AA violation.

Needs Chromium at /usr/bin/chromium (or SUMMARIZER_CHROMIUM), the playwright package (not its
browser download) and axe-core from npm in tests/node_modules (or SUMMARIZER_AXE, the path of
axe.min.js); .ci/install-browser installs all three. Without them these tests skip, saying what is
missing; with SUMMARIZER_BROWSER_TESTS=required (CI) they fail instead. Screenshots go to a
temporary folder, or to SUMMARIZER_SCREENSHOTS when it is set. Nothing is loaded from the network.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
from pathlib import Path

import pytest

from conftest import EXAMPLE

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("SUMMARIZER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(os.environ.get("SUMMARIZER_AXE") or HERE / "node_modules" / "axe-core" / "axe.min.js")
REQUIRED = os.environ.get("SUMMARIZER_BROWSER_TESTS") == "required"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # and should anything try the network, no name resolves
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _unavailable(reason: str):
    """Skip on a machine without the browser tools; fail where they are required (CI)."""
    if REQUIRED:
        pytest.fail(f"{reason} (SUMMARIZER_BROWSER_TESTS=required)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


if not os.access(CHROMIUM, os.X_OK):
    _unavailable(f"browser tests need Chromium at {CHROMIUM}: run .ci/install-browser or set SUMMARIZER_CHROMIUM")
try:
    from playwright.sync_api import sync_playwright
except ImportError:
    _unavailable("browser tests need Playwright for Python: pip install playwright (not `playwright install`)")


# What careless and hostile site stylesheets do. Every rule also hits the host's own elements.
HOSTILE_CSS = """
html { overflow-y: scroll; font-size: 62.5%; }
* { font: 30px serif; color: red; }
body { line-height: 3; letter-spacing: 0.1em; word-spacing: 0.3em; text-transform: uppercase; text-align: justify;
       text-indent: 2em; cursor: crosshair; }
ul { list-style: none; }
h2 { display: none; }
details { display: none; }
p { margin: 50px; }
li { margin-left: 40px; }
li::before { content: "> "; }
div { padding: 13px; background: #fffbe6; }
dt { float: left; }
a { color: inherit; text-decoration: none; }
summary { list-style: none; }
summary::marker { content: ""; }
/* a Tailwind-like preflight */
*, *::before, *::after { box-sizing: border-box; margin: 0; padding: 0; border: 0 solid #e5e7eb; }
h1, h2, h3, h4 { font-size: inherit; font-weight: inherit; }
ol, ul { list-style: none; margin: 0; padding: 0; }
"""
# Rules the copy shown without a shadow root cannot withstand (more specific, !important); the
# shadow root does.
STRONG_CSS = """
#main p, #main li, #main dd { color: green !important; margin: 9px !important; }
#main h1, #main h3 { display: none !important; }
"""

SITE_OVERLAY = """
site_name: Example Hospital
contact: {name: Sam Lee, role: study nurse, phone: "+1 555 0100", email: sam.lee@example.org}
ethics_reference: IRB 2024-117
version: Version 2.1
version_date: 2024-03-01
logo: logo.png
blocks:
  after_key_information: Parking is free for study visits.
  before_contact: Call us on weekdays.
"""

HOST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example Hospital: studies</title>
<style>{css}</style>
</head>
<body>
<header class="site-header">
<p class="site-name">Example Hospital</p>
<nav aria-label="Site"><ul class="site-nav"><li><a href="#studies">Studies</a></li><li><a href="#contact-us">Contact</a></li></ul></nav>
</header>
<main id="main">
<h1 id="studies">Studies</h1>
<h2 class="host-h2">Our work</h2>
<p class="intro">We run studies.</p>
<details class="host-details"><summary>More</summary><p>Ask us.</p></details>
<div class="host-box"><p>Read this.</p></div>
{fragment}
<p class="outro">Thank you.</p>
<ul class="host-list"><li>One</li><li>Two</li></ul>
</main>
<footer id="contact-us"><p class="host-footer">Call us.</p></footer>
</body>
</html>
"""
HOST_ELEMENTS = ["html", "body", ".site-header", ".site-name", ".site-nav", ".site-nav li", ".site-nav a", "main",
                 "#studies", ".host-h2", ".intro", ".host-details", ".host-details summary", ".host-box",
                 ".host-box p", ".outro", ".host-list", ".host-list li", "#contact-us", ".host-footer"]
# The fragment sits inside these, so their size changes with it; nothing else of theirs may change.
HOST_CONTAINERS = ["html", "body", "main"]
SIZE_PROPERTIES = ["width", "height", "inline-size", "block-size", "perspective-origin", "transform-origin"]

# Computed styles compared between leaflet.html and the fragment on a host page.
STYLE_PROPERTIES = [
    "display", "visibility", "position", "float", "box-sizing", "direction", "font-family", "font-size",
    "font-weight", "font-style", "font-variant-caps", "line-height", "letter-spacing", "word-spacing",
    "text-transform", "text-align", "text-indent", "text-decoration-line", "white-space", "overflow-wrap",
    "color", "background-color", "opacity", "cursor", "list-style-type", "list-style-position",
    *(f"{side}-{edge}" for side in ("margin", "padding") for edge in ("top", "right", "bottom", "left")),
    *(f"border-{edge}-{what}" for edge in ("top", "right", "bottom", "left") for what in ("width", "style", "color")),
]

# Finds the leaflet on any of our pages: in the fragment's shadow root, in the copy shown without
# one, or in leaflet.html.
JS_LEAFLET = """
function embedMode() {
  const host = document.querySelector('.smz-embed');
  return !host ? 'page' : host.shadowRoot ? 'shadow' : 'light';
}
function leafletRoot() {
  const host = document.querySelector('.smz-embed');
  if (!host) return document.querySelector('article.smz-leaflet');
  if (host.shadowRoot) return host.shadowRoot.querySelector('article.smz-leaflet');
  return host.querySelector(':scope > .smz-page > article.smz-leaflet');
}
function describe(el) {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && !(e.matches('article.smz-leaflet')); e = e.parentElement) {
    const index = e.parentElement ? [...e.parentElement.children].indexOf(e) : 0;
    parts.unshift(e.localName + (e.className ? '.' + String(e.className).trim().replace(/\\s+/g, '.') : '') + ':' + index);
  }
  return ['article', ...parts].join(' > ');
}
function deepActive() {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el;
}
"""


def _js(body: str) -> str:
    return "(arg) => {" + JS_LEAFLET + body + "}"


LEAFLET_STYLES = _js("""
  const root = leafletRoot();
  root.querySelectorAll('details').forEach(d => { d.open = true; });
  return [root, ...root.querySelectorAll('*')].map(el => {
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    const row = {element: describe(el), tag: el.localName, classes: String(el.className),
                 size: [Math.round(box.width * 4) / 4, Math.round(box.height * 4) / 4]};
    for (const property of arg) row[property] = style.getPropertyValue(property);
    if (el.matches('li, summary')) {
      const marker = getComputedStyle(el, '::marker');
      row.marker = [marker.content, marker.color, marker.fontSize].join(' ');
    }
    row.before = getComputedStyle(el, '::before').content;
    return row;
  });
""")

HOST_STYLES = _js("""
  const out = {};
  for (const selector of arg.selectors) {
    const el = document.querySelector(selector), style = getComputedStyle(el), row = {};
    const container = arg.containers.includes(selector);
    for (const property of style) {
      if (!(container && arg.sizes.includes(property))) row[property] = style.getPropertyValue(property);
    }
    if (!container) row.size = [el.getBoundingClientRect().width, el.getBoundingClientRect().height];
    out[selector] = row;
  }
  return out;
""")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, Path]:
    """The example leaflet built as a user builds it, and host pages around its fragment."""
    from summarizer.build import BuildOptions, build

    out = tmp_path_factory.mktemp("browser")
    result = build([EXAMPLE], BuildOptions(out=out, formats=("html", "embed"), jobs=1))
    assert not result.errors and len(result.built) == 1, result.errors
    folder = out / "NCT03929120"
    # and with a site overlay: a contact box, text blocks and a logo wider than any screen
    from PIL import Image  # WeasyPrint's dependency

    records = out / "site-records"
    records.mkdir()
    shutil.copy(EXAMPLE, records / EXAMPLE.name)
    Image.new("RGB", (1600, 400), (18, 58, 90)).save(records / "logo.png")
    (records / "site.yaml").write_text(SITE_OVERLAY, encoding="utf-8")
    result = build([records], BuildOptions(out=out / "site", formats=("html",), jobs=1))
    assert not result.errors and len(result.built) == 1, result.errors
    fragment = (folder / "embed.html").read_text(encoding="utf-8")
    pages = {
        "leaflet": folder / "leaflet.html",
        "leaflet-site": out / "site" / "NCT03929120" / "leaflet.html",
        "report": folder / "report.html",
        "host": out / "host.html",  # the fragment pasted into the host's HTML: a shadow root
        "host-plain": out / "host-plain.html",  # the same host page without it
        "host-light": out / "host-light.html",  # a host that inserts the fragment with a DOM API
    }
    pages["host"].write_text(HOST_PAGE.format(css=HOSTILE_CSS + STRONG_CSS, fragment=fragment), encoding="utf-8")
    pages["host-plain"].write_text(HOST_PAGE.format(css=HOSTILE_CSS + STRONG_CSS, fragment=""), encoding="utf-8")
    pages["host-light"].write_text(HOST_PAGE.format(css=HOSTILE_CSS, fragment=""), encoding="utf-8")
    for path in pages.values():
        assert path.is_file(), path
    return {**pages, "fragment": fragment}


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the whole module."""
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as error:  # an old or broken Chromium on a user's machine
        playwright.stop()
        _unavailable(f"could not start {CHROMIUM} with Playwright: {str(error).splitlines()[0]}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = os.environ.get("SUMMARIZER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def open_page(browser, site):
    """Opens one of our pages in a fresh context; afterwards, checks that every request the pages
    made stayed on file: or about: URLs (anything else is refused as it happens)."""
    contexts, requests = [], []

    def open_(name: str, width: int = 1280, height: int = 900, insert: bool = True):
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
        contexts.append(context)
        context.on("request", lambda request: requests.append(request.url))
        context.route(re.compile(r"^(?!file:|about:)"), lambda route: route.abort())
        page = context.new_page()
        page.goto(site[name].as_uri())
        if name == "host-light" and insert:
            insert_fragment(page)
        elif name == "host-light":
            return page
        expected = {"leaflet": "page", "leaflet-site": "page", "host": "shadow", "host-light": "light"}.get(name)
        if expected:
            assert page.evaluate(_js("return embedMode();")) == expected, name
        return page

    def insert_fragment(page):
        # insertAdjacentHTML makes no shadow root from the template: the copy beside it shows
        page.evaluate("(html) => document.querySelector('.host-box').insertAdjacentHTML('afterend', html)",
                      site["fragment"])

    open_.insert_fragment = insert_fragment
    yield open_
    for context in contexts:
        context.close()
    assert any(url.startswith("file:") for url in requests), "no request seen: the guard is not watching"
    outside = sorted({url for url in requests if not url.startswith(("file:", "about:"))})
    assert not outside, f"pages asked for something outside file: and about: URLs: {outside}"


def _differences(ours: list[dict], theirs: list[dict], skip_root=("margin-left", "margin-right")) -> list[str]:
    found = []
    if [row["element"] for row in ours] != [row["element"] for row in theirs]:
        return ["the two leaflets have different elements"]
    for index, (a, b) in enumerate(zip(ours, theirs)):
        for key in a:
            if index == 0 and key in skip_root:  # margin: auto centres the leaflet in its container
                continue
            if a[key] != b[key]:
                found.append(f"{a['element']}: {key} is {b[key]!r}, in leaflet.html {a[key]!r}")
    return found


# (a) The fragment on a hostile page looks exactly like leaflet.html.
@pytest.mark.parametrize("host", ["host", "host-light"])
def test_fragment_on_a_hostile_page_keeps_our_styles(open_page, host):
    """Every element of the leaflet, details open, has the computed styles and the size it has in
    leaflet.html at the same window width: in the shadow root against all of the host's CSS, and in
    the copy shown without one against type, universal and reset rules."""
    ours = open_page("leaflet").evaluate(LEAFLET_STYLES, STYLE_PROPERTIES)
    page = open_page(host)
    assert page.locator("article.smz-leaflet:visible").count() == 1, "not exactly one leaflet is shown"
    theirs = page.evaluate(LEAFLET_STYLES, STYLE_PROPERTIES)
    key = {(row["tag"], row["classes"]) for row in ours}
    for element in [("h1", ""), ("h2", ""), ("li", ""), ("details", "smz-original"), ("summary", ""),
                    ("ul", "smz-criteria smz-inclusion"), ("ul", "smz-criteria smz-exclusion")]:
        assert element in key, f"the example leaflet has no {element}: choose other key elements"
    differences = _differences(ours, theirs)
    assert not differences, f"{len(differences)} difference(s), first:\n" + "\n".join(differences[:15])
    # while the hostile rules did apply to the host's own elements
    assert page.evaluate("getComputedStyle(document.querySelector('.host-h2')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('.intro')).fontFamily") == "serif"


@pytest.mark.parametrize("host", ["host", "host-light"])
def test_details_open_and_close_on_the_host_page(open_page, host):
    page = open_page(host)
    summary = page.locator(".smz-embed summary:visible")
    assert summary.count() == 1
    state = _js("const d = leafletRoot().querySelector('details.smz-original'), text = d.querySelector('.smz-original-text');"
                "return [d.open, text.checkVisibility(), text.getBoundingClientRect().height > 100];")
    assert page.evaluate(state)[:2] == [False, False]
    summary.click()
    assert page.evaluate(state) == [True, True, True]
    summary.click()
    assert page.evaluate(state)[:2] == [False, False]


# (b) Our CSS changes nothing outside the fragment.
@pytest.mark.parametrize("host", ["host", "host-light"])
def test_host_elements_look_the_same_with_and_without_the_fragment(open_page, host):
    args = {"selectors": HOST_ELEMENTS, "containers": HOST_CONTAINERS, "sizes": SIZE_PROPERTIES}
    if host == "host":
        without = open_page("host-plain").evaluate(HOST_STYLES, args)
        page = open_page("host")
    else:
        page = open_page("host-light", insert=False)
        without = page.evaluate(HOST_STYLES, args)
        open_page.insert_fragment(page)
    with_fragment = page.evaluate(HOST_STYLES, args)
    changed = [f"{selector}: {prop} {without[selector].get(prop)!r} -> {value!r}"
               for selector, row in with_fragment.items() for prop, value in row.items()
               if without[selector].get(prop) != value]
    assert not changed, "\n".join(changed[:20])
    assert len(with_fragment["body"]) > 200 and "size" in with_fragment[".intro"]  # all computed properties compared


# (c) No horizontal scroll on a phone or a desktop; screenshots of both.
@pytest.mark.parametrize("name", ["leaflet", "leaflet-site", "host", "host-light"])
def test_no_horizontal_scroll_at_320_and_1280_pixels(open_page, screenshots, name):
    heights = {}
    for width in (320, 1280):
        page = open_page(name, width=width, height=800)
        scroll = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                               " document.documentElement.scrollHeight]")
        assert scroll[0] <= scroll[1], f"{name} at {width} px scrolls sideways: {scroll[0]} > {scroll[1]}"
        leaflet = page.evaluate(_js("const box = leafletRoot().getBoundingClientRect(); return [box.left, box.right];"))
        assert 0 <= leaflet[0] and leaflet[1] <= scroll[1], f"the leaflet sticks out at {width} px: {leaflet}"
        path = screenshots / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        assert _png_size(path) == (width, scroll[2]), f"{path}: {_png_size(path)}"
        heights[width] = scroll[2]
    assert heights[320] > heights[1280] > 2000  # the text reflows into a longer page on a phone


# (d) Print: the folded original wording is left out, and the note pointing to it is printed.
@pytest.mark.parametrize("name", ["leaflet", "host", "host-light"])
def test_print_hides_the_original_wording_and_shows_the_print_note(open_page, name):
    page = open_page(name)
    visible = _js("""
      const root = leafletRoot(), note = root.querySelector('.smz-print-only');
      return [getComputedStyle(root.querySelector('details.smz-original')).display,
              note.getClientRects().length > 0, note.textContent.trim()];
    """)
    assert page.evaluate(visible)[:2] == ["block", False]
    page.emulate_media(media="print")
    display, note_shown, note = page.evaluate(visible)
    assert display == "none" and note_shown and "clinicaltrials.gov" in note.lower()
    assert page.evaluate(_js("return getComputedStyle(leafletRoot()).backgroundColor;")) == "rgb(255, 255, 255)"


# (e) Keyboard: Tab reaches every <summary>, which shows where the focus is; Enter and Space open it.
@pytest.mark.parametrize("name", ["leaflet", "host", "host-light"])
def test_keyboard_reaches_and_opens_every_summary(open_page, name):
    page = open_page(name)
    count = page.evaluate(_js("return leafletRoot().querySelectorAll('summary').length;"))
    assert count >= 1
    focused = _js("""
      const el = deepActive(), style = getComputedStyle(el), details = el.closest('details');
      return {tag: el.localName, inLeaflet: leafletRoot().contains(el), open: details ? details.open : null,
              outline: [style.outlineStyle, parseFloat(style.outlineWidth)]};
    """)
    reached = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        now = page.evaluate(focused)
        if now["tag"] != "summary" or not now["inLeaflet"]:
            continue
        reached += 1
        assert now["open"] is False
        assert now["outline"][0] != "none" and now["outline"][1] >= 2, f"focus is not visible: {now['outline']}"
        page.keyboard.press("Enter")
        assert page.evaluate(focused)["open"] is True, "Enter did not open the summary"
        page.keyboard.press("Enter")
        assert page.evaluate(focused)["open"] is False, "Enter did not close the summary"
        page.keyboard.press("Space")
        assert page.evaluate(focused)["open"] is True, "Space did not open the summary"
        if reached == count:
            break
    assert reached == count, f"Tab reached {reached} of {count} summaries"


# (f) axe-core: no WCAG 2.0, 2.1 and 2.2 A or AA violation.
@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.is_file():
        _unavailable(f"axe-core not found at {AXE}: run .ci/install-browser (npm ci in tests/) or set SUMMARIZER_AXE")
    return AXE


@pytest.mark.parametrize("name", ["leaflet", "leaflet-site", "report", "host", "host-light"])
def test_axe_finds_no_wcag_a_or_aa_violation(open_page, axe_script, name):
    page = open_page(name)
    # open every <details>, so that what they hold is checked too
    page.evaluate("""() => { const open = root => root.querySelectorAll('*').forEach(el => {
        if (el.localName === 'details') el.open = true; if (el.shadowRoot) open(el.shadowRoot); }); open(document); }""")
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                            " resultTypes: ['violations']})", WCAG_TAGS)
    assert results["testEngine"]["version"], "axe did not run"
    assert len(results["passes"]) >= 5, "axe checked almost nothing"
    if name != "report":  # it looked inside the leaflet (on the host page: inside the shadow root)
        targets = [node["target"] for rule in results["passes"] for node in rule["nodes"]]
        inside = [t for t in targets if isinstance(t[0], list)] if name == "host" else targets
        assert any("smz-" in str(t) for t in inside), targets
    violations = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
                  for v in results["violations"]]
    assert not violations, "\n".join(violations)

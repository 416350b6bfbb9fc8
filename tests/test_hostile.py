"""Any text in any record field comes out as text: no executable markup in any output."""

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import minimal_record
from summarizer.build import LeafletPipeline
from summarizer.check import check_html
from summarizer.load import study_from_record
from summarizer.render import render_report

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "div", "article", "header", "footer", "section", "h1",
    "h2", "h3", "h4", "p", "ul", "li", "dl", "dt", "dd", "details", "summary", "a", "br", "strong", "em", "dfn",
    "span", "code", "pre", "blockquote", "ol", "hr", "table", "thead", "tbody", "tr", "th", "td", "caption", "mark",
    "template",  # our own declarative shadow root in embed.html
}
PIECES = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "\" onmouseover=\"x",
          "' onfocus='x", "</style><script>x</script>", "expression(alert(1))", "<svg onload=x>", "[a](javascript:x)",
          "<a href=\"javascript:x\">y</a>", "&lt;script&gt;", "\u202egnp.exe", "\x00\x07", "{{ 7*7 }}", "{% raw %}",
          "<!--", "]]>", "*", "\n\n* ", "`code`", "# heading", "<iframe src=//x>", "url(//evil)", "@import 'x';"]
hostile = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), min_size=1, max_size=6).map("".join)


def record_with(text: str) -> dict:
    return minimal_record(
        identificationModule={"nctId": "NCT00000001", "briefTitle": "T" + text, "officialTitle": text, "acronym": text},
        statusModule={"overallStatus": "RECRUITING", "whyStopped": text},
        descriptionModule={"briefSummary": text, "detailedDescription": text},
        conditionsModule={"conditions": [text], "keywords": [text]},
        designModule={"studyType": text, "phases": [text], "enrollmentInfo": {"count": 5, "type": text}},
        armsInterventionsModule={
            "armGroups": [{"label": "A" + text, "type": text, "description": text, "interventionNames": [text]}],
            "interventions": [{"type": text, "name": "N" + text, "description": text, "otherNames": [text],
                               "armGroupLabels": ["A" + text]}],
        },
        outcomesModule={"primaryOutcomes": [{"measure": "M" + text, "description": text, "timeFrame": text}]},
        eligibilityModule={"eligibilityCriteria": "Inclusion Criteria:\n\n* " + text + "\n\nExclusion Criteria:\n\n* " + text,
                           "sex": text, "minimumAge": text, "maximumAge": text, "studyPopulation": text},
        contactsLocationsModule={
            "centralContacts": [{"name": text, "phone": text, "email": text, "role": text}],
            "overallOfficials": [{"name": "O" + text, "role": text, "affiliation": text}],
            "locations": [{"facility": text, "city": text, "country": text, "status": text,
                           "contacts": [{"name": text, "email": text}]}],
        },
        sponsorCollaboratorsModule={"leadSponsor": {"name": "S" + text}, "collaborators": [{"name": "C" + text}]},
    )


class Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.styles, self._in_style = set(), [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def assert_inert(html: str, css: str):
    markup = Markup()
    markup.feed(html)
    assert markup.tags <= ALLOWED_TAGS, markup.tags - ALLOWED_TAGS
    for name, value in markup.attributes:
        assert not name.startswith("on"), name
        if name in ("href", "src"):
            assert re.match(r"(https?:|mailto:|#|data:image/(png|jpeg);base64,)", value or ""), value
    for style in markup.styles:
        assert style.strip() in css, "record text got into a <style> element"


_pipeline = LeafletPipeline()
_CSS = "\n".join(
    (_pipeline.renderer.env.loader.get_source(_pipeline.renderer.env, name)[0]) for name in ("leaflet.css", "print.css")
) + open(__file__.replace("test_hostile.py", "../templates/report.html")).read()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_no_field_can_inject_markup(text):
    study = study_from_record(record_with(text), "hostile.json")
    leaflet = _pipeline.explain(study)
    html = _pipeline.renderer.html(leaflet)
    for output in (html, _pipeline.renderer.fragment(leaflet),
                   render_report(check_html(html, _pipeline.glossary, sentences=True), study.brief_title, 8)):
        assert_inert(output, _CSS)
    assert "\u202e" not in html and "\x00" not in html


def test_markdown_fields_render_no_raw_html_and_only_web_links():
    text = "Hello <b>bold</b> [ok](https://example.org) [bad](javascript:alert(1)) [file](file:///etc/passwd) ![i](http://x/y.png)"
    study = study_from_record(record_with(text), "x.json")
    html = _pipeline.renderer.html(_pipeline.explain(study))
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and '<a href="https://example.org"' in html
    assert 'href="javascript' not in html and 'href="file' not in html and "<img" not in html


def test_a_one_megabyte_field_builds(tmp_path):
    big = "Patients with asthma take 2.5 mg of the study medicine each day. " * 16000
    study = study_from_record(record_with(big[:1_000_000]), "big.json")
    html = _pipeline.renderer.html(_pipeline.explain(study))
    assert html.count("Patients with asthma") > 1000

import re
from html.parser import HTMLParser

import pytest

from conftest import GOLDEN, minimal_record
from summarizer.build import LeafletPipeline
from summarizer.load import study_from_record

SECTION_ORDER = [
    "key-information", "about", "what-happens", "who-can-join", "what-is-measured",
    "risks-and-benefits", "your-choice", "contact", "words-to-know",
]


def _text(html: str) -> str:
    """What a reader sees, without the glosses the glossary adds."""
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    html = re.sub(r'<span class="smz-gloss">.*?</span>', "", html)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"'))


@pytest.mark.parametrize("template", ["leaflet.html", "embed.html"])
def test_golden_html(pipeline, example_leaflet, update_golden, template):
    """The example leaflet, byte for byte. After a deliberate change: pytest --update-golden, then review."""
    rendered = pipeline.renderer.render(example_leaflet, template)
    golden = GOLDEN / "NCT03929120" / template
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert golden.exists(), "no golden file yet: run pytest --update-golden and review it"
    assert rendered == golden.read_text(encoding="utf-8"), f"{template} changed: run pytest --update-golden and review the diff"


def test_sections_in_patient_information_order(example_html):
    ids = re.findall(r'<section id="([\w-]+)"', example_html)
    assert ids == SECTION_ORDER


def test_every_fact_of_the_seed_page_is_in_the_leaflet(example_html):
    text = _text(example_html)
    facts = [
        "NCT03929120", "Allogeneic Bone Marrow Mesenchymal Stem Cells for Patients With Interstitial Lung Disease",
        "A Phase I Study to Evaluate the Safety of Allogeneic Bone Marrow Derived Mesenchymal Stem Cells",
        "Phase 1", "10 people took part", "November 5, 2019", "February 17, 2022", "July 27, 2021",
        "April 26, 2019", "April 20, 2022", "April 2022", "18-007216", "Mayo Clinic in Florida", "Jacksonville",
        "Florida", "32224", "United States", "Andy Abril", "18 to 80 years old", "People of any sex can join",
        "Healthy people cannot join", "0.5 to 1 million MSC for each kilogram", "given into a vein",
        "Adverse Events", "When: 6 months", "Open label", "rituximab", "cyclophosphamide", "in the last 2 months",
        "below 88%", "6 months but less than 24 months", "pregnant or breastfeeding", "Interstitial Lung Disease",
        "Connective Tissue Diseases", "standard of care",
    ]
    missing = [fact for fact in facts if fact not in text]
    assert not missing


def test_status_says_plainly_that_a_completed_study_takes_no_one(example_html):
    text = _text(example_html)
    assert "not looking for people" in text and "You cannot join it" in text


def test_recruiting_study_invites(pipeline):
    study = study_from_record(minimal_record(), "x.json")
    html = pipeline.renderer.html(pipeline.explain(study))
    assert "smz-open" in html and "looking for people to join" in _text(html).lower()


def test_words_to_know_holds_only_terms_that_appear(pipeline, example_html):
    words = re.search(r'<section id="words-to-know".*?</section>', example_html, re.S).group()
    terms = re.findall(r"<dt>([^<(]+?)(?: \([^)]*\))?</dt>", words)
    assert "allogeneic" in terms and "hypoxemia" in terms and "placebo" not in terms
    body = _text(example_html.split('<section id="words-to-know"')[0])
    glossary = pipeline.glossary
    for term in terms:
        assert any(found[2].term == term for found in glossary.find(body)), term


def test_a_term_is_explained_once_at_first_use(example_html):
    assert example_html.count('<dfn class="smz-term">hypoxemia</dfn>') == 1
    first = example_html.index("smz-gloss")
    assert first < example_html.index('id="words-to-know"')


def test_original_criteria_wording_sits_in_details(example_html):
    join = re.search(r'<section id="who-can-join".*?</section>', example_html, re.S).group()
    details = re.search(r"<details class=\"smz-original\">.*?</details>", join, re.S).group()
    assert "Exposure to rituximab or cyclophosphamide on the previous 2 months" in details
    assert "You may be able to join if you:" in join and "You cannot join if you:" in join
    assert "SO2 &lt; 88% at rest" in details


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.roots = []
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if self.depth == 0:
            self.roots.append(tag)
        if tag not in ("br", "meta", "link", "img", "hr", "input", "wbr"):
            self.depth += 1

    def handle_endtag(self, tag):
        self.depth -= 1


def test_fragment_has_one_root_no_document_tags_and_scoped_css(pipeline, example_leaflet):
    fragment = pipeline.renderer.fragment(example_leaflet)
    tree = _Tree()
    tree.feed(fragment)
    assert tree.roots == ["div"] and tree.depth == 0
    assert not tree.tags & {"html", "head", "body", "main", "script", "link", "img", "iframe"}
    css = re.search(r"<style>(.*?)</style>", fragment, re.S).group(1)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for block in re.findall(r"([^{}]+)\{[^{}]*\}", re.sub(r"@media[^{]+\{", "", css)):
        for selector in block.split(","):
            selector = selector.strip()
            if selector and not selector.startswith("@"):
                assert selector.startswith((".smz-leaflet", ".smz-page", ".smz-print")), selector


def test_nothing_is_loaded_from_elsewhere(example_html):
    assert not re.search(r"<(?:script|link|img|iframe|object|embed)\b", example_html)
    assert not re.search(r"url\(|@import", example_html)


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(1)> javascript:alert(1) </style>'


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs


def test_record_text_is_escaped_everywhere(pipeline):
    record = minimal_record(
        identificationModule={"nctId": "NCT00000001", "briefTitle": HOSTILE, "officialTitle": HOSTILE},
        descriptionModule={"briefSummary": HOSTILE + "\n\n[click](javascript:alert(1)) <b>raw</b>"},
        conditionsModule={"conditions": [HOSTILE]},
        eligibilityModule={"eligibilityCriteria": "Inclusion Criteria:\n\n* " + HOSTILE},
        armsInterventionsModule={"interventions": [{"name": HOSTILE, "type": "DRUG", "description": HOSTILE}]},
        contactsLocationsModule={"centralContacts": [{"name": HOSTILE, "email": 'a"onmouseover="x@y.z'}]},
    )
    study = study_from_record(record, "x.json")
    leaflet = pipeline.explain(study)
    for html in (pipeline.renderer.html(leaflet), pipeline.renderer.fragment(leaflet)):
        markup = _Markup()
        markup.feed(html)
        assert not markup.tags & {"script", "img", "b", "iframe"}
        assert not [a for a in markup.attributes if a[0].startswith("on")]
        assert all(re.match(r"(https?:|mailto:|#)", value or "") for name, value in markup.attributes if name == "href")
        assert "&lt;script&gt;" in html


def test_user_template_extends_the_shipped_one(tmp_path, example_study):
    (tmp_path / "leaflet.html").write_text(
        '{% extends "!default/leaflet.html" %}'
    )
    (tmp_path / "content.html").write_text(
        '<p class="site-banner">Our hospital</p>{% include "!default/content.html" %}'
    )
    pipeline = LeafletPipeline(templates=tmp_path)
    html = pipeline.renderer.html(pipeline.explain(example_study))
    assert '<p class="site-banner">Our hospital</p>' in html and 'id="who-can-join"' in html


def test_three_or_more_conditions_are_a_list(pipeline):
    record = minimal_record(conditionsModule={"conditions": ["Asthma", "Anemia", "Gout"]})
    html = pipeline.renderer.html(pipeline.explain(study_from_record(record, "x.json")))
    assert "<p>This study is about:</p>\n<ul><li>" in html
    two = minimal_record(conditionsModule={"conditions": ["Asthma", "Gout"]})
    assert "This study is about" in pipeline.renderer.html(pipeline.explain(study_from_record(two, "x.json")))


def test_three_or_more_treatments_and_partners_are_lists(pipeline):
    record = minimal_record(
        armsInterventionsModule={"interventions": [{"name": n, "type": "DRUG"} for n in ("Aspirin", "Placebo", "Water")]},
        sponsorCollaboratorsModule={
            "leadSponsor": {"name": "Alpha Org"},
            "collaborators": [{"name": "Beta Org"}, {"name": "Gamma Org"}, {"name": "Delta Org"}],
        },
    )
    html = pipeline.renderer.html(pipeline.explain(study_from_record(record, "x.json")))
    assert "<dt>What it tests</dt><dd><ul><li>" in html
    assert "<p>It works with:</p>\n<ul><li>Beta Org</li><li>Gamma Org</li><li>Delta Org</li></ul>" in html

import json
import pytest
import textstat

from summarizer.check import check_html, prepare_text, reading_level, split_sentences


def test_each_list_item_and_heading_is_a_sentence():
    html = "<section id='s'><h2>Who can join</h2><ul><li>You are 18 or older</li><li>You have asthma</li></ul></section>"
    report = check_html(html)
    assert report.sections["s"].sentences == 3


@pytest.mark.parametrize(
    "block, count",
    [
        ("Take 2.5 mg/dL twice. Then rest.", 2),
        ("Some drugs, e.g. aspirin, are fine. Others are not.", 2),
        ("Drug A vs. drug B is the test.", 1),
        ("Dr. Smith leads it. You can call her.", 2),
        ("Read it at clinicaltrials.gov/study/NCT03929120 today.", 1),
        ("18-80 years old. Not pregnant.", 2),
    ],
)
def test_abbreviations_decimals_and_addresses_do_not_end_sentences(block, count):
    assert len(split_sentences(block)) == count
    prepared = prepare_text([block])
    assert len(prepared) == count
    assert textstat.sentence_count("\n".join(prepared)) == count or any(len(s.split()) <= 2 for s in prepared)


def test_figures_are_textstats_on_the_prepared_text():
    sentences = prepare_text(["The study doctor will check your blood.", "You can stop at any time, for any reason."])
    level = reading_level(sentences)
    text = "\n".join(sentences)
    assert level.flesch_kincaid_grade == round(textstat.flesch_kincaid_grade(text), 1)
    assert level.smog_index == round(textstat.smog_index(text), 1)
    assert level.complex_word_share == round(textstat.polysyllabcount(text) / textstat.lexicon_count(text), 3)
    assert level.flesch_reading_ease == round(textstat.flesch_reading_ease(text), 1)
    assert level.dale_chall == round(textstat.dale_chall_readability_score(text), 1)
    assert level.words == textstat.lexicon_count(text)


def test_folded_original_wording_and_styles_are_not_counted():
    html = (
        "<section id='s'><p>You can join.</p><details><summary>The exact words</summary>"
        "<div>Patients with interstitial lung disease associated with connective tissue disorders.</div></details>"
        "<style>.x{color:red}</style></section>"
    )
    report = check_html(html)
    assert report.sections["s"].words == 6


def test_long_sentences_are_listed():
    words = " ".join(["word"] * 25)
    level = reading_level(prepare_text([words + "."]))
    assert level.long_sentences == (words + ".",)


def test_example_leaflet_reads_plainer_than_its_record(example_html, example_leaflet):
    from summarizer.check import check_text

    report = check_html(example_html)
    source = check_text(example_leaflet.criteria_original)
    plain = report.sections["who-can-join"]
    assert plain.flesch_kincaid_grade < source.flesch_kincaid_grade
    assert set(report.sections) >= {"key-information", "who-can-join", "words-to-know"}


def test_passive_voice_is_found():
    from summarizer.check import find_passive

    assert find_passive("Your blood will be checked by the study doctor.") == ["be checked"]
    assert find_passive("The study doctor will check your blood.") == []
    assert find_passive("You are interested and tired.") == []


def test_sentence_findings_name_what_is_hard():
    from summarizer.check import analyse_sentence
    from summarizer.glossary import Glossary

    finding = analyse_sentence("Blood is drawn when ALT ≥ 2.5 x ULN or ZQS is glomerulated.", Glossary.load())
    assert finding.passive == ("is drawn", "is glomerulated")
    assert "glomerulated" in finding.unexplained and "ZQS" in finding.abbreviations
    assert "ALT" not in finding.abbreviations  # the glossary explains it
    assert "≥" in finding.symbols and finding.flagged and not finding.long


def test_report_html_is_offline_and_marks_in_words(tmp_path):
    from click.testing import CliRunner

    from conftest import EXAMPLE
    from summarizer.cli import cli

    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE), "--max-grade", "30", "--html", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert '<html lang="en">' in page and "<script" not in page and "http" not in page.split("<main>")[0]
    assert '<mark class="passive">' in page and '<span class="visually-hidden"> (passive voice)</span>' in page
    assert "Who can join?" in page


def test_config_file_sets_defaults(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from conftest import EXAMPLE
    from summarizer.cli import cli

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.summarizer]\nmax_grade = 30\n")
    assert CliRunner().invoke(cli, ["check", str(EXAMPLE)]).exit_code == 0
    (tmp_path / "summarizer.toml").write_text("max_grade = 2\n")
    assert CliRunner().invoke(cli, ["check", str(EXAMPLE)]).exit_code == 1
    (tmp_path / "summarizer.toml").write_text("max_grayde = 2\n")
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE)])
    assert result.exit_code == 2 and "unknown setting 'max_grayde'" in result.output


def test_markdown_and_text_input(tmp_path):
    from click.testing import CliRunner

    from summarizer.cli import cli

    md = tmp_path / "note.md"
    md.write_text("# About your visit\n\n- You will give blood\n- You will fill in a form\n")
    result = CliRunner().invoke(cli, ["check", str(md), "--json"])
    payload = json.loads(result.output[: result.output.rindex("}") + 1])
    assert payload[str(md)]["read_through"]["sentences"] == 3


def test_fast_sentence_grade_and_complex_words_equal_textstat(example_html):
    from summarizer.check import complex_words, extract_sections, sentence_grade, split_sentences

    sentences = [s for section in extract_sections(example_html) for b in section.blocks for s in split_sentences(b)]
    assert len(sentences) > 50
    for sentence in sentences:
        assert sentence_grade(sentence) == textstat.flesch_kincaid_grade(sentence)
        assert complex_words(sentence) == textstat.polysyllabcount(sentence)
    from summarizer.check import smog

    whole = "\n".join(sentences)
    assert smog(whole) == textstat.smog_index(whole)
    from summarizer.check import dale_chall

    assert dale_chall(whole) == textstat.dale_chall_readability_score(whole)
    for sentence in sentences[:40]:
        assert dale_chall(sentence) == textstat.dale_chall_readability_score(sentence)


# --- the quick paths the build takes give what the plain ones give ----------------------------

_HTML_CASES = [
    "<p>a<br/>b</p>", '<div hidden>x</div><div hidden="">y</div>',
    '<section id="a&amp;b"><h2>T<br>x</h2><p>z</p></section>',
    "<details><summary>S</summary><p>folded</p></details><p>after</p>", "<style>a<b</style><p>c</p>",
    "<p>a &lt; b &amp c</p>", "<!-- c --><p>x</p>", '<p class="smz-print-only">no</p><p>yes</p>',
    "<section id=s><p>unquoted</p></section>", "<p>a < b</p>", "<h2>Head <em>x</em> more</h2>text<ul><li>one<li>two</ul>",
    "<script>if (a<b) {}</script>ok", '<P CLASS="smz-running-footer">f</P>end', '<img src="x"/><b>bold</b>',
    '<template shadowrootmode="open"><p>t</p></template><p>u</p>', "<p>unclosed",
]


@pytest.mark.parametrize("html", _HTML_CASES)
def test_quick_scanner_reads_html_as_html_parser_does(html):
    from summarizer.check import extract_sections

    assert extract_sections(html, ours=True) == extract_sections(html)


def _pages(pipeline, leaflet):
    from summarizer.render import render_report
    from summarizer.check import check_html

    html, fragment = pipeline.renderer.pages(leaflet)
    return html, fragment, render_report(check_html(html, pipeline.glossary, sentences=True), "t", 8)


def _same_reading(pipeline, leaflet):
    """Pages rendered together equal pages rendered alone; the quick scanner, the summed
    reading levels and the remembered sentence findings equal the plain ones (and textstat)."""
    from summarizer.check import _glossary_view, _reading_level_of_text, analyse_sentence, extract_sections
    from summarizer.glossary import RecordGlossary

    html, fragment, report = _pages(pipeline, leaflet)
    assert html == pipeline.renderer.html(leaflet) and fragment == pipeline.renderer.fragment(leaflet)
    for page in (html, fragment, report):
        assert extract_sections(page, ours=True) == extract_sections(page)
    sections = extract_sections(html)
    read_through = []
    for section in sections:
        prepared = prepare_text(section.blocks)
        read_through += prepared
        assert reading_level(prepared) == _reading_level_of_text(prepared)
    assert reading_level(read_through) == _reading_level_of_text(read_through)
    text = "\n".join(read_through)
    if text:
        assert reading_level(read_through).flesch_kincaid_grade == round(textstat.flesch_kincaid_grade(text), 1)
        assert reading_level(read_through).flesch_reading_ease == round(textstat.flesch_reading_ease(text), 1)
    glossary = RecordGlossary(pipeline.glossary, leaflet.record_terms)
    extended = pipeline.glossary.with_record_terms(leaflet.record_terms)
    for sentence in [s for section in sections for b in section.blocks for s in split_sentences(b)]:
        assert glossary.find(sentence) == extended.find(sentence)
        assert analyse_sentence(sentence, glossary) == analyse_sentence(sentence, extended)
        assert _glossary_view(sentence, glossary) == _glossary_view(sentence, extended)


def test_quick_paths_equal_plain_ones_on_the_example(pipeline, example_leaflet):
    _same_reading(pipeline, example_leaflet)


def test_record_terms_are_found_with_the_shared_finder(pipeline, example_leaflet):
    from summarizer.glossary import RecordGlossary

    glossary = RecordGlossary(pipeline.glossary, example_leaflet.record_terms)
    extended = pipeline.glossary.with_record_terms(example_leaflet.record_terms)
    for key in example_leaflet.record_terms:
        for text in (f"The {key} test.", f"{key.lower()} and more", f"x-{key}", f"{key}s"):
            assert glossary.find(text) == extended.find(text)


def test_word_syllables_equal_textstat():
    from summarizer.check import token_syllables, word_syllables

    for word in ["İnönü", "don't", "o'clock", "Pembrolizumab", "x", "'dx", "CAR-T", "naïve", "ΟΔΟΣ"]:
        assert word_syllables(word) == textstat.syllable_count(word)
    text = "İnönü University enrolls naïve patients at 9 o'clock."
    from textstat.backend.selections._list_words import list_words

    assert sum(token_syllables(w) for w in list_words(text, lowercase=True)) == textstat.syllable_count(text)


from conftest import requires_shared, shared_records  # noqa: E402


@requires_shared
def test_quick_paths_equal_plain_ones_on_real_records(pipeline):
    from summarizer.load import load_studies

    for path in shared_records()[::20]:
        for study in load_studies(path):
            _same_reading(pipeline, pipeline.explain(study))


def test_a_web_or_email_address_counts_as_one_short_word():
    from summarizer.check import prepare_text, reading_level

    with_address = reading_level(prepare_text(["See the web page https://clinicaltrials.gov/study/NCT00276835 or mail a.b@example.org."]))
    with_words = reading_level(prepare_text(["See the web page link or mail link."]))
    assert with_address.flesch_kincaid_grade == with_words.flesch_kincaid_grade

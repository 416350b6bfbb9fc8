import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarizer.glossary import Glossary, GlossaryEntry, GlossaryError, read_glossary_file

REQUIRED_TERMS = [
    # research words
    "randomized", "placebo", "open label", "blinded", "phase 1", "phase 2", "phase 3", "phase 4", "study arm",
    "cohort", "informed consent", "eligibility", "adverse event", "outcome", "sponsor",
    "principal investigator", "standard of care", "intravenous", "biological product",
    # every medical word of the example record
    "allogeneic", "mesenchymal stem cells", "bone marrow", "interstitial lung disease",
    "connective tissue disease", "ANCA-associated vasculitis", "idiopathic pneumonia with autoimmune features",
    "hypoxemia", "osteomyelitis", "tuberculosis", "cellulitis", "hematologic malignancy",
    "myocardial infarction", "angina", "congestive heart failure", "hepatitis", "complete blood count",
    "creatinine", "aspartate aminotransferase", "alanine aminotransferase", "rituximab", "cyclophosphamide",
    "contraception",
]


@pytest.fixture(scope="module")
def glossary():
    return Glossary.load()


def test_glossary_has_at_least_150_entries(glossary):
    assert len(glossary) >= 150


@pytest.mark.parametrize("term", REQUIRED_TERMS)
def test_required_term_is_explained(glossary, term):
    found = glossary.find(term)
    assert found and found[0][0] == 0 and found[0][1] == len(term), f"no entry matches {term!r}"


def test_no_form_belongs_to_two_entries(glossary):
    seen = {}
    clashes = []
    for entry in glossary.entries:
        for form in {f.lower() for f in entry.spoken_forms()} | set(entry.abbreviations):
            if form in seen and seen[form] != entry.term:
                clashes.append(f"{form!r}: {seen[form]} / {entry.term}")
            seen[form] = entry.term
    assert not clashes, clashes


def test_definitions_are_short(glossary):
    long = [e.term for e in glossary.entries if len(e.definition.split()) > 30]
    assert not long


def _find(glossary, text):
    return [(text[s:e], entry.term) for s, e, entry in glossary.find(text)]


def test_abbreviations_match_case_sensitively(glossary):
    assert _find(glossary, "AST and ALT were high") == [
        ("AST", "aspartate aminotransferase"), ("ALT", "alanine aminotransferase")]
    assert _find(glossary, "at last, alt text, Ast") == []


def test_no_match_inside_words_urls_or_emails(glossary):
    assert _find(glossary, "superplacebos www.placebo.org/placebo placebo@example.org") == []
    assert _find(glossary, "hypoxemiae") == []


def test_longest_term_wins_and_inflections_match(glossary):
    assert _find(glossary, "Interstitial Lung Diseases")[0][1] == "interstitial lung disease"
    assert _find(glossary, "open-label")[0][1] == "open label"
    assert _find(glossary, "placebos")[0][1] == "placebo"


def test_user_folder_overrides_entry_by_entry(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "- term: placebo\n  short: a dummy pill\n  definition: A dummy pill.\n  category: study design\n"
        "- term: zebra trial\n  short: our own word\n  definition: Our own word.\n  category: research process\n"
    )
    glossary = Glossary.load(tmp_path)
    assert _find(glossary, "placebo")[0][1] == "placebo"
    entry = glossary.find("placebo")[0][2]
    assert entry.short == "a dummy pill"
    assert _find(glossary, "a zebra trial")[0][1] == "zebra trial"
    assert _find(glossary, "randomized")  # shipped entries are still there


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ("- term: x\n  short: y\n  category: study design\n", "entry 1 ('x'): field 'definition' is missing"),
        ("- term: x\n  short: y\n  definition: z\n  category: colours\n", "field 'category' must be one of"),
        ("- term: x\n  short: y\n  definition: z\n  category: study design\n  colour: red\n", "unknown field 'colour'"),
        ("term: x\n", "expected a list of entries"),
    ],
)
def test_bad_entries_name_file_entry_and_field(tmp_path, yaml_text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text)
    with pytest.raises(GlossaryError, match="bad.yaml") as error:
        read_glossary_file(path)
    assert message in str(error.value)


def test_entry_forms_include_plain_plurals():
    entry = GlossaryEntry("side effect", "s", "d", "research process")
    assert "side effects" in entry.spoken_forms()


def test_a_prefix_joined_by_a_hyphen_changes_the_word(glossary):
    assert "squamous" not in [w for w, _ in _find(glossary, "non-squamous cancer")]
    assert "squamous" not in [w for w, _ in _find(glossary, "semi-squamous cancer")]
    assert _find(glossary, "squamous cancer")[0][0] == "squamous"
    assert "creatinine" in [term for _, term in _find(glossary, "microalbumin/creatinine ratio")]  # a slash is not glue


@given(st.text(alphabet="ab.@:/-_w +\nogvcmnetsh1", max_size=80))
def test_web_addresses_are_found_as_the_pattern_finds_them(text):
    from summarizer.glossary import WEB_ADDRESS, web_addresses

    assert web_addresses(text) == [m.span() for m in WEB_ADDRESS.finditer(text)]


def test_a_letter_whose_lower_case_is_longer_does_not_shift_terms(glossary):
    text = "İİ study of asthma"
    (start, end, entry), = [f for f in glossary.find(text) if f[2].term == "asthma"]
    assert text[start:end] == "asthma"

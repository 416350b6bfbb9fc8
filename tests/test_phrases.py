"""Every API v2 enum value has plain words, and every fixed sentence is at grade 6 or below."""

import re

import pytest
import textstat

from summarizer.phrases import PhraseBook

# The ClinicalTrials.gov API v2 enum lists (GET /api/v2/studies/enums).
API_ENUMS = {
    "studyType": ["INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"],
    "phase": ["NA", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4"],
    "allocation": ["RANDOMIZED", "NON_RANDOMIZED", "NA"],
    "interventionModel": ["SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"],
    "observationalModel": ["COHORT", "CASE_CONTROL", "CASE_ONLY", "CASE_CROSSOVER", "ECOLOGIC_OR_COMMUNITY",
                           "FAMILY_BASED", "DEFINED_POPULATION", "NATURAL_HISTORY", "OTHER"],
    "timePerspective": ["RETROSPECTIVE", "PROSPECTIVE", "CROSS_SECTIONAL", "OTHER"],
    "masking": ["NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"],
    "whoMasked": ["PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"],
    "primaryPurpose": ["TREATMENT", "PREVENTION", "DIAGNOSTIC", "ECT", "SUPPORTIVE_CARE", "SCREENING",
                       "HEALTH_SERVICES_RESEARCH", "BASIC_SCIENCE", "DEVICE_FEASIBILITY", "OTHER"],
    "overallStatus": ["ACTIVE_NOT_RECRUITING", "COMPLETED", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING",
                      "RECRUITING", "SUSPENDED", "TERMINATED", "WITHDRAWN", "AVAILABLE", "NO_LONGER_AVAILABLE",
                      "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN"],
    "sex": ["FEMALE", "MALE", "ALL"],
    "stdAge": ["CHILD", "ADULT", "OLDER_ADULT"],
    "interventionType": ["BEHAVIORAL", "BIOLOGICAL", "COMBINATION_PRODUCT", "DEVICE", "DIAGNOSTIC_TEST",
                         "DIETARY_SUPPLEMENT", "DRUG", "GENETIC", "PROCEDURE", "RADIATION", "OTHER"],
    "armGroupType": ["EXPERIMENTAL", "ACTIVE_COMPARATOR", "PLACEBO_COMPARATOR", "SHAM_COMPARATOR",
                     "NO_INTERVENTION", "OTHER"],
    "enrollmentType": ["ACTUAL", "ESTIMATED"],
}
MAX_FIXED_GRADE = 6.0


@pytest.fixture(scope="module")
def phrases():
    return PhraseBook.load()


@pytest.mark.parametrize("field", sorted(API_ENUMS))
def test_every_enum_value_has_a_label_and_a_sentence(phrases, field):
    for value in API_ENUMS[field]:
        phrase = phrases.enum(field, value)
        assert phrase.known, f"{field}.{value} has no plain words"
        assert phrase.label and phrase.sentence, f"{field}.{value}"
    assert phrases.warnings == []


def test_status_decides_whether_the_leaflet_invites(phrases):
    assert phrases.enum("overallStatus", "RECRUITING").invites
    for closed in ("COMPLETED", "TERMINATED", "WITHDRAWN", "ACTIVE_NOT_RECRUITING"):
        phrase = phrases.enum("overallStatus", closed)
        assert not phrase.invites
        assert "not looking" in phrase.meaning or "cannot join" in phrase.meaning


def test_open_label_is_said_plainly(phrases):
    sentence = phrases.enum("masking", "NONE").sentence
    assert sentence.startswith("Open label") and "knows which treatment you get" in sentence


def test_unknown_value_is_shown_as_written_with_a_warning(phrases):
    phrase = phrases.enum("masking", "SEXTUPLE")
    assert phrase.label == "SEXTUPLE" and not phrase.known
    assert any("SEXTUPLE" in w for w in phrases.warnings)
    phrases.warnings.clear()


def _fixed_sentences(phrases):
    for key, text in phrases.text.items():
        yield f"text.yaml:{key}", re.sub(r"\{\w+\}", "it", text)
    for field, values in phrases.enums.items():
        for value, entry in values.items():
            for part in ("sentence", "meaning"):
                if entry.get(part):
                    yield f"enums.yaml:{field}.{value}.{part}", entry[part]


def test_fixed_template_sentences_are_grade_6_or_below(phrases):
    too_hard = []
    for where, text in _fixed_sentences(phrases):
        if len(text.split()) < 4 or not text.rstrip().endswith((".", "?")):
            continue  # labels and headings: not sentences, too short for a grade formula
        grade = textstat.flesch_kincaid_grade(text)
        if grade > MAX_FIXED_GRADE:
            too_hard.append(f"{where} (grade {grade}): {text}")
    assert not too_hard, "\n".join(too_hard)


def test_a_users_everyday_words_add_to_and_replace_the_shipped_ones(tmp_path):
    from summarizer.build import LeafletPipeline
    from summarizer.load import study_from_record

    from conftest import minimal_record

    (tmp_path / "plain-words.yaml").write_text("zorbify: mix\ncurrently: currently\n")
    record = minimal_record(
        eligibilityModule={"eligibilityCriteria": "Inclusion Criteria:\n\n* Currently able to zorbify 2 liquids", "sex": "ALL"}
    )
    study = study_from_record(record, "x.json")
    ours = LeafletPipeline(templates=tmp_path).explain(study)
    shipped = LeafletPipeline().explain(study)
    assert ours.criteria[0].criteria[0].plain == "are currently able to mix 2 liquids."
    assert shipped.criteria[0].criteria[0].plain == "are now able to zorbify 2 liquids."


def test_a_bad_everyday_words_file_is_one_clear_error(tmp_path):
    from summarizer.phrases import PhraseBook, PhraseError

    (tmp_path / "plain-words.yaml").write_text("- a list\n")
    with pytest.raises(PhraseError, match="plain-words.yaml"):
        PhraseBook.load(tmp_path)


def test_the_plain_filter_uses_the_users_everyday_words(tmp_path):
    from summarizer.build import LeafletPipeline
    from summarizer.load import study_from_record

    from conftest import minimal_record

    (tmp_path / "plain-words.yaml").write_text("zorbify: mix\n")
    record = minimal_record(
        outcomesModule={"primaryOutcomes": [{"measure": "Zorbify score", "description": "How well people zorbify.", "timeFrame": "1 year"}]}
    )
    pipeline = LeafletPipeline(templates=tmp_path)
    html = pipeline.renderer.html(pipeline.explain(study_from_record(record, "x.json")))
    assert "Mix score" in html and "How well people mix." in html


@pytest.mark.parametrize(
    "record, plain",
    [
        ("History of myocardial infarction or renal failure", "History of heart attack or kidney failure"),
        # a phrase mapped to itself is a name: its words are not swapped
        ("Modification of Diet in Renal Disease (MDRD) formula", "Modification of Diet in Renal Disease (MDRD) formula"),
        ("renal cell carcinoma or renal impairment", "renal cell carcinoma or kidney impairment"),
        # a title stays a title, capitals stay capitals
        ("Number of Clinical Laboratory Test Abnormalities", "Number of Clinical Lab Test Abnormalities"),
        ("HISTORY OF HYPERTENSION", "HISTORY OF HIGH BLOOD PRESSURE"),
        # a swap never leaves the same words twice: "breastfeeding (lactating)"
        ("Pregnant or breastfeeding (lactating) women", "Pregnant or breastfeeding women"),
        ("Pregnant or breastfeeding (nursing) women", "Pregnant or breastfeeding (nursing) women"),
    ],
)
def test_everyday_medical_words(record, plain):
    from summarizer.plain_text import EverydayWords

    assert EverydayWords.load()(record) == plain


def test_a_pair_mapped_to_itself_guards_a_users_name():
    from summarizer.plain_text import EverydayWords

    words = EverydayWords({"hepatic": "liver", "hepatic encephalopathy": "hepatic encephalopathy"})
    assert words("hepatic encephalopathy and hepatic disease") == "hepatic encephalopathy and liver disease"


def test_a_glossary_term_is_not_half_swapped():
    from summarizer.glossary import Glossary
    from summarizer.plain_text import EverydayWords

    words = EverydayWords.load().keeping(Glossary.load())
    assert words("hematologic malignancies or other malignancies") == "hematologic malignancies or other cancers"
    assert words.keeping(Glossary.load()) is not None  # another glossary: its own guards


_SWAP_CASES = [
    "History of myocardial infarction or renal failure", "Prior to dosing, in order to", "PRIOR TO DOSING",
    "non-renal and renal-cell but not renal", "participants' diaries and participants", "subject's consent",
    "Anti-diabetic medication use", "prior-to", "in order to commence the administration of medications",
    "renal\nfailure", "renal  failure", "Renal Failure", "", "x", "modification of diet in renal disease",
]


def test_phrases_tried_at_their_first_words_swap_what_the_one_pattern_swaps(pipeline):
    """The quick path (ASCII text, only phrases starting with each word) against ``re.sub`` with
    the one pattern of all phrases, on the shipped table and on it keeping the glossary's terms."""
    from conftest import shared_records
    from summarizer.load import load_studies
    from summarizer.plain_text import EverydayWords

    texts = list(_SWAP_CASES)
    for path in shared_records()[::25]:
        for study in load_studies(path):
            texts += [study.brief_summary or "", study.eligibility.criteria or ""]
    for words in (EverydayWords.load(), pipeline.phrases.everyday):
        assert words._by_first_word is not None
        for text in texts:
            for line in text.splitlines() or [text]:
                assert words._swap_at_first_words(line) == words._pattern.sub(words._replace, line), line

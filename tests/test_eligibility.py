import re
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import requires_shared, shared_records
from summarizer.eligibility import count_criteria, example_list, fact_text, parse_criteria, rewrite_criterion, units_kept
from summarizer.plain_text import NEGATIONS, numbers_in, unescape_markdown


def test_example_criteria_split_into_inclusion_and_exclusion(example_study):
    groups = parse_criteria(example_study.eligibility.criteria)
    assert [(g.kind, len(g.criteria)) for g in groups] == [("inclusion", 4), ("exclusion", 11)]


# The rewrites of docs/plain-language.md (from the seed record); checked with RULES_ADDED below.
RULES_SEED = [
    ("inclusion", "Adults over 18 years of age and less than 80 years of age", "are between 18 and 80 years old."),
    ("inclusion", "Both female and male", "are female or male."),
    ("exclusion", "Exposure to rituximab or cyclophosphamide on the previous 2 months",
     "have taken rituximab or cyclophosphamide in the last 2 months."),
    ("exclusion", "Previous treatment with mesenchymal stem cells", "have been treated with mesenchymal stem cells before."),
    ("exclusion", "Pregnant or breast feeding", "are pregnant or breastfeeding."),
    ("exclusion", "Inability to provide informed consent", "are not able to give informed consent."),
    ("exclusion", "History of stroke", "have had stroke."),
    ("inclusion", "Diagnosis of type 2 diabetes", "have been told you have type 2 diabetes."),
    ("inclusion", "Patients with asthma", "have asthma."),
    ("inclusion", "No prior chemotherapy", "have not had chemotherapy before."),
    ("exclusion", "Unwilling to use contraception", "are not willing to use birth control."),
]


def test_severe_hypoxemia_keeps_its_number():
    plain, rule = rewrite_criterion(
        "Severe interstitial lung disease defined by the presence of severe hypoxemia at rest (SO2 < 88% at rest)",
        "exclusion",
    )
    assert rule and "below 88%" in plain and plain.startswith("have severe interstitial lung disease")


def test_symbols_become_words_even_without_a_rule():
    plain, rule = rewrite_criterion("Dose unchanged for ≥ 3 months, or ALT ≤ 2.5 x ULN", "inclusion")
    assert rule is None
    assert plain == "Dose unchanged for at least 3 months, or ALT at most 2.5 times the upper limit of normal"


@pytest.mark.parametrize(
    "record, plain",
    [
        ("Platelet count >= 100,000/mm^3", "have a platelet count of at least 100,000/mm^3."),
        ("ANC ≥ 1500/mm3 and ALT ≤ 2.5 x ULN", "have ANC of at least 1500/mm3 and ALT of at most 2.5 times the upper limit of normal."),
        ("Weight <40 kg at Screening Visit 1.", "weigh less than 40 kg at Screening Visit 1."),
        ("PSA doubling time (PSADT) of ≤ 10 months.", "have a PSA doubling time (PSADT) of at most 10 months."),
    ],
)
def test_lab_values_are_said_as_you_have(record, plain):
    assert rewrite_criterion(record, "inclusion") == (plain, "lab value")


def test_criteria_starting_with_a_disease_use_the_glossary():
    from summarizer.glossary import Glossary

    glossary = Glossary.load()
    assert rewrite_criterion("Glaucoma", "exclusion", glossary) == ("have glaucoma.", "starts with a term")
    # the everyday name when there is one (templates/plain-words.yaml)
    assert rewrite_criterion("Hypertension", "exclusion", glossary) == ("have high blood pressure.", "starts with a term")
    assert rewrite_criterion("Stroke within the last 6 months", "exclusion", glossary)[0] == "have had stroke within the last 6 months."
    assert rewrite_criterion("Hypertension", "exclusion")[1] is None  # no glossary, no guess


def test_a_criterion_no_rule_fits_keeps_its_words():
    text = "Clinically stable for the judgement of the investigator"
    assert rewrite_criterion(text, "exclusion") == (text, None)


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("INCLUSION:\n1. a\n2. b\nEXCLUSION:\n1) c", [("inclusion", 2), ("exclusion", 1)]),
        ("Key Inclusion Criteria\n\n- a\n\nKey Exclusion Criteria\n\n• b\n• c", [("inclusion", 1), ("exclusion", 2)]),
        ("Inclusion criteria for Part A:\n* a\nNon-inclusion criteria:\n* b", [("inclusion", 1), ("exclusion", 1)]),
        ("* just a list\n* of two", [("other", 2)]),
    ],
)
def test_heading_and_bullet_styles(text, kinds):
    assert [(g.kind, len(g.criteria)) for g in parse_criteria(text)] == kinds


def test_nested_lists_stay_nested_and_notes_stay_in_place():
    text = "Inclusion Criteria:\n\n* parent\n\n  1. child one\n  2. child two\n* second\n\nNote: a paragraph."
    (group,) = parse_criteria(text)
    parent, second, note = group.criteria
    assert [c.text for c in parent.children] == ["child one", "child two"]
    assert note.is_note and note.text == "Note: a paragraph."
    assert count_criteria([group]) == 5


def _source_bullets_and_words(text: str) -> tuple[int, list[str]]:
    """List items in the record, and every word of every line that is not a bare heading."""
    from summarizer.eligibility import _BULLET, _heading_kind

    bullets, words = 0, []
    for line in unescape_markdown(text).replace("\t", "    ").split("\n"):
        bullet = _BULLET.match(line)
        if bullet:
            bullets += 1
            words += bullet.group("text").split()
        elif _heading_kind(line):
            rest = line.strip().partition(":")[2].strip()
            words += rest.split() if rest not in ("", "-", "–") else []
        else:
            words += line.split()
    return bullets, sorted(words)


@requires_shared
def test_nothing_is_dropped_over_the_corpus():
    """Every list item becomes one criterion and every word of the criteria text is kept."""
    for path in shared_records():
        criteria = json.loads(path.read_text())["protocolSection"].get("eligibilityModule", {}).get("eligibilityCriteria")
        if not criteria:
            continue
        groups = parse_criteria(criteria)
        bullets, words = _source_bullets_and_words(criteria)
        parsed = [c for g in groups for c in g.walk()]
        assert sum(not c.is_note for c in parsed) == bullets, path.name
        assert sorted(w for c in parsed for w in c.text.split()) == words, path.name


@requires_shared
def test_rewrites_keep_every_number_and_negation_over_the_corpus():
    rewritten = total = 0
    for path in shared_records():
        criteria = json.loads(path.read_text())["protocolSection"].get("eligibilityModule", {}).get("eligibilityCriteria")
        for group in parse_criteria(criteria):
            for criterion in group.walk():
                total += 1
                rewritten += criterion.rule is not None
                source = fact_text(criterion.text)  # a list number written twice is not a fact
                for number in set(numbers_in(source)):
                    assert numbers_in(criterion.plain).count(number) >= numbers_in(source).count(number), criterion
                assert len(NEGATIONS.findall(criterion.plain)) >= len(NEGATIONS.findall(criterion.text)), criterion
                if criterion.rule:
                    assert units_kept(criterion.text, criterion.plain), criterion
    assert total > 5000 and rewritten > 0


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("abc *-•1.)\n:\tIiNnCcLlUuSsEeXxOo<≥")), max_size=200))
def test_parser_never_crashes_and_keeps_text(text):
    groups = parse_criteria(text)
    words_in = sum(len(c.text.split()) for g in groups for c in g.walk())
    assert words_in <= len(text.split())


# Rules added for the hand-checked set (tests/data/criteria_cases.yaml): one made-up criterion each.
RULES_ADDED = [
    ("exclusion", "Being allergic to eggs", "are allergic to eggs."),
    ("inclusion", "Being 35 to 65 years old", "are 35 to 65 years old."),
    ("inclusion", "Clinical diagnosis of interstitial lung disease", "have been told you have interstitial lung disease."),
    ("inclusion", "Stable weight for at least 3 months", "have stable weight for at least 3 months."),
    ("exclusion", "Positive hepatitis B or hepatitis C virus serology at screening.", "have a positive hepatitis B or hepatitis C virus serology at screening."),
    ("inclusion", "At least 80% compliance with the diary", "have at least 80% compliance with the diary."),
    ("inclusion", "For females of child-bearing potential, negative urine pregnancy test within 14 days",
     "have a negative urine pregnancy test within 14 days, if you could become pregnant."),
    ("inclusion", "Getting a Neuropathy Disability Score of 3 and above", "get a Neuropathy Disability Score of 3 and above."),
    ("inclusion", "Being diagnosed with type 2 diabetes", "have been diagnosed with type 2 diabetes."),
    ("exclusion", "being treated with steroids", "are being treated with steroids."),
    ("inclusion", "Having at least one menses in the last 40 days.", "have at least one menses in the last 40 days."),
    ("exclusion", "Received any anticancer therapy", "have received any anticancer therapy."),
    ("exclusion", "Receipt of etelcalcetide within 6 months", "have received etelcalcetide within 6 months."),
    ("exclusion", "Non-English speaking", "do not speak English."),
    ("exclusion", "Patients who cannot consent", "cannot consent."),
    ("inclusion", "An individual who took metformin", "took metformin."),
    ("inclusion", "Age ≥20 and ≤65 years.", "are 20 to 65 years old."),
    ("inclusion", "Age more than 18 years", "are over 18 years old."),
    ("inclusion", "Men and women, aged 18-65 years", "are male or female and 18 to 65 years old."),
    ("inclusion", "Participant must be female aged ≥ 21 years.", "are female and 21 years or older."),
    ("exclusion", "Males who are unwilling to use a condom", "are male and are not willing to use a condom."),
    ("exclusion", "Female participants who are breastfeeding", "are breastfeeding."),
    ("inclusion", "Male participants who are sexually active must agree to use a condom",
     "Male participants who are sexually active must agree to use a condom"),  # "who ..." is not the whole criterion
    ("inclusion", "Women of childbearing potential must have a negative urine test.",
     "have a negative urine test, if you could become pregnant."),
    ("inclusion", "Age ≥18 and <45 at screening", "are at least 18 and younger than 45 years old at screening."),
    ("inclusion", ">21 years old", "are over 21 years old."),
    ("inclusion", "Aged between 30 and 60 years", "are between 30 and 60 years old."),
    ("inclusion", "Adults ≥18 - ≤50 years of age", "are 18 to 50 years old."),
    ("inclusion", "Ability and willingness to keep a diary", "are able and willing to keep a diary."),
    ("exclusion", "Inability or unwillingness of a patient to attend visits", "are not able or not willing to attend visits."),
    ("inclusion", "No planned surgery during the study", "have no planned surgery during the study."),
    ("inclusion", "No previous radiotherapy", "have not had radiotherapy before."),
    ("exclusion", "< 3 meals per day", "have fewer than 3 meals per day."),
    ("inclusion", "≥20% of the skin affected", "have at least 20% of the skin affected."),
    ("exclusion", "History of >3 falls in the last year", "have had more than 3 falls in the last year."),
    ("inclusion", "Has ≥2 and ≤8 lesions on the arm", "have 2 to 8 lesions on the arm."),
    ("inclusion", "Has HbA1c ≥7% and ≤10 %", "have HbA1c of 7% to 10%."),
    ("inclusion", "Not pregnant and willing to use birth control", "are not pregnant and are willing to use birth control."),
    ("inclusion", "Subject in good general health", "are in good general health."),
    ("inclusion", "Knee surgery planned and scheduled", "have knee surgery planned and scheduled."),
    ("inclusion", "Absence of heart disease", "do not have heart disease."),
    ("inclusion", "Both men and women are included in the study.", "are male or female."),
    ("exclusion", "Patient with kidney failure", "have kidney failure."),
    ("exclusion", "Patients requiring daily oxygen", "need daily oxygen."),
    ("inclusion", "Hemoglobin must be ≥10 g/dL", "have hemoglobin of at least 10 g/dL."),
    ("exclusion", "Previously treated with rituximab", "have been treated with rituximab before."),
    ("exclusion", "Prior treatment with steroids, other than inhaled steroids", "have been treated before with steroids, other than inhaled steroids."),
    ("exclusion", "Known hepatitis C positive", "are known to be hepatitis C positive."),
    ("exclusion", "Current smoker or cessation of smoking within 3 months", "are a current smoker or stopped smoking within 3 months."),
    ("exclusion", "Subjects with body weight >120 kg", "weigh more than 120 kg."),
    ("exclusion", "Steroid use within the prior 2 weeks", "have used steroids within the last 2 weeks."),
    ("exclusion", "Does not speak English", "do not speak English."),
    ("exclusion", "Is pregnant, breast-feeding, or intends to become pregnant", "are pregnant, breastfeeding, or intend to become pregnant."),
    ("exclusion", "Has, within two (2) weeks prior to Screening, received any vaccine",
     "have, within 2 weeks before Screening, received any vaccine."),
    ("inclusion", "Must have a diagnosis of asthma", "have a diagnosis of asthma."),
    ("exclusion", "Current use of Warfarin", "now use Warfarin."),
    ("exclusion", "Ferritin level above the upper limit of normal", "have a ferritin level above the upper limit of normal."),
    ("inclusion", "38-40 weeks of gestation", "are at 38 to 40 weeks of gestation."),
    ("exclusion", "Impaired liver function", "have impaired liver function."),
    ("inclusion", "Positive for hepatitis B surface antigen", "are positive for hepatitis B surface antigen."),
    ("inclusion", "Adult males 40 years old or older.", "are male and 40 years or older."),
    ("exclusion", "Currently pregnant or nursing", "are now pregnant or breastfeeding."),
    ("inclusion", "Signed informed consent form and assent form", "give written informed consent and assent."),
    ("exclusion", "Alanine Aminotransferase (ALT) > 3 X upper limit of normal",
     "have alanine aminotransferase (ALT) above 3 times the upper limit of normal."),
    ("inclusion", "ECOG performance status less than or equal to (≤)1", "have an ECOG performance status of at most 1."),
]


@pytest.mark.parametrize("kind, record, plain", RULES_SEED + RULES_ADDED)
def test_rules_rewrite_for_the_reader(kind, record, plain):
    assert rewrite_criterion(record, kind)[0] == plain


def test_a_bare_condition_is_something_you_have_with_the_glossary_only():
    from summarizer.glossary import Glossary

    glossary = Glossary.load()
    assert rewrite_criterion("Brain metastases", "exclusion", glossary)[0] == "have brain metastases."
    assert rewrite_criterion("Zorbex cell leukemia", "exclusion", glossary) == ("have zorbex cell leukemia.", "bare condition")
    assert rewrite_criterion("Severe head injury and brain hemorrhage within 3 months", "exclusion", glossary)[0] == \
        "have had severe head injury and brain hemorrhage within 3 months."
    # a verb, a negation or a person is not a bare condition
    for text in ("No active infection", "Cancer survivors", "Infection that is treated", "Pregnancy and heart disease"):
        assert rewrite_criterion(text, "exclusion", glossary)[1] in (None, "condition word", "starts with a term"), text
    assert rewrite_criterion("Pregnancy and heart disease", "exclusion", glossary)[1] is None


@pytest.mark.parametrize(
    "record",
    [
        "PRIOR TO REGISTRATION:",  # a heading inside the list
        "An interval of ≤100 days between diagnosis and the first dose",  # not a measure's value
        "Signed consent forms for patients < 18 years of age",  # an age, not a lab value
        "Pregnancy and peripartum cardiomyopathy",  # "and" or "or"? not guessed
        "Being a single and live fetus,",  # not the reader
        "Stable for at least 4 weeks on the same medicines",  # stable what? not guessed
        "Participants who received chemotherapy must have completed it before day 1",  # "who" is a condition
        "Stable dialysis patients who have had dialysis for 3 months",  # the patients are not "stable X"
    ],
)
def test_no_guess(record):
    from summarizer.glossary import Glossary

    assert rewrite_criterion(record, "inclusion", Glossary.load())[1] is None


def test_a_list_number_written_twice_and_a_number_said_twice_are_not_facts():
    assert fact_text("1. Aged between 18 and 80 years.") == "Aged between 18 and 80 years."
    assert fact_text("within one (1) month") == "within 1 month"
    assert fact_text("within one (2) months") == "within one (2) months"  # not the same number: both stay
    assert rewrite_criterion("1. Aged between 18 and 80 years.", "inclusion")[0] == "are between 18 and 80 years old."


@pytest.mark.parametrize(
    "plain, split",
    [
        ("have any of these long and serious conditions that would make it unsafe for you; or have had a bad reaction to the medicine",
         "have any of these long and serious conditions that would make it unsafe for you. Or have had a bad reaction to the medicine"),
        ("have an uncontrolled illness including, but not limited to, heart failure, high blood pressure that is not controlled, or an infection",
         "have an uncontrolled illness. This includes, but is not limited to, heart failure, high blood pressure that is not controlled, or an infection"),
        ("have used medicines that could change how fast food moves through your gut in the last week (for example, opioids or laxatives).",
         "have used medicines that could change how fast food moves through your gut in the last week. For example, opioids or laxatives."),
        ("have a short one; with a semicolon.", "have a short one; with a semicolon."),  # 20 words or fewer: unchanged
        ("have infections such as pneumonia, bronchitis, etc. or tumors in any part of the body; or have had a bad reaction to a medicine",
         "have infections such as pneumonia, bronchitis, etc. or tumors in any part of the body. Or have had a bad reaction to a medicine"),
        ("have conditions (A; B; C; D; E; F; G; H; I; J; K; L; M; N; O; P; Q; R; S; T) now", "have conditions (A; B; C; D; E; F; G; H; I; J; K; L; M; N; O; P; Q; R; S; T) now"),
    ],
)
def test_long_sentences_split_where_the_parts_stand_alone(plain, split):
    from summarizer.eligibility import split_long

    assert split_long(plain) == split


@pytest.mark.parametrize(
    "plain, lead, items",
    [
        ("have an infection such as HIV, hepatitis B, or hepatitis C.", "have an infection such as:", ("HIV", "hepatitis B", "hepatitis C")),
        ("have heart disease, for example heart attack, angina or heart failure.", "have heart disease, for example:",
         ("heart attack", "angina", "heart failure")),
        ("take drugs such as aspirin, heart and lung pills, or salt.", "take drugs such as:", ("aspirin", "heart and lung pills", "salt")),
        ("had surgery. Have cancer including but not limited to lung, breast, colon.", "had surgery. Have cancer including but not limited to:",
         ("lung", "breast", "colon")),
    ],
)
def test_three_or_more_examples_become_a_list(plain, lead, items):
    assert example_list(plain) == (lead, items)


@pytest.mark.parametrize(
    "plain",
    [
        "have heart and lung disease such as asthma and COPD.",  # two examples
        "have conditions (e.g., a, b) such as x, y, z.",  # the first marker is inside brackets
        "have HIV, hepatitis B, or hepatitis C.",  # a list, but not of examples: "or" matters
        "have a disease such as one with a very long name that goes on and on and on for ever, B, C.",
        "have conditions, for example: angina, heart failure or other conditions that would, in the view of the doctor, harm you.",
        "have an infection, including COVID-19 or influenza, at the time of randomization, within 4 weeks before it.",
        "have had an agent for another receptor [for example, CTLA4, OX-40, CD137].",
        "have uncontrolled disorders such as serious cardiovascular, renal, liver or pulmonary disease.",
    ],
)
def test_other_criteria_are_not_split(plain):
    assert example_list(plain) == (plain, ())


@given(st.text(max_size=120))
def test_an_example_list_keeps_every_word_but_the_last_joining_word(plain):
    lead, items = example_list(plain)
    if items:
        words = lambda text: re.findall(r"\w+", text)
        rest = [w for w in words(plain) if w not in ("or", "and")]
        assert [w for w in words(lead + " " + " ".join(items)) if w not in ("or", "and")] == rest

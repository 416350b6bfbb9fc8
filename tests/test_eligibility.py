import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import requires_shared, shared_records
from summarizer.eligibility import count_criteria, parse_criteria, rewrite_criterion, units_in
from summarizer.plain_text import NEGATIONS, numbers_in, unescape_markdown


def test_example_criteria_split_into_inclusion_and_exclusion(example_study):
    groups = parse_criteria(example_study.eligibility.criteria)
    assert [(g.kind, len(g.criteria)) for g in groups] == [("inclusion", 4), ("exclusion", 11)]


# The rewrites of docs/plain-language.md (from the seed record).
@pytest.mark.parametrize(
    "kind, record, plain",
    [
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
        ("inclusion", "No prior chemotherapy", "do not have prior chemotherapy."),
        ("exclusion", "Unwilling to use contraception", "are not willing to use contraception."),
    ],
)
def test_rules_rewrite_for_the_reader(kind, record, plain):
    assert rewrite_criterion(record, kind)[0] == plain


def test_severe_hypoxemia_keeps_its_number():
    plain, rule = rewrite_criterion(
        "Severe interstitial lung disease defined by the presence of severe hypoxemia at rest (SO2 < 88% at rest)",
        "exclusion",
    )
    assert rule and "below 88%" in plain and plain.startswith("have severe interstitial lung disease")


def test_symbols_become_words_even_without_a_rule():
    plain, rule = rewrite_criterion("Stable dose for ≥ 3 months, or ALT ≤ 2.5 x ULN", "inclusion")
    assert rule is None
    assert plain == "Stable dose for at least 3 months, or ALT at most 2.5 times the upper limit of normal"


@pytest.mark.parametrize(
    "record, plain",
    [
        ("Platelet count >= 100,000/mm^3", "have a platelet count of at least 100,000/mm^3."),
        ("ANC ≥ 1500/mm3 and ALT ≤ 2.5 x ULN", "have ANC of at least 1500/mm3 and ALT at most 2.5 times the upper limit of normal."),
        ("Weight <40 kg at Screening Visit 1.", "weigh less than 40 kg at Screening Visit 1."),
        ("PSA doubling time (PSADT) of ≤ 10 months.", "have a PSA doubling time (PSADT) of at most 10 months."),
    ],
)
def test_lab_values_are_said_as_you_have(record, plain):
    assert rewrite_criterion(record, "inclusion") == (plain, "lab value")


def test_criteria_starting_with_a_disease_use_the_glossary():
    from summarizer.glossary import Glossary

    glossary = Glossary.load()
    assert rewrite_criterion("Hypertension", "exclusion", glossary) == ("have hypertension.", "starts with a term")
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
                for number in set(numbers_in(criterion.text)):
                    assert numbers_in(criterion.plain).count(number) >= numbers_in(criterion.text).count(number), criterion
                assert len(NEGATIONS.findall(criterion.plain)) >= len(NEGATIONS.findall(criterion.text)), criterion
                if criterion.rule:
                    assert all(unit in criterion.plain for unit in units_in(criterion.text)), criterion
    assert total > 5000 and rewritten > 0


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("abc *-•1.)\n:\tIiNnCcLlUuSsEeXxOo<≥")), max_size=200))
def test_parser_never_crashes_and_keeps_text(text):
    groups = parse_criteria(text)
    words_in = sum(len(c.text.split()) for g in groups for c in g.walk())
    assert words_in <= len(text.split())

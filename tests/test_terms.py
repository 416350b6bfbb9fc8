"""The term engine on whole leaflets: record-defined abbreviations, first use, lint and coverage."""

import json
import re

import pytest

from click.testing import CliRunner

from conftest import EXAMPLE, minimal_record
from summarizer.cli import cli
from summarizer.glossary import Glossary, GlossaryError, defined_abbreviations
from summarizer.load import study_from_record


def test_record_spells_out_its_own_abbreviations():
    glossary = Glossary.load()
    found = defined_abbreviations(
        ["Patients with Interstitial Lung Disease (ILD)", "the ZQS (Zorbex Quality Scale) score",
         "rest (see below), groups (n=20), visits (V1)"],
        glossary,
    )
    assert found["ILD"].term == "interstitial lung disease"  # our own entry for the long form
    assert found["ZQS"].definition == "Short for Zorbex Quality Scale."
    assert "V1" not in found and "n=20" not in found


def test_a_record_abbreviation_is_explained_at_first_use(pipeline):
    record = minimal_record(
        armsInterventionsModule={"interventions": [{"name": "ZQS coaching", "type": "BEHAVIORAL"}]},
        descriptionModule={"briefSummary": "We test the Zorbex Quality Scale (ZQS) in adults."},
    )
    leaflet = pipeline.explain(study_from_record(record, "x.json"))
    html = pipeline.renderer.html(leaflet)
    assert '<dfn class="smz-term">ZQS</dfn> <span class="smz-gloss">(Zorbex Quality Scale)</span> coaching' in html
    assert "Zorbex Quality Scale (ZQS) in adults" in html  # the record's own words, left alone
    assert "Short for Zorbex Quality Scale." in html


def test_the_records_own_definition_counts_as_the_explanation(pipeline):
    record = minimal_record(
        descriptionModule={"briefSummary": "We test the Zorbex Quality Scale (ZQS) in adults."},
        outcomesModule={"primaryOutcomes": [{"measure": "Change in ZQS score", "timeFrame": "12 weeks"}]},
    )
    html = pipeline.renderer.html(pipeline.explain(study_from_record(record, "x.json")))
    assert "Zorbex Quality Scale (ZQS) in adults" in html and "ZQS</dfn>" not in html


def test_original_wording_is_never_annotated(example_html):
    details = re.search(r'<details class="smz-original">.*?</details>', example_html, re.S).group()
    assert "smz-term" not in details and "smz-gloss" not in details


def test_shipped_glossary_lints_clean():
    result = CliRunner().invoke(cli, ["glossary", "lint"])
    assert result.exit_code == 0, result.output


def test_lint_reports_duplicates_long_and_hard_definitions(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "- term: placebo\n  short: x\n  definition: A dummy.\n  category: study design\n"
        "- term: blorp\n  variants: [open label]\n  short: a thing\n"
        "  definition: Pharmacokinetic bioequivalence notwithstanding, an extraordinarily idiosyncratic "
        "heterogeneous characterisation.\n  category: study design\n"
    )
    result = CliRunner().invoke(cli, ["glossary", "lint", "--glossary", str(tmp_path)])
    assert result.exit_code == 1
    assert "'open label' is also a form of 'open label'" in result.output or "also a form of" in result.output
    assert "reads at grade" in result.output and "uses the hard word" in result.output


def test_coverage_lists_unexplained_hard_words(tmp_path):
    record = minimal_record(descriptionModule={"briefSummary": "We study zorbexosis and hypoxemia in adults."})
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record))
    result = CliRunner().invoke(cli, ["glossary", "coverage", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["studies"] == 1
    words = [row["word"] for row in report["top_unexplained"]]
    assert "zorbexosis" in words and "hypoxemia" not in words
    assert 0 < report["share_explained"] < 1


def test_coverage_of_the_example(tmp_path):
    result = CliRunner().invoke(cli, ["glossary", "coverage", str(EXAMPLE)])
    assert result.exit_code == 0 and "hard-word uses explained" in result.output


def test_a_drug_name_is_explained_by_its_ending(pipeline):
    # "-mab" is the official ending of antibody medicines: a name no entry has gets its gloss
    record = minimal_record(descriptionModule={"briefSummary": "We test zorbetamab and plain water. Zorbetamab is new."})
    html = pipeline.renderer.html(pipeline.explain(study_from_record(record, "x.json")))
    assert '<dfn class="smz-term">zorbetamab</dfn> <span class="smz-gloss">(a lab-made antibody medicine)</span>' in html
    assert html.count("(a lab-made antibody medicine)") == 1  # the second use is left alone
    assert "A medicine made of lab-made antibodies." in html  # in Words to know


def test_an_ending_needs_a_hard_word_with_more_before_it(pipeline):
    glossary = pipeline.glossary
    assert not glossary.find("cocaine")  # common in English: not a "-caine" medicine name
    assert not glossary.find("xcaine")  # too little before the ending
    assert [e.term for _, _, e in glossary.find("We give zorbocaine first.")] == ["zorbocaine"]
    assert [e.term for _, _, e in glossary.find("pseudo-zorbomab")] == []  # glued to a prefix: not the word


def test_an_ending_entry_must_be_a_hyphen_and_letters(tmp_path):
    (tmp_path / "x.yaml").write_text("- term: -m1\n  short: a thing\n  definition: A thing.\n  category: study design\n")
    with pytest.raises(GlossaryError, match="word ending"):
        Glossary.load(tmp_path)


def test_the_records_own_treatment_names_are_explained(pipeline):
    record = minimal_record(
        armsInterventionsModule={
            "interventions": [
                {"name": "Glorbizo snack bar", "type": "DIETARY_SUPPLEMENT", "otherNames": ["Zentrofix"]},
                {"name": "Placebo", "type": "DRUG"},
            ]
        },
        descriptionModule={"briefSummary": "You eat Glorbizo every day, or Zentrofix."},
    )
    leaflet = pipeline.explain(study_from_record(record, "x.json"))
    assert set(leaflet.record_terms) == {"Glorbizo snack bar", "Zentrofix", "Glorbizo"}
    assert leaflet.record_terms["Zentrofix"].short == "a dietary supplement used in this study"
    assert "What happens if you join" in leaflet.record_terms["Zentrofix"].definition
    html = pipeline.renderer.html(leaflet)
    assert '<dfn class="smz-term">Glorbizo</dfn> <span class="smz-gloss">(a dietary supplement used in this study)</span>' in html


def test_forms_of_common_words_are_not_hard():
    from summarizer.glossary import is_hard

    assert not is_hard("relaxes") and not is_hard("assessing") and not is_hard("uncomplicated")
    assert is_hard("oxaliplatin") and is_hard("reflux") and is_hard("resection") and is_hard("nonsquamous")


def test_stage_codes_are_not_hard_words(pipeline):
    from summarizer.coverage import hard_words

    words = [w for w, _ in hard_words("Stage IIIA or IIb disease, or zorbexosis.", pipeline.glossary)]
    assert words == ["zorbexosis"]


@pytest.mark.parametrize(
    "text, short, long",
    [
        ("Cockcroft-Gault formula for estimated creatinine clearance [eCrCl]: eCrCl = 140", "eCrCl", "estimated creatinine clearance"),
        ("Maximum excess weight loss (%EWL) after surgery", "EWL", "excess weight loss"),
        ("DBTP - Double blind treatment period (24 weeks)", "DBTP", "Double blind treatment period"),
    ],
)
def test_more_ways_a_record_spells_out_an_abbreviation(pipeline, text, short, long):
    assert defined_abbreviations([text], pipeline.glossary)[short].term == long


@pytest.mark.parametrize("text", ["ADP - and CP-induced platelet aggregation", "Stage II - IV or FIGO stage", "See [NOTE] below"])
def test_a_dash_or_bracket_is_not_always_a_definition(pipeline, text):
    assert not defined_abbreviations([text], pipeline.glossary)


def test_only_a_product_name_before_its_form_is_taken_alone(pipeline):
    record = minimal_record(
        armsInterventionsModule={
            "interventions": [
                {"name": "Zorbitinic acid", "type": "DRUG"},
                {"name": "Quentaflor oral tablets", "type": "DRUG"},
            ]
        },
    )
    terms = pipeline.explain(study_from_record(record, "x.json")).record_terms
    assert "Quentaflor" in terms and "Zorbitinic" not in terms and "Zorbitinic acid" in terms

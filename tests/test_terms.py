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


# --- the fallback: a hard word no entry names, explained by an entry it is made from ---------


def _terms(glossary, text):
    return [(text[s:e], entry.term, entry.short) for s, e, entry in glossary.find(text)]


def test_a_british_spelling_gets_the_american_entry(pipeline):
    found = _terms(pipeline.glossary, "Haemoglobin, oedema and anaemia in paediatric oesophagus tumours, randomised.")
    assert [(word, term) for word, term, _ in found] == [
        ("Haemoglobin", "hemoglobin"), ("oedema", "edema"), ("anaemia", "anemia"), ("paediatric", "pediatric"),
        ("oesophagus", "esophagus"), ("tumours", "tumor"), ("randomised", "randomized"),
    ]
    # the entry itself: its own short definition, and one gloss for both spellings
    assert found[0][2] == pipeline.glossary.find("hemoglobin")[0][2].short
    assert [term for _, term, _ in _terms(pipeline.glossary, "sulphonylurea, an analogue of it, enrolment")] == [
        "sulfonylurea", "analog", "enrollment"]


@pytest.mark.parametrize("text", ["aerobic aerosols", "exercise and advise", "a poem on shoes", "caesium", "hours of labour"])
def test_a_spelling_rule_counts_only_where_it_makes_one_of_our_terms(pipeline, text):
    assert _terms(pipeline.glossary, text) == []


def test_american_spellings_follow_regular_rules():
    from summarizer.glossary import american_spellings

    for british, american in [("haemorrhages", "hemorrhages"), ("anaesthetised", "anesthetized"), ("diarrhoea", "diarrhea"),
                              ("aetiology", "etiology"), ("behavioural", "behavioral"), ("centres", "centers"),
                              ("manoeuvre", "maneuver"), ("labelled", "labeled"), ("dialysed", "dialyzed"),
                              ("programme", "program"), ("leucopenia", "leukopenia")]:
        assert american in american_spellings(british), british
    assert american_spellings("aerobic") == () and american_spellings("shoe") == ()


def test_an_adverb_or_noun_of_a_glossed_adjective_names_the_adjective(pipeline):
    found = _terms(pipeline.glossary, "Given systemically or endoscopically; the reversibility and chronicity of it.")
    assert found == [
        ("systemically", "systemic", "systemic: affecting the whole body"),
        ("endoscopically", "endoscopic", "endoscopic: using a thin tube with a camera"),
        ("reversibility", "reversible", "reversible: can be undone"),
        ("chronicity", "chronic", "chronic: lasting a long time"),
    ]
    assert _terms(pipeline.glossary, "systemic")[0][2] == "affecting the whole body"  # the entry is left as it is


@pytest.mark.parametrize("text", ["family only", "a steady supply", "an anomaly", "Italy", "the assembly", "happiness"])
def test_a_word_ending_in_ly_or_ness_is_not_always_made_from_a_term(pipeline, text):
    assert _terms(pipeline.glossary, text) == []


def test_the_adverb_gloss_tells_which_word_is_defined(pipeline):
    record = minimal_record(descriptionModule={"briefSummary": "The medicine acts systemically. It is a systemic medicine."})
    html = pipeline.renderer.html(pipeline.explain(study_from_record(record, "x.json")))
    assert '<dfn class="smz-term">systemically</dfn> <span class="smz-gloss">(systemic: affecting the whole body)</span>' in html
    assert "smz-term\">systemic</dfn>" not in html  # explained once, at the adverb
    assert "<dt>systemic</dt>" in html  # "Words to know" lists the adjective


def test_a_word_beginning_on_a_term_is_glossed_with_both_parts(pipeline):
    found = _terms(pipeline.glossary, "Pregestational diabetes; a subdermal implant; the periovulation phase.")
    assert [(word, term, short) for word, term, short in found if term != "diabetes"] == [
        ("Pregestational", "pregestational", "pre-: before; gestational: about pregnancy"),
        ("subdermal", "subdermal", "sub-: under, or less than; dermal: of the skin"),
        ("periovulation", "periovulation", "peri-: around, or around the time of; ovulation: when an ovary releases an egg"),
    ]
    entry = pipeline.glossary.find("pregestational")[0][2]
    assert entry.definition.startswith("Pre- means before. Gestational: ") and entry.category == "body and diseases"


@pytest.mark.parametrize(
    "text",
    [
        "impair the reagent",  # "im-" is no beginning of ours; "agent" is no term
        "a reinfusion",  # "infusion" is a term, but a common word: re- on it may be a word of its own
        "interoperable with any system",  # in print often enough to mean more than its parts
        "pre and post",  # a beginning alone is not a word
        "prezorbexosis",  # the rest is no term
        "pre-school",  # nor here
    ],
)
def test_a_beginning_needs_a_rare_word_and_a_hard_term_after_it(pipeline, text):
    assert _terms(pipeline.glossary, text) == []


def test_hyphenated_words_make_a_term_or_a_beginning_and_a_term(pipeline):
    found = _terms(pipeline.glossary, "peri-operative care, a non-squamous tumor, anti-fibrotic effects, immuno-oncology")
    assert [(word, term) for word, term, _ in found][:3] == [
        ("peri-operative", "perioperative"), ("non-squamous", "nonsquamous"), ("tumor", "tumor")]
    assert ("anti-fibrotic", "anti-fibrotic", "anti-: against; fibrotic: scarred and stiff") in found
    assert _terms(pipeline.glossary, "pre-existing")[0][1] == "preexisting"  # the one word they make
    # a beginning on a plain word, or a code, is left alone
    assert _terms(pipeline.glossary, "post-treatment checks, anti-CD20, pre-T-cell") == []


def test_a_word_beginning_must_be_letters_and_a_hyphen(tmp_path):
    (tmp_path / "x.yaml").write_text("- term: Pre-\n  short: before\n  definition: Before.\n  category: study design\n")
    with pytest.raises(GlossaryError, match="word beginning"):
        Glossary.load(tmp_path)


def test_a_word_beginning_is_no_term_of_its_own(pipeline):
    assert all(entry.is_beginning for entry in pipeline.glossary.entries if entry.term.endswith("-"))
    assert "pre-" not in {e.term for _, _, e in pipeline.glossary.find("the pre- and post-test")}


def test_plain_words_are_never_hard():
    from summarizer.glossary import is_hard, plain_words

    words = plain_words()
    assert len(words) > 20000 and "the" in words and "hemoglobin" not in words
    assert not [word for word in words if is_hard(word)]


def test_a_slip_of_the_keyboard_names_the_term_meant(pipeline):
    found = _terms(pipeline.glossary, "Palcebo controlled; Basline to 12 months; intraveneous drugs")
    assert found == [
        ("Palcebo", "placebo", "placebo: " + pipeline.glossary.find("placebo")[0][2].short),
        ("Basline", "baseline", "baseline: " + pipeline.glossary.find("baseline")[0][2].short),
        ("intraveneous", "intravenous", "intravenous: into a vein"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "prostrate",  # a word in print, not a slip for "prostate"
        "cardiotonic agents",  # "n" and "x" are not keys side by side: not "cardiotoxic"
        "hemifacial microsomia",  # "micro-" for "macro-" is another word, not a slip
        "nephrop.",  # a word cut short: its last letter is not changed
        "placbo",  # too short to be sure
    ],
)
def test_a_rare_word_is_not_taken_for_a_slip_too_readily(pipeline, text):
    assert [word for word, _, _ in _terms(pipeline.glossary, text) if word.lower() != "hemifacial"] == []


@pytest.mark.parametrize(
    "text, html",
    [
        # the bracket is the term's own short form: one bracket says both
        ("Adverse Events (AEs) were counted",
         '<dfn class="smz-term">Adverse Events</dfn> <span class="smz-gloss">(AEs: any health problem during a study)</span> were counted'),
        # anything else in the bracket stays as written, after the gloss ("(VTd: a steroid)" would be wrong)
        ("dexamethasone (VTd)", '<dfn class="smz-term">dexamethasone</dfn> <span class="smz-gloss">(a strong steroid medicine)</span> (VTd)'),
        ("Melanoma (Skin)", '<dfn class="smz-term">Melanoma</dfn> <span class="smz-gloss">(a serious kind of skin cancer)</span> (Skin)'),
        # "(s)" is the plural of the word, not a name for it
        ("Concomitant medication(s)",
         '<dfn class="smz-term">Concomitant medication(s)</dfn> <span class="smz-gloss">(other medicines you take at the same time)</span>'),
    ],
)
def test_a_bracket_after_a_term_joins_its_gloss_only_when_it_names_the_term(text, html):
    from summarizer.glossary import Glossary
    from summarizer.render import TermAnnotator

    assert str(TermAnnotator(Glossary.load())(text)) == html

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE, minimal_record
from summarizer.load import RecordError, load_studies, study_from_record


def test_example_record_has_every_fact_of_the_seed_page(example_study):
    s = example_study
    assert s.nct_id == "NCT03929120"
    assert s.overall_status == "COMPLETED"
    assert s.design.phases == ("PHASE1",)
    assert s.design.enrollment_count == 10 and s.design.enrollment_type == "ACTUAL"
    assert s.design.masking == "NONE" and s.design.allocation == "NA"
    assert s.start_date.value == "2019-11-05"
    assert s.primary_completion_date.value == "2021-07-27"
    assert s.completion_date.value == "2022-02-17"
    assert s.last_update_post_date.value == "2022-04-20"
    assert s.eligibility.minimum_age == "18 Years" and s.eligibility.maximum_age == "80 Years"
    assert s.eligibility.healthy_volunteers is False
    assert s.interventions[0].type == "BIOLOGICAL"
    assert "0.5-1 million MSC/Kg" in s.interventions[0].description
    assert s.locations[0].zip == "32224"
    assert s.officials[0].name.startswith("Andy Abril")


def test_api_response_with_many_studies(tmp_path):
    path = tmp_path / "response.json"
    second = minimal_record()
    second["protocolSection"]["identificationModule"]["nctId"] = "NCT00000002"
    path.write_text(json.dumps({"studies": [minimal_record(), second]}))
    assert [s.nct_id for s in load_studies(path)] == ["NCT00000001", "NCT00000002"]


def test_yaml_record_is_read_like_json(tmp_path):
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(minimal_record()))
    assert load_studies(path)[0].brief_title == "A small test study"


@pytest.mark.parametrize(
    "content, expected",
    [
        ("{not json", "not valid JSON (line 1"),
        ("[1, 2]", "expected an object, found a list"),
        ('{"protocolSection": {}}', "identificationModule.nctId: missing"),
        ('{"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}}', "briefTitle: missing"),
        ('{"protocolSection": {"identificationModule": {"nctId": "../../etc", "briefTitle": "x"}}}', "not an NCT number"),
        ('{"hello": 1}', "protocolSection: missing"),
    ],
)
def test_bad_files_get_one_line_naming_file_and_field(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(RecordError) as error:
        load_studies(path)
    message = str(error.value)
    assert str(path) in message and expected in message
    assert "\n" not in message


def test_wrong_type_names_the_field():
    record = minimal_record(designModule={"enrollmentInfo": {"count": "ten"}})
    with pytest.raises(RecordError, match=r"protocolSection\.designModule\.enrollmentInfo\.count: expected a whole number"):
        study_from_record(record, "x.json")


def test_deep_nesting_is_a_clear_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100000 + "]" * 100000)
    with pytest.raises(RecordError, match="nested too deeply|not valid JSON"):
        load_studies(path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)
module_names = st.sampled_from(
    ["identificationModule", "statusModule", "designModule", "eligibilityModule", "armsInterventionsModule",
     "contactsLocationsModule", "outcomesModule", "descriptionModule", "conditionsModule", "sponsorCollaboratorsModule"]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(module_names, json_values, max_size=6))
def test_any_json_is_a_study_or_a_record_error(modules):
    record = minimal_record(**modules)
    try:
        study_from_record(record, "fuzz.json")
    except RecordError as error:
        assert str(error).startswith("fuzz.json: ")


def test_example_file_is_pretty_json():
    text = EXAMPLE.read_text()
    assert json.loads(text) and text.endswith("\n")


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode), st.sampled_from([".json", ".yaml"]))
def test_any_file_content_is_a_study_or_a_one_line_error(tmp_path, content, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    try:
        load_studies(path)
    except RecordError as error:
        assert str(error).startswith(str(path)) and "\n" not in str(error)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_document_is_a_study_or_a_record_error(document):
    try:
        study_from_record(document, "fuzz.json")
    except RecordError as error:
        assert str(error).startswith("fuzz.json")

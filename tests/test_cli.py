import json
import shutil

from click.testing import CliRunner

from conftest import EXAMPLE, minimal_record
from summarizer.cli import cli


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_build_writes_every_output(tmp_path):
    result = _run("build", EXAMPLE, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "NCT03929120"
    assert sorted(p.name for p in folder.iterdir()) == ["embed.html", "leaflet.html", "leaflet.pdf", "report.html", "report.json"]
    report = json.loads((folder / "report.json").read_text())
    assert report["reading_level"]["read_through"]["flesch_kincaid_grade"] > 0
    assert "who-can-join" in report["reading_level"]["sections"]


def test_format_chooses_outputs(tmp_path):
    result = _run("build", EXAMPLE, "--out", tmp_path, "--format", "embed")
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "NCT03929120").iterdir()) == ["embed.html", "report.json"]
    assert _run("build", EXAMPLE, "--out", tmp_path, "--format", "docx").exit_code == 2


def test_bad_file_gets_one_line_exit_2_and_others_still_build(tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(EXAMPLE, records / "good.json")
    (records / "bad.json").write_text("{oops")
    result = _run("build", records, "--out", tmp_path / "out", "--format", "html")
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {records / 'bad.json'}: not valid JSON (line 1, column 2: Expecting property name enclosed in double quotes)"]
    assert (tmp_path / "out" / "NCT03929120" / "leaflet.html").exists()
    assert "Traceback" not in result.output


def test_a_failed_rebuild_keeps_the_earlier_good_output(tmp_path):
    record = tmp_path / "NCT00000001.json"
    record.write_text(json.dumps(minimal_record()))
    assert _run("build", record, "--out", tmp_path / "out", "--format", "html").exit_code == 0
    leaflet = tmp_path / "out" / "NCT00000001" / "leaflet.html"
    good = leaflet.read_bytes()
    record.write_text('{"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}}')
    assert _run("build", record, "--out", tmp_path / "out", "--format", "html").exit_code == 2
    assert leaflet.read_bytes() == good


def test_unknown_enum_value_is_a_warning_not_a_crash(tmp_path):
    record = minimal_record(designModule={"studyType": "TIME_TRAVEL", "phases": ["PHASE9"]})
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(record))
    result = _run("build", path, "--out", tmp_path / "out", "--format", "html")
    assert result.exit_code == 0
    assert "unknown phase value 'PHASE9'" in result.output
    html = (tmp_path / "out" / "NCT00000001" / "leaflet.html").read_text()
    assert "PHASE9" in html and "TIME_TRAVEL" in html
    report = json.loads((tmp_path / "out" / "NCT00000001" / "report.json").read_text())
    assert any("PHASE9" in w for w in report["warnings"])


def test_same_input_same_bytes(tmp_path):
    for name in ("a", "b"):
        assert _run("build", EXAMPLE, "--out", tmp_path / name).exit_code == 0
    for file in ("leaflet.html", "embed.html", "leaflet.pdf", "report.json", "report.html"):
        assert (tmp_path / "a" / "NCT03929120" / file).read_bytes() == (tmp_path / "b" / "NCT03929120" / file).read_bytes()


def test_check_exit_codes_and_json(tmp_path):
    assert _run("check", EXAMPLE, "--max-grade", "30").exit_code == 0
    result = _run("check", EXAMPLE, "--max-grade", "1", "--json")
    assert result.exit_code == 1
    payload = json.loads(result.output[: result.output.rindex("}") + 1])
    assert payload["NCT03929120"]["over"] and payload["NCT03929120"]["max_grade"] == 1


def test_check_takes_a_built_leaflet_and_plain_text(tmp_path):
    _run("build", EXAMPLE, "--out", tmp_path, "--format", "html")
    result = _run("check", tmp_path / "NCT03929120" / "leaflet.html", "--max-grade", "30")
    assert result.exit_code == 0 and "Who can join?" in result.output
    text = tmp_path / "note.txt"
    text.write_text("You can stop at any time.\n- You will get a call.\n")
    assert _run("check", text, "--max-grade", "8").exit_code == 0


def test_build_max_grade_fails_after_writing(tmp_path):
    result = _run("build", EXAMPLE, "--out", tmp_path, "--format", "html", "--max-grade", "1")
    assert result.exit_code == 1
    assert "over grade 1: NCT03929120" in result.output
    assert (tmp_path / "NCT03929120" / "leaflet.html").exists()


def test_user_glossary_folder(tmp_path):
    glossary = tmp_path / "glossary"
    glossary.mkdir()
    (glossary / "site.yaml").write_text(
        "- term: hypoxemia\n  short: our own words\n  definition: Our own definition.\n  category: body and diseases\n"
    )
    assert _run("build", EXAMPLE, "--out", tmp_path / "out", "--format", "html", "--glossary", glossary).exit_code == 0
    html = (tmp_path / "out" / "NCT03929120" / "leaflet.html").read_text()
    assert "(our own words)" in html and "Our own definition." in html


def test_python_dash_m_works():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "summarizer", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "summarizer" in result.stdout

"""Incremental builds: a manifest of hashes decides what to rebuild."""

import json
import shutil

from click.testing import CliRunner

from conftest import EXAMPLE, minimal_record
from summarizer.cli import cli


def _build(*args):
    return CliRunner().invoke(cli, ["build", *map(str, args), "--format", "html"], catch_exceptions=False)


def _records(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "NCT03929120.json")
    (folder / "NCT00000001.json").write_text(json.dumps(minimal_record()))
    return folder


def _retitle(records):
    changed = minimal_record()
    changed["protocolSection"]["identificationModule"]["briefTitle"] = "A new title"
    (records / "NCT00000001.json").write_text(json.dumps(changed))


def test_unchanged_records_are_skipped_and_changed_ones_rebuilt(tmp_path):
    records, out = _records(tmp_path), tmp_path / "out"
    assert "built 2 leaflet(s)" in _build(records, "--out", out).stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["studies"]) == {"NCT00000001", "NCT03929120"}
    assert "built 0 leaflet(s) into" in _build(records, "--out", out).stdout
    _retitle(records)
    result = _build(records, "--out", out)
    assert "built 1 leaflet(s)" in result.stdout and "1 unchanged" in result.stdout
    assert "A new title" in (out / "NCT00000001" / "leaflet.html").read_text()
    assert "built 2 leaflet(s)" in _build(records, "--out", out, "--force").stdout


def test_a_new_template_or_glossary_rebuilds_everything(tmp_path):
    records, out = _records(tmp_path), tmp_path / "out"
    _build(records, "--out", out)
    glossary = tmp_path / "glossary"
    glossary.mkdir()
    (glossary / "mine.yaml").write_text("- term: zebra\n  short: a striped horse\n  definition: A striped horse.\n  category: body and diseases\n")
    assert "built 2 leaflet(s)" in _build(records, "--out", out, "--glossary", glossary).stdout


def test_deleted_output_is_rebuilt(tmp_path):
    records, out = _records(tmp_path), tmp_path / "out"
    _build(records, "--out", out)
    (out / "NCT03929120" / "leaflet.html").unlink()
    assert "built 1 leaflet(s)" in _build(records, "--out", out).stdout
    assert (out / "NCT03929120" / "leaflet.html").exists()


def test_gone_records_are_reported_and_pruned(tmp_path):
    records, out = _records(tmp_path), tmp_path / "out"
    _build(records, "--out", out)
    (records / "NCT00000001.json").unlink()
    result = _build(records, "--out", out)
    assert "gone: NCT00000001" in result.stderr and (out / "NCT00000001").exists()
    result = _build(records, "--out", out, "--prune")
    assert "outputs removed" in result.stderr and not (out / "NCT00000001").exists()
    assert "NCT00000001" not in json.loads((out / "manifest.json").read_text())["studies"]


def test_a_broken_record_keeps_its_good_outputs_and_entry(tmp_path):
    records, out = _records(tmp_path), tmp_path / "out"
    _build(records, "--out", out)
    good = (out / "NCT00000001" / "leaflet.html").read_bytes()
    (records / "NCT00000001.json").write_text("{broken")
    result = _build(records, "--out", out)
    assert result.exit_code == 2 and "gone" not in result.stderr
    assert (out / "NCT00000001" / "leaflet.html").read_bytes() == good
    assert "NCT00000001" in json.loads((out / "manifest.json").read_text())["studies"]


def test_parallel_build_gives_the_same_bytes(tmp_path):
    records = _records(tmp_path)
    for i in range(2, 6):
        record = minimal_record()
        record["protocolSection"]["identificationModule"]["nctId"] = f"NCT0000000{i}"
        (records / f"NCT0000000{i}.json").write_text(json.dumps(record))
    _build(records, "--out", tmp_path / "one", "--jobs", "1")
    _build(records, "--out", tmp_path / "two", "--jobs", "2")
    for path in sorted((tmp_path / "one").rglob("*.html")):
        assert path.read_bytes() == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes()


def test_changes_md_says_what_changed_for_a_reader(tmp_path):
    records, out = _records(tmp_path), tmp_path / "out"
    _build(records, "--out", out)
    assert not (out / "NCT03929120" / "changes.md").exists()
    record = json.loads((records / "NCT03929120.json").read_text())
    protocol = record["protocolSection"]
    protocol["statusModule"]["overallStatus"] = "RECRUITING"
    protocol["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2023-06-01"
    protocol["eligibilityModule"]["eligibilityCriteria"] = protocol["eligibilityModule"]["eligibilityCriteria"].replace(
        "* Pregnant or breast feeding\n", "* Pregnant or breast feeding\n* Current smoker\n")
    protocol["eligibilityModule"]["maximumAge"] = "75 Years"
    (records / "NCT03929120.json").write_text(json.dumps(record))
    _build(records, "--out", out)
    changes = (out / "NCT03929120" / "changes.md").read_text()
    assert changes.startswith("# What changed in NCT03929120")
    assert "## Record of June 1, 2023 (was April 20, 2022)" in changes
    assert "- Status: COMPLETED -> RECRUITING" in changes
    assert "- Ages: 18 to 80 years old -> 18 to 75 years old" in changes
    assert "- New criterion: Current smoker" in changes
    report = json.loads((out / "NCT03929120" / "report.json").read_text())
    assert report["made_from"]["record_updated"] == "2023-06-01" and report["made_from"]["glossary_entries"] > 1000


def test_a_batch_keeps_only_figures_and_writes_everything(tmp_path):
    from summarizer.build import BuildOptions, build

    records, out = _records(tmp_path), tmp_path / "out"
    seen = []
    result = build([records], BuildOptions(out=out, formats=("html", "embed"), jobs=1),
                   on_study=lambda done: seen.append(bool(done.report.sections)))
    assert seen == [True, True]  # the callback sees the whole report
    for done in result.built:  # the batch keeps the read-through figures only
        assert done.report.sections == {} and done.report.read_through.long_sentences == ()
        assert done.report.read_through.flesch_kincaid_grade > 0
        report = json.loads((out / done.nct_id / "report.json").read_text())
        assert report["reading_level"]["read_through"]["flesch_kincaid_grade"] == done.report.read_through.flesch_kincaid_grade
        assert report["reading_level"]["sections"]


def test_a_record_that_breaks_while_the_batch_runs_is_an_error(tmp_path):
    from summarizer.build import BuildOptions, build

    records, out = _records(tmp_path), tmp_path / "out"
    _build(records, "--out", out)
    good = (out / "NCT00000001" / "leaflet.html").read_bytes()
    _retitle(records)
    errors = []

    def on_start(count):  # after the records are read, before they are built
        assert count == 1
        (records / "NCT00000001.json").write_text("{broken")

    result = build([records], BuildOptions(out=out, formats=("html",), jobs=1), on_error=errors.append, on_start=on_start)
    assert len(errors) == 1 and "NCT00000001.json" in errors[0] and result.built == []
    assert (out / "NCT00000001" / "leaflet.html").read_bytes() == good
    assert "NCT00000001" in json.loads((out / "manifest.json").read_text())["studies"]


def test_an_entry_kept_for_a_gone_record_is_not_trusted_after_the_inputs_change(tmp_path):
    records, out = _records(tmp_path), tmp_path / "out"
    _build(records, "--out", out)
    kept = records.parent / "kept.json"
    shutil.move(records / "NCT00000001.json", kept)
    glossary = tmp_path / "glossary"
    glossary.mkdir()
    (glossary / "mine.yaml").write_text("- term: zebra\n  short: a striped horse\n  definition: A striped horse.\n  category: body and diseases\n")
    _build(records, "--out", out, "--glossary", glossary)  # NCT00000001 is gone: its old entry is kept
    shutil.move(kept, records / "NCT00000001.json")
    result = _build(records, "--out", out, "--glossary", glossary)
    assert "built 1 leaflet(s)" in result.stdout and "1 unchanged" in result.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert {entry["inputs"] for entry in manifest["studies"].values()} == {manifest["inputs"]}

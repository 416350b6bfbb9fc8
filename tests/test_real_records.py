"""Every real record in ../shared/records builds (CI has them; a clone skips with a reason)."""

import json
import statistics

import pytest

from conftest import V2_RECORDS, requires_shared, shared_records
from summarizer.build import BuildOptions, build
from summarizer.load import load_studies


@requires_shared
def test_every_shared_record_builds_html_and_fragment(tmp_path):
    result = build([V2_RECORDS], BuildOptions(out=tmp_path, formats=("html", "embed")))
    assert result.errors == []
    assert len(result.built) == len(shared_records()) == 323
    grades = [r.report.read_through.flesch_kincaid_grade for r in result.built]
    assert 0 < statistics.median(grades) < 14
    for done in result.built:
        html = (tmp_path / done.nct_id / "leaflet.html").read_text()
        assert '<section id="who-can-join"' in html and '<section id="words-to-know"' in html
        report = json.loads((tmp_path / done.nct_id / "report.json").read_text())
        assert report["nct_id"] == done.nct_id


def _longest_records(count: int):
    records = shared_records()
    return sorted(records, key=lambda p: p.stat().st_size)[-count:] if records else []


@requires_shared
@pytest.mark.parametrize("path", _longest_records(3) + shared_records()[:2], ids=lambda p: p.stem)
def test_pdf_of_real_records(tmp_path, path, pipeline):
    (study,) = load_studies(path)
    pdf = pipeline.renderer.pdf(pipeline.explain(study))
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000


@requires_shared
def test_whole_shared_folder_including_legacy_xml_runs_without_error(tmp_path):
    from click.testing import CliRunner

    from summarizer.cli import cli

    result = CliRunner().invoke(cli, ["build", str(V2_RECORDS.parent), "--out", str(tmp_path), "--format", "embed", "-q"])
    assert result.exit_code == 0, result.output
    assert "built 323 leaflet(s)" in result.output
    assert "legacy XML" in result.output

"""Site overlays: a site's own contact, version, ethics reference, logo and text blocks."""

import io
import json
import re
import shutil

from click.testing import CliRunner
from pypdf import PdfReader

from conftest import EXAMPLE, FIXTURES
from summarizer.cli import cli

SITE = """\
site_name: Example Hospital
contact:
  name: Sam Lee
  role: study nurse
  phone: "+1 555 0100"
  email: sam.lee@example.org
ethics_reference: IRB 2024-117
version: Version 2.1
version_date: 2024-03-01
logo: logo.png
blocks:
  after_key_information: |
    Parking is free for study visits.

    Bring a list of your medicines.
  before_contact: "<script>alert(1)</script> Call us on weekdays."
"""


def _setup(tmp_path, site=SITE):
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(EXAMPLE, records / "NCT03929120.json")
    shutil.copy(FIXTURES / "logo.png", records / "logo.png")
    (records / "NCT03929120.site.yaml").write_text(site)
    return records


def _build(*args):
    return CliRunner().invoke(cli, ["build", *map(str, args)], catch_exceptions=False)


def test_overlay_beside_the_record_is_used(tmp_path):
    records = _setup(tmp_path)
    result = _build(records, "--out", tmp_path / "out", "--format", "html,embed")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "NCT03929120" / "leaflet.html").read_text()
    assert "Your contact at Example Hospital:" in html and "Sam Lee (study nurse)" in html
    assert "Leaflet version: Version 2.1, March 1, 2024" in html and "Ethics approval: IRB 2024-117" in html
    assert re.search(r'<img class="smz-logo" src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="Example Hospital">', html)
    assert html.index("Parking is free") < html.index('<section id="about"')
    assert html.index("Call us on weekdays") > html.index('<section id="contact"')
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pdf_shows_the_site_version_on_every_page(tmp_path):
    records = _setup(tmp_path)
    assert _build(records, "--out", tmp_path / "out", "--format", "pdf").exit_code == 0
    reader = PdfReader(io.BytesIO((tmp_path / "out" / "NCT03929120" / "leaflet.pdf").read_bytes()))
    for page in reader.pages:
        assert "Version 2.1, March 1, 2024" in re.sub(r"\s+", " ", page.extract_text())


def test_overlay_is_kept_when_the_record_changes_and_a_changed_overlay_rebuilds(tmp_path):
    records = _setup(tmp_path)
    out = tmp_path / "out"
    _build(records, "--out", out, "--format", "html")
    record = json.loads((records / "NCT03929120.json").read_text())
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2023-01-05"
    (records / "NCT03929120.json").write_text(json.dumps(record))
    assert "built 1 leaflet(s)" in _build(records, "--out", out, "--format", "html").output
    html = (out / "NCT03929120" / "leaflet.html").read_text()
    assert "January 5, 2023" in html and "Sam Lee" in html
    (records / "NCT03929120.site.yaml").write_text(SITE.replace("Sam Lee", "Alex Kim"))
    assert "built 1 leaflet(s)" in _build(records, "--out", out, "--format", "html").output
    assert "Alex Kim" in (out / "NCT03929120" / "leaflet.html").read_text()


def test_bad_site_files_get_one_line_naming_file_and_field(tmp_path):
    for site, field in (
        ("site_nme: x\n", "site_nme"),
        ("version_date: next week\n", "version_date"),
        ("logo: NCT03929120.json\n", "logo"),
        ("blocks:\n  sidebar: x\n", "blocks.sidebar"),
    ):
        folder = tmp_path / field
        folder.mkdir()
        records = _setup(folder, site)
        result = _build(records, "--out", folder / "out", "--format", "html")
        assert result.exit_code == 2
        (line,) = [l for l in result.output.splitlines() if l.startswith("error:")]
        assert f"NCT03929120.site.yaml: {field}:" in line


def test_named_site_file_applies_to_every_study_and_is_not_a_record(tmp_path):
    records = _setup(tmp_path)
    (records / "NCT03929120.site.yaml").unlink()
    (records / "site.yaml").write_text("site_name: Folder Hospital\ncontact:\n  name: Pat\n")
    result = _build(records, "--out", tmp_path / "out", "--format", "html")
    assert result.exit_code == 0 and "built 1 leaflet(s)" in result.output
    assert "Your contact at Folder Hospital:" in (tmp_path / "out" / "NCT03929120" / "leaflet.html").read_text()

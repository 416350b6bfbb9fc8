"""Fetch and update: a local HTTP server stands in for ClinicalTrials.gov; no test needs the internet.

Time goes through a fake clock, so retries, Retry-After and the rate limit are checked without sleeping.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from email.utils import format_datetime
from datetime import datetime, timezone

import httpx
import pytest
from click.testing import CliRunner

from conftest import V2_RECORDS, minimal_record, requires_shared, shared_records
from summarizer import fetch
from summarizer.fetch import (
    FetchError,
    InvalidNctId,
    RegistryClient,
    normalize_base_url,
    record_ids,
    save_record,
    update_folder,
    validate_nct_id,
)
from summarizer.fetch_cli import fetch_command, update_command


class FakeClock(fetch.Clock):
    """Time that moves only when the client waits; every wait is recorded."""

    def __init__(self, wall: float = 1_700_000_000.0):
        self.monotonic = 1000.0
        self.wall_time = wall
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.monotonic

    def wall(self) -> float:
        return self.wall_time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.monotonic += seconds
        self.wall_time += seconds


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No proxy between the client and the local server, and a default registry that cannot be reached,
    so a test that forgot --base-url fails here instead of going to the internet."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("SUMMARIZER_BASE_URL", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setattr(fetch, "DEFAULT_BASE_URL", "http://127.0.0.1:9")


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """The clock every client gets, the CLI's too."""
    fake = FakeClock()
    monkeypatch.setattr(fetch, "default_clock", lambda: fake)
    return fake


@pytest.fixture
def base(httpserver) -> str:
    return httpserver.url_for("/").rstrip("/")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def record(nct_id: str, date: str = "2024-01-15", title: str = "A small test study", **extra) -> dict:
    made = minimal_record(
        identificationModule={"nctId": nct_id, "briefTitle": title},
        statusModule={"overallStatus": "RECRUITING", "lastUpdatePostDateStruct": {"date": date, "type": "ACTUAL"}},
    )
    made.update(extra)
    return made


def serve(httpserver, study: dict | bytes, nct_id: str | None = None, prefix: str = ""):
    nct_id = nct_id or study["protocolSection"]["identificationModule"]["nctId"]
    body = study if isinstance(study, bytes) else json.dumps(study).encode()
    httpserver.expect_request(f"{prefix}/api/v2/studies/{nct_id}").respond_with_data(body, content_type="application/json")


def pretty(study: dict) -> bytes:
    return (json.dumps(study, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def run(command, *args):
    return CliRunner().invoke(command, [str(a) for a in args], catch_exceptions=False)


def errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def requested(httpserver) -> list[str]:
    return [request.path for request, _ in httpserver.log]


# --- NCT IDs and addresses ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["NCT01234567", "nct01234567", "Nct01234567"])
def test_valid_nct_ids_are_upper_cased(value):
    assert validate_nct_id(value) == "NCT01234567"


@pytest.mark.parametrize("value", [
    "", "NCT", "NCT0123456", "NCT012345678", "01234567", "NCT01234567 ", " NCT01234567", "NCT01234567\n",
    "NCT0123456a", "NCT０１２３４５６７", "NCT٠١٢٣٤٥٦٧٨", "../NCT01234567", "NCT01234567/../../etc",
    "NCT01234567.json", "NCT01234567?x=1", "NCT01234567#", "NCT%3001234567",
])
def test_invalid_nct_ids_are_rejected(value):
    with pytest.raises(InvalidNctId, match="not an NCT ID"):
        validate_nct_id(value)


def test_client_never_sends_an_invalid_id(httpserver, clock, base):
    with RegistryClient(base) as client:
        for value in ("NCT1", "../NCT01234567", "NCT01234567/x"):
            with pytest.raises(InvalidNctId):
                client.fetch_study(value)
    assert httpserver.log == []


@pytest.mark.parametrize("url,expected", [
    ("https://clinicaltrials.gov", "https://clinicaltrials.gov"),
    ("https://clinicaltrials.gov/", "https://clinicaltrials.gov"),
    ("http://127.0.0.1:8000/mirror/", "http://127.0.0.1:8000/mirror"),
])
def test_base_url_is_normalized(url, expected):
    assert normalize_base_url(url) == expected


@pytest.mark.parametrize("url", ["ftp://example.org", "example.org", "", "http://", "http://x/?q=1"])
def test_bad_base_url_is_rejected(url):
    with pytest.raises(ValueError):
        normalize_base_url(url)


# --- fetching -------------------------------------------------------------------------------------


def test_fetch_study_asks_the_v2_endpoint_for_json_with_markdown(httpserver, clock, base):
    study = record("NCT00000001")
    serve(httpserver, study)
    with RegistryClient(base) as client:
        assert client.fetch_study("nct00000001") == study
    [(request, _)] = httpserver.log
    assert request.path == "/api/v2/studies/NCT00000001"
    assert request.args.to_dict() == {"format": "json", "markupFormat": "markdown"}
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("summarizer/")


def test_fetch_one_saves_pretty_json_in_api_order(httpserver, clock, base, tmp_path):
    study = record("NCT00000001", title="Étude: café ☕ for “you”")
    study = {"hasResults": False, **study, "derivedSection": {"zeta": 1, "alpha": [1.5, None, True]}}
    serve(httpserver, study)
    result = run(fetch_command, "NCT00000001", "--records", tmp_path / "records", "--base-url", base)
    assert result.exit_code == 0, result.output
    saved = (tmp_path / "records" / "NCT00000001.json").read_bytes()
    assert saved == pretty(study)
    assert saved.endswith(b"}\n") and "café ☕".encode() in saved  # UTF-8, not \u escapes
    assert list(json.loads(saved)) == ["hasResults", "protocolSection", "derivedSection"]
    assert list(json.loads(saved)["derivedSection"]) == ["zeta", "alpha"]
    assert "NCT00000001: new, last update 2024-01-15" in result.stdout
    assert "1 record(s)" in result.stdout and "0 failed" in result.stdout
    assert sorted(p.name for p in (tmp_path / "records").iterdir()) == ["NCT00000001.json"]  # no temporary left


def test_fetch_several(httpserver, clock, base, tmp_path):
    ids = ["NCT00000001", "NCT00000002", "NCT00000003"]
    for nct_id in ids:
        serve(httpserver, record(nct_id))
    result = run(fetch_command, ids[0], f"{ids[1]},{ids[2]}", ids[0], "--records", tmp_path, "--base-url", base)
    assert result.exit_code == 0, result.output
    assert record_ids(tmp_path) == ids
    assert requested(httpserver) == [f"/api/v2/studies/{i}" for i in ids]  # each once, in order
    assert "fetched 3 record(s)" in result.stdout


def test_invalid_ids_are_rejected_before_any_request(httpserver, clock, base, tmp_path):
    serve(httpserver, record("NCT00000001"))
    result = run(fetch_command, "NCT00000001", "NCT123", "../../etc/passwd", "--records", tmp_path / "r", "--base-url", base)
    assert result.exit_code == 2
    assert errors(result)[:2] == [
        "error: 'NCT123': not an NCT ID (NCT and 8 digits, like NCT01234567)",
        "error: '../../etc/passwd': not an NCT ID (NCT and 8 digits, like NCT01234567)",
    ]
    assert httpserver.log == []
    assert not (tmp_path / "r").exists()


def test_unknown_id_is_one_clear_line_exit_2_and_others_still_saved(httpserver, clock, base, tmp_path):
    serve(httpserver, record("NCT00000001"))
    serve(httpserver, record("NCT00000003"))
    httpserver.expect_request("/api/v2/studies/NCT99999999").respond_with_data(
        "NCT number NCT99999999 not found", status=404, content_type="text/plain")
    result = run(fetch_command, "NCT00000001", "NCT99999999", "NCT00000003", "--records", tmp_path, "--base-url", base)
    assert result.exit_code == 2
    assert errors(result) == [f"error: NCT99999999: no study with this NCT ID at {base} (HTTP 404)"]
    assert record_ids(tmp_path) == ["NCT00000001", "NCT00000003"]
    assert requested(httpserver).count("/api/v2/studies/NCT99999999") == 1  # a 404 is not retried
    assert "fetched 2 record(s)" in result.stdout and "1 failed" in result.stdout


def test_429_then_200_waits_as_retry_after_says(httpserver, clock, base, tmp_path):
    study = record("NCT00000001")
    httpserver.expect_oneshot_request("/api/v2/studies/NCT00000001").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"})
    serve(httpserver, study)
    result = run(fetch_command, "NCT00000001", "--records", tmp_path, "--base-url", base)
    assert result.exit_code == 0, result.output
    assert clock.sleeps == [7]
    assert "NCT00000001: asked to slow down (HTTP 429); trying again in 7 s (try 2 of 4)" in result.stderr
    assert (tmp_path / "NCT00000001.json").read_bytes() == pretty(study)


def test_retry_after_as_an_http_date(httpserver, clock, base):
    when = datetime.fromtimestamp(clock.wall_time + 42, tz=timezone.utc)
    httpserver.expect_oneshot_request("/api/v2/studies/NCT00000001").respond_with_data(
        "busy", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    serve(httpserver, record("NCT00000001"))
    with RegistryClient(base) as client:
        client.fetch_study("NCT00000001")
    assert clock.sleeps == [42]


def test_retry_after_too_long_gives_up_at_once(httpserver, clock, base):
    httpserver.expect_request("/api/v2/studies/NCT00000001").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"})
    with RegistryClient(base, max_retry_after=300) as client, pytest.raises(FetchError, match="asks to wait 3600 s"):
        client.fetch_study("NCT00000001")
    assert clock.sleeps == [] and len(httpserver.log) == 1


def test_5xx_is_retried_with_exponential_backoff_then_given_up(httpserver, clock, base, tmp_path):
    httpserver.expect_request("/api/v2/studies/NCT00000001").respond_with_data("oops", status=503)
    serve(httpserver, record("NCT00000002"))
    result = run(fetch_command, "NCT00000001", "NCT00000002", "--records", tmp_path, "--base-url", base, "--retries", 3)
    assert result.exit_code == 2
    assert errors(result) == ["error: NCT00000001: the registry failed (HTTP 503) after 4 tries"]
    assert requested(httpserver).count("/api/v2/studies/NCT00000001") == 4
    # backoff 1, 2, 4 s; after the 1 s wait the rate limit (one request every 1.2 s) adds 0.2 s
    assert clock.sleeps == [1, 0.2, 2, 4, 1.2]
    assert record_ids(tmp_path) == ["NCT00000002"]


def test_500_then_200_succeeds(httpserver, clock, base):
    httpserver.expect_oneshot_request("/api/v2/studies/NCT00000001").respond_with_data("", status=500)
    httpserver.expect_oneshot_request("/api/v2/studies/NCT00000001").respond_with_data("", status=502)
    serve(httpserver, record("NCT00000001"))
    with RegistryClient(base, per_minute=None) as client:
        assert client.fetch_study("NCT00000001")["protocolSection"]["identificationModule"]["nctId"] == "NCT00000001"
    assert clock.sleeps == [1, 2]


def test_other_4xx_is_not_retried(httpserver, clock, base):
    httpserver.expect_request("/api/v2/studies/NCT00000001").respond_with_data(
        "Parameter `nctId` has incorrect format\n\x1b[31m", status=400, content_type="text/plain")
    with RegistryClient(base) as client, pytest.raises(FetchError) as caught:
        client.fetch_study("NCT00000001")
    assert str(caught.value) == "NCT00000001: the registry refused the request (HTTP 400: Parameter `nctId` has incorrect format [31m)"
    assert len(httpserver.log) == 1 and clock.sleeps == []


def test_connection_refused_says_no_network_and_other_ids_are_still_tried(clock, tmp_path):
    base = f"http://127.0.0.1:{_closed_port()}"
    result = run(fetch_command, "NCT00000001", "NCT00000002", "--records", tmp_path / "r", "--base-url", base, "--rate", 6000)
    assert result.exit_code == 2
    lines = errors(result)
    assert [line.split(":")[1].strip() for line in lines] == ["NCT00000001", "NCT00000002"]
    assert all(f"no network: cannot connect to {base}" in line for line in lines)
    assert lines[0].endswith("after 4 tries")
    # the first study had the whole backoff; once the registry is known to be unreachable, the next gets one try
    assert clock.sleeps == [1, 2, 4, 0.01]
    assert not (tmp_path / "r").exists()


def test_timeouts_are_retried_then_reported(clock):
    calls = []

    def handler(request):
        calls.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    with RegistryClient("https://registry.invalid", transport=httpx.MockTransport(handler), timeout=5, retries=2) as client:
        with pytest.raises(FetchError) as caught:
            client.fetch_study("NCT00000001")
    assert str(caught.value) == "NCT00000001: no answer from https://registry.invalid within 5 s after 3 tries"
    assert caught.value.kind == "timeout" and len(calls) == 3


def test_rate_limit_spaces_requests_without_sleeping(httpserver, clock, base):
    for n in range(1, 5):
        serve(httpserver, record(f"NCT0000000{n}"))
    with RegistryClient(base) as client:  # 50 a minute: one every 1.2 s
        for n in range(1, 5):
            client.fetch_study(f"NCT0000000{n}")
    assert clock.sleeps == [1.2, 1.2, 1.2]
    clock.sleeps.clear()
    with RegistryClient(base, per_minute=120) as client:
        client.fetch_study("NCT00000001")
        clock.monotonic += 0.2  # time spent elsewhere counts
        client.fetch_study("NCT00000002")
    assert clock.sleeps == [0.3]


def test_rate_is_configurable_on_the_command_line(httpserver, clock, base, tmp_path):
    for n in range(1, 4):
        serve(httpserver, record(f"NCT0000000{n}"))
    result = run(fetch_command, "NCT00000001", "NCT00000002", "NCT00000003", "--records", tmp_path, "--base-url", base, "--rate", 30)
    assert result.exit_code == 0, result.output
    assert clock.sleeps == [2, 2]


def test_answers_that_are_not_records_are_errors(httpserver, clock, base):
    httpserver.expect_request("/api/v2/studies/NCT00000001").respond_with_data("<html>maintenance</html>", content_type="text/html")
    httpserver.expect_request("/api/v2/studies/NCT00000002").respond_with_json({"studies": []})
    serve(httpserver, record("NCT00000004"), nct_id="NCT00000003")
    serve(httpserver, minimal_record(identificationModule={"nctId": "../../x"}), nct_id="NCT00000005")
    expected = {
        "NCT00000001": "the registry's answer is not JSON: <html>maintenance</html>",
        "NCT00000002": "not a study record",
        "NCT00000003": "answered with another study (NCT00000004)",
        "NCT00000005": "no valid protocolSection.identificationModule.nctId",
    }
    with RegistryClient(base) as client:
        for nct_id, message in expected.items():
            with pytest.raises(FetchError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
                client.fetch_study(nct_id)
            assert caught.value.kind == "bad_response"


def test_an_alias_is_saved_under_the_study_s_own_id(httpserver, clock, base, tmp_path):
    httpserver.expect_request("/api/v2/studies/NCT00009113").respond_with_data(
        "", status=301, headers={"Location": f"{base}/api/v2/studies/NCT00010647?format=json&markupFormat=markdown"})
    serve(httpserver, record("NCT00010647"))
    result = run(fetch_command, "NCT00009113", "--records", tmp_path, "--base-url", base)
    assert result.exit_code == 0, result.output
    assert record_ids(tmp_path) == ["NCT00010647"]
    assert "(the registry lists it as NCT00010647 now)" in result.stdout


def test_base_url_with_a_path_prefix_and_from_the_environment(httpserver, clock, tmp_path, monkeypatch):
    mirror = httpserver.url_for("/mirror/ctgov/")
    serve(httpserver, record("NCT00000001"), prefix="/mirror/ctgov")
    monkeypatch.setenv("SUMMARIZER_BASE_URL", mirror)
    result = run(fetch_command, "NCT00000001", "--records", tmp_path)
    assert result.exit_code == 0, result.output
    assert requested(httpserver) == ["/mirror/ctgov/api/v2/studies/NCT00000001"]
    bad = run(fetch_command, "NCT00000001", "--records", tmp_path, "--base-url", "ftp://example.org")
    assert bad.exit_code == 2 and "http:// or https://" in bad.stderr
    assert len(httpserver.log) == 1


def test_fetch_touches_nothing_else_in_the_folder(httpserver, clock, base, tmp_path):
    others = {
        "site.yaml": b"site_name: Example Hospital\n",
        "NCT00000001.site.yaml": b"contact: {name: Sam Lee}\n",
        "notes.txt": b"keep me",
        "NCT00000002.json": b'{"protocolSection": {}}',
    }
    for name, data in others.items():
        (tmp_path / name).write_bytes(data)
        os.utime(tmp_path / name, ns=(1_000_000_000, 1_000_000_000))
    serve(httpserver, record("NCT00000001"))
    assert run(fetch_command, "NCT00000001", "--records", tmp_path, "--base-url", base).exit_code == 0
    for name, data in others.items():
        assert (tmp_path / name).read_bytes() == data
        assert (tmp_path / name).stat().st_mtime_ns == 1_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*others, "NCT00000001.json"])


def test_records_folder_that_is_a_file_fails_cleanly(httpserver, clock, base, tmp_path):
    (tmp_path / "records").write_text("not a folder")
    serve(httpserver, record("NCT00000001"))
    result = run(fetch_command, "NCT00000001", "--records", tmp_path / "records", "--base-url", base)
    assert result.exit_code == 2 and "is a file" in result.stderr
    assert httpserver.log == []
    (tmp_path / "folder" / "NCT00000001.json").mkdir(parents=True)  # in the way: cannot be replaced by a file
    result = run(fetch_command, "NCT00000001", "--records", tmp_path / "folder", "--base-url", base)
    assert result.exit_code == 2
    assert errors(result) == [f"error: NCT00000001: cannot write {tmp_path / 'folder' / 'NCT00000001.json'}: Is a directory"]
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == ["NCT00000001.json"]  # no temporary left


# --- saving and updating --------------------------------------------------------------------------


def test_save_record_does_not_rewrite_equal_content(tmp_path):
    study = record("NCT00000001")
    path = tmp_path / "NCT00000001.json"
    path.write_text(json.dumps(study, sort_keys=True))  # same content, other key order and spacing
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.read_bytes()
    result = save_record(tmp_path, study)
    assert result.status == "unchanged" and not result.changed
    assert path.read_bytes() == before and path.stat().st_mtime_ns == 1_000_000_000
    assert save_record(tmp_path, record("NCT00000001", title="Another title")).status == "changed"
    assert path.read_bytes() == pretty(record("NCT00000001", title="Another title"))


def test_save_record_replaces_a_file_that_is_not_json(tmp_path):
    (tmp_path / "NCT00000001.json").write_bytes(b"\xff{oops")
    result = save_record(tmp_path, record("NCT00000001"))
    assert result.status == "changed" and result.old_date is None
    assert json.loads((tmp_path / "NCT00000001.json").read_bytes()) == record("NCT00000001")


def _stored(folder, study, mtime_ns=1_000_000_000, data: bytes | None = None):
    path = folder / f"{study['protocolSection']['identificationModule']['nctId']}.json"
    path.write_bytes(data if data is not None else pretty(study))
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def test_update_reports_changed_and_unchanged_and_keeps_unchanged_files(httpserver, clock, base, tmp_path):
    same = record("NCT00000001", date="2024-01-15")
    same_other_format = record("NCT00000002", date="2023-05-01")
    dated = record("NCT00000003", date="2024-01-15")
    quiet_change = record("NCT00000004", date="2024-02-01")
    paths = {
        "NCT00000001": _stored(tmp_path, same),
        "NCT00000002": _stored(tmp_path, same_other_format, data=json.dumps(same_other_format, sort_keys=True).encode()),
        "NCT00000003": _stored(tmp_path, dated),
        "NCT00000004": _stored(tmp_path, quiet_change),
    }
    untouched = {"site.yaml": b"site_name: X\n", "NCT00000001.site.yaml": b"version: v1\n", "readme.md": b"hi",
                 "nct00000009.json": b"{}", "NCT0000001.json": b"{}"}
    for name, data in untouched.items():
        (tmp_path / name).write_bytes(data)
    before = {nct_id: (p.read_bytes(), p.stat().st_mtime_ns) for nct_id, p in paths.items()}

    serve(httpserver, same)
    serve(httpserver, same_other_format)
    serve(httpserver, record("NCT00000003", date="2025-06-30", title="A new title"))
    serve(httpserver, record("NCT00000004", date="2024-02-01", title="Fixed a typo"))
    result = run(update_command, tmp_path, "--base-url", base)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "NCT00000001: unchanged, last update 2024-01-15",
        "NCT00000002: unchanged, last update 2023-05-01",
        f"NCT00000003: changed, last update 2024-01-15 -> 2025-06-30 -> {paths['NCT00000003']}",
        f"NCT00000004: changed, content differs, last update still 2024-02-01 -> {paths['NCT00000004']}",
        f"updated 4 record(s) in {tmp_path}: 0 new, 2 changed, 2 unchanged; 0 failed",
    ]
    for nct_id in ("NCT00000001", "NCT00000002"):
        assert (paths[nct_id].read_bytes(), paths[nct_id].stat().st_mtime_ns) == before[nct_id]
    assert json.loads(paths["NCT00000003"].read_bytes())["protocolSection"]["identificationModule"]["briefTitle"] == "A new title"
    assert paths["NCT00000004"].read_bytes() == pretty(record("NCT00000004", date="2024-02-01", title="Fixed a typo"))
    for name, data in untouched.items():
        assert (tmp_path / name).read_bytes() == data
    assert sorted(requested(httpserver)) == [f"/api/v2/studies/NCT0000000{n}" for n in range(1, 5)]


def test_update_with_a_failure_exits_2_and_keeps_that_file(httpserver, clock, base, tmp_path):
    kept = _stored(tmp_path, record("NCT00000001"))
    _stored(tmp_path, record("NCT00000002"))
    httpserver.expect_request("/api/v2/studies/NCT00000001").respond_with_data("gone", status=404)
    serve(httpserver, record("NCT00000002", date="2025-01-01"))
    result = run(update_command, tmp_path, "--base-url", base, "--quiet")
    assert result.exit_code == 2
    assert errors(result) == [f"error: NCT00000001: no study with this NCT ID at {base} (HTTP 404)"]
    assert result.stdout == ""
    assert "updated 1 record(s)" in result.stderr and "1 changed" in result.stderr and "1 failed" in result.stderr
    assert kept.read_bytes() == pretty(record("NCT00000001")) and kept.stat().st_mtime_ns == 1_000_000_000


def test_update_library_returns_results(httpserver, clock, base, tmp_path):
    _stored(tmp_path, record("NCT00000001"))
    serve(httpserver, record("NCT00000001"))
    seen = []
    with RegistryClient(base) as client:
        results = update_folder(tmp_path, client, on_result=seen.append)
    assert results == seen
    assert [(r.nct_id, r.status, r.old_date, r.new_date) for r in results] == [("NCT00000001", "unchanged", "2024-01-15", "2024-01-15")]


def test_update_of_a_folder_without_records(clock, tmp_path):
    (tmp_path / "site.yaml").write_text("site_name: X\n")
    result = run(update_command, tmp_path)
    assert result.exit_code == 0
    assert "no records" in result.stderr


def test_update_without_network(clock, tmp_path):
    path = _stored(tmp_path, record("NCT00000001"))
    result = run(update_command, tmp_path, "--base-url", f"http://127.0.0.1:{_closed_port()}", "--retries", 0)
    assert result.exit_code == 2
    assert "no network" in errors(result)[0]
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_commands_are_the_ones_the_cli_runs():
    from summarizer.cli import cli

    for name, command in (("fetch", fetch_command), ("update", update_command)):
        if name in cli.commands:
            assert cli.commands[name] is command


# --- real recorded API responses --------------------------------------------------------------------


def _real(count: int):
    files = shared_records()
    step = max(1, len(files) // count)
    return files[::step][:count]


@requires_shared
def test_fetch_real_records_they_load_as_studies(httpserver, clock, base, tmp_path):
    from summarizer.load import load_studies

    files = _real(8)
    for path in files:
        serve(httpserver, path.read_bytes(), nct_id=path.stem)
    result = run(fetch_command, *(p.stem for p in files), "--records", tmp_path, "--base-url", base)
    assert result.exit_code == 0, result.output
    for path in files:
        saved = tmp_path / path.name
        original = json.loads(path.read_bytes())
        assert json.loads(saved.read_bytes()) == original
        assert saved.read_bytes() == pretty(original)  # pretty whatever the recorded answer's spacing
        assert load_studies(saved)[0].nct_id == path.stem
    assert clock.sleeps == [1.2] * (len(files) - 1)


@requires_shared
def test_update_real_records(httpserver, clock, base, tmp_path):
    files = _real(6)
    for path in files:
        shutil.copy(path, tmp_path / path.name)  # as recorded: some minified, some without a final newline
        os.utime(tmp_path / path.name, ns=(1_000_000_000, 1_000_000_000))
    changed = json.loads(files[0].read_bytes())
    changed["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2099-01-01", "type": "ACTUAL"}
    serve(httpserver, json.dumps(changed).encode(), nct_id=files[0].stem)
    for path in files[1:]:
        serve(httpserver, path.read_bytes(), nct_id=path.stem)
    result = run(update_command, tmp_path, "--base-url", base)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{files[0].stem}: changed, last update ") and "-> 2099-01-01 ->" in lines[0]
    assert all(": unchanged, last update " in line for line in lines[1:-1])
    for path in files[1:]:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()
        assert (tmp_path / path.name).stat().st_mtime_ns == 1_000_000_000


@requires_shared
def test_real_records_shared_folder_is_not_written(httpserver, clock, base):
    """The recorded responses are only read: the test server serves them, nothing writes beside them."""
    before = sorted(p.name for p in V2_RECORDS.iterdir())
    path = _real(1)[0]
    serve(httpserver, path.read_bytes(), nct_id=path.stem)
    with RegistryClient(base) as client:
        assert client.fetch_study(path.stem) == json.loads(path.read_bytes())
    assert sorted(p.name for p in V2_RECORDS.iterdir()) == before

"""Killing a build at any moment leaves every output either the old one or the new one."""

import json
import os
import signal
import subprocess
import sys
import time

from conftest import EXAMPLE


def _records(folder, title_suffix: str, count: int = 12):
    folder.mkdir(exist_ok=True)
    base = json.loads(EXAMPLE.read_text())
    for i in range(count):
        record = json.loads(json.dumps(base))
        ident = record["protocolSection"]["identificationModule"]
        ident["nctId"] = f"NCT9000{i:04d}"
        ident["briefTitle"] += title_suffix
        (folder / f"NCT9000{i:04d}.json").write_text(json.dumps(record))


def _build(records, out, *extra):
    return [sys.executable, "-m", "summarizer", "build", str(records), "--out", str(out), "--format", "html,embed", "-q", *extra]


def test_killed_builds_leave_old_or_new_files(tmp_path):
    records, out, fresh = tmp_path / "records", tmp_path / "out", tmp_path / "fresh"
    _records(records, " (old)")
    subprocess.run(_build(records, out, "--jobs", "1"), check=True, capture_output=True)
    old = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.html")}
    _records(records, " (new)")
    subprocess.run(_build(records, fresh, "--jobs", "1"), check=True, capture_output=True)
    new = {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*.html")}
    for delay in (0.3, 0.6, 0.9, 1.2, 1.6):
        process = subprocess.Popen(_build(records, out, "--jobs", "1"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        for name, data in old.items():
            current = (out / name).read_bytes()
            assert current in (data, new[name]), f"{name} is neither old nor new after a kill at {delay}s"
    subprocess.run(_build(records, out, "--jobs", "1"), check=True, capture_output=True)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.html") if p.name != "report.html"} == {
        k: v for k, v in new.items() if k.name != "report.html"}
    assert not list(out.rglob("*.tmp")), "stale temporary files were not cleaned up"

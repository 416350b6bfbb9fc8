"""build --watch rebuilds a leaflet when its record changes."""

import json
import shutil
import subprocess
import sys
import time

from conftest import EXAMPLE


def test_watch_rebuilds_a_changed_record(tmp_path):
    records, out = tmp_path / "records", tmp_path / "out"
    records.mkdir()
    shutil.copy(EXAMPLE, records / "NCT03929120.json")
    process = subprocess.Popen(
        [sys.executable, "-m", "summarizer", "build", str(records), "--out", str(out), "--format", "html", "--watch", "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        leaflet = out / "NCT03929120" / "leaflet.html"
        deadline = time.time() + 60
        while not leaflet.exists() and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(1.5)  # let the watcher start
        record = json.loads(EXAMPLE.read_text())
        record["protocolSection"]["identificationModule"]["briefTitle"] = "A title changed while watching"
        (records / "NCT03929120.json").write_text(json.dumps(record))
        while "A title changed while watching" not in leaflet.read_text() and time.time() < deadline:
            time.sleep(0.2)
        assert "A title changed while watching" in leaflet.read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)

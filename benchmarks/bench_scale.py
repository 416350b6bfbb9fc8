"""Rebuild at registry scale: a whole build, then a no-op rebuild, of N records (issue 6's "no-op
rebuild of 1,000 records under 2 s" and "memory flat as the batch grows").

    python benchmarks/bench_scale.py [RECORDS_FOLDER] [--counts 323,1000] [--jobs 2]

The shared folder has 323 records; for larger counts the records are used again under new NCT IDs
(NCT9<round><last 6 digits>), so every leaflet is a real one and none is a copy of another's
output. Prints, per count: the build's wall time and peak memory (the largest process's RSS), then
the no-op rebuild's wall time (best of 3) and what it reported.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_build import _memory, _tree  # benchmarks/ is on the path when run as a script

from summarizer.load import find_record_files

ROOT = Path(__file__).resolve().parent.parent


def make_records(source: list[Path], count: int, folder: Path) -> None:
    """``count`` record files in ``folder``: the source records, then again under new IDs."""
    folder.mkdir(parents=True)
    for index in range(count):
        record = json.loads(source[index % len(source)].read_text(encoding="utf-8"))
        ids = record["protocolSection"]["identificationModule"]
        round_ = index // len(source)
        if round_:
            ids["nctId"] = f"NCT9{round_}{ids['nctId'][5:]}"
        (folder / f"{ids['nctId']}.json").write_text(json.dumps(record), encoding="utf-8")


def run(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes of the largest process, last line of output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    peak = 0
    while process.poll() is None:
        peak = max([peak] + [rss for rss, _ in (_memory(pid) for pid in _tree(process.pid))])
        time.sleep(0.02)
    wall = time.perf_counter() - start
    lines = (process.stdout.read() if process.stdout else "").strip().splitlines()
    return wall, peak, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    default = ROOT.parent / "shared" / "records" / "ctgov-v2"
    parser.add_argument("records", nargs="?", type=Path, default=default)
    parser.add_argument("--counts", default="323,1000")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if not args.records.is_dir():
        sys.exit(f"no records folder at {args.records}")
    source = sorted(p for p in find_record_files([args.records]) if p.suffix == ".json")
    print(f"summarizer build --format html,embed --jobs {args.jobs}; records from {args.records}")
    print(f"{'records':>7} {'build s':>8} {'peak RSS MB':>11} {'no-op s':>8}  no-op says")
    with tempfile.TemporaryDirectory() as scratch:
        for count in (int(c) for c in args.counts.split(",")):
            records, out = Path(scratch) / f"records-{count}", Path(scratch) / f"out-{count}"
            make_records(source, count, records)
            build = [sys.executable, "-m", "summarizer", "build", str(records), "--out", str(out),
                     "--format", "html,embed", "--jobs", str(args.jobs)]
            wall, peak, _ = run(build)
            noop = [run(build) for _ in range(3)]
            best = min(noop)
            print(f"{count:>7} {wall:8.1f} {peak / 1e6:11.0f} {best[0]:8.2f}  {best[2]}")


if __name__ == "__main__":
    main()

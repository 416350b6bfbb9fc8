"""Time the pipeline stages over real records and print figures (never a pass/fail test).

    python benchmarks/bench_build.py [RECORDS_FOLDER] [--pdf N] [--profile N] [--builds]

Defaults to ../shared/records/ctgov-v2 beside the project, or the example record.

Per record, in this process, with CPU time (what the target "ms per record per core" counts)
and wall time beside it: the stages ``build`` runs for a study, then the totals the targets name.
``--profile N`` prints the N functions that take most time over all records (cProfile).
``--builds`` runs ``summarizer build`` itself over the first 80 and all records, with one and
two jobs, and prints wall time, CPU time per record and the peak memory (RSS) of the build and
its worker processes together: it should not grow with the batch.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from summarizer import __version__
from summarizer.build import BuildOptions, LeafletPipeline, _build_study, leaflet_report
from summarizer.check import check_html, warm_up
from summarizer.glossary import RecordGlossary
from summarizer.config import DEFAULT_MAX_GRADE
from summarizer.load import find_record_files, load_studies
from summarizer.render import render_report
from summarizer.write import write_json

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("load", "explain", "html+embed", "check", "report.json", "report.html", "write")


class Clock:
    """CPU and wall time of one stage, added up per record."""

    def __init__(self):
        self.cpu: dict[str, list[float]] = {name: [] for name in STAGES}
        self.wall: dict[str, list[float]] = {name: [] for name in STAGES}

    def run(self, name: str, function, *args, **kwargs):
        cpu, wall = time.process_time(), time.perf_counter()
        value = function(*args, **kwargs)
        self.cpu[name].append(time.process_time() - cpu)
        self.wall[name].append(time.perf_counter() - wall)
        return value


def time_stages(paths: list[Path], out: Path, pdf: int) -> None:
    started = time.process_time()
    pipeline = LeafletPipeline()
    # what `build` loads before it starts its workers (the pronouncing dictionary, hyphenation
    # patterns, word frequencies): set-up, not the first record's check
    warm_up()
    gc.freeze()  # as build does after setting up: the collector leaves what was set up alone
    setup = time.process_time() - started
    clock = Clock()
    grades, pdf_times = [], []
    options = BuildOptions(out=out, formats=("html", "embed"))
    for i, path in enumerate(paths):
        for study in clock.run("load", load_studies, path):
            leaflet = clock.run("explain", pipeline.explain, study)
            html, _fragment = clock.run("html+embed", pipeline.renderer.pages, leaflet)
            report = clock.run("check", check_html, html, RecordGlossary(pipeline.glossary, leaflet.record_terms),
                               sentences=True, ours=True)
            summary = clock.run("report.json", leaflet_report, leaflet, report)
            page = clock.run("report.html", render_report, report, f"{study.nct_id}: {study.brief_title}", DEFAULT_MAX_GRADE)
            folder = out / study.nct_id
            clock.run("write", _write, folder, html, _fragment, page, summary)
            grades.append(report.read_through.flesch_kincaid_grade)
            if i < pdf:
                t = time.perf_counter()
                pipeline.renderer.pdf(leaflet)
                pdf_times.append(time.perf_counter() - t)
    count = len(grades)
    print(f"records: {count}; setup (glossary {len(pipeline.glossary)} entries, phrases, templates, checker's dictionaries): "
          f"{setup * 1000:.0f} ms CPU")
    print(f"{'stage':>12}  {'CPU mean':>9} {'median':>7} {'max':>7}  {'wall mean':>9}   (ms per record)")
    for name in STAGES:
        cpu, wall = clock.cpu[name], clock.wall[name]
        print(f"{name:>12}  {statistics.mean(cpu) * 1000:9.2f} {statistics.median(cpu) * 1000:7.2f} "
              f"{max(cpu) * 1000:7.1f}  {statistics.mean(wall) * 1000:9.2f}")

    def total(names, of):
        return sum(sum(of[name]) for name in names) / count * 1000

    core = ("explain", "html+embed", "check", "report.json")
    full = STAGES
    print(f"HTML + fragment + report.json (explain, render, check, report): {total(core, clock.cpu):.1f} ms CPU "
          f"per record ({total(core, clock.wall):.1f} ms wall)")
    print(f"everything a build does for a study (load ... report.html, write): {total(full, clock.cpu):.1f} ms CPU "
          f"per record ({total(full, clock.wall):.1f} ms wall)")
    if pdf_times:
        print(f"pdf: median {statistics.median(pdf_times) * 1000:.0f} ms, max {max(pdf_times) * 1000:.0f} ms over {len(pdf_times)}")
    print(f"leaflet grade (read through): median {statistics.median(grades):.1f}, "
          f"90th percentile {sorted(grades)[int(0.9 * (len(grades) - 1))]:.1f}, "
          f"share at or under 8: {sum(g <= 8 for g in grades) / len(grades):.0%}")


def _write(folder: Path, html: str, fragment: str, page: str, summary: dict) -> None:
    from summarizer.write import write_atomic

    write_atomic(folder / "leaflet.html", html.encode("utf-8"))
    write_atomic(folder / "embed.html", fragment.encode("utf-8"))
    write_atomic(folder / "report.html", page.encode("utf-8"))
    write_json(folder / "report.json", summary)


def profile(paths: list[Path], out: Path, top: int) -> None:
    """cProfile of what ``build`` runs per study (with --jobs 1), heaviest first."""
    pipeline = LeafletPipeline()
    options = BuildOptions(out=out, formats=("html", "embed"), inputs="0" * 64)
    studies = [study for path in paths for study in load_studies(path)]
    profiler = cProfile.Profile()
    profiler.enable()
    for study in studies:
        _build_study(study, pipeline, options)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip()))


def _tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    children.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
            except OSError:
                continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of one process; PSS shares pages between the processes using them."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def measure_builds(records: Path) -> None:
    """Full ``summarizer build`` runs in a fresh process each: wall, CPU, peak memory."""
    files = sorted(find_record_files([records]))
    print(f"\nsummarizer build --format html,embed --force, {os.cpu_count()} CPUs. Peak memory, sampled every "
          "20 ms: RSS of the largest process, and PSS (pages shared by forked workers counted once) of the "
          "build and its workers together")
    print(f"{'records':>7} {'jobs':>4} {'wall s':>7} {'CPU s':>6} {'CPU ms/record':>13} {'wall x jobs ms/rec':>18} "
          f"{'max RSS MB':>10} {'total PSS MB':>12}")
    with tempfile.TemporaryDirectory() as scratch:
        for count in (80, len(files)):
            folder = Path(scratch) / f"records-{count}"
            folder.mkdir()
            for path in files[:count]:
                (folder / path.name).symlink_to(path.resolve())
            for jobs in (1, 2):
                out = Path(scratch) / "out"
                shutil.rmtree(out, ignore_errors=True)
                command = [sys.executable, "-m", "summarizer", "build", str(folder), "--out", str(out),
                           "--format", "html,embed", "--force", "-q", "--jobs", str(jobs)]
                before = os.times()
                wall = time.perf_counter()
                process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
                peak_rss = peak_pss = 0
                while process.poll() is None:
                    sizes = [_memory(pid) for pid in _tree(process.pid)]
                    peak_rss = max([peak_rss] + [rss for rss, _ in sizes])
                    peak_pss = max(peak_pss, sum(pss for _, pss in sizes))
                    time.sleep(0.02)
                wall = time.perf_counter() - wall
                after = os.times()
                cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
                print(f"{count:>7} {jobs:>4} {wall:7.1f} {cpu:6.1f} {cpu / count * 1000:13.1f} "
                      f"{wall * jobs / count * 1000:18.1f} {peak_rss / 1e6:10.0f} {peak_pss / 1e6:12.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    default = ROOT.parent / "shared" / "records" / "ctgov-v2"
    parser.add_argument("records", nargs="?", type=Path, default=default if default.is_dir() else ROOT / "examples")
    parser.add_argument("--pdf", type=int, default=10, help="how many records to time PDF output on")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N heaviest functions")
    parser.add_argument("--builds", action="store_true", help="time whole builds and their memory")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage timing")
    args = parser.parse_args()
    paths = list(find_record_files([args.records]))
    print(f"records from {args.records}")
    with tempfile.TemporaryDirectory() as out:
        if not args.no_stages:
            time_stages(paths, Path(out) / "stages", args.pdf)
        if args.profile:
            profile(paths, Path(out) / "profile", args.profile)
    if args.builds:
        measure_builds(args.records)


if __name__ == "__main__":
    sys.exit(main())

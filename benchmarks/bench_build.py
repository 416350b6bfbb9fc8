"""Time the pipeline stages over real records and print figures (never a pass/fail test).

    python benchmarks/bench_build.py [RECORDS_FOLDER] [--pdf N]

Defaults to ../shared/records/ctgov-v2 beside the project, or the example record.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from summarizer.build import LeafletPipeline
from summarizer.check import check_html
from summarizer.load import find_record_files, load_studies

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    default = ROOT.parent / "shared" / "records" / "ctgov-v2"
    parser.add_argument("records", nargs="?", type=Path, default=default if default.is_dir() else ROOT / "examples")
    parser.add_argument("--pdf", type=int, default=10, help="how many records to time PDF output on")
    args = parser.parse_args()

    started = time.perf_counter()
    pipeline = LeafletPipeline()
    setup = time.perf_counter() - started
    studies = [s for path in find_record_files([args.records]) for s in load_studies(path)]
    stages = {"explain": [], "html+embed": [], "check": [], "glossary find": [], "pdf": []}
    grades = []
    for i, study in enumerate(studies):
        t0 = time.perf_counter()
        leaflet = pipeline.explain(study)
        t1 = time.perf_counter()
        html = pipeline.renderer.html(leaflet)
        pipeline.renderer.fragment(leaflet)
        t2 = time.perf_counter()
        report = check_html(html)
        t3 = time.perf_counter()
        pipeline.glossary.find(html)
        t4 = time.perf_counter()
        stages["explain"].append(t1 - t0)
        stages["html+embed"].append(t2 - t1)
        stages["check"].append(t3 - t2)
        stages["glossary find"].append(t4 - t3)
        grades.append(report.read_through.flesch_kincaid_grade)
        if i < args.pdf:
            pipeline.renderer.pdf(leaflet)
            stages["pdf"].append(time.perf_counter() - t4)

    print(f"records: {len(studies)} from {args.records}")
    print(f"setup (glossary {len(pipeline.glossary)} entries, templates): {setup * 1000:.0f} ms")
    for name, times in stages.items():
        if times:
            print(f"{name:>14}: median {statistics.median(times) * 1000:7.1f} ms, "
                  f"max {max(times) * 1000:7.1f} ms, total {sum(times):6.1f} s over {len(times)}")
    per_record = [sum(x) for x in zip(stages["explain"], stages["html+embed"], stages["check"])]
    print(f"HTML + fragment + report per record: {statistics.mean(per_record) * 1000:.1f} ms (mean)")
    print(f"leaflet grade (read through): median {statistics.median(grades):.1f}, "
          f"90th percentile {sorted(grades)[int(0.9 * (len(grades) - 1))]:.1f}, "
          f"share at or under 8: {sum(g <= 8 for g in grades) / len(grades):.0%}")


if __name__ == "__main__":
    sys.exit(main())

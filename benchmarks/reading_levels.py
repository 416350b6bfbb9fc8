"""How plain the leaflets read over real records: the grade of the text a reader reads through,
and of each section (issue 5's figures).

    python benchmarks/reading_levels.py [RECORDS_FOLDER]

Read-through is everything but "Words to know" and the folded original wording, as `summarizer
check` measures it. Prints the median, the 90th percentile and the share at or under grades 8 and 7.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from summarizer.build import LeafletPipeline
from summarizer.check import check_html
from summarizer.load import find_record_files, load_studies

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    default = ROOT.parent / "shared" / "records" / "ctgov-v2"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default if default.is_dir() else ROOT / "examples"
    pipeline = LeafletPipeline()
    read_through: list[float] = []
    sections: dict[str, list[float]] = {}
    words: dict[str, list[int]] = {}
    for path in find_record_files([folder]):
        for study in load_studies(path):
            report = check_html(pipeline.renderer.html(pipeline.explain(study)))
            read_through.append(report.read_through.flesch_kincaid_grade)
            for name, level in report.sections.items():
                sections.setdefault(name, []).append(level.flesch_kincaid_grade)
                words.setdefault(name, []).append(level.words)
    count = len(read_through)
    print(f"leaflets: {count}")
    print(
        f"read-through grade: median {statistics.median(read_through):.1f}, "
        f"90th percentile {percentile(read_through, 0.9):.1f}, "
        f"at or under 8: {sum(g <= 8 for g in read_through) / count:.0%}, "
        f"at or under 7: {sum(g <= 7 for g in read_through) / count:.0%}"
    )
    for name, grades in sections.items():
        print(
            f"  {name:20} median grade {statistics.median(grades):4.1f}  "
            f"90th percentile {percentile(grades, 0.9):4.1f}  median words {statistics.median(words[name]):.0f}"
        )


if __name__ == "__main__":
    main()

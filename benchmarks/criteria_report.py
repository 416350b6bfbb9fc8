"""How well "Who can join" reads over real records: rewrite share, facts kept, grades.

    python benchmarks/criteria_report.py [RECORDS_FOLDER]
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from pathlib import Path

from summarizer.build import LeafletPipeline
from summarizer.check import check_html, check_text
from summarizer.eligibility import fact_text, numbers_kept, parse_criteria, units_kept
from summarizer.load import find_record_files, load_studies
from summarizer.plain_text import NEGATIONS, numbers_in

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    default = ROOT.parent / "shared" / "records" / "ctgov-v2"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default if default.is_dir() else ROOT / "examples"
    pipeline = LeafletPipeline()
    criteria = rewritten = numbers_total = numbers_in_plain = negations_kept = units_in_plain = 0
    rules: Counter = Counter()
    plain_grades, record_grades, drops = [], [], []
    for path in find_record_files([folder]):
        for study in load_studies(path):
            text = study.eligibility.criteria
            if not text:
                continue
            for group in parse_criteria(text, pipeline.glossary):
                for criterion in group.walk():
                    criteria += 1
                    if criterion.rule:
                        rewritten += 1
                        rules[criterion.rule] += 1
                    # a list number the record wrote twice, or "one (1)", is not two facts
                    numbers_total += len(numbers_in(fact_text(criterion.text)))
                    numbers_in_plain += numbers_kept(criterion.text, criterion.plain)
                    negations_kept += len(NEGATIONS.findall(criterion.plain)) >= len(NEGATIONS.findall(criterion.text))
                    units_in_plain += units_kept(criterion.text, criterion.plain)
            report = check_html(pipeline.renderer.html(pipeline.explain(study)))
            plain = report.sections["who-can-join"].flesch_kincaid_grade
            record = check_text(text).flesch_kincaid_grade
            plain_grades.append(plain)
            record_grades.append(record)
            drops.append(record - plain)
    print(f"records: {len(plain_grades)}; criteria: {criteria}")
    print(f"rewritten by a rule: {rewritten} ({rewritten / criteria:.1%}); kept as written: {criteria - rewritten}")
    print(f"numbers kept: {numbers_in_plain} of {numbers_total} ({numbers_in_plain / max(numbers_total, 1):.1%}); "
          f"negations kept in {negations_kept / criteria:.1%} of criteria; units kept in {units_in_plain / criteria:.1%}")
    print(f'"Who can join" grade: median {statistics.median(plain_grades):.1f} '
          f"(record's criteria text: median {statistics.median(record_grades):.1f}); "
          f"median drop {statistics.median(drops):.1f} grades; at or under grade 8: "
          f"{sum(g <= 8 for g in plain_grades) / len(plain_grades):.0%}")
    print("rules used most:", ", ".join(f"{name} {count}" for name, count in rules.most_common(12)))


if __name__ == "__main__":
    main()

"""Time the term engine: one pass of the compiled matcher over a leaflet's text.

    python benchmarks/bench_glossary.py [RECORDS_FOLDER]

Two texts per leaflet: the text the engine explains (every section but "Words to know", whose
definitions are never glossed), and the whole leaflet with that list, which grows with the glossary.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from summarizer.build import LeafletPipeline
from summarizer.check import REFERENCE_SECTIONS, extract_sections
from summarizer.load import find_record_files, load_studies

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    default = ROOT.parent / "shared" / "records" / "ctgov-v2"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default if default.is_dir() else ROOT / "examples"
    pipeline = LeafletPipeline()
    build_started = time.perf_counter()
    type(pipeline.glossary)(list(pipeline.glossary.entries))
    build_time = time.perf_counter() - build_started
    times: dict[str, list[float]] = {"explained": [], "whole": []}
    sizes: dict[str, list[int]] = {"explained": [], "whole": []}
    for path in find_record_files([folder]):
        for study in load_studies(path):
            leaflet = pipeline.explain(study)
            sections = extract_sections(pipeline.renderer.html(leaflet))
            texts = {
                "explained": "\n".join(b for s in sections if s.id not in REFERENCE_SECTIONS for b in s.blocks),
                "whole": "\n".join(b for s in sections for b in s.blocks),
            }
            glossary = pipeline.glossary.with_record_terms(leaflet.record_terms)
            for name, text in texts.items():
                started = time.perf_counter()
                glossary.find(text)
                times[name].append(time.perf_counter() - started)
                sizes[name].append(len(text.split()))
    print(f"glossary: {len(pipeline.glossary)} entries, matcher built in {build_time * 1000:.1f} ms")
    for name, label in (("explained", "the text it explains"), ("whole", "the whole leaflet with Words to know")):
        found = times[name]
        print(f"one pass over {label} (median {statistics.median(sizes[name]):.0f} words): median "
              f"{statistics.median(found) * 1000:.2f} ms, 90th percentile {sorted(found)[int(0.9 * (len(found) - 1))] * 1000:.2f} ms, "
              f"max {max(found) * 1000:.2f} ms")


if __name__ == "__main__":
    main()

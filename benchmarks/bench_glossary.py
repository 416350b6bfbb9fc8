"""Time the term engine: one pass of the compiled matcher over a leaflet's text.

    python benchmarks/bench_glossary.py [RECORDS_FOLDER]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from summarizer.build import LeafletPipeline
from summarizer.check import extract_sections
from summarizer.load import find_record_files, load_studies

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    default = ROOT.parent / "shared" / "records" / "ctgov-v2"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default if default.is_dir() else ROOT / "examples"
    pipeline = LeafletPipeline()
    build_started = time.perf_counter()
    type(pipeline.glossary)(list(pipeline.glossary.entries))
    build_time = time.perf_counter() - build_started
    times, sizes = [], []
    for path in find_record_files([folder]):
        for study in load_studies(path):
            leaflet = pipeline.explain(study)
            text = "\n".join(b for s in extract_sections(pipeline.renderer.html(leaflet)) for b in s.blocks)
            glossary = pipeline.glossary.with_record_terms(leaflet.record_terms)
            started = time.perf_counter()
            glossary.find(text)
            times.append(time.perf_counter() - started)
            sizes.append(len(text.split()))
    print(f"glossary: {len(pipeline.glossary)} entries, matcher built in {build_time * 1000:.1f} ms")
    print(f"leaflets: {len(times)} from {folder}; words per leaflet median {statistics.median(sizes):.0f}")
    print(f"one pass over a leaflet's text: median {statistics.median(times) * 1000:.2f} ms, "
          f"90th percentile {sorted(times)[int(0.9 * (len(times) - 1))] * 1000:.2f} ms, max {max(times) * 1000:.2f} ms")


if __name__ == "__main__":
    main()

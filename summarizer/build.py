"""The whole pipeline in one place: load -> explain -> render -> check -> write.

``build`` is the only function that touches the output folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from summarizer import __version__
from summarizer.check import ReadingReport, check_html, check_text
from summarizer.explain import Leaflet, explain_study
from summarizer.glossary import Glossary
from summarizer.load import RecordError, find_record_files, load_studies
from summarizer.model import Study
from summarizer.phrases import PhraseBook
from summarizer.config import DEFAULT_MAX_GRADE
from summarizer.render import PAGE_SIZES, LeafletRenderer, render_report
from summarizer.write import write_atomic, write_json

FORMATS = ("html", "embed", "pdf")


@dataclass(frozen=True)
class BuildOptions:
    """What to build and how."""

    out: Path = Path("output")
    formats: tuple[str, ...] = FORMATS
    page_size: str = "a4"
    templates: Path | None = None  # the user's templates folder, looked in first
    glossary: Path | None = None  # the user's glossary folder, entries override shipped ones
    max_grade: float | None = None  # build fails (after writing) when a leaflet is over this


@dataclass
class StudyResult:
    nct_id: str
    source: str
    files: list[Path]
    report: ReadingReport
    warnings: list[str]


@dataclass
class BuildResult:
    built: list[StudyResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each: file, field, problem
    skipped: list[Path] = field(default_factory=list)  # files in named folders that are not records we read
    over_grade: list[str] = field(default_factory=list)


class LeafletPipeline:
    """Loads the glossary, phrases and templates once, then makes leaflets."""

    def __init__(self, templates: Path | None = None, glossary: Path | None = None):
        self.glossary = Glossary.load(glossary)
        self.phrases = PhraseBook.load(templates)
        self.renderer = LeafletRenderer(self.glossary, self.phrases, templates)

    def explain(self, study: Study) -> Leaflet:
        return explain_study(study, self.phrases, self.glossary)


def leaflet_report(leaflet: Leaflet, report: ReadingReport) -> dict:
    study = leaflet.study
    return {
        "nct_id": study.nct_id,
        "title": study.brief_title,
        "record": {
            "source": Path(study.source).name,
            "last_update_posted": study.last_update_post_date.value if study.last_update_post_date else None,
        },
        "tool_version": __version__,
        "reading_level": report.as_dict(),
        "record_criteria_reading_level": (
            check_text(leaflet.criteria_original).as_dict() if leaflet.criteria_original else None
        ),
        "warnings": leaflet.warnings,
    }


def build(
    paths: Iterable[Path],
    options: BuildOptions,
    on_study: Callable[[StudyResult], None] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> BuildResult:
    if options.page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}")
    pipeline = LeafletPipeline(options.templates, options.glossary)
    result = BuildResult()
    paths = list(paths)
    result.skipped = [p for folder in paths if folder.is_dir() for p in sorted(folder.rglob("*.xml"))]
    for path in find_record_files(paths):
        try:
            studies = load_studies(path)
        except RecordError as error:
            result.errors.append(str(error))
            if on_error:
                on_error(str(error))
            continue
        for study in studies:
            done = _build_study(study, pipeline, options)
            result.built.append(done)
            if options.max_grade is not None:
                result.over_grade += [f"{study.nct_id}: {part}" for part in done.report.over(options.max_grade)]
            if on_study:
                on_study(done)
    return result


def _build_study(study: Study, pipeline: LeafletPipeline, options: BuildOptions) -> StudyResult:
    leaflet = pipeline.explain(study)
    folder = options.out / study.nct_id
    html = pipeline.renderer.html(leaflet)
    outputs: list[tuple[Path, bytes]] = []
    if "html" in options.formats:
        outputs.append((folder / "leaflet.html", html.encode("utf-8")))
    if "embed" in options.formats:
        outputs.append((folder / "embed.html", pipeline.renderer.fragment(leaflet).encode("utf-8")))
    if "pdf" in options.formats:
        outputs.append((folder / "leaflet.pdf", pipeline.renderer.pdf(leaflet, options.page_size)))
    report = check_html(html, pipeline.glossary.with_abbreviations(leaflet.abbreviations), sentences=True)
    if "html" in options.formats:
        page = render_report(report, f"{study.nct_id}: {study.brief_title}", options.max_grade or DEFAULT_MAX_GRADE, options.templates)
        outputs.append((folder / "report.html", page.encode("utf-8")))
    # Everything is rendered before anything is written: a failure above leaves old files alone.
    for path, data in outputs:
        write_atomic(path, data)
    write_json(folder / "report.json", leaflet_report(leaflet, report))
    files = [path for path, _ in outputs] + [folder / "report.json"]
    return StudyResult(study.nct_id, study.source, files, report, leaflet.warnings)

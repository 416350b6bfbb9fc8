"""The whole pipeline in one place: load -> explain -> render -> check -> write.

``build`` is the only function that touches the output folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from summarizer import __version__
from summarizer.changes import changes_entry, compare_facts, study_facts
from summarizer.check import ReadingReport, check_html, check_text, trim_memories, warm_up
from summarizer.explain import Leaflet, explain_study
from summarizer.glossary import Glossary, RecordGlossary
from summarizer.load import RecordError, find_record_files, load_studies
from summarizer.model import Study
from summarizer.phrases import PhraseBook
from summarizer.config import DEFAULT_MAX_GRADE
from summarizer.render import PAGE_SIZES, LeafletRenderer, render_report
from summarizer.resources import shipped_folder
from summarizer.site import SiteOverlay, load_site, site_file_for
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
    force: bool = False  # rebuild even what has not changed
    prune: bool = False  # remove the outputs of studies whose records are gone
    jobs: int | None = None  # worker processes (default: the CPU count)
    site: Path | None = None  # one site overlay for every study (else each record's own, if any)
    inputs: str = ""  # hash of templates, glossary, options and version (set by build)


@dataclass
class StudyResult:
    nct_id: str
    source: str
    files: list[Path]
    report: ReadingReport  # in BuildResult.built, only the read-through figures are kept
    warnings: list[str]
    record_hash: str = ""

    def slim(self) -> StudyResult:
        """What a long batch keeps of a built study: names, files and the read-through figures.
        Everything else is in the study's report.json."""
        level = dataclasses.replace(self.report.read_through, long_sentences=())
        return dataclasses.replace(self, report=ReadingReport(level, {}, {}))


@dataclass(frozen=True)
class _Task:
    """Studies of one record file to build: the file is read again where they are built, so a
    batch never holds more than the records being built at the moment."""

    path: Path
    studies: tuple[tuple[int, str], ...]  # (position in the file, NCT ID)
    site: SiteOverlay | None


@dataclass
class BuildResult:
    built: list[StudyResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each: file, field, problem
    skipped: list[Path] = field(default_factory=list)  # files in named folders that are not records we read
    unchanged: list[str] = field(default_factory=list)  # studies whose outputs were already up to date
    gone: list[str] = field(default_factory=list)  # studies built before whose records are no longer given
    over_grade: list[str] = field(default_factory=list)


class LeafletPipeline:
    """Loads the glossary, phrases and templates once, then makes leaflets."""

    def __init__(self, templates: Path | None = None, glossary: Path | None = None):
        self.glossary = Glossary.load(glossary)
        self.phrases = PhraseBook.load(templates)
        self.phrases.everyday = self.phrases.everyday.keeping(self.glossary)
        self.renderer = LeafletRenderer(self.glossary, self.phrases, templates)

    def explain(self, study: Study, site: SiteOverlay | None = None) -> Leaflet:
        return explain_study(study, self.phrases, self.glossary, site)


def leaflet_report(leaflet: Leaflet, report: ReadingReport, made_from: dict | None = None) -> dict:
    study = leaflet.study
    return {
        "made_from": made_from or {},
        "facts": study_facts(leaflet),
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


MANIFEST = "manifest.json"


def inputs_hash(options: BuildOptions) -> str:
    """One hash of everything besides the record that shapes a leaflet: tool version, options,
    and every file of the shipped and user templates and glossary."""
    digest = hashlib.sha256()
    settings = [__version__, sorted(options.formats), options.page_size, options.max_grade]
    digest.update(json.dumps(settings).encode())
    folders = [shipped_folder("templates"), shipped_folder("glossary"), options.templates, options.glossary]
    for folder in folders:
        if folder is None:
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_manifest(out: Path) -> dict:
    """The last build's manifest. Each entry says which inputs (templates, glossary, options)
    made it: entries kept for records that were gone or failed keep theirs, so a later build
    with other inputs does not take them for up to date. (Entries of older manifests get the
    manifest's own inputs.)"""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"studies": {}}
    if not isinstance(data, dict) or not isinstance(data.get("studies"), dict):
        return {"studies": {}}
    for entry in data["studies"].values():
        if isinstance(entry, dict):
            entry.setdefault("inputs", data.get("inputs"))
    return data


_worker_pipeline: LeafletPipeline | None = None
_worker_folders: tuple[Path | None, Path | None] | None = None


def _start_worker(templates: Path | None, glossary: Path | None) -> None:
    """The worker's pipeline: the one a forked worker inherits from the parent, or a new one."""
    global _worker_pipeline, _worker_folders
    if _worker_pipeline is None or _worker_folders != (templates, glossary):
        _worker_pipeline = LeafletPipeline(templates, glossary)
        _worker_folders = (templates, glossary)


def _build_in_worker(task: _Task, options: BuildOptions) -> list[StudyResult | str]:
    return _build_task(task, _worker_pipeline, options)


def _build_task(task: _Task, pipeline: LeafletPipeline, options: BuildOptions) -> list[StudyResult | str]:
    """Build the task's studies; a file that no longer reads is one error line."""
    try:
        studies = load_studies(task.path)
    except RecordError as error:
        return [str(error)]
    by_id = {study.nct_id: study for study in studies}
    done: list[StudyResult | str] = []
    for index, nct_id in task.studies:
        study = studies[index] if index < len(studies) and studies[index].nct_id == nct_id else by_id.get(nct_id)
        if study is None:
            done.append(f"{task.path}: {nct_id}: no longer in the file")
            continue
        done.append(_build_study(study, pipeline, options, task.site))
    return done


def build(
    paths: Iterable[Path],
    options: BuildOptions,
    on_study: Callable[[StudyResult], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> BuildResult:
    """Build every study in ``paths`` whose record or inputs changed since the last build
    (all of them with ``options.force``), then write the manifest."""
    if options.page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}")
    result = BuildResult()
    paths = list(paths)
    result.skipped = [p for folder in paths if folder.is_dir() for p in sorted(folder.rglob("*.xml"))]
    manifest = _read_manifest(options.out)
    inputs = inputs_hash(options)
    options = dataclasses.replace(options, inputs=inputs)
    previous = {} if options.force else {
        nct_id: entry for nct_id, entry in manifest["studies"].items()
        if isinstance(entry, dict) and entry.get("inputs") == inputs
    }
    entries: dict[str, dict] = {}
    todo: list[_Task] = []
    sites: dict[Path, SiteOverlay] = {}
    for path in find_record_files(paths):
        try:
            studies = load_studies(path)
            site_path = site_file_for(path, options.site)
            if site_path is not None and site_path not in sites:
                sites[site_path] = load_site(site_path)
            site = sites.get(site_path)
        except RecordError as error:
            _failed(path, str(error), manifest, entries, result, on_error)
            continue
        site_digest = site.digest if site else None
        changed = []
        for index, study in enumerate(studies):
            entry = previous.get(study.nct_id)
            if (entry and entry.get("record") == study.record_hash and entry.get("site") == site_digest
                    and _files_present(options.out, study.nct_id, entry)):
                entries[study.nct_id] = entry
                result.unchanged.append(study.nct_id)
                result.over_grade += [f"{study.nct_id}: {part}" for part in entry.get("over", [])] if options.max_grade is not None else []
            else:
                changed.append((index, study.nct_id))
        if changed:
            # only names are kept: the record is read again when its turn comes
            todo.append(_Task(path, tuple(changed), site))
        del studies
    if on_start:
        on_start(_study_count(todo))
    for task, done_in_file in _run(todo, options):
        for done in done_in_file:
            if isinstance(done, str):  # the file changed under us and no longer reads
                _failed(task.path, done, manifest, entries, result, on_error)
                continue
            over = done.report.over(options.max_grade) if options.max_grade is not None else []
            result.over_grade += [f"{done.nct_id}: {part}" for part in over]
            entries[done.nct_id] = {
                "source": done.source,
                "record": done.record_hash,
                "site": task.site.digest if task.site else None,
                "files": sorted(p.name for p in done.files),
                "grade": done.report.read_through.flesch_kincaid_grade,
                "over": over,
                "inputs": inputs,
            }
            if on_study:
                on_study(done)
            result.built.append(done.slim())
    result.gone = sorted(set(manifest["studies"]) - set(entries))
    if options.prune:
        for nct_id in result.gone:
            shutil.rmtree(options.out / nct_id, ignore_errors=True)
    else:
        entries.update({nct_id: manifest["studies"][nct_id] for nct_id in result.gone})
    options.out.mkdir(parents=True, exist_ok=True)
    write_json(options.out / MANIFEST, {"tool_version": __version__, "inputs": inputs, "studies": dict(sorted(entries.items()))})
    return result


def _failed(path: Path, error: str, manifest: dict, entries: dict, result: BuildResult, on_error) -> None:
    result.errors.append(error)
    if on_error:
        on_error(error)
    # a record that fails keeps its previous good outputs and their manifest entry
    for nct_id, entry in manifest["studies"].items():
        if entry.get("source") == str(path):
            entries[nct_id] = entry


def _changes(folder: Path, summary: dict) -> str | None:
    """changes.md with a new entry on top, when an earlier build of this study left a report."""
    try:
        previous = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if "facts" not in previous:
        return None
    lines = compare_facts(previous["facts"], summary["facts"])
    entry = changes_entry(summary["made_from"], previous.get("made_from", {}), lines)
    try:
        history = (folder / "changes.md").read_text(encoding="utf-8").split("\n", 2)[2]
    except (OSError, IndexError):
        history = ""
    return f"# What changed in {summary['nct_id']}\n\n{entry}\n{history}".rstrip("\n") + "\n"


def _files_present(out: Path, nct_id: str, entry: dict) -> bool:
    files = entry.get("files") or []
    return bool(files) and all((out / nct_id / name).is_file() for name in files)


def _study_count(tasks: list[_Task]) -> int:
    return sum(len(task.studies) for task in tasks)


def _run(tasks: list[_Task], options: BuildOptions) -> Iterator[tuple[_Task, list[StudyResult | str]]]:
    """Build in this process, or in ``options.jobs`` worker processes when there is enough to do.
    Results come back one file at a time, in order, and are not kept here."""
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or _study_count(tasks) < 4:
        if not tasks:
            return
        pipeline = LeafletPipeline(options.templates, options.glossary)
        with _set_up_and_frozen():
            for task in tasks:
                yield task, _build_task(task, pipeline, options)
        return
    context = multiprocessing.get_context()
    forks = context.get_start_method() == "fork"
    if forks:
        # Set up once here: forked workers share the glossary, templates and the dictionaries
        # the checker reads instead of each loading its own (about 1 s of CPU and 130 MB each).
        _start_worker(options.templates, options.glossary)
    with _set_up_and_frozen() if forks else contextlib.nullcontext():
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                                 initargs=(options.templates, options.glossary)) as pool:
            yield from zip(tasks, pool.map(_build_in_worker, tasks, [options] * len(tasks), chunksize=4))


@contextlib.contextmanager
def _set_up_and_frozen():
    """The checker's dictionaries loaded, and all set up so far frozen: the garbage collector
    then leaves the glossary, templates and dictionaries alone instead of walking them again
    and again (pauses of some 200 ms in a long batch), and forked workers keep sharing them."""
    warm_up()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _build_study(study: Study, pipeline: LeafletPipeline, options: BuildOptions, site: SiteOverlay | None = None) -> StudyResult:
    leaflet = pipeline.explain(study, site)
    folder = options.out / study.nct_id
    for stale in folder.glob(".*.tmp"):  # left by a build that was killed mid-write
        stale.unlink(missing_ok=True)
    # the page and the fragment share their content: it is rendered once for both
    pages = pipeline.renderer.pages(leaflet, ("leaflet.html", "embed.html") if "embed" in options.formats else ("leaflet.html",))
    html = pages[0]
    outputs: list[tuple[Path, bytes]] = []
    if "html" in options.formats:
        outputs.append((folder / "leaflet.html", html.encode("utf-8")))
    if "embed" in options.formats:
        outputs.append((folder / "embed.html", pages[1].encode("utf-8")))
    if "pdf" in options.formats:
        outputs.append((folder / "leaflet.pdf", pipeline.renderer.pdf(leaflet, options.page_size)))
    # measured once, on the page (the fragment holds the same content); the text is read from
    # the HTML just rendered, with the glossary's finds remembered from study to study
    report = check_html(html, RecordGlossary(pipeline.glossary, leaflet.record_terms), sentences=True, ours=True)
    if "html" in options.formats:
        page = render_report(report, f"{study.nct_id}: {study.brief_title}", options.max_grade or DEFAULT_MAX_GRADE, options.templates)
        outputs.append((folder / "report.html", page.encode("utf-8")))
    made_from = {
        "record_updated": study.last_update_post_date.value if study.last_update_post_date else None,
        "record_hash": study.record_hash[:16],
        "inputs": options.inputs[:16],
        "glossary_entries": len(pipeline.glossary),
        "tool_version": __version__,
    }
    summary = leaflet_report(leaflet, report, made_from)
    changes = _changes(folder, summary)
    if changes is not None:
        outputs.append((folder / "changes.md", changes.encode("utf-8")))
    # Everything is rendered before anything is written: a failure above leaves old files alone.
    for path, data in outputs:
        write_atomic(path, data)
    write_json(folder / "report.json", summary)
    files = [path for path, _ in outputs] + [folder / "report.json"]
    report.findings = {}  # written out above; results of a long batch keep only the figures
    trim_memories()  # a batch of any size: word memories stay within their bounds
    return StudyResult(study.nct_id, study.source, files, report, leaflet.warnings, study.record_hash)

"""The command line: thin click commands over ``summarizer.build`` and ``summarizer.check``."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from html import escape as html_escape
from pathlib import Path

import click

from summarizer import __version__
from summarizer.build import FORMATS, BuildOptions, LeafletPipeline, build
from summarizer.check import ReadingReport, check_html
from summarizer.config import DEFAULT_MAX_GRADE, Config, ConfigError, load_config
from summarizer.load import RecordError, load_studies
from summarizer.render import PAGE_SIZES
from summarizer.write import write_atomic

EXIT_BAD_INPUT = 2
EXIT_OVER_GRADE = 1


def _formats(ctx, param, value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [v for v in chosen if v not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"choose from {', '.join(FORMATS)} (comma-separated)")
    return chosen


_folder = click.Path(exists=True, file_okay=False, path_type=Path)


@click.group()
@click.version_option(__version__, prog_name="summarizer")
def cli():
    """Plain-language leaflets from ClinicalTrials.gov study records."""


@cli.command("build")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("output"), show_default=True, help="Folder to write DIR/<NCTID>/ into.")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True, callback=_formats, help="Outputs to write: html, embed, pdf.")
@click.option("--page-size", type=click.Choice(list(PAGE_SIZES)), help="PDF page size (default a4).")
@click.option("--templates", type=_folder, help="Your templates folder, looked in before the shipped one.")
@click.option("--glossary", type=_folder, help="Your glossary folder; its entries add to or replace shipped ones.")
@click.option("--max-grade", type=float, help="Exit 1 (after writing) if a leaflet reads above this grade.")
@click.option("--site", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="A site overlay for every study (else NCT...site.yaml or site.yaml beside each record).")
@click.option("--force", is_flag=True, help="Rebuild every leaflet, changed or not.")
@click.option("--prune", is_flag=True, help="Remove the outputs of studies whose records are gone.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Worker processes (default: the CPU count).")
@click.option("--watch", is_flag=True, help="Keep running; rebuild when a record, template, glossary or site file changes.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary.")
def build_command(paths, out, formats, page_size, templates, glossary, max_grade, site, force, prune, jobs, watch, quiet):
    """Build leaflets from record files or folders of them (API v2 JSON or YAML)."""

    # a progress bar on a terminal; one quiet line a study in CI and in logs
    bar = None
    interactive = sys.stdout.isatty() and not quiet and not os.environ.get("CI")

    def on_start(total):
        nonlocal bar
        if interactive and total > 1:
            bar = click.progressbar(length=total, label="building", show_pos=True, show_eta=True)
            bar.__enter__()

    def on_study(done):
        for warning in done.warnings:
            click.echo(f"warning: {done.source}: {warning}", err=True)
        if bar is not None:
            bar.update(1)
        elif not quiet:
            grade = done.report.read_through.flesch_kincaid_grade
            click.echo(f"{done.nct_id}: grade {grade:g} -> {done.files[0].parent}")

    def on_error(line):
        click.echo(f"error: {line}", err=True)

    config = _config()
    max_grade = max_grade if max_grade is not None else config.max_grade
    options = BuildOptions(
        out, formats, page_size or config.page_size or "a4", templates or config.templates,
        glossary or config.glossary, max_grade, force=force, prune=prune, jobs=jobs, site=site,
    )
    result = build(paths, options, on_study=on_study, on_error=on_error, on_start=on_start)
    if bar is not None:
        bar.__exit__(None, None, None)
    _report_build(result, options, quiet)
    if watch:
        _watch(paths, options, on_study, on_error, quiet)
        return
    if result.errors:
        sys.exit(EXIT_BAD_INPUT)
    if result.over_grade:
        sys.exit(EXIT_OVER_GRADE)


def _watch(paths, options: BuildOptions, on_study, on_error, quiet: bool) -> None:
    """Rebuild on every change until interrupted; the incremental build redoes only what changed."""
    from watchfiles import watch

    watched = [*paths, *(p for p in (options.templates, options.glossary, options.site) if p)]
    click.echo(f"watching {len(watched)} path(s); Ctrl+C stops", err=True)
    options = dataclasses.replace(options, force=False)
    try:
        for _ in watch(*watched, debounce=300, step=100, rust_timeout=1000):
            _report_build(build(paths, options, on_study, on_error), options, quiet)
    except KeyboardInterrupt:
        pass


def _report_build(result, options: BuildOptions, quiet: bool) -> None:
    if result.skipped:
        click.echo(f"skipped {len(result.skipped)} legacy XML file(s): only API v2 JSON and YAML records are read", err=True)
    for nct_id in result.gone:
        click.echo(f"gone: {nct_id}: its record was not given"
                   + (", outputs removed" if options.prune else " (--prune removes its outputs)"), err=True)
    click.echo(
        f"built {len(result.built)} leaflet(s) into {options.out}, {len(result.unchanged)} unchanged, "
        f"{len(result.errors)} file(s) failed",
        err=quiet,
    )
    for line in result.over_grade:
        click.echo(f"over grade {options.max_grade:g}: {line}", err=True)


@cli.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--max-grade", type=float, help="Exit 1 if the text reads above this grade (default 8, or the config's).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path), help="Also write an HTML report with the hard parts marked.")
@click.option("--templates", type=_folder, help="Your templates folder (for records).")
@click.option("--glossary", type=_folder, help="Your glossary folder.")
def check_command(path, max_grade, as_json, html_out, templates, glossary):
    """Reading level of a leaflet (.html), a record (built first), or any .html/.md/.txt text."""
    from summarizer.glossary import Glossary
    from summarizer.render import render_report

    config = _config()
    max_grade = max_grade if max_grade is not None else config.max_grade or DEFAULT_MAX_GRADE
    templates, glossary = templates or config.templates, glossary or config.glossary
    suffix = path.suffix.lower()
    reports: dict[str, ReadingReport] = {}
    try:
        if suffix in (".json", ".yaml", ".yml"):
            pipeline = LeafletPipeline(templates, glossary)
            for study in load_studies(path):
                leaflet = pipeline.explain(study)
                reports[study.nct_id] = check_html(
                    pipeline.renderer.html(leaflet),
                    pipeline.glossary.with_record_terms(leaflet.record_terms), sentences=True,
                )
        else:
            text = path.read_text(encoding="utf-8")
            if suffix == ".md":
                text = markdown_to_html(text)
            elif suffix not in (".html", ".htm"):
                text = "".join(f"<p>{html_escape(line)}</p>" for line in text.splitlines() if line.strip())
            reports[str(path)] = check_html(text, Glossary.load(glossary), sentences=True)
    except RecordError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except UnicodeDecodeError:
        click.echo(f"error: {path}: not UTF-8 text", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if html_out:
        name, report = next(iter(reports.items()))
        write_atomic(html_out, render_report(report, name, max_grade, templates).encode("utf-8"))
    over = {name: report.over(max_grade) for name, report in reports.items()}
    if as_json:
        payload = {name: {**report.as_dict(), "max_grade": max_grade, "over": over[name]} for name, report in reports.items()}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for name, report in reports.items():
            _print_report(name, report, max_grade)
    failing = [f"{name}: {part}" for name, parts in over.items() for part in parts]
    for line in failing:
        click.echo(f"over grade {max_grade:g}: {line}", err=True)
    sys.exit(EXIT_OVER_GRADE if failing else 0)


@cli.group("glossary")
def glossary_group():
    """Check the glossary and measure how well it explains real records."""


@glossary_group.command("lint")
@click.option("--glossary", type=_folder, help="Your glossary folder, checked together with the shipped one.")
def glossary_lint(glossary):
    """Duplicates, long or hard definitions, and hard words no entry explains. Exit 1 on any."""
    from summarizer.glossary import Glossary, GlossaryError
    from summarizer.lint import lint_glossary

    try:
        loaded = Glossary.load(glossary)
    except GlossaryError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    problems = lint_glossary(loaded)
    for line in problems:
        click.echo(line)
    click.echo(f"{len(loaded)} entries, {len(problems)} problem(s)", err=bool(problems))
    sys.exit(1 if problems else 0)


@glossary_group.command("coverage")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--glossary", type=_folder, help="Your glossary folder.")
@click.option("--half", type=click.Choice(["all", "tune", "held-out"]), default="all", show_default=True,
              help="Every record, or every other one in NCT order (tune: 1st, 3rd...; held-out: 2nd, 4th...).")
@click.option("--top", type=int, default=20, show_default=True, help="How many unexplained words to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def glossary_coverage(paths, glossary, half, top, as_json):
    """Hard words in the leaflets of PATH... that no entry explains, ranked by how many studies use them."""
    from summarizer.coverage import CoverageReport, study_coverage
    from summarizer.load import find_record_files

    pipeline = LeafletPipeline(None, glossary)
    studies = []
    for path in find_record_files(list(paths)):
        try:
            studies += load_studies(path)
        except RecordError as error:
            click.echo(f"error: {error}", err=True)
    studies.sort(key=lambda s: s.nct_id)
    if half != "all":
        studies = studies[0 if half == "tune" else 1 :: 2]
    results = []
    for study in studies:
        leaflet = pipeline.explain(study)
        html = pipeline.renderer.html(leaflet)
        results.append(study_coverage(study, html, pipeline.glossary.with_record_terms(leaflet.record_terms)))
    report = CoverageReport(results)
    if as_json:
        click.echo(json.dumps(report.as_dict(top), indent=2))
        return
    click.echo(f"{len(results)} studies: {report.explained} of {report.hard} hard-word uses explained "
               f"({report.share_explained:.1%})")
    for word, count, occurrences in report.top_unexplained(top):
        click.echo(f"  {word:<28} {count:>4} studies {occurrences:>6} uses")


def _config() -> Config:
    try:
        return load_config()
    except ConfigError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _print_report(name: str, report: ReadingReport, max_grade: float) -> None:
    click.echo(click.style(name, bold=True))
    rows = [("read through", report.read_through)] + [
        (report.headings.get(key) or key, level) for key, level in report.sections.items()
    ]
    click.echo(f"  {'part':<42} {'grade':>5} {'SMOG':>5} {'ease':>5} {'words':>6} {'sent.':>5} {'>20w':>4}")
    for label, level in rows:
        grade = click.style(f"{level.flesch_kincaid_grade:>5.1f}", fg="red" if level.flesch_kincaid_grade > max_grade else "green")
        click.echo(
            f"  {label[:42]:<42} {grade} {level.smog_index:>5.1f} "
            f"{level.flesch_reading_ease:>5.1f} {level.words:>6} {level.sentences:>5} {len(level.long_sentences):>4}"
        )
    flagged = [f for found in report.findings.values() for f in found if f.flagged]
    if flagged:
        click.echo(f"  {len(flagged)} sentence(s) to look at; the hardest:")
        for finding in sorted(flagged, key=lambda f: -f.grade)[:5]:
            reasons = ", ".join(
                part for part in (
                    f"{finding.words} words" if finding.long else "",
                    "passive: " + "; ".join(finding.passive) if finding.passive else "",
                    "unexplained: " + ", ".join(finding.unexplained) if finding.unexplained else "",
                    "abbreviations: " + ", ".join(finding.abbreviations) if finding.abbreviations else "",
                    "symbols: " + " ".join(finding.symbols) if finding.symbols else "",
                ) if part
            )
            click.echo(f"  - grade {finding.grade:g} ({reasons}): {finding.text[:100]}")


def markdown_to_html(text: str) -> str:
    """A writer's .md or .txt as HTML blocks, so lists and headings end sentences."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).render(text)


from summarizer.fetch_cli import fetch_command, update_command  # noqa: E402  (they use the group above)

cli.add_command(fetch_command)
cli.add_command(update_command)


def main() -> None:
    cli()

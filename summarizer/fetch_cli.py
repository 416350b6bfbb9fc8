"""The ``fetch`` and ``update`` commands: thin click commands over ``summarizer.fetch``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from summarizer.fetch import (
    DEFAULT_BASE_URL,
    DEFAULT_PER_MINUTE,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    InvalidNctId,
    RegistryClient,
    UpdateResult,
    fetch_records,
    normalize_base_url,
    record_ids,
    update_folder,
    validate_nct_id,
)

EXIT_FAILED = 2


def _base_url(ctx, param, value: str) -> str:
    try:
        return normalize_base_url(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _client_options(command):
    """Options shared by ``fetch`` and ``update``: where the registry is and how gently to ask it."""
    for option in reversed([
        click.option("--base-url", metavar="URL", default=DEFAULT_BASE_URL, show_default=True, envvar="SUMMARIZER_BASE_URL",
                     callback=_base_url, help="The registry (or a mirror that speaks API v2); also SUMMARIZER_BASE_URL."),
        click.option("--rate", metavar="N", type=click.FloatRange(0, min_open=True), default=DEFAULT_PER_MINUTE, show_default=True,
                     help="At most this many requests a minute."),
        click.option("--timeout", type=click.FloatRange(0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
                     help="Seconds to wait for an answer."),
        click.option("--retries", type=click.IntRange(0, 10), default=DEFAULT_RETRIES, show_default=True,
                     help="Tries after the first on HTTP 429, 5xx, timeouts and lost connections (with backoff)."),
        click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary."),
    ]):
        command = option(command)
    return command


@click.command("fetch")
@click.argument("nct_ids", nargs=-1, required=True, metavar="NCT...")
@click.option("--records", "-r", type=click.Path(file_okay=False, path_type=Path), default=Path("records"),
              show_default=True, help="Folder to save NCT########.json into (nothing else in it is touched).")
@_client_options
def fetch_command(nct_ids, records, base_url, rate, timeout, retries, quiet):
    """Get study records from ClinicalTrials.gov (API v2) into a records folder, as pretty JSON."""
    wanted, bad = [], []
    for argument in nct_ids:
        for part in (p for p in re.split(r"[,\s]+", argument) if p):
            try:
                wanted.append(validate_nct_id(part))
            except InvalidNctId as error:
                bad.append(str(error))
    for line in bad:
        click.echo(f"error: {line}", err=True)
    if bad or not wanted:
        click.echo("error: nothing fetched: give NCT IDs like NCT01234567", err=True)
        sys.exit(EXIT_FAILED)
    with _client(base_url, rate, timeout, retries, quiet) as client:
        results = fetch_records(wanted, records, client, on_result=_reporter(quiet))
    _summary("fetched", results, records, quiet)


@click.command("update")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_client_options
def update_command(folder, base_url, rate, timeout, retries, quiet):
    """Fetch again every record in FOLDER (files named NCT########.json) and say which changed."""
    if not record_ids(folder):
        click.echo(f"no records (files named NCT########.json) in {folder}", err=True)
        return
    with _client(base_url, rate, timeout, retries, quiet) as client:
        results = update_folder(folder, client, on_result=_reporter(quiet))
    _summary("updated", results, folder, quiet)


def _client(base_url, rate, timeout, retries, quiet) -> RegistryClient:
    def on_retry(nct_id, problem, delay, next_try):
        if not quiet:
            click.echo(f"{nct_id}: {problem}; trying again in {delay:g} s (try {next_try} of {retries + 1})", err=True)

    return RegistryClient(base_url, per_minute=rate, timeout=timeout, retries=retries, on_retry=on_retry)


def _reporter(quiet: bool):
    def on_result(result: UpdateResult) -> None:
        if not result.ok:
            click.echo(f"error: {result.describe()}", err=True)
        elif not quiet:
            click.echo(result.describe())

    return on_result


def _summary(verb: str, results: list[UpdateResult], folder: Path, quiet: bool) -> None:
    count = {status: sum(r.status == status for r in results) for status in ("new", "changed", "unchanged", "failed")}
    click.echo(
        f"{verb} {len(results) - count['failed']} record(s) in {folder}: {count['new']} new, {count['changed']} changed, "
        f"{count['unchanged']} unchanged; {count['failed']} failed",
        err=quiet,
    )
    if count["failed"]:
        sys.exit(EXIT_FAILED)

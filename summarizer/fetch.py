"""Fetch: study records from the ClinicalTrials.gov API v2, saved as pretty JSON in a records folder.

``RegistryClient.fetch_study`` gets one record (``GET {base}/api/v2/studies/{nctId}``) with timeouts,
retries with exponential backoff on 429 and 5xx (a ``Retry-After`` from the server wins) and a polite
rate limit. ``save_record`` writes ``DIR/<NCTID>.json`` atomically, and only when its content changed;
``fetch_records`` and ``update_folder`` do that for a list of IDs or for every record already in a folder,
and say per study what happened. Nothing else in the folder (a site overlay, notes) is ever touched.

An NCT ID is checked (``NCT`` and 8 digits) before it is put into a URL or a file name. Time is read
and waited through a ``Clock``, so tests replace it and never sleep.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx

from summarizer import __version__
from summarizer.load import NCT_ID
from summarizer.write import write_json

DEFAULT_BASE_URL = "https://clinicaltrials.gov"
DEFAULT_PER_MINUTE = 50.0  # the registry asks for about 50 requests a minute at most
DEFAULT_TIMEOUT = 30.0  # seconds to wait for an answer (10 at most to connect)
DEFAULT_RETRIES = 3  # tries after the first, on 429, 5xx, timeouts and broken connections

# Ask for JSON with text fields in Markdown: both are the API's defaults, named so a change of
# default on the registry's side does not change the records we store.
STUDY_PARAMS = {"format": "json", "markupFormat": "markdown"}


class InvalidNctId(ValueError):
    """Not an NCT ID; never sent to the registry nor used as a file name."""


class FetchError(Exception):
    """A study that could not be fetched: one line naming the NCT ID and what went wrong.

    ``kind`` is one of ``not_found``, ``network``, ``timeout``, ``http``, ``bad_response``.
    """

    def __init__(self, nct_id: str, problem: str, kind: str):
        self.nct_id = nct_id
        self.problem = problem
        self.kind = kind
        super().__init__(f"{nct_id}: {problem}")


def validate_nct_id(value: str) -> str:
    """The NCT ID in capitals (``nct01234567`` -> ``NCT01234567``), or ``InvalidNctId``."""
    if isinstance(value, str):
        candidate = value.upper()
        if NCT_ID.fullmatch(candidate):
            return candidate
    shown = repr(value) if not isinstance(value, str) or len(value) <= 40 else repr(value[:40]) + "..."
    raise InvalidNctId(f"{shown}: not an NCT ID (NCT and 8 digits, like NCT01234567)")


def normalize_base_url(url: str) -> str:
    """``http(s)://host[:port][/prefix]`` without a trailing slash, or ``ValueError``."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as error:
        raise ValueError(f"{url!r}: not a URL ({error})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"{url!r}: give an http:// or https:// address, like {DEFAULT_BASE_URL}")
    if parsed.query or parsed.fragment:
        raise ValueError(f"{url!r}: give the address without ?query or #fragment")
    return str(parsed).rstrip("/")


class Clock:
    """Time as the client sees it: monotonic seconds, wall-clock seconds, and waiting."""

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


def default_clock() -> Clock:
    """The clock a client gets when given none (tests replace this function)."""
    return Clock()


class RateLimiter:
    """At most ``per_minute`` requests a minute, evenly spaced (``None`` or 0: no limit)."""

    def __init__(self, per_minute: float | None, clock: Clock):
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock = clock
        self._next: float | None = None

    def wait(self) -> None:
        now = self.clock.now()
        if self._next is not None and now < self._next:
            self.clock.sleep(self._next - now)
            now = max(self.clock.now(), self._next)
        self._next = now + self.interval


class RegistryClient:
    """Gets study records from the ClinicalTrials.gov API v2 (or a server at ``base_url`` that speaks it)."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        per_minute: float | None = DEFAULT_PER_MINUTE,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 300.0,
        clock: Clock | None = None,
        transport: httpx.BaseTransport | None = None,
        on_retry: Callable[[str, str, float, int], None] | None = None,
    ):
        self.base_url = normalize_base_url(base_url or DEFAULT_BASE_URL)
        self.timeout = timeout
        self.connect_timeout = min(timeout, 10.0)
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.clock = clock or default_clock()
        self.on_retry = on_retry
        self._limiter = RateLimiter(per_minute, self.clock)
        # After a study failed for want of a connection, the next ones get one try each (not the
        # whole backoff) until the registry answers again: other IDs are still tried, quickly.
        self._unreachable = False
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=self.connect_timeout),
            follow_redirects=True,  # an NCT ID that is an alias answers 301 to the study's own ID
            headers={"Accept": "application/json", "User-Agent": f"summarizer/{__version__}"},
            transport=transport,
        )

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def study_url(self, nct_id: str) -> str:
        return f"{self.base_url}/api/v2/studies/{validate_nct_id(nct_id)}"

    def fetch_study(self, nct_id: str) -> dict:
        """The study's record as the API returns it (a JSON object, keys in the API's order)."""
        nct_id = validate_nct_id(nct_id)
        url = self.study_url(nct_id)
        attempt = 0
        while True:
            self._limiter.wait()
            retry_after: float | None = None
            try:
                response = self._http.get(url, params=STUDY_PARAMS)
            except httpx.ConnectTimeout:
                failure = FetchError(nct_id, f"no network: no connection to {self.base_url} within {self.connect_timeout:g} s", "network")
            except httpx.TimeoutException:
                failure = FetchError(nct_id, f"no answer from {self.base_url} within {self.timeout:g} s", "timeout")
            except httpx.ConnectError as error:
                failure = FetchError(nct_id, f"no network: cannot connect to {self.base_url} ({_reason(error)})", "network")
            except (httpx.NetworkError, httpx.RemoteProtocolError) as error:
                failure = FetchError(nct_id, f"the connection to {self.base_url} broke ({_reason(error)})", "network")
            except httpx.RequestError as error:  # redirect loops, a bad proxy, an unsupported scheme: no retry
                raise FetchError(nct_id, f"cannot get {url} ({_reason(error)})", "network") from None
            else:
                self._unreachable = False
                status = response.status_code
                if status == 200:
                    return self._record(nct_id, response)
                if status == 404:
                    raise FetchError(nct_id, f"no study with this NCT ID at {self.base_url} (HTTP 404)", "not_found")
                if status != 429 and status < 500:
                    raise FetchError(nct_id, f"the registry refused the request (HTTP {status}{_body_hint(response)})", "http")
                retry_after = _retry_after(response.headers.get("Retry-After"), self.clock.wall())
                problem = "asked to slow down (HTTP 429)" if status == 429 else f"the registry failed (HTTP {status})"
                failure = FetchError(nct_id, problem, "http")

            retryable = not (failure.kind == "network" and self._unreachable)
            if attempt >= self.retries or not retryable:
                if failure.kind == "network":
                    self._unreachable = True
                tries = f" after {attempt + 1} tries" if attempt else ""
                raise FetchError(nct_id, f"{failure.problem}{tries}", failure.kind)
            if retry_after is not None:
                if retry_after > self.max_retry_after:
                    raise FetchError(nct_id, f"{failure.problem}: the registry asks to wait {retry_after:g} s; try again later", failure.kind)
                delay = retry_after
            else:
                delay = min(self.backoff * 2**attempt, self.max_backoff)
            attempt += 1
            if self.on_retry:
                self.on_retry(nct_id, failure.problem, delay, attempt + 1)
            self.clock.sleep(delay)

    def _record(self, nct_id: str, response: httpx.Response) -> dict:
        try:
            record = json.loads(response.content)
        except ValueError:
            raise FetchError(nct_id, f"the registry's answer is not JSON{_body_hint(response)}", "bad_response") from None
        if not isinstance(record, dict) or not isinstance(record.get("protocolSection"), dict):
            raise FetchError(nct_id, "the registry's answer is not a study record (no protocolSection)", "bad_response")
        own = record_nct_id(record)
        if own is None:
            raise FetchError(nct_id, "the registry's record has no valid protocolSection.identificationModule.nctId", "bad_response")
        if own != nct_id and not response.history:
            raise FetchError(nct_id, f"the registry answered with another study ({own})", "bad_response")
        try:
            canonical_json(record).encode("utf-8")  # lone surrogates from \ud800 escapes cannot be saved
        except UnicodeEncodeError:
            raise FetchError(nct_id, "the registry's record holds text that is not valid Unicode", "bad_response") from None
        return record


# --- records on disk ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class UpdateResult:
    """What happened to one study: ``new``, ``changed``, ``unchanged`` or ``failed``."""

    nct_id: str
    status: str
    path: Path | None = None
    old_date: str | None = None  # lastUpdatePostDate of the record that was in the folder
    new_date: str | None = None  # lastUpdatePostDate of the record fetched
    error: str | None = None  # the one-line error, when failed
    saved_as: str | None = None  # the study's own NCT ID, when the one asked for is an alias of it

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def changed(self) -> bool:
        return self.status in ("new", "changed")

    def describe(self) -> str:
        """One line for people (the error itself when failed)."""
        if self.status == "failed":
            return self.error or f"{self.nct_id}: failed"
        alias = f" (the registry lists it as {self.saved_as} now)" if self.saved_as else ""
        old, new = self.old_date or "not given", self.new_date or "not given"
        if self.status == "new":
            return f"{self.nct_id}: new, last update {new} -> {self.path}{alias}"
        if self.status == "unchanged":
            return f"{self.nct_id}: unchanged, last update {new}{alias}"
        if self.old_date != self.new_date:
            how = f"last update {old} -> {new}"
        else:
            how = f"content differs, last update still {new}"
        return f"{self.nct_id}: changed, {how} -> {self.path}{alias}"


def canonical_json(value: Any) -> str:
    """The same text for equal JSON values, whatever their key order or spacing."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_nct_id(record: Any) -> str | None:
    """``protocolSection.identificationModule.nctId`` when it is a valid NCT ID, else None."""
    value = _get(record, "protocolSection", "identificationModule", "nctId")
    return value if isinstance(value, str) and NCT_ID.fullmatch(value) else None


def last_update_date(record: Any) -> str | None:
    """``protocolSection.statusModule.lastUpdatePostDateStruct.date``, when there is one."""
    value = _get(record, "protocolSection", "statusModule", "lastUpdatePostDateStruct", "date")
    return value if isinstance(value, str) else None


def record_path(folder: Path, nct_id: str) -> Path:
    return Path(folder) / f"{validate_nct_id(nct_id)}.json"


def record_ids(folder: Path) -> list[str]:
    """The NCT IDs of the records in a folder: files named exactly ``NCT########.json``, sorted."""
    return sorted(
        p.stem for p in Path(folder).iterdir() if p.suffix == ".json" and NCT_ID.fullmatch(p.stem) and p.is_file()
    )


def save_record(folder: Path, record: dict) -> UpdateResult:
    """Write ``folder/<NCTID>.json`` atomically unless the file already holds the same content.

    Stored as ``write.write_json`` writes: 2-space indented JSON, keys in the API's order, UTF-8,
    final newline. Same content means equal JSON (key order and spacing aside): such a file keeps
    its bytes and its modification time. The NCT ID is the record's own.
    """
    nct_id = record_nct_id(record)
    if nct_id is None:
        raise InvalidNctId("the record has no valid protocolSection.identificationModule.nctId")
    path = record_path(folder, nct_id)
    new_date = last_update_date(record)
    try:
        old_bytes = path.read_bytes()
    except FileNotFoundError:
        write_json(path, record)
        return UpdateResult(nct_id, "new", path, None, new_date)
    try:
        old = json.loads(old_bytes)
    except ValueError:  # not JSON (or not UTF-8) any more: replace it with the registry's record
        old = None
    if old is not None and canonical_json(old) == canonical_json(record):
        return UpdateResult(nct_id, "unchanged", path, last_update_date(old), new_date)
    write_json(path, record)
    return UpdateResult(nct_id, "changed", path, last_update_date(old), new_date)


def refresh(client: RegistryClient, nct_id: str, folder: Path) -> UpdateResult:
    """Fetch one study and save it in ``folder``; failures become a ``failed`` result, never an exception."""
    try:
        nct_id = validate_nct_id(nct_id)
        record = client.fetch_study(nct_id)
        result = save_record(folder, record)
    except (FetchError, InvalidNctId) as error:
        return UpdateResult(str(nct_id), "failed", error=str(error))
    except OSError as error:
        where = record_path(folder, nct_id)
        reason = error.strerror or type(error).__name__
        return UpdateResult(nct_id, "failed", where, error=f"{nct_id}: cannot write {where}: {reason}")
    if result.nct_id != nct_id:
        return dataclasses.replace(result, nct_id=nct_id, saved_as=result.nct_id)
    return result


def fetch_records(
    nct_ids: Iterable[str], folder: Path, client: RegistryClient,
    on_result: Callable[[UpdateResult], None] | None = None,
) -> list[UpdateResult]:
    """Fetch each study (in the order given, each once) into ``folder``; one failure does not stop the rest."""
    results = []
    for nct_id in dict.fromkeys(nct_ids):
        result = refresh(client, nct_id, folder)
        if on_result:
            on_result(result)
        results.append(result)
    return results


def update_folder(
    folder: Path, client: RegistryClient, on_result: Callable[[UpdateResult], None] | None = None,
) -> list[UpdateResult]:
    """Fetch again every record in ``folder`` (files named ``NCT########.json``), rewriting only those that changed."""
    return fetch_records(record_ids(folder), folder, client, on_result)


# --- helpers ----------------------------------------------------------------------------------------


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _one_line(text: str, limit: int = 160) -> str:
    """Untrusted text (a server's error body, an exception) as one short printable line."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _reason(error: Exception) -> str:
    return _one_line(str(error)) or type(error).__name__


def _body_hint(response: httpx.Response) -> str:
    text = _one_line(response.content[:500].decode("utf-8", "replace"), 120)
    return f": {text}" if text else ""


def _retry_after(value: str | None, now_wall: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds, or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now_wall)

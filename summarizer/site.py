"""A site overlay: what a registry record lacks for a consent-support leaflet.

A YAML file beside the record (``NCT03929120.site.yaml``), a ``site.yaml`` for every record in
a folder, or one named with ``--site``. It is the site's own text: validated like a record,
rendered escaped, and never touched when the record is fetched again.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from summarizer.load import RecordError

BLOCK_PLACES = ("after_title", "after_key_information", "before_who_can_join", "before_contact", "end")
_FIELDS = {"site_name", "contact", "ethics_reference", "version", "version_date", "logo", "logo_alt", "blocks"}
_CONTACT_FIELDS = {"name", "role", "phone", "email"}
MAX_LOGO_BYTES = 512 * 1024


@dataclass(frozen=True)
class SiteContact:
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class SiteOverlay:
    source: str
    site_name: str | None = None
    contact: SiteContact | None = None
    ethics_reference: str | None = None
    version: str | None = None
    version_date: str | None = None  # ISO date, said in words by the templates
    logo_data_uri: str | None = None  # the logo inline: a leaflet loads nothing from elsewhere
    logo_alt: str | None = None
    blocks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # place -> paragraphs
    digest: str = ""  # of the file and its logo, so a change rebuilds the leaflet


def site_file_for(record: Path, named: Path | None = None) -> Path | None:
    """The overlay for a record file: the one named, else ``<record>.site.yaml``, else the
    folder's ``site.yaml``."""
    if named is not None:
        return named
    for candidate in (record.with_name(record.stem + ".site.yaml"), record.with_name("site.yaml")):
        if candidate.is_file():
            return candidate
    return None


def load_site(path: Path) -> SiteOverlay:
    source = str(path)
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise RecordError(source, f"cannot read the site file ({error.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise RecordError(source, "expected a mapping of site settings")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise RecordError(source, f"unknown setting (allowed: {', '.join(sorted(_FIELDS))})", unknown[0])
    digest = hashlib.sha256(raw)
    logo = None
    if data.get("logo") is not None:
        logo_path = (path.parent / _text(data, "logo", source)).resolve()
        logo_bytes = _logo_bytes(logo_path, source)
        digest.update(logo_bytes)
        logo = _data_uri(logo_bytes)
    contact = None
    if data.get("contact") is not None:
        if not isinstance(data["contact"], dict):
            raise RecordError(source, "expected name, role, phone, email", "contact")
        extra = sorted(set(data["contact"]) - _CONTACT_FIELDS)
        if extra:
            raise RecordError(source, "unknown contact field", f"contact.{extra[0]}")
        contact = SiteContact(**{k: _text(data["contact"], k, source, "contact.") for k in _CONTACT_FIELDS})
    site_name = _text(data, "site_name", source)
    return SiteOverlay(
        source=source,
        site_name=site_name,
        contact=contact,
        ethics_reference=_text(data, "ethics_reference", source),
        version=_text(data, "version", source),
        version_date=_date(data.get("version_date"), source),
        logo_data_uri=logo,
        logo_alt=_text(data, "logo_alt", source) or (site_name if logo else None),
        blocks=_blocks(data.get("blocks"), source),
        digest=digest.hexdigest(),
    )


def _text(data: dict, key: str, source: str, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # a phone number written without quotes
    if not isinstance(value, str):
        raise RecordError(source, "expected text", prefix + key)
    return value.strip() or None


def _date(value, source: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise RecordError(source, "expected a date like 2024-03-01", "version_date") from None


def _blocks(value, source: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(source, f"expected places: {', '.join(BLOCK_PLACES)}", "blocks")
    blocks = {}
    for place, text in value.items():
        if place not in BLOCK_PLACES:
            raise RecordError(source, f"unknown place (allowed: {', '.join(BLOCK_PLACES)})", f"blocks.{place}")
        if not isinstance(text, str):
            raise RecordError(source, "expected text", f"blocks.{place}")
        blocks[place] = tuple(p.strip() for p in text.split("\n\n") if p.strip())
    return blocks


def _logo_bytes(path: Path, source: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError:
        raise RecordError(source, f"logo file not found: {path}", "logo") from None
    if len(data) > MAX_LOGO_BYTES:
        raise RecordError(source, f"logo is over {MAX_LOGO_BYTES // 1024} KB", "logo")
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise RecordError(source, "logo must be a PNG or JPEG file", "logo")
    return data


def _data_uri(data: bytes) -> str:
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"

"""Load: a record file (API v2 JSON, or the same structure as YAML) -> typed ``Study`` values.

A record is untrusted: every field is type-checked on the way in, and anything wrong
becomes a ``RecordError`` that names the file and the field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from summarizer.model import (
    ArmGroup,
    Contact,
    Design,
    Eligibility,
    Intervention,
    Location,
    Official,
    Organization,
    Outcome,
    PartialDate,
    ResponsibleParty,
    Study,
)

RECORD_SUFFIXES = (".json", ".yaml", ".yml")
NCT_ID = re.compile(r"NCT[0-9]{8}")  # ASCII digits only: it becomes a folder name and a URL


class RecordError(Exception):
    """A file that is not a usable study record: one line naming the file and the field."""

    def __init__(self, source: str, problem: str, field: str | None = None):
        self.source = source
        self.field = field
        self.problem = problem
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {problem}")


class _Fields:
    """Typed access to one JSON object, remembering the path for error messages."""

    def __init__(self, data: Any, path: str, source: str):
        if not isinstance(data, dict):
            raise RecordError(source, f"expected an object, found {_kind(data)}", path or None)
        self.data = data
        self.path = path
        self.source = source

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _fail(self, key: str, problem: str) -> RecordError:
        return RecordError(self.source, problem, self._where(key))

    def obj(self, key: str) -> _Fields:
        value = self.data.get(key)
        return _Fields({} if value is None else value, self._where(key), self.source)

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._fail(key, f"expected text, found {_kind(value)}")
        value = _clean(value).strip()
        return value or None

    def required_text(self, key: str) -> str:
        value = self.text(key)
        if value is None:
            raise self._fail(key, "missing: every study needs it")
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None or isinstance(value, bool):
            return value
        raise self._fail(key, f"expected true or false, found {_kind(value)}")

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, f"expected a whole number, found {_kind(value)}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        items = self._list(key)
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise RecordError(self.source, f"expected text, found {_kind(item)}", f"{self._where(key)}[{i}]")
            item = _clean(item).strip()
            if item:
                out.append(item)
        return tuple(out)

    def objects(self, key: str) -> list[_Fields]:
        return [_Fields(item, f"{self._where(key)}[{i}]", self.source) for i, item in enumerate(self._list(key))]

    def _list(self, key: str) -> list:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, f"expected a list, found {_kind(value)}")
        return value

    def date(self, key: str) -> PartialDate | None:
        struct = self.obj(key)
        value = struct.text("date")
        if value is None:
            return None
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise RecordError(self.source, f"expected a date like 2019-11-05, found {value!r}", struct._where("date"))
        return PartialDate(value, struct.text("type"))


# Invisible characters that can only hide or reorder text: C0/C1 controls (not tab or newline),
# bidirectional embeddings, overrides and isolates, and the byte order mark.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def _clean(text: str) -> str:
    return _INVISIBLE.sub("", text).replace("\r\n", "\n")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "nothing"}.get(
        type(value), "a number"
    )


def read_record_file(path: Path) -> Any:
    """Parse a JSON or YAML file; any failure is a one-line ``RecordError``."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise RecordError(source, f"cannot read the file ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecordError(source, "not UTF-8 text") from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise RecordError(source, f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise RecordError(source, f"not valid YAML{where}") from None
    except RecursionError:
        raise RecordError(source, "nested too deeply to be a study record") from None


def load_studies(path: Path) -> list[Study]:
    """Every study in one file: a single study object, or an API response ``{"studies": [...]}``."""
    data = read_record_file(path)
    source = str(path)
    if isinstance(data, dict) and "studies" in data and "protocolSection" not in data:
        studies = data["studies"]
        if not isinstance(studies, list):
            raise RecordError(source, f"expected a list, found {_kind(studies)}", "studies")
        return [study_from_record(item, source, f"studies[{i}]") for i, item in enumerate(studies)]
    return [study_from_record(data, source)]


def study_from_record(data: Any, source: str, path: str = "") -> Study:
    """Build a ``Study`` from one API v2 study object."""
    try:
        study = _study(_Fields(data, path, source))
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return dataclasses.replace(study, record_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest())
    except RecursionError:
        raise RecordError(source, "nested too deeply to be a study record") from None


def _study(record: _Fields) -> Study:
    if "protocolSection" not in record.data:
        raise RecordError(record.source, "missing: not a ClinicalTrials.gov API v2 study", record._where("protocolSection"))
    protocol = record.obj("protocolSection")
    ident = protocol.obj("identificationModule")
    nct_id = ident.required_text("nctId")
    if not NCT_ID.fullmatch(nct_id):
        raise RecordError(record.source, f"not an NCT number (NCT and 8 digits): {nct_id[:40]!r}", ident._where("nctId"))
    status = protocol.obj("statusModule")
    sponsors = protocol.obj("sponsorCollaboratorsModule")
    description = protocol.obj("descriptionModule")
    conditions = protocol.obj("conditionsModule")
    arms = protocol.obj("armsInterventionsModule")
    outcomes = protocol.obj("outcomesModule")
    contacts = protocol.obj("contactsLocationsModule")
    return Study(
        nct_id=nct_id,
        brief_title=ident.required_text("briefTitle"),
        official_title=ident.text("officialTitle"),
        acronym=ident.text("acronym"),
        organization=_organization(ident.obj("organization"), "fullName"),
        org_study_id=ident.obj("orgStudyIdInfo").text("id"),
        overall_status=status.text("overallStatus"),
        why_stopped=status.text("whyStopped"),
        start_date=status.date("startDateStruct"),
        primary_completion_date=status.date("primaryCompletionDateStruct"),
        completion_date=status.date("completionDateStruct"),
        first_post_date=status.date("studyFirstPostDateStruct"),
        last_update_post_date=status.date("lastUpdatePostDateStruct"),
        status_verified_date=status.text("statusVerifiedDate"),
        lead_sponsor=_organization(sponsors.obj("leadSponsor"), "name"),
        responsible_party=_responsible_party(sponsors.obj("responsibleParty")),
        collaborators=tuple(
            org for org in (_organization(item, "name") for item in sponsors.objects("collaborators")) if org
        ),
        brief_summary=description.text("briefSummary"),
        detailed_description=description.text("detailedDescription"),
        conditions=conditions.texts("conditions"),
        keywords=conditions.texts("keywords"),
        design=_design(protocol.obj("designModule")),
        arm_groups=tuple(_arm_group(item) for item in arms.objects("armGroups")),
        interventions=tuple(_intervention(item) for item in arms.objects("interventions")),
        primary_outcomes=tuple(_outcome(item) for item in outcomes.objects("primaryOutcomes")),
        secondary_outcomes=tuple(_outcome(item) for item in outcomes.objects("secondaryOutcomes")),
        eligibility=_eligibility(protocol.obj("eligibilityModule")),
        central_contacts=tuple(_contact(item) for item in contacts.objects("centralContacts")),
        officials=tuple(
            Official(name=item.required_text("name"), role=item.text("role"), affiliation=item.text("affiliation"))
            for item in contacts.objects("overallOfficials")
        ),
        locations=tuple(_location(item) for item in contacts.objects("locations")),
        fda_regulated_drug=protocol.obj("oversightModule").boolean("isFdaRegulatedDrug"),
        fda_regulated_device=protocol.obj("oversightModule").boolean("isFdaRegulatedDevice"),
        ipd_sharing=protocol.obj("ipdSharingStatementModule").text("ipdSharing"),
        source=record.source,
    )


def _organization(fields: _Fields, name_key: str) -> Organization | None:
    name = fields.text(name_key)
    return Organization(name, fields.text("class")) if name else None


def _responsible_party(fields: _Fields) -> ResponsibleParty | None:
    kind = fields.text("type")
    name = fields.text("investigatorFullName")
    if not kind and not name:
        return None
    return ResponsibleParty(kind, name, fields.text("investigatorTitle"), fields.text("investigatorAffiliation"))


def _design(fields: _Fields) -> Design:
    info = fields.obj("designInfo")
    masking = info.obj("maskingInfo")
    enrollment = fields.obj("enrollmentInfo")
    return Design(
        study_type=fields.text("studyType"),
        phases=fields.texts("phases"),
        allocation=info.text("allocation"),
        intervention_model=info.text("interventionModel"),
        observational_model=info.text("observationalModel"),
        time_perspective=info.text("timePerspective"),
        masking=masking.text("masking"),
        who_masked=masking.texts("whoMasked"),
        primary_purpose=info.text("primaryPurpose"),
        enrollment_count=enrollment.integer("count"),
        enrollment_type=enrollment.text("type"),
        target_duration=fields.text("targetDuration"),
    )


def _arm_group(fields: _Fields) -> ArmGroup:
    return ArmGroup(
        label=fields.required_text("label"),
        type=fields.text("type"),
        description=fields.text("description"),
        intervention_names=fields.texts("interventionNames"),
    )


def _intervention(fields: _Fields) -> Intervention:
    return Intervention(
        type=fields.text("type"),
        name=fields.required_text("name"),
        description=fields.text("description"),
        other_names=fields.texts("otherNames"),
        arm_group_labels=fields.texts("armGroupLabels"),
    )


def _outcome(fields: _Fields) -> Outcome:
    return Outcome(
        measure=fields.required_text("measure"),
        description=fields.text("description"),
        time_frame=fields.text("timeFrame"),
    )


def _eligibility(fields: _Fields) -> Eligibility:
    return Eligibility(
        criteria=fields.text("eligibilityCriteria"),
        sex=fields.text("sex"),
        minimum_age=fields.text("minimumAge"),
        maximum_age=fields.text("maximumAge"),
        healthy_volunteers=fields.boolean("healthyVolunteers"),
        std_ages=fields.texts("stdAges"),
        study_population=fields.text("studyPopulation"),
        gender_description=fields.text("genderDescription"),
    )


def _contact(fields: _Fields) -> Contact:
    return Contact(
        name=fields.text("name"),
        role=fields.text("role"),
        phone=fields.text("phone"),
        phone_ext=fields.text("phoneExt"),
        email=fields.text("email"),
    )


def _location(fields: _Fields) -> Location:
    return Location(
        facility=fields.text("facility"),
        city=fields.text("city"),
        state=fields.text("state"),
        zip=fields.text("zip"),
        country=fields.text("country"),
        status=fields.text("status"),
        contacts=tuple(_contact(item) for item in fields.objects("contacts")),
    )


def _is_site_file(path: Path) -> bool:
    """Site overlays (summarizer/site.py) sit beside records but are not records."""
    return path.name == "site.yaml" or path.name.endswith(".site.yaml")


def find_record_files(paths: list[Path]) -> Iterator[Path]:
    """Record files named directly, and those inside named folders (sorted, so output order is stable)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in RECORD_SUFFIXES and not _is_site_file(p)
            )
        else:
            yield path

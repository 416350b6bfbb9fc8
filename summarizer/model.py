"""Typed values that pass between the pipeline stages.

``Study`` is what a leaflet needs from a record, with the registry's own words and enum
values untouched; ``explain`` turns it into plain language.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PartialDate:
    """A registry date: "2019-11-05" or "2019-11" (``type`` is ACTUAL or ESTIMATED)."""

    value: str
    type: str | None = None


@dataclass(frozen=True)
class Organization:
    name: str
    kind: str | None = None  # the registry's class: INDUSTRY, NIH, OTHER ...


@dataclass(frozen=True)
class ArmGroup:
    label: str
    type: str | None
    description: str | None
    intervention_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Intervention:
    type: str | None
    name: str
    description: str | None
    other_names: tuple[str, ...] = ()
    arm_group_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    measure: str
    description: str | None
    time_frame: str | None


@dataclass(frozen=True)
class Eligibility:
    criteria: str | None
    sex: str | None
    minimum_age: str | None
    maximum_age: str | None
    healthy_volunteers: bool | None
    std_ages: tuple[str, ...] = ()
    study_population: str | None = None
    gender_description: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str | None
    role: str | None = None
    phone: str | None = None
    phone_ext: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Official:
    name: str
    role: str | None
    affiliation: str | None


@dataclass(frozen=True)
class Location:
    facility: str | None
    city: str | None
    state: str | None
    zip: str | None
    country: str | None
    status: str | None
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class Design:
    study_type: str | None
    phases: tuple[str, ...] = ()
    allocation: str | None = None
    intervention_model: str | None = None
    observational_model: str | None = None
    time_perspective: str | None = None
    masking: str | None = None
    who_masked: tuple[str, ...] = ()
    primary_purpose: str | None = None
    enrollment_count: int | None = None
    enrollment_type: str | None = None
    target_duration: str | None = None


@dataclass(frozen=True)
class ResponsibleParty:
    type: str | None
    name: str | None = None
    title: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True)
class Study:
    """One study record, as much of it as a leaflet uses."""

    nct_id: str
    brief_title: str
    official_title: str | None = None
    acronym: str | None = None
    organization: Organization | None = None
    org_study_id: str | None = None
    overall_status: str | None = None
    why_stopped: str | None = None
    start_date: PartialDate | None = None
    primary_completion_date: PartialDate | None = None
    completion_date: PartialDate | None = None
    first_post_date: PartialDate | None = None
    last_update_post_date: PartialDate | None = None
    status_verified_date: str | None = None
    lead_sponsor: Organization | None = None
    responsible_party: ResponsibleParty | None = None
    collaborators: tuple[Organization, ...] = ()
    brief_summary: str | None = None
    detailed_description: str | None = None
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    design: Design = field(default_factory=lambda: Design(study_type=None))
    arm_groups: tuple[ArmGroup, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    primary_outcomes: tuple[Outcome, ...] = ()
    secondary_outcomes: tuple[Outcome, ...] = ()
    eligibility: Eligibility = field(
        default_factory=lambda: Eligibility(None, None, None, None, None)
    )
    central_contacts: tuple[Contact, ...] = ()
    officials: tuple[Official, ...] = ()
    locations: tuple[Location, ...] = ()
    fda_regulated_drug: bool | None = None
    fda_regulated_device: bool | None = None
    ipd_sharing: str | None = None  # YES, NO, UNDECIDED: plans to share individual participant data
    source: str = ""  # the file it was read from, for messages
    record_hash: str = ""  # of the record's own JSON, to tell when it changed

    @property
    def record_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"

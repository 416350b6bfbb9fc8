"""Explain: a ``Study`` -> the plain content of a ``Leaflet``.

Every sentence here comes from a record field, an enum phrase or a fixed template sentence
(``templates/enums.yaml``, ``templates/text.yaml``). Hard words are explained later, at render
time, where the first use of each term in reading order is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer import __version__
from summarizer.eligibility import CriteriaGroup, parse_criteria
from summarizer.glossary import Glossary, GlossaryEntry, RecordGlossary, defined_abbreviations, is_hard
from summarizer.model import Contact, Location, Outcome, Study
from summarizer.phrases import EnumPhrase, PhraseBook
from summarizer.site import SiteOverlay
from summarizer.plain_text import age_range, plain_date, plain_dose, plain_symbols, unescape_markdown

MAX_SITES_SHOWN = 10  # more than this and the full list is folded away


@dataclass(frozen=True)
class Fact:
    label: str
    text: str
    more: tuple[str, ...] = ()  # further sentences of the same fact
    says: str | None = None  # terms this fixed sentence already explains (an enum label)
    is_name: bool = False  # names of places: shown as written, no glosses ("... Cancer Center")
    items: tuple[str, ...] = ()  # three or more names, shown as a list after the text


@dataclass(frozen=True)
class Paragraph:
    """A sentence, and the list it introduces when it has one ("This study is about:")."""

    text: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Treatment:
    name: str
    kind: str | None
    other_names: tuple[str, ...]
    description: str | None


@dataclass(frozen=True)
class StudyGroup:
    label: str
    kind: EnumPhrase | None
    description: str | None
    treatments: tuple[Treatment, ...]


@dataclass(frozen=True)
class ContactLine:
    name: str | None
    role: str | None
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class Site:
    facility: str | None
    place: str
    status: EnumPhrase | None
    contacts: tuple[ContactLine, ...]


@dataclass
class Leaflet:
    """The plain content of one leaflet, section by section, in reading order."""

    study: Study
    title: str
    official_title: str | None
    acronym: str | None
    status: EnumPhrase | None
    key_facts: list[Fact]
    about: list[Paragraph]
    design: list[EnumPhrase]
    summary_markdown: str | None
    details_markdown: str | None
    groups: list[StudyGroup]
    loose_treatments: list[Treatment]
    join_facts: list[str]
    criteria: list[CriteriaGroup]
    criteria_original: str | None
    study_population: str | None
    primary_outcomes: list[Outcome]
    secondary_outcomes: list[Outcome]
    risks: list[str]
    choice: list[str]
    run_by: list[Paragraph]
    officials: list[str]
    contacts: list[ContactLine]
    sites: list[Site]
    footer: str
    last_update: str | None
    record_details: list[Fact]
    # what the record defines itself: its abbreviations, and names of the treatments it tests
    record_terms: dict[str, GlossaryEntry] = field(default_factory=dict)
    site: SiteOverlay | None = None  # the site's own details, when a site file is given
    site_version: str | None = None  # "Version 2.1, March 1, 2024" for every page
    version: str = __version__
    warnings: list[str] = field(default_factory=list)

    @property
    def nct_id(self) -> str:
        return self.study.nct_id


def _join_words(items: list[str], last: str = "and") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def record_texts(study: Study) -> list[str]:
    """The free text of a record, where it may spell out its own abbreviations."""
    texts = [study.brief_title, study.official_title, study.brief_summary, study.detailed_description,
             study.eligibility.criteria, *study.conditions, *study.keywords]
    for arm in study.arm_groups:
        texts += [arm.label, arm.description]
    for intervention in study.interventions:
        texts += [intervention.name, intervention.description]
    for outcome in (*study.primary_outcomes, *study.secondary_outcomes):
        texts += [outcome.measure, outcome.description]
    return [t for t in texts if t]


def explain_study(
    study: Study, phrases: PhraseBook, glossary: Glossary | None = None, site: SiteOverlay | None = None
) -> Leaflet:
    phrases.warnings = []
    design = study.design
    status = phrases.enum("overallStatus", study.overall_status)
    phases = [p for p in (phrases.enum("phase", v) for v in design.phases) if p]
    key_facts = _key_facts(study, phrases, status, phases)
    criteria = parse_criteria(study.eligibility.criteria, glossary, phrases.everyday)
    leaflet = Leaflet(
        study=study,
        title=study.brief_title,
        official_title=study.official_title if study.official_title != study.brief_title else None,
        acronym=study.acronym,
        status=status,
        key_facts=key_facts,
        about=_about(study, phrases),
        design=_design_sentences(study, phrases),
        summary_markdown=study.brief_summary,
        details_markdown=study.detailed_description,
        groups=_groups(study, phrases),
        loose_treatments=_loose_treatments(study, phrases),
        join_facts=_join_facts(study, phrases),
        criteria=criteria,
        criteria_original=unescape_markdown(study.eligibility.criteria) if study.eligibility.criteria else None,
        study_population=study.eligibility.study_population,
        primary_outcomes=list(study.primary_outcomes),
        secondary_outcomes=list(study.secondary_outcomes),
        risks=_risks(study, phrases, phases),
        choice=[phrases.say(f"choice_{i}") for i in range(1, 5)],
        run_by=_run_by(study, phrases),
        officials=[
            ", ".join(x for x in (o.name, _label(phrases.enum("officialRole", o.role)), o.affiliation) if x)
            for o in study.officials
        ],
        contacts=[_contact_line(c, phrases) for c in study.central_contacts],
        sites=[_site(loc, phrases) for loc in study.locations],
        footer=phrases.say(
            "footer",
            nct_id=study.nct_id,
            date=plain_date(study.last_update_post_date.value) if study.last_update_post_date else "unknown",
            version=__version__,
        ),
        last_update=plain_date(study.last_update_post_date.value) if study.last_update_post_date else None,
        record_details=_record_details(study, phrases),
    )
    for group in study.eligibility.std_ages:
        phrases.enum("stdAge", group)  # checked for unknown values; the ages fact says it in numbers
    leaflet.site = site
    if site and site.version_date:
        leaflet.site_version = phrases.say("site_version", version=site.version or "", date=plain_date(site.version_date)).strip(" ,")
    elif site and site.version:
        leaflet.site_version = site.version
    if glossary is not None:
        abbreviations = defined_abbreviations(record_texts(study), glossary)
        # the record's short forms change what is found only in a name with one of their words:
        # RecordGlossary looks up the other names in the shared glossary (its results remembered
        # across records) and copies its large indexes only when a name needs the short forms
        names = treatment_names(study, RecordGlossary(glossary, abbreviations), phrases)
        leaflet.record_terms = {**names, **abbreviations}
    leaflet.warnings = sorted(set(phrases.warnings))
    return leaflet


# words that say what form a product comes in, not what it is
_PRODUCT_FORM_WORDS = frozenset(
    "tablet tablets capsule capsules pill pills injection injections infusion solution cream gel ointment patch "
    "spray drops powder suspension syrup oral iv sc im subcutaneous intravenous bar snack drink shake supplement "
    "device sensor system kit app application program programme vaccine".split()
)


def treatment_names(study: Study, glossary: Glossary | RecordGlossary, phrases: PhraseBook) -> dict[str, GlossaryEntry]:
    """Entries for the names of the record's treatments ("GlycoBite", "Phesgo") that no
    glossary entry explains and that have a hard word in them: they say what kind of thing
    the record calls it (its intervention type) and where the leaflet describes it."""
    entries: dict[str, GlossaryEntry] = {}
    for intervention in study.interventions:
        key = f"treatment_term_{(intervention.type or 'other').lower()}"
        kind = phrases.say(key if key in phrases.text else "treatment_term_other")
        names = [intervention.name, *intervention.other_names]
        # "Phesgo injection" is also called "Phesgo"; "Nicotinic acid" is not "Nicotinic"
        first_words = [
            words[0] for words in map(str.split, names)
            if len(words) > 1 and all(w.lower() in _PRODUCT_FORM_WORDS for w in words[1:])
        ]
        for name in [*names, *first_words]:
            name = name.strip(" ,;:")
            words = re.findall(r"[A-Za-z]{3,}", name)
            if not words or len(name) > 60 or name in entries or glossary.find(name) or not any(is_hard(w) for w in words):
                continue
            entries[name] = GlossaryEntry(
                term=name,
                short=kind,
                definition=phrases.say(
                    "treatment_term_definition",
                    kind=kind[:1].upper() + kind[1:],
                    heading=phrases.say("heading_what_happens").rstrip("?"),
                ),
                category="treatments and drugs",
                source="the study record",
            )
    return entries


def _label(phrase: EnumPhrase | None) -> str | None:
    return phrase.label if phrase else None


def _key_facts(study: Study, phrases: PhraseBook, status: EnumPhrase | None, phases: list[EnumPhrase]) -> list[Fact]:
    facts: list[Fact] = []
    if status:
        more = [status.meaning] if status.meaning else []
        if study.why_stopped:
            more.append(phrases.say("why_stopped", why=study.why_stopped))
        facts.append(Fact(phrases.say("label_status"), status.sentence or status.label, tuple(more)))
    names = [i.name for i in study.interventions]
    if names:
        if len(names) >= LIST_FROM:
            facts.append(Fact(phrases.say("label_tests"), "", items=tuple(names)))
        else:
            facts.append(Fact(phrases.say("label_tests"), _join_words(names) + "."))
    if phases:
        facts.append(Fact(phrases.say("label_phase"), " ".join(p.sentence or p.label for p in phases), says=" ".join(p.label for p in phases)))
    count = study.design.enrollment_count
    if count is not None:
        key = "people_actual" if study.design.enrollment_type == "ACTUAL" else "people_estimated"
        facts.append(Fact(phrases.say("label_people"), phrases.say(key, count=f"{count:,}")))
    timing = []
    for date, actual, planned in (
        (study.start_date, "start_actual", "start_estimated"),
        (study.completion_date, "end_actual", "end_estimated"),
    ):
        if date:
            timing.append(phrases.say(actual if date.type == "ACTUAL" else planned, date=plain_date(date.value)))
    if timing:
        facts.append(Fact(phrases.say("label_how_long"), timing[0], tuple(timing[1:])))
    places = _places(study, phrases)
    if places:
        facts.append(Fact(phrases.say("label_where"), places, is_name=True))
    return facts


def _place(location: Location) -> str:
    return ", ".join(x for x in (location.city, location.state, location.country) if x)


def _places(study: Study, phrases: PhraseBook) -> str | None:
    locations = study.locations
    if not locations:
        return None
    if len(locations) == 1:
        only = locations[0]
        return phrases.say("one_place", place=", ".join(x for x in (only.facility, _place(only)) if x))
    countries = sorted({loc.country for loc in locations if loc.country})
    return phrases.say("many_places", count=len(locations), countries=_join_words(countries) or "?")


def _about(study: Study, phrases: PhraseBook) -> list[Paragraph]:
    paragraphs = []
    if study.conditions:
        paragraphs.append(_sentence_or_list(phrases, "about_conditions", "conditions", list(study.conditions)))
    if study.interventions:
        paragraphs.append(_sentence_or_list(phrases, "about_tests", "treatments", [i.name for i in study.interventions]))
    design = study.design
    purpose = phrases.enum("primaryPurpose", design.primary_purpose)
    if purpose and purpose.sentence:
        paragraphs.append(Paragraph(purpose.sentence))
    return paragraphs


# three or more names read better as a list than as one long sentence (plain-language.md)
LIST_FROM = 3


def _sentence_or_list(phrases: PhraseBook, key: str, name: str, items: list[str]) -> Paragraph:
    if len(items) >= LIST_FROM:
        return Paragraph(phrases.say(f"{key}_list"), tuple(items))
    return Paragraph(phrases.say(key, **{name: _join_words(items)}))


def _design_sentences(study: Study, phrases: PhraseBook) -> list[EnumPhrase]:
    design = study.design
    out = []
    for field_name, value in (
        ("studyType", design.study_type),
        ("allocation", design.allocation),
        ("interventionModel", design.intervention_model),
        ("observationalModel", design.observational_model),
        ("timePerspective", design.time_perspective),
        ("masking", design.masking),
    ):
        phrase = phrases.enum(field_name, value)
        if phrase:
            out.append(phrase)
    for who in design.who_masked:
        phrase = phrases.enum("whoMasked", who)
        if phrase:
            out.append(phrase)
    return out


def _treatment(intervention, phrases: PhraseBook) -> Treatment:
    kind = phrases.enum("interventionType", intervention.type)
    return Treatment(
        name=intervention.name,
        kind=kind.label if kind else None,
        other_names=intervention.other_names,
        description=plain_dose(intervention.description, phrases.everyday) if intervention.description else None,
    )


def _groups(study: Study, phrases: PhraseBook) -> list[StudyGroup]:
    groups = []
    for arm in study.arm_groups:
        treatments = tuple(
            _treatment(i, phrases) for i in study.interventions if arm.label in i.arm_group_labels
        )
        groups.append(
            StudyGroup(
                label=arm.label,
                kind=phrases.enum("armGroupType", arm.type),
                description=plain_dose(arm.description, phrases.everyday) if arm.description else None,
                treatments=treatments,
            )
        )
    return groups


def _loose_treatments(study: Study, phrases: PhraseBook) -> list[Treatment]:
    """Interventions that no arm group names: shown on their own so none is dropped."""
    labels = {arm.label for arm in study.arm_groups}
    return [_treatment(i, phrases) for i in study.interventions if not labels & set(i.arm_group_labels)]


def _join_facts(study: Study, phrases: PhraseBook) -> list[str]:
    eligibility = study.eligibility
    facts = []
    ages = age_range(eligibility.minimum_age, eligibility.maximum_age)
    if ages:
        facts.append(phrases.say("ages_fact", ages=ages))
    sex = {"ALL": "any_sex", "FEMALE": "female_only", "MALE": "male_only"}.get(eligibility.sex or "")
    if sex:
        facts.append(phrases.say(sex))
    elif eligibility.sex:
        phrases.enum("sex", eligibility.sex)
        facts.append(eligibility.sex)
    if eligibility.gender_description:
        facts.append(plain_symbols(eligibility.gender_description))
    if eligibility.healthy_volunteers is not None:
        facts.append(phrases.say("healthy_yes" if eligibility.healthy_volunteers else "healthy_no"))
    return facts


def _risks(study: Study, phrases: PhraseBook, phases: list[EnumPhrase]) -> list[str]:
    values = {p.value for p in phases}
    risks = []
    if "EARLY_PHASE1" in values:
        risks.append(phrases.say("risk_early_phase1"))
    elif "PHASE1" in values:
        risks.append(phrases.say("risk_phase1"))
    if any(arm.type in ("PLACEBO_COMPARATOR", "SHAM_COMPARATOR") for arm in study.arm_groups):
        risks.append(phrases.say("risk_placebo"))
    if study.design.study_type == "OBSERVATIONAL":
        risks.append(phrases.say("observational_risk"))
    risks += [phrases.say("risk_general"), phrases.say("risk_record_silent"), phrases.say("benefit_general")]
    return risks


def _run_by(study: Study, phrases: PhraseBook) -> list[Paragraph]:
    lines = []
    if study.lead_sponsor:
        lines.append(Paragraph(phrases.say("run_by", sponsor=study.lead_sponsor.name)))
    if study.collaborators:
        lines.append(_sentence_or_list(phrases, "works_with", "names", [c.name for c in study.collaborators]))
    return lines


def _contact_line(contact: Contact, phrases: PhraseBook) -> ContactLine:
    phone = None
    if contact.phone:
        phone = (
            phrases.say("phone_ext", phone=contact.phone, ext=contact.phone_ext)
            if contact.phone_ext
            else phrases.say("phone", phone=contact.phone)
        )
    role = phrases.enum("contactRole", contact.role)
    return ContactLine(
        name=contact.name,
        role=role.label if role and contact.role != "CONTACT" else None,
        phone=phone,
        email=contact.email,
    )


def _site(location: Location, phrases: PhraseBook) -> Site:
    return Site(
        facility=location.facility,
        place=", ".join(x for x in (_place(location), location.zip) if x),
        status=phrases.enum("locationStatus", location.status),
        contacts=tuple(_contact_line(c, phrases) for c in location.contacts),
    )


def _record_details(study: Study, phrases: PhraseBook) -> list[Fact]:
    """The registry's own bookkeeping, in small print, so every fact of the record page is there."""
    details = [Fact(phrases.say("detail_nct"), study.nct_id)]
    if study.org_study_id:
        details.append(Fact(phrases.say("detail_org_id"), study.org_study_id))
    for key, date in (
        ("detail_primary_completion", study.primary_completion_date),
        ("detail_first_posted", study.first_post_date),
        ("detail_last_update", study.last_update_post_date),
    ):
        if date:
            details.append(Fact(phrases.say(key), plain_date(date.value) or date.value))
    if study.status_verified_date:
        details.append(Fact(phrases.say("detail_verified"), plain_date(study.status_verified_date) or ""))
    party = study.responsible_party
    if party and party.name:
        details.append(Fact(phrases.say("detail_responsible"), ", ".join(x for x in (party.name, party.title, party.affiliation) if x)))
    if study.fda_regulated_drug is not None or study.fda_regulated_device is not None:
        kinds = [phrases.say(k) for k, v in (("fda_drug", study.fda_regulated_drug), ("fda_device", study.fda_regulated_device)) if v]
        details.append(Fact(phrases.say("detail_fda"), ", ".join(kinds) if kinds else phrases.say("fda_none")))
    if study.ipd_sharing:
        key = f"ipd_{study.ipd_sharing}"
        details.append(Fact(phrases.say("detail_ipd"), phrases.say(key) if key in phrases.text else study.ipd_sharing))
    return details

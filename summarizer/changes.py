"""What changed for a reader between two builds of a study's leaflet.

Each build keeps a small snapshot of the facts a reader acts on (status, ages, criteria,
places, contacts, dates) in ``report.json``; the next build compares with it and adds an entry
to ``changes.md``, newest first, so an ethics committee sees what changed and when.
"""

from __future__ import annotations

from summarizer.explain import Leaflet
from summarizer.plain_text import age_range, plain_date


def study_facts(leaflet: Leaflet) -> dict:
    study = leaflet.study
    eligibility = study.eligibility
    return {
        "title": study.brief_title,
        "status": study.overall_status,
        "ages": age_range(eligibility.minimum_age, eligibility.maximum_age),
        "sex": eligibility.sex,
        "healthy_volunteers": eligibility.healthy_volunteers,
        "people": study.design.enrollment_count,
        "criteria": [c.text for group in leaflet.criteria for c in group.walk()],
        "places": [", ".join(x for x in (loc.facility, loc.city, loc.country) if x) + (f" ({loc.status})" if loc.status else "")
                   for loc in study.locations],
        "contacts": [", ".join(x for x in (c.name, c.phone, c.email) if x) for c in study.central_contacts],
        "dates": {
            "start": study.start_date.value if study.start_date else None,
            "primary completion": study.primary_completion_date.value if study.primary_completion_date else None,
            "completion": study.completion_date.value if study.completion_date else None,
        },
    }


_LABELS = {"title": "Title", "status": "Status", "ages": "Ages", "sex": "Sex", "healthy_volunteers": "Healthy volunteers",
           "people": "Number of people"}


def compare_facts(old: dict, new: dict) -> list[str]:
    """Reader-level differences, one line each."""
    lines = []
    for key, label in _LABELS.items():
        if old.get(key) != new.get(key):
            lines.append(f"{label}: {_show(old.get(key))} -> {_show(new.get(key))}")
    for key, noun in (("criteria", "criterion"), ("places", "study place"), ("contacts", "contact")):
        before, after = old.get(key) or [], new.get(key) or []
        lines += [f"New {noun}: {item}" for item in after if item not in before]
        lines += [f"Removed {noun}: {item}" for item in before if item not in after]
    for name, value in (new.get("dates") or {}).items():
        previous = (old.get("dates") or {}).get(name)
        if previous != value:
            lines.append(f"{name.capitalize()} date: {plain_date(previous) or '-'} -> {plain_date(value) or '-'}")
    return lines


def _show(value) -> str:
    return "-" if value is None else str(value)


def changes_entry(made_from: dict, previous_from: dict, lines: list[str]) -> str:
    """One entry of changes.md."""
    record = plain_date(made_from.get("record_updated")) or "unknown date"
    header = f"## Record of {record} (was {plain_date(previous_from.get('record_updated')) or 'unknown date'})"
    body = [f"- {line}" for line in lines] or ["- No change to the study's facts."]
    notes = []
    if made_from.get("inputs") != previous_from.get("inputs"):
        notes.append(f"- Templates, glossary or options changed (glossary: {made_from.get('glossary_entries')} entries; "
                     f"summarizer {made_from.get('tool_version')}).")
    return "\n".join([header, "", *body, *notes, ""]) + "\n"

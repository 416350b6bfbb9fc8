"""The fixed words of a leaflet: plain phrases for every enum value (``templates/enums.yaml``)
and the fixed template sentences (``templates/text.yaml``). A user's templates folder may hold
its own copy of either file; its keys replace the shipped ones one by one. The book also carries
the everyday-words table (``templates/plain-words.yaml``), overridable the same way."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import yaml
from markupsafe import Markup, escape

from summarizer.resources import shipped_folder

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it


@dataclass(frozen=True)
class EnumPhrase:
    value: str
    label: str
    sentence: str | None
    known: bool = True
    invites: bool = False
    meaning: str | None = None


class PhraseError(Exception):
    pass


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    except (OSError, yaml.YAMLError) as error:
        raise PhraseError(f"{path}: cannot read ({error.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise PhraseError(f"{path}: expected a mapping of keys to text")
    return data


class PhraseBook:
    def __init__(self, enums: dict, text: dict, everyday=None):
        self.enums = enums
        self.text = text
        self.everyday = everyday  # the everyday-words table (plain_text.EverydayWords)
        self.warnings: list[str] = []

    @classmethod
    def load(cls, user_templates: Path | None = None) -> PhraseBook:
        folders = [shipped_folder("templates")] + ([user_templates] if user_templates else [])
        enums: dict = {}
        text: dict = {}
        for folder in folders:
            if (folder / "enums.yaml").is_file():
                for field, values in _read_yaml(folder / "enums.yaml").items():
                    enums.setdefault(field, {}).update(values or {})
            if (folder / "text.yaml").is_file():
                text.update(_read_yaml(folder / "text.yaml"))
        from summarizer.plain_text import EverydayWords  # plain_text raises our PhraseError

        return cls(enums, text, EverydayWords.load(user_templates))

    def enum(self, field: str, value: str | None) -> EnumPhrase | None:
        """The plain phrase for a value; an unknown value is shown as written, with a warning."""
        if value is None:
            return None
        entry = self.enums.get(field, {}).get(value)
        if not isinstance(entry, dict):
            self.warnings.append(f"unknown {field} value {value!r}: shown as written")
            return EnumPhrase(value, value, None, known=False)
        return EnumPhrase(
            value,
            entry.get("label", value),
            entry.get("sentence"),
            invites=bool(entry.get("invites", False)),
            meaning=entry.get("meaning"),
        )

    def say(self, key: str, **values: object) -> str:
        """A fixed sentence with its {names} filled in (plain text: templates escape it)."""
        template = self.text.get(key)
        if template is None:
            raise PhraseError(f"text.yaml has no sentence {key!r}")
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        missing = names - set(values)
        if missing:
            raise PhraseError(f"text.yaml sentence {key!r} needs {sorted(missing)}")
        return template.format(**{k: v for k, v in values.items()})

    def say_html(self, key: str, **values: object) -> Markup:
        """Like ``say`` but with every value escaped, for values that are already markup."""
        return Markup(escape(self.text[key]).format(**values))

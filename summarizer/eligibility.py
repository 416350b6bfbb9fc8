"""Who can join: split eligibility criteria into groups and rewrite each criterion for a reader.

Parsing keeps every criterion (bullets, numbering, nesting, notes and paragraphs): the count
of criteria in equals the count out. Rewriting is by rules only; a criterion no rule fits
keeps its own words. A rewrite that would lose a number or a negation is thrown away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer.plain_text import NEGATIONS, everyday_words, numbers_in, plain_symbols, unescape_markdown


@dataclass
class EligibilityCriterion:
    text: str  # the record's own words (Markdown escapes removed)
    plain: str  # what the reader sees
    rule: str | None = None  # the rule that rewrote it, if any
    is_note: bool = False  # a paragraph, not a list item
    children: list[EligibilityCriterion] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class CriteriaGroup:
    kind: str  # "inclusion", "exclusion" or "other"
    heading: str | None  # the record's own heading, when it has one
    criteria: list[EligibilityCriterion] = field(default_factory=list)

    def walk(self):
        for criterion in self.criteria:
            yield from criterion.walk()


_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>[*\-•+·▪◦o]|\d{1,3}[.)]|\(\d{1,3}\)|[a-zA-Z][.)]|\([a-z]\)|[ivxIVX]{1,5}[.)])[ \t]+(?P<text>\S.*)$")
_HEADING_WORDS = re.compile(r"(?i)\b(non[- ]?inclusion|inclusion|exclusion|eligibility)\b")


def _heading_kind(line: str) -> str | None:
    """The kind of group a line starts, or None if the line is not a criteria heading."""
    text = line.strip().strip("*_#").strip()
    words = _HEADING_WORDS.findall(text)
    if not words or len(text) > 120:
        return None
    # "Inclusion Criteria: Adults aged 18 or over" is a heading with text; a long sentence is not
    head = text.split(":")[0]
    if len(head) > 90 or not _HEADING_WORDS.search(head):
        return None
    first = _HEADING_WORDS.search(head).group(1).lower().replace(" ", "-")
    if first.startswith("non") or first == "exclusion":
        return "exclusion"
    if first == "inclusion":
        return "inclusion"
    return "other"


def parse_criteria(markdown: str | None, glossary=None) -> list[CriteriaGroup]:
    """Split criteria text into groups of (possibly nested) criteria, in record order.
    With a glossary, criteria that start with a disease or procedure can be rewritten too."""
    if not markdown:
        return []
    groups: list[CriteriaGroup] = [CriteriaGroup("other", None)]
    stack: list[tuple[int, EligibilityCriterion]] = []
    last: EligibilityCriterion | None = None
    blank_before = True
    for raw in unescape_markdown(markdown).replace("\r\n", "\n").replace("\t", "    ").split("\n"):
        if not raw.strip():
            blank_before = True
            continue
        bullet = _BULLET.match(raw)
        kind = None if bullet else _heading_kind(raw)
        if kind:
            heading, _, rest = raw.strip().partition(":")
            groups.append(CriteriaGroup(kind, heading.strip().strip("*_#").strip() if rest.strip() else raw.strip().strip("*_#").rstrip(":").strip()))
            stack, last = [], None
            if rest.strip() and rest.strip() not in "-–":
                last = _add(groups[-1], stack, 0, rest.strip(), is_note=True)
        elif bullet:
            indent = len(bullet.group("indent"))
            last = _add(groups[-1], stack, indent, bullet.group("text").strip())
        elif last is not None and not blank_before:
            last.text = f"{last.text} {raw.strip()}"  # a wrapped line of the item above
        elif last is not None and stack and len(raw) - len(raw.lstrip()) > stack[-1][0]:
            last.text = f"{last.text}\n\n{raw.strip()}"  # a second paragraph inside a list item
        else:
            indent = len(raw) - len(raw.lstrip())
            last = _add(groups[-1], stack, indent, raw.strip(), is_note=True)
            if not last.children:
                stack[:] = [s for s in stack if s[1] is not last]
        blank_before = False
    groups = [g for g in groups if g.criteria or g.heading]
    for group in groups:
        for criterion in group.walk():
            _rewrite_in_place(criterion, group.kind, top_level=criterion in group.criteria, glossary=glossary)
    return groups


def _add(group: CriteriaGroup, stack, indent: int, text: str, is_note: bool = False) -> EligibilityCriterion:
    criterion = EligibilityCriterion(text=text, plain=text, is_note=is_note)
    while stack and stack[-1][0] >= indent:
        stack.pop()
    if stack:
        stack[-1][1].children.append(criterion)
    else:
        group.criteria.append(criterion)
    stack.append((indent, criterion))
    return criterion


def count_criteria(groups: list[CriteriaGroup]) -> int:
    return sum(1 for group in groups for _ in group.walk())


# --- rewriting -------------------------------------------------------------------------
# Each rule: (name, pattern matched against the whole criterion, replacement). Order matters:
# the first rule that matches is used. Replacements are in the second person, completing
# "You may be able to join if you ..." / "You cannot join if you ...".
_TIME = r"(?P<time>(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:days?|weeks?|months?|years?))"
_RULES_ANY: list[tuple[str, re.Pattern, object]] = [
    ("age range", re.compile(r"^(?:(?:adults?|patients?|participants?|subjects?|men|women|males?|females?)\s+)?(?:aged?\s+)?(?:over|older than|above)\s+(?P<a>\d+)\s*(?:years?)?(?:\s+of age|\s+old)?\s*,?\s*and\s+(?:less than|under|younger than|below)\s+(?P<b>\d+)\s*years?(?:\s+of age|\s+old)?\.?$", re.I), r"are between \g<a> and \g<b> years old"),
    ("sexes", re.compile(r"^both (?:female and male|male and female|sexes|genders)\.?$", re.I), "are female or male"),
    ("pregnant", re.compile(r"^(?:women who are\s+|are\s+)?pregnant(?:,)?\s+or\s+breast[- ]?feeding(?:\s+(?:females?|wom[ae]n|patients?|participants?))?(?P<rest>.*)$", re.I), r"are pregnant or breastfeeding\g<rest>"),
    ("exposure", re.compile(r"^exposure to (?P<x>.+?) (?:on|in|within|during) the (?:previous|past|last|preceding|prior) " + _TIME + r"(?P<rest>.*)$", re.I), r"have taken \g<x> in the last \g<time>\g<rest>"),
    ("previous treatment", re.compile(r"^(?:previous|prior) (?:treatment|therapy) with (?P<x>.+?)\.?$", re.I), r"have been treated with \g<x> before"),
    ("inability", re.compile(r"^(?:inability|unable|not able) to (?P<x>.+)$", re.I), r"are not able to \g<x>"),
    ("unwilling", re.compile(r"^(?:unwilling(?:ness)?|not willing) to (?P<x>.+)$", re.I), r"are not willing to \g<x>"),
    ("willing and able", re.compile(r"^(?:competent,?\s+)?(?:willing and able|willingness and ability|ability and willingness|able and willing) to (?P<x>.+)$", re.I), r"are willing and able to \g<x>"),
    ("ability", re.compile(r"^(?:competent and\s+)?(?:ability|able) to (?P<x>.+)$", re.I), r"are able to \g<x>"),
    ("capable", re.compile(r"^capable of (?P<x>\w+)ing\b(?P<rest>.*)$", re.I), lambda g: "are able to " + _base_verb(g["x"]) + g.get("rest", "")),
    ("history", re.compile(r"^(?:a\s+)?(?:known\s+)?(?:medical\s+|past\s+)?history of (?P<x>.+)$", re.I), r"have had \g<x>"),
    ("diagnosis", re.compile(r"^(?:a\s+)?(?:confirmed\s+|documented\s+)?diagnosis of (?P<x>.+)$", re.I), r"have been told you have \g<x>"),
    ("patients with", re.compile(r"^(?:patients|participants|subjects|people|persons|individuals|adults|children) (?:with|who have|having) (?P<x>.+)$", re.I), r"have \g<x>"),
    ("abnormal", re.compile(r"^abnormal (?P<x>.+)$", re.I), r"have abnormal \g<x>"),
    ("severe", re.compile(r"^(?P<x>severe .+?) defined by (?:the presence of )?(?P<y>.+)$", re.I), r"have \g<x>, shown by \g<y>"),
    ("clinical assessment", re.compile(r"^clinical (?:assessment|evidence|signs?) (?:that (?:indicates|shows)|of|indicating) (?P<x>.+)$", re.I), r"have \g<x>, as found by a doctor's check"),
    ("significant conditions", re.compile(r"^(?:clinically significant|significant|serious) (?P<x>(?:medical )?(?:conditions?|diseases?|illness(?:es)?)) (?:within|in) the (?P<time>(?:\d+|one|two|three|four|five|six|twelve) (?:days?|weeks?|months?|years?)) (?:before|prior to) (?P<y>.+)$", re.I), r"have had clinically significant \g<x> in the \g<time> before \g<y>"),
    ("current use", re.compile(r"^(?:current|ongoing) use of (?P<x>.+)$", re.I), r"currently use \g<x>"),
    ("current treatment", re.compile(r"^(?:current|ongoing) (?:treatment|therapy) with (?P<x>.+)$", re.I), r"are currently being treated with \g<x>"),
    ("current participation", re.compile(r"^(?:current|ongoing) participation in (?P<x>.+)$", re.I), r"are currently taking part in \g<x>"),
    ("smokers", re.compile(r"^smokers?$", re.I), "smoke"),
    ("smoker", re.compile(r"^(?P<x>(?:current|active|daily|regular|heavy|former|previous|ex-?)\s*smokers?)(?P<rest>(?:\s*[,;(].*|\s+(?:of|who|with)\b.*)?)$", re.I), lambda g: "are a " + g["x"].lower().rstrip("s") + g.get("rest", "")),
    ("currently", re.compile(r"^currently (?P<x>.+)$", re.I), r"are currently \g<x>"),
]
_RULES_ANY += [
    ("age at least and below", re.compile(r"^(?:(?:patients?|participants?|subjects?|adults?|men|women)\s+)?(?:aged?:?\s*)?(?:≥|>=|at least)\s*(?P<a>\d+)\s*(?:years?)?(?:\s+of age|\s+old)?\s*(?:and|,)\s*(?:<|below|under|younger than|less than)\s*(?P<b>\d+)\s*years?(?:\s+of age|\s+old)?$", re.I), r"are at least \g<a> and younger than \g<b> years old"),
    ("age at least", re.compile(r"^(?:(?:patients?|participants?|subjects?|adults?|men|women)\s+)?(?:aged?:?\s*)?(?:≥|>=|at least|(?:aged?\s+)?(?P<n2>\d+)\s*years?\s*(?:of age\s*)?(?:or|and) (?:older|over|above))\s*(?P<n>\d+)?\s*(?:years?)?(?:\s+of age|\s+old)?(?:\s+or older)?(?P<rest>(?:\s*[,;].*|\s+(?:at|on|when)\b.*)?)$", re.I), r"are \g<n>\g<n2> years or older\g<rest>"),
    ("age between", re.compile(r"^(?:(?:patients?|participants?|subjects?|adults?|men|women)\s+)?(?:aged?:?\s*|age range of\s+|ages\s+)?(?:between\s+)?(?P<a>\d+)\s*(?:years?\s*)?(?:and|to|-|–)\s*(?P<b>\d+)\s*years?(?:\s+of age|\s+old|\s+age range)?(?:,?\s*inclusive)?(?P<rest>(?:\s*(?:,|;|at|on|when)\b.*)?)$", re.I), r"are \g<a> to \g<b> years old\g<rest>"),
    ("sexes", re.compile(r"^(?:both\s+)?(?:males? (?:or|and) females?|females? (?:or|and) males?|men (?:or|and) women|women (?:or|and) men)(?:\s+(?:patients|participants|subjects|adults))?(?P<rest>(?:\s*[,;(].*|\s+(?:aged?|ages|between|over|older|at least|\d).*)?)$", re.I), r"are male or female\g<rest>"),
    ("pregnancy", re.compile(r"^(?:women who are\s+)?(?:pregnancy|pregnant)(?:\s+wom[ae]n)?(?P<lact>\s*(?:,|or|and/or|and)\s*(?:wom[ae]n\s+)?(?:who are\s+)?(?:breast[- ]?feeding|lactation|lactating|nursing)(?:\s*\(nursing\))?)?(?:\s+(?:women|woman|females?|patients?|participants?))?(?P<rest>(?:\s*[,;(].*|\s+(?:at|during|within|in|while)\b.*)?)$", re.I),
     lambda g: ("are pregnant or breastfeeding" if g.get("lact") else "are pregnant") + g.get("rest", "")),
    ("use of", re.compile(r"^use of (?P<x>.+)$", re.I), lambda g: ("have used " if _PAST_WINDOW.search(g["x"]) else "use ") + g["x"]),
    ("presence of", re.compile(r"^(?:the\s+)?presence of (?P<x>.+)$", re.I), r"have \g<x>"),
    ("evidence of", re.compile(r"^(?:any\s+)?(?:clinical\s+)?evidence of (?P<x>.+)$", re.I), r"have signs of \g<x>"),
    ("participation", re.compile(r"^(?:current\s+|concurrent\s+|simultaneous\s+)?(?:participation|enrol(?:l)?ment) in (?P<x>.+)$", re.I), r"are taking part in \g<x>"),
    ("diagnosed", re.compile(r"^(?P<already>already\s+)?(?:newly\s+|clinically\s+)?diagnosed with (?P<x>.+)$", re.I),
     lambda g: "have " + ("already " if g.get("already") else "") + "been diagnosed with " + g["x"]),
    ("treatment with", re.compile(r"^(?:prior\s+|previous\s+|current\s+)?(?:treatment|therapy) with (?P<x>.+)$", re.I), r"have been treated with \g<x>"),
    ("willing", re.compile(r"^(?:willing(?:ness)?|agree(?:s)?|agreement) to (?P<x>.+)$", re.I), r"are willing to \g<x>"),
    ("documented", re.compile(r"^documented (?P<x>.+)$", re.I), r"have a documented \g<x>"),
    ("allergy", re.compile(r"^(?P<x>(?:allergy|allergies|hypersensitivity)\b.+)$", re.I), r"have an \g<x>"),
    ("state", re.compile(r"^(?P<x>(?:hospitali[sz]ed|on|receiving|taking|using|undergoing|living|residing)\s.+)$", re.I), r"are \g<x>"),
    ("unwilling or unable", re.compile(r"^(?:unwilling|not willing)\s*(?:or|/)\s*(?:unable|not able) to (?P<x>.+)$", re.I), r"are not willing or not able to \g<x>"),
    ("prior", re.compile(r"^(?:prior|previous) (?P<x>(?!history\b)(?!treatment with\b)(?!therapy with\b).+)$", re.I),
     lambda g: "have had " + (g["x"].replace(",", " before,", 1) if "," in g["x"] and " before " not in g["x"].split(",")[0] else g["x"] + ("" if " before " in g["x"] else " before"))),
    ("known or suspected", re.compile(r"^known or suspected (?P<x>.+)$", re.I), r"have or may have \g<x>"),
    ("known", re.compile(r"^known (?:to have\s+)?(?P<x>(?!or\b).+)$", re.I), r"are known to have \g<x>"),
    ("any", re.compile(r"^any (?P<x>.+)$", re.I), r"have any \g<x>"),
    ("surgery", re.compile(r"^(?P<x>(?:major|minor|prior|previous|recent)\s+surgery.*)$", re.I), r"have had \g<x>"),
    ("condition word", re.compile(r"^(?P<x>(?:active|uncontrolled|ongoing|untreated|symptomatic|severe|significant|clinically significant|chronic|acute|concurrent|current)\s+(?!smok).+?)(?:\s+(?:patients|participants|subjects))?$", re.I),
     lambda g: ("have had " if _PAST_WINDOW.search(g["x"]) and not re.match(r"(?:active|ongoing|current|concurrent|uncontrolled)\b", g["x"], re.I) else "have ") + g["x"]),
    ("body mass index", re.compile(r"^(?:a\s+)?(?P<x>(?:body mass index|BMI)\b.+)$", re.I), r"have a \g<x>"),
    ("performance status", re.compile(r"^(?:an?\s+)?(?P<x>(?:eastern cooperative oncology group|ECOG|WHO)\b.*performance.+)$", re.I),
     lambda g: "have an " + re.sub(r"\b(status|score)\s+(?=at (?:least|most)\b)", r"\1 of ", g["x"])),
    ("karnofsky", re.compile(r"^(?:a\s+)?(?P<x>karnofsky\b.+)$", re.I), r"have a \g<x>"),
    ("consent", re.compile(r"^(?:provision of\s+|provide\s+|able to provide\s+)?(?:(?:a\s+)?(?:personally\s+)?(?:signed|written|dated|voluntary|voluntarily)(?:\s+and\s+|\s*,\s*|\s+))*(?:written\s+)?informed consent(?: form| document)?(?P<rest>(?:\s*(?:[,;(]|and\b|before\b|prior\b|from\b|by\b).*)?)$", re.I), r"give written informed consent\g<rest>"),    ("confirmed", re.compile(r"^(?P<how>(?:histologically|cytologically|pathologically|radiologically|clinically)(?:\s+(?:and/or|or|and)\s+(?:histologically|cytologically|pathologically|radiologically))?)\s+(?:confirmed|proven|documented|diagnosed)\s+(?P<x>.+)$", re.I), r"have \g<x> (\g<how> confirmed)"),
    ("life expectancy", re.compile(r"^(?:a\s+)?(?:estimated\s+)?life expectancy (?:of\s+)?(?P<x>.+)$", re.I), r"have a life expectancy of \g<x>"),
    ("already you", re.compile(r"^(?P<verb>have|has|had|are|is|were|was|be|can|could|will|agree|understand|speak|read|live|reside|plan|intend|meet|own|receive|take|sign|undergo|require|need)\b(?P<x>.*)$", re.I), r"\g<verb>\g<x>"),
]

# "Patients must have ..." -> "have ...": who the criterion is about is the reader.
_SUBJECT = re.compile(
    r"^(?:the |a |an |all |eligible )?(?:patients?|participants?|subjects?|individuals?|persons?|people|volunteers?|"
    r"candidates?|adults?|children|women|men)(?: (?:must|should|shall|will|need to|are required to|is required to))?"
    r"(?: (?:who|that))? (?=(?:be|is|are|have|has|had|was|were|agree|meet|understand|sign|speak|give|provide|undergo|receive|take|live|reside|plan|intend|currently|can|already)\b)",
    re.I,
)
_SECOND_PERSON = [(re.compile(r"^(?:is|be)\b", re.I), "are"), (re.compile(r"^has\b", re.I), "have"),
                  (re.compile(r"^was\b", re.I), "were"), (re.compile(r"^provide\b", re.I), "give")]

_RULES_INCLUSION: list[tuple[str, re.Pattern, object]] = [
    ("no (inclusion)", re.compile(r"^no (?P<x>.+)$", re.I), r"do not have \g<x>"),
]

# Everyday words for phrases common in criteria (plain-language.md), applied to rewritten text.
_PHRASES = [
    (re.compile(r"\bprovide\b", re.I), "give"),
    (re.compile(r"\bcomply with\b", re.I), "follow"),
    (re.compile(r"\bduring participation in the (?:trial|study)\b", re.I), "while you are in the study"),
    (re.compile(r"\bprior to\b", re.I), "before"),
    (re.compile(r"\bapproximately\b", re.I), "about"),
    (re.compile(r"\butiliz(?:e|ing)\b", re.I), "use"),
    (re.compile(r"\bmedications?\b", re.I), lambda m: "medicines" if m.group().lower().endswith("s") else "medicine"),
    (re.compile(r"\bat rest\b", re.I), "while resting"),
    (re.compile(r"\band ability to\b", re.I), "and are able to"),
    (re.compile(r"\badministration of\b", re.I), "getting"),
    (re.compile(r"\be\.g\.,?", re.I), "for example,"),
    (re.compile(r"\bi\.e\.,?", re.I), "that is,"),
    (re.compile(r"\bin the opinion of the investigators?\b", re.I), "in the view of the study doctors"),
    (re.compile(r"\bthe safety of the (?:patient|participant|subject)\b", re.I), "your safety"),
]


def rewrite_criterion(text: str, kind: str, glossary=None) -> tuple[str, str | None]:
    """The plain form of one criterion and the name of the rule used (None: kept as written)."""
    core = _SUBJECT.sub("", text.strip(), count=1).rstrip(" .;,")
    for pattern, word in _SECOND_PERSON:
        core = pattern.sub(word, core, count=1)
    rules = _RULES_ANY + (_RULES_INCLUSION if kind == "inclusion" else [])
    for name, pattern, replacement in rules:
        match = pattern.match(core)
        if not match:
            continue
        groups = {k: _lower_first(v) for k, v in match.groupdict().items() if v is not None}
        groups = {k: (v[0].lower() + v[1:] if k == "verb" else v) for k, v in groups.items()}
        if callable(replacement):
            expanded = replacement(groups)
        elif groups:
            expanded = _expand(match, replacement, groups)
        else:
            expanded = pattern.sub(replacement, core, count=1)
        plain = _everyday(expanded).rstrip(" ;,")
        plain = plain_symbols(plain)
        if _keeps_facts(text, plain):
            return _sentence(plain), name
    for name, make in (("lab value", _lab_value), ("starts with a term", lambda c: _starts_with_term(c, glossary))):
        made = make(core)
        if made:
            plain = plain_symbols(_everyday(made)).rstrip(" ;,")
            if _keeps_facts(text, plain):
                return _sentence(plain), name
    return plain_symbols(text), None


_COMPARISON = {"≥": "of at least", ">=": "of at least", "=>": "of at least", "≤": "of at most", "<=": "of at most",
               "=<": "of at most", "<": "below", ">": "above"}
_WEIGH = {"≥": "at least", ">=": "at least", "=>": "at least", "≤": "at most", "<=": "at most", "=<": "at most",
          "<": "less than", ">": "more than"}
_LAB = re.compile(r"^(?P<m>[A-Za-z][^<>≤≥=:;]{1,80}?)\s*(?P<op>≥|>=|=>|≤|<=|=<|<|>)\s*(?P<rest>[\d.,].*)$")
_NOT_A_MEASURE = re.compile(r"^(?:age|aged|have|has|are|is|be|no|not|any|patients?|participants?|subjects?|males?|females?|men|women|adults?|children|standard|pregnan\w*)\b", re.I)
_COUNTABLE = re.compile(r"\b(?:count|level|score|rate|concentration|index|value|ratio|time|fraction)\b(?:\s*\([^)]*\))?$", re.I)


def _lab_value(core: str) -> str | None:
    """"Platelet count ≥ 100,000/mm3" -> "have a platelet count of at least 100,000/mm3"."""
    match = _LAB.match(core)
    if not match or _NOT_A_MEASURE.match(match["m"]) or match["m"].count("(") != match["m"].count(")"):
        return None
    measure, op, rest = match["m"].strip(), match["op"], match["rest"]
    if measure.split()[-1].lower() in ("for", "in", "at", "with", "to", "by", "on", "from", "during", "within", "than", "and", "or"):
        return None  # "stable dose for ≥ 3 months": the number is not the measure's value
    comparison = _COMPARISON[op]
    if measure.lower().endswith(" of"):
        measure, comparison = measure[:-3].rstrip(), comparison.replace("of ", "")
        comparison = "of " + comparison if comparison.startswith("at") else comparison
    if re.fullmatch(r"(?:body\s+)?weight", measure, re.I):
        return f"weigh {_WEIGH[op]} {rest}"
    article = ""
    if _COUNTABLE.search(measure):
        article = "an " if measure[:1].lower() in "aeiou" else "a "
    return f"have {article}{_lower_first(measure)} {comparison} {rest}"


_PAST_WINDOW = re.compile(r"\b(?:within|in) (?:the )?(?:last |past |previous |prior |preceding )?(?:\d+|one|two|three|four|six|twelve) (?:days?|weeks?|months?|years?)\b|\bin the (?:last|past|previous|prior)\b", re.I)


def _starts_with_term(core: str, glossary) -> str | None:
    """A criterion that begins with a disease -> "have X" (with a past time window: "have had
    X"); one that begins with a treatment or procedure and a past time window -> "have had X"."""
    if glossary is None:
        return None
    found = glossary.find(core)
    if not found or found[0][0] != 0:
        return None
    category = found[0][2].category
    if re.match(r"pregnan", core, re.I):
        return None
    recent = bool(_PAST_WINDOW.search(core))
    if category == "body and diseases":
        if re.search(r"\b(?:positive|negative)$", core, re.I):
            return "are " + _lower_first(core)  # "HIV positive" -> "are HIV positive"
        return ("have had " if recent else "have ") + _lower_first(core)
    if category in ("treatments and drugs", "procedures") and recent:
        return "have had " + _lower_first(core)
    return None


def _lower_first(text: str) -> str:
    """"Severe lung disease" -> "severe lung disease", but "HIV", "Crohn's" and names
    ("Eastern Cooperative Oncology Group") stay."""
    if re.match(r"Type (?:[IV]+|\d)\b", text):
        return "t" + text[1:]  # "Type I diabetes" -> "type I diabetes"
    words = text.split(" ", 2)
    first = words[0].rstrip(",;:")
    second = words[1] if len(words) > 1 else ""
    if second[:1].isupper():
        return text
    bare = first.replace("-", "")
    if len(bare) > 1 and first[0].isupper() and bare[1:].islower() and bare.isalpha():
        return text[0].lower() + text[1:]
    return text


def _expand(match: re.Match, replacement: str, groups: dict[str, str]) -> str:
    return re.sub(r"\\g<(\w+)>", lambda m: groups.get(m.group(1), ""), replacement)


def _everyday(text: str) -> str:
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return everyday_words(text)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!", ":")) else text + "."


_UNIT = re.compile(r"(?<=\d)\s?(%|[a-zA-Zµμ][\w/%^.µμ²³]*)")


def units_in(text: str) -> list[str]:
    """The units written after numbers ("mg/dL", "%", "weeks"), the "x" of "x ULN" left out."""
    return [u.rstrip(".") for u in _UNIT.findall(text) if u.lower() not in ("x", "and", "or", "to")]


def _keeps_facts(original: str, plain: str) -> bool:
    """Every number and unit of the original is in the plain text, and no negation was lost."""
    wanted = numbers_in(original)
    have = numbers_in(plain)
    if any(have.count(n) < wanted.count(n) for n in set(wanted)):
        return False
    if any(unit not in plain for unit in units_in(original)):
        return False
    return len(NEGATIONS.findall(plain)) >= len(NEGATIONS.findall(original))


def _rewrite_in_place(criterion: EligibilityCriterion, kind: str, top_level: bool, glossary=None) -> None:
    if criterion.is_note or not top_level or kind == "other":
        criterion.plain = plain_symbols(criterion.text)
        return
    criterion.plain, criterion.rule = rewrite_criterion(criterion.text, kind, glossary)


def _base_verb(stem: str) -> str:
    """"giv" (from "giving") -> "give"; "read" -> "read"; "comply" stays."""
    if stem.endswith(("iv", "ak", "at", "ar", "ov", "ur", "os", "us", "ag")):
        return stem + "e"
    return stem

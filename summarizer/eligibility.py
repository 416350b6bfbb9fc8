"""Who can join: split eligibility criteria into groups and rewrite each criterion for a reader.

Parsing keeps every criterion (bullets, numbering, nesting, notes and paragraphs): the count
of criteria in equals the count out. Rewriting is by rules only; a criterion no rule fits
keeps its own words. A rewrite that would lose a number or a negation is thrown away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer.plain_text import (NEGATIONS, NUMBER_WORDS, EverydayWords, everyday_words, numbers_in, plain_symbols,
                                   unescape_markdown)


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


def parse_criteria(markdown: str | None, glossary=None, words: EverydayWords | None = None) -> list[CriteriaGroup]:
    """Split criteria text into groups of (possibly nested) criteria, in record order.
    With a glossary, criteria that start with a disease or procedure can be rewritten too;
    ``words`` is the everyday-words table (a user's, or the shipped one), as
    ``EverydayWords.keeping`` made it for ``glossary``."""
    if not markdown:
        return []
    if glossary is not None and words is None:
        words = EverydayWords.load().keeping(glossary)  # a pipeline's own table is kept already
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
            _rewrite_in_place(criterion, group.kind, top_level=criterion in group.criteria, glossary=glossary, words=words)
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
# "You may be able to join if you ..." / "You cannot join if you ...". A replacement may be a
# function of the named groups; when it returns None the rule does not fit and the next is tried.
_TIME = r"(?P<time>(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(?:days?|weeks?|months?|years?))"
_SEX = (r"(?P<sex>(?:both\s+)?(?:males? (?:or|and(?:/or)?) females?|females? (?:or|and(?:/or)?) males?|men (?:or|and) women"
        r"|women (?:or|and) men|males?|females?|men|women))")
_AGE_START = r"(?P<age>(?:aged?\b|ages\b|between\b|over\b|older\b|at least\b|≥|>=|>|\d).*)"
_PREGNANCY_WORDS = re.compile(r"\b(?:pregnan\w*|breast[- ]?feeding|lactat\w*|nursing)\b", re.I)


def _sex_word(sex: str) -> str:
    sex = sex.lower()
    if re.search(r"\b(?:or|and)\b", sex):
        return "male or female"
    return "female" if sex.startswith(("fem", "wom")) else "male"


def _sex_and_age(g) -> str | None:
    """"Men and women, aged 18-65 years" -> "are male or female and 18 to 65 years old"."""
    age = _rule_rewrite(g["age"], _AGE_RULES)
    if not age or not age.startswith("are "):
        return None
    return f"are {_sex_word(g['sex'])} and {age[4:]}"


def _sex_subject(g) -> str | None:
    """"Males who are unwilling to X" -> "are male and are not willing to X"; "Females who are
    breastfeeding" -> "are breastfeeding" (only a woman can be: the sex says nothing more)."""
    rest = _second_person(g["rest"])
    if re.search(r"\b(?:must|should|shall|will|need to|(?:is|are) required)\b|\b(?:and|or)\s+(?:is|has|was)\b", rest, re.I):
        return None  # "Males who are sexually active must agree ...": "who ..." is not all that is said
    inner = _rule_rewrite(rest, _RULES_ANY) or rest
    if _PREGNANCY_WORDS.search(rest) and _sex_word(g["sex"]) == "female":
        return inner
    return f"are {_sex_word(g['sex'])} and {inner}"


def _could_become_pregnant(g) -> str | None:
    """"Women of childbearing potential must have X" -> "have X, if you could become pregnant"."""
    rest = _second_person(g["x"])
    if re.search(r"[.;:]\s", rest):
        return None  # more than one sentence: the "if" would not cover them all
    inner = _rule_rewrite(rest, _RULES_ANY)
    if not inner:
        return None
    return inner.rstrip(" ,") + ", if you could become pregnant"


def _patients_with(g) -> str:
    lab = _lab_value(g["x"])
    return lab if lab and lab.startswith("weigh ") else "have " + g["x"]


def _patients_doing(g) -> str:
    verb = g["verb"].lower()
    if verb in ("needing", "requiring"):
        return {"needing": "need ", "requiring": "require "}[verb] + g["x"]
    return "are " + verb + " " + g["x"]


def _prior(g) -> str:
    """"Prior X" -> "have had X before"; "before" goes where it cannot be read as part of a
    clause that follows ("Prior X, other than Y" -> "have had X before, other than Y")."""
    x = g["x"]
    clause = re.search(r"\s*(?:,\s*|\s+\()(?=(?:other than|except|excluding|unless|including|such as|with|without|which|that|"
                       r"defined|if|regardless|for|e\.g|i\.e|eg\b|ie\b|but)\b)|\s*\((?=e\.g|i\.e|eg\b|ie\b|such as|including|for example)", x, re.I)
    head = x[:clause.start()] if clause else x
    if _PAST_WINDOW.search(head) or re.search(r"\bbefore\b", head, re.I):
        return "have had " + x
    if clause:
        return "have had " + head + " before" + x[clause.start():]
    return "have had " + x + " before"


def _treated_before(g) -> str:
    """"Prior treatment with X" -> "have been treated with X before"; with a clause after a
    comma, "before" goes next to "treated" so it cannot be read as part of the clause."""
    x = g["x"]
    if "," in x or "(" in x:
        return "have been treated before with " + x
    return "have been treated with " + x + " before"


def _known(g) -> str:
    x = g["x"]
    if re.search(r"\b(?:positive|negative)$", x, re.I):
        return "are known to be " + x
    return "are known to have " + x


def _not_state(g) -> str:
    """"Not pregnant and willing to X" -> "are not pregnant and are willing to X" ("are" again, so
    the "not" cannot be read as covering "willing")."""
    x = re.sub(r"\s+and\s+(?=(?:willing|able)\b)", " and are ", g["x"], flags=re.I)
    return "are not " + x


def _use_within(g) -> str | None:
    """"Antibiotic use within the prior 4 weeks" -> "have used antibiotics within the last 4 weeks"."""
    x = g["x"]
    if not re.search(r"(?:ic|oid|ant|tor|ug)$", x, re.I) or " " in x.strip():
        return None  # only a countable medicine word is made plural ("alcohol use" is not "alcohols")
    return "have used " + x + "s " + g["rest"]


_BARE_HEAD = re.compile(
    r"(?:diseases?|disorders?|syndromes?|cancers?|carcinomas?|tumou?rs?|neoplasms?|malignanc(?:y|ies)|leuka?emias?|lymphomas?"
    r"|myelomas?|metastas[ie]s|infections?|injur(?:y|ies)|ha?emorrhages?|failure|insufficiency|crisis|crises|wounds?|lesions?"
    r"|ulcers?|fractures?|strokes?|infarctions?|dementia|epilepsy|seizures?|diabetes|hypertension|hypotension|asthma"
    r"|embolism|thrombosis|aneurysms?|arrhythmias?|angina|deficiency|dysfunction|impairment|cardiomyopathy|psychosis|depression"
    r"|[a-z]{3,}itis|[a-z]{3,}(?:a|ae)mia|[a-z]{3,}pathy|[a-z]{3,}omas?|[a-z]{3,}(?<!diagn)(?<!progn)osis)$",
    re.I,
)
_NOT_BARE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|must|should|shall|will|would|can|could|may|might|do|does|did|who|whom|"
    r"which|that|if|unless|whose|patients?|participants?|subjects?|women|men|people|pregnan\w*|positive|negative)\b|[:.;?]",
    re.I,
)


def _bare_condition(core: str) -> str | None:
    """A criterion that is only the name of a condition ("Brain metastases", "Myocardial infarction
    within 6 months") -> "have X" (with a past time window: "have had X")."""
    if _NOT_BARE.search(core) or NEGATIONS.search(core):
        return None
    head = re.sub(r"\([^()]*\)", " ", core)
    head = re.split(r"\s*[,]|\s+(?:within|in|during|at|on|requiring|with|from|due|because|for|of|defined|as|including|such|"
                    r"except|other|before|after|prior|since|by|to|treated|not|without)\b", head, maxsplit=1, flags=re.I)[0]
    words = [part.split()[-1] for part in re.split(r"\s+(?:and/or|or|and)\s+", head.strip()) if part.split()]
    if not words or not any(_BARE_HEAD.fullmatch(w) for w in words):
        return None
    return ("have had " if _PAST_WINDOW.search(core) else "have ") + _lower_first(core)


def _being(state: str) -> str:
    """"Being diagnosed with X" -> "have been diagnosed with X"; "being treated with X" -> "are
    being treated with X" (it goes on); "Being allergic to X" -> "are allergic to X"."""
    if state.lower().startswith("diagnosed"):
        return "have been " + state[0].lower() + state[1:]
    return ("are being " if state.lower().startswith("treated") else "are ") + state


def _planned(g) -> str:
    return "have " + g["x"]


def _leading_comparison(g) -> str | None:
    """"≥20% of the skin affected" -> "have at least 20% of the skin affected"; "< 3 meals" -> "have
    fewer than 3 meals" (a count), "< 5%" -> "have less than 5%". An age or a time is left alone."""
    if re.match(r"%?\s*(?:years?|months?|weeks?|days?)\b", g["x"], re.I):
        return None
    percent = g["x"].startswith("%")
    said = "fewer than" if g["op"] == "<" and not percent else _LIMIT_WORDS[g["op"]]
    return "have " + said + " " + g["n"] + ("" if percent else " ") + g["x"].strip()


_RULES_ANY: list[tuple[str, re.Pattern, object]] = [
    ("age range", re.compile(r"^(?:(?:adults?|patients?|participants?|subjects?|men|women|males?|females?)\s+)?(?:aged?\s+)?(?:over|older than|above)\s+(?P<a>\d+)\s*(?:years?)?(?:\s+of age|\s+old)?\s*,?\s*and\s+(?:less than|under|younger than|below)\s+(?P<b>\d+)\s*years?(?:\s+of age|\s+old)?\.?$", re.I), r"are between \g<a> and \g<b> years old"),
    ("sexes", re.compile(r"^both (?:female and male|male and female|sexes|genders)\.?$", re.I), "are female or male"),
    ("sex and age", re.compile(r"^(?:are\s+)?(?:adult\s+)?" + _SEX + r"(?:\s+(?:patients|participants|subjects|adults))?\s*,?\s+" + _AGE_START + "$", re.I), _sex_and_age),
    ("sex and who", re.compile(r"^(?:the\s+)?" + _SEX + r"(?:\s+(?:patients|participants|subjects))?\s+(?:who|that)\s+(?P<rest>(?:are|is|have|has)\b.+)$", re.I), _sex_subject),
    ("could become pregnant", re.compile(r"^(?:if (?:the )?(?:participant|patient|subject) is an? |for )?(?:females?|wom[ae]n)(?:\s+(?:participants?|patients?|subjects?))?\s+of\s+child[- ]?bearing\s+potential\s*(?:,\s*(?:she|they)\s+|(?:must|should|need to)\s+|:\s*|,\s*(?!(?:she|they)\b))(?P<x>.+)$", re.I), _could_become_pregnant),
    ("pregnant", re.compile(r"^(?:women who are\s+|are\s+)?pregnant(?:,)?\s+or\s+breast[- ]?feeding(?:\s+(?:females?|wom[ae]n|patients?|participants?))?(?P<rest>.*)$", re.I), r"are pregnant or breastfeeding\g<rest>"),
    ("exposure", re.compile(r"^exposure to (?P<x>.+?) (?:on|in|within|during) the (?:previous|past|last|preceding|prior) " + _TIME + r"(?P<rest>.*)$", re.I), r"have taken \g<x> in the last \g<time>\g<rest>"),
    ("previous treatment", re.compile(r"^(?:previous|prior) (?:treatment|therapy) with (?P<x>.+?)\.?$", re.I), _treated_before),
    ("previously treated", re.compile(r"^(?:previously|already) treated with (?P<x>.+?)\.?$", re.I), _treated_before),
    ("inability or unwillingness", re.compile(r"^(?:inability|unable|not able)\s*(?:or|and/or|/)\s*(?:unwillingness|unwilling|not willing)(?:\s+of\s+(?:a|the)\s+(?:participant|patient|subject))?\s+to (?P<x>.+)$", re.I), r"are not able or not willing to \g<x>"),
    ("inability", re.compile(r"^(?:inability|unable|not able) to (?P<x>.+)$", re.I), r"are not able to \g<x>"),
    ("unwilling", re.compile(r"^(?:unwilling(?:ness)?|not willing) to (?P<x>.+)$", re.I), r"are not willing to \g<x>"),
    ("able and willing", re.compile(r"^(?:ability and willingness|able and willing) to (?P<x>.+)$", re.I), r"are able and willing to \g<x>"),
    ("willing and able", re.compile(r"^(?:competent,?\s+)?(?:willing and able|willingness and ability) to (?P<x>.+)$", re.I), r"are willing and able to \g<x>"),
    ("ability", re.compile(r"^(?:competent and\s+)?(?:ability|able) to (?P<x>.+)$", re.I), r"are able to \g<x>"),
    ("capable", re.compile(r"^capable of (?P<x>\w+)ing\b(?P<rest>.*)$", re.I), lambda g: "are able to " + _base_verb(g["x"]) + g.get("rest", "")),
    ("history", re.compile(r"^(?:a\s+)?(?:known\s+)?(?:medical\s+|past\s+)?history of (?P<x>.+)$", re.I), r"have had \g<x>"),
    ("diagnosis", re.compile(r"^(?:a\s+)?(?:confirmed\s+|documented\s+|clinical\s+)?diagnosis of (?P<x>.+)$", re.I), r"have been told you have \g<x>"),
    ("patients with", re.compile(r"^(?:patients?|participants?|subjects?|people|persons?|individuals?|adults?|children|child) (?:with|who have|having) (?P<x>.+)$", re.I), _patients_with),
    ("patients needing", re.compile(r"^(?:patients?|participants?|subjects?) (?P<verb>needing|requiring|receiving|taking|using|undergoing) (?P<x>.+)$", re.I), _patients_doing),
    ("abnormal", re.compile(r"^abnormal (?P<x>.+)$", re.I), r"have abnormal \g<x>"),
    ("severe", re.compile(r"^(?P<x>severe .+?) defined by (?:the presence of )?(?P<y>.+)$", re.I), r"have \g<x>, shown by \g<y>"),
    ("clinical assessment", re.compile(r"^clinical (?:assessment|evidence|signs?) (?:that (?:indicates|shows)|of|indicating) (?P<x>.+)$", re.I), r"have \g<x>, as found by a doctor's check"),
    ("significant conditions", re.compile(r"^(?:clinically significant|significant|serious) (?P<x>(?:medical )?(?:conditions?|diseases?|illness(?:es)?)) (?:within|in) the (?P<time>(?:\d+|one|two|three|four|five|six|twelve) (?:days?|weeks?|months?|years?)) (?:before|prior to) (?P<y>.+)$", re.I), r"have had clinically significant \g<x> in the \g<time> before \g<y>"),
    ("current use", re.compile(r"^(?:current|ongoing) use of (?P<x>.+)$", re.I), r"currently use \g<x>"),
    ("current treatment", re.compile(r"^(?:current|ongoing) (?:treatment|therapy) with (?P<x>.+)$", re.I), r"are currently being treated with \g<x>"),
    ("current participation", re.compile(r"^(?:current|ongoing) participation in (?P<x>.+)$", re.I), r"are currently taking part in \g<x>"),
    ("smokers", re.compile(r"^smokers?$", re.I), "smoke"),
    ("smoker", re.compile(r"^(?P<x>(?:current|active|daily|regular|heavy|former|previous|ex-?)\s*smokers?)(?P<rest>(?:\s*[,;(].*|\s+(?:of|who|with)\b.*|\s+or\s+(?:cessation of smoking|smoking cessation)\b.*)?)$", re.I),
     lambda g: "are a " + g["x"].lower().rstrip("s") + re.sub(r"\bor (?:cessation of smoking|smoking cessation)\b", "or stopped smoking", g.get("rest", ""), flags=re.I)),
    ("currently", re.compile(r"^currently (?P<x>.+)$", re.I), r"are currently \g<x>"),
]
_WHO = r"^(?:(?:patients?|participants?|subjects?|adults?|men|women)\s+)?"  # who an age rule may start with
_AGE_RULES: list[tuple[str, re.Pattern, object]] = [
    ("age at least and below", re.compile(_WHO + r"(?P<age>aged?:?\s*)?(?:≥|>=|at least)\s*(?P<a>\d+)\s*(?:years?)?(?:\s+of age|\s+old)?\s*(?:and|,)\s*(?:<|below|under|younger than|less than)\s*(?P<b>\d+)\s*(?P<y>years?(?:\s+of age|\s+old)?)?(?P<rest>(?:\s*[,;]|\s+(?:at|on|when)\b).*)?$", re.I),
     lambda g: None if not (g.get("y") or g.get("age")) else f"are at least {g['a']} and younger than {g['b']} years old" + g.get("rest", "")),
    ("age at least and at most", re.compile(_WHO + r"(?:aged?:?\s*)(?:≥|>=|at least)\s*(?P<a>\d+)\s*(?:years?)?\s*(?:and|,|to)\s*(?:≤|<=|at most|no more than)\s*(?P<b>\d+)\s*years?(?:\s+of age|\s+old)?(?P<rest>(?:\s*[,;]|\s+(?:at|on|when)\b).*)?$", re.I),
     r"are \g<a> to \g<b> years old\g<rest>"),
    ("age over", re.compile(_WHO + r"(?:aged?:?\s*)?(?:>|over|older than|more than)\s*(?P<n>\d+)\s*years?(?:\s+of age|\s+old)?(?P<rest>(?:\s*[,;].*|\s+(?:at|on|when)\b.*)?)$", re.I), r"are over \g<n> years old\g<rest>"),
    ("age at least", re.compile(_WHO + r"(?:aged?:?\s*)?(?:≥|>=|at least|(?:aged?\s+)?(?P<n2>\d+)\s*years?\s*(?:of age\s*|old\s*)?(?:or|and) (?:older|over|above))\s*(?P<n>\d+)?\s*(?:years?)?(?:\s+of age|\s+old)?(?:\s+or older)?(?P<rest>(?:\s*[,;(].*|\s+(?:at|on|when)\b.*)?)$", re.I), r"are \g<n>\g<n2> years or older\g<rest>"),
    ("age between", re.compile(_WHO + r"(?:aged?:?\s*|age range of\s+|ages\s+)?between\s+(?P<a>\d+)\s*(?:years?\s*)?and\s*(?P<b>\d+)\s*years?(?:\s+of age|\s+old)?(?:,?\s*inclusive)?(?P<rest>(?:\s*(?:,|;|at|on|when)\b.*)?)$", re.I), r"are between \g<a> and \g<b> years old\g<rest>"),
    ("age between", re.compile(_WHO + r"(?:aged?:?\s*|age range of\s+|ages\s+)?(?:between\s+)?(?:(?P<ge>≥|>=)\s*)?(?P<a>\d+)\s*(?:years?\s*)?(?:and|to|-|–)\s*(?(ge)(?:≤|<=)\s*)(?P<b>\d+)\s*years?(?:\s+of age|\s+old|\s+age range)?(?:,?\s*inclusive)?(?P<rest>(?:\s*(?:,|;|at|on|when)\b.*)?)$", re.I), r"are \g<a> to \g<b> years old\g<rest>"),
]
_RULES_ANY += _AGE_RULES + [
    ("sexes", re.compile(r"^(?:both\s+)?(?:males? (?:or|and) females?|females? (?:or|and) males?|men (?:or|and) women|women (?:or|and) men)(?:\s+(?:patients|participants|subjects|adults))?(?:\s+(?:are|can be|will be)\s+(?:included|eligible|allowed|welcome)(?:\s+in\s+(?:the\s+|this\s+)?study)?)?(?P<rest>(?:\s*[,;(].*|\s+(?:aged?|ages|between|over|older|at least|\d).*)?)$", re.I), r"are male or female\g<rest>"),
    ("pregnancy", re.compile(r"^(?:women who are\s+)?(?:pregnancy|pregnant)(?:\s+wom[ae]n)?(?P<lact>\s*(?:,|or|and/or|and)\s*(?:wom[ae]n\s+)?(?:who are\s+)?(?:breast[- ]?feeding|lactation|lactating|nursing)(?:\s*\(nursing\))?)?(?:\s+(?:women|woman|females?|patients?|participants?))?(?P<rest>(?:\s*[,;(].*|\s+(?:at|during|within|in|while)\b.*)?)$", re.I),
     lambda g: ("are pregnant or breastfeeding" if g.get("lact") else "are pregnant")
     + re.sub(r"^(\s*\([^()]*\))\s+(?:women|woman|females?|patients?|participants?)\b", r"\1", g.get("rest", ""), flags=re.I)),
    ("use within", re.compile(r"^(?P<x>[a-z-]+) use (?P<rest>(?:within|in) the (?:prior|previous|past|last|preceding) .+)$", re.I), _use_within),
    ("use of", re.compile(r"^use of (?P<x>.+)$", re.I), lambda g: ("have used " if _PAST_WINDOW.search(g["x"]) else "use ") + g["x"]),
    ("presence of", re.compile(r"^(?:the\s+)?presence of (?P<x>.+)$", re.I), r"have \g<x>"),
    ("absence of", re.compile(r"^(?:the\s+)?absence of (?P<x>.+)$", re.I), r"do not have \g<x>"),
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
    ("prior", re.compile(r"^(?:prior|previous) (?P<x>(?!history\b)(?!treatment with\b)(?!therapy with\b)(?!to\b).+)$", re.I), _prior),
    ("known or suspected", re.compile(r"^known or suspected (?P<x>.+)$", re.I), r"have or may have \g<x>"),
    ("known", re.compile(r"^known (?:to have\s+)?(?P<x>(?!or\b).+)$", re.I), _known),
    ("positive test", re.compile(r"^(?P<x>(?:positive|negative)\s+(?!for\b)(?!results?\b)(?:[\w-]+\s+){0,6}?(?:tests?|serology|antigen|screen|history)\b.*)$", re.I),
     lambda g: "have a " + g["x"][0].lower() + g["x"][1:]),
    ("at least", re.compile(r"^at least (?P<x>(?:\d[\d.,]*%?|one|two|three|four|five|moderate)\s.+)$", re.I), r"have at least \g<x>"),
    ("positive for", re.compile(r"^(?P<x>(?:positive|negative) (?:for|test for|result for)\b.+)$", re.I), r"are \g<x>"),
    ("not", re.compile(r"^not (?P<x>(?:currently\s+)?(?:pregnant|breast-?feeding|lactating|nursing|planning|on|receiving|taking|using|eligible|willing|able|a candidate|participating|enrolled|hospitali[sz]ed)\b.*)$", re.I), _not_state),
    ("any", re.compile(r"^any (?P<x>.+)$", re.I), r"have any \g<x>"),
    ("surgery", re.compile(r"^(?P<x>(?:major|minor|prior|previous|recent)\s+surgery.*)$", re.I), r"have had \g<x>"),
    ("planned", re.compile(r"^(?P<x>(?:[\w-]+\s+){0,3}(?:surgery|operation|procedure|transplant(?:ation)?|resection|[\w-]+(?:ectomy|plasty|otomy))\s+(?:planned|scheduled)\b(?:\s+and\s+(?:planned|scheduled))?(?:\s.*)?)$", re.I), _planned),
    ("levels", re.compile(r"^(?P<x>(?:low|high|elevated|reduced|increased|decreased|raised)\s+(?:levels?|counts?|values?|concentrations?)\s+of\b.+)$", re.I), r"have \g<x>"),
    ("condition word", re.compile(r"^(?P<x>(?:active|uncontrolled|ongoing|untreated|symptomatic|severe|significant|clinically significant|chronic|acute|concurrent|current|impaired|adequate|inadequate|stable(?!.*\b(?:patients|participants|subjects|people)\b))\s+(?!smok)(?!(?:for|on|in|at|and|or|with)\b).+?)(?:\s+(?:patients|participants|subjects))?$", re.I),
     lambda g: ("have had " if _PAST_WINDOW.search(g["x"]) and not re.match(r"(?:active|ongoing|current|concurrent|uncontrolled|impaired|adequate|inadequate)\b", g["x"], re.I) else "have ") + g["x"]),
    ("body mass index", re.compile(r"^(?:a\s+)?(?P<x>(?:body mass index|BMI)\b.+)$", re.I), r"have a \g<x>"),
    ("performance status", re.compile(r"^(?:an?\s+)?(?P<x>(?:eastern cooperative oncology group|ECOG|WHO)\b.*performance.+)$", re.I),
     lambda g: "have an " + re.sub(r"\b(status|score)\s+(?=at (?:least|most)\b)", r"\1 of ", g["x"])),
    ("karnofsky", re.compile(r"^(?:a\s+)?(?P<x>karnofsky\b.+)$", re.I), r"have a \g<x>"),
    ("consent", re.compile(r"^(?:provision of\s+|provide\s+|able to provide\s+)?(?:(?:a\s+)?(?:personally\s+)?(?:signed|written|dated|voluntary|voluntarily)(?:\s+and\s+|\s*,\s*|\s+))*(?:written\s+)?informed consent(?: form| document)?(?P<assent>\s+and\s+(?:\w+\s+)?assent(?: form)?)?(?P<rest>(?:\s*(?:[,;(]|and\b|before\b|prior\b|from\b|by\b).*)?)$", re.I),
     lambda g: "give written informed consent" + (re.sub(r"\s+form$", "", g["assent"]) if g.get("assent") else "") + g.get("rest", "")),
    ("confirmed", re.compile(r"^(?P<how>(?:histologically|cytologically|pathologically|radiologically|clinically)(?:\s+(?:and/or|or|and)\s+(?:histologically|cytologically|pathologically|radiologically))?)\s+(?:confirmed|proven|documented|diagnosed)\s+(?P<x>.+)$", re.I), r"have \g<x> (\g<how> confirmed)"),
    ("life expectancy", re.compile(r"^(?:a\s+)?(?:estimated\s+)?life expectancy (?:of\s+)?(?P<x>.+)$", re.I), r"have a life expectancy of \g<x>"),
    ("gestation", re.compile(r"^(?P<x>[\d.]+\s*(?:(?:-|–|to)\s*[\d.]+\s*)?weeks?\s+(?:of\s+gestation|gestation(?:al age)?|pregnant)\b.*)$", re.I), r"are at \g<x>"),
    ("leading comparison", re.compile(r"^(?P<op>≥|>=|≤|<=|<|>)\s*(?P<n>\d[\d.,]*)\s*(?P<x>%?\s*[A-Za-z].*)$", re.I),
     _leading_comparison),
    ("having", re.compile(r"^having (?P<x>(?!been\b)[a-z].+)$", re.I), r"have \g<x>"),
    ("being", re.compile(r"^being (?P<x>(?!.*\b(?:fetus|foetus|baby|infant|newborn|neonate)\b)[a-z0-9].*)$", re.I),
     lambda g: _being(g["x"])),
    ("getting", re.compile(r"^getting (?P<x>(?:a|an)\s.+)$", re.I), r"get \g<x>"),
    ("received", re.compile(r"^(?:received|receipt of) (?P<x>.+)$", re.I), r"have received \g<x>"),
    ("non-english speaking", re.compile(r"^(?:non|not)[- ]english[- ]speak(?:ing|ers?)(?P<rest>\s*[,;(].*)?$", re.I), r"do not speak English\g<rest>"),
    ("already you", re.compile(r"^(?P<verb>have|has|had|are|is|were|was|be|can|cannot|could|will|do|agree|understand|speak|read|live|reside|plan|intend|meet|own|receive|take|took|underwent|sign|undergo|require|need)\b(?P<x>.*)$", re.I), r"\g<verb>\g<x>"),
]

# "Patients must have ..." -> "have ...": who the criterion is about is the reader.
_SUBJECT = re.compile(
    r"^(?:the |a |an |all |eligible )?(?:patients?|participants?|subjects?|individuals?|persons?|people|volunteers?|"
    r"candidates?|adults?|children|women|men)(?: (?:must|should|shall|will|need to|are required to|is required to))?"
    r"(?: (?:who|that))? (?=(?:be|is|are|have|has|had|was|were|agree|meet|understand|sign|speak|give|provide|undergo|receive|take|live|reside|plan|intend|currently|can|cannot|already|does|do|took|received|underwent)\b)",
    re.I,
)
_WHO_AT_END = re.compile(r"\b(?:who|that)\s*$", re.I)
_MODAL = re.compile(r"\b(?:must|should|shall|may)\b", re.I)
_SUBJECT_IN = re.compile(r"^(?:the |a |an )?(?:patients?|participants?|subjects?|volunteers?) in (?=(?:good|stable|general|overall|otherwise)\b)", re.I)
_MUST = re.compile(r"^(?:must|should|shall|need to)\s+(?=(?:have|be|agree|meet|understand|sign|speak|give|provide|undergo|receive|take|live|reside|plan|intend)\b)", re.I)
_SECOND_PERSON = [(re.compile(r"^(?:is|be)\b", re.I), "are"), (re.compile(r"^has\b", re.I), "have"),
                  (re.compile(r"^was\b", re.I), "were"), (re.compile(r"^provide\b", re.I), "give"),
                  (re.compile(r"^does\b", re.I), "do")]
# Verbs only a person does: after "and"/"or" in a criterion that is about "you" they change too
# ("has X and agrees to Y" -> "have X and agree to Y"); not after "who", "that" or "which".
_PERSON_VERB_AFTER_AND = re.compile(r"(\b(?:and|or)\s+)(agrees|intends|plans|understands|consents|wishes|wants|speaks|signs|lives|resides)\b", re.I)


def _second_person(core: str) -> str:
    for pattern, word in _SECOND_PERSON:
        core = pattern.sub(word, core, count=1)
    if re.match(r"(?:have|are|were|do|agree|intend|plan|understand|speak|sign|live|reside)\b", core, re.I) and not re.search(r"\b(?:who|that|which|whose)\b", core, re.I):
        core = _PERSON_VERB_AFTER_AND.sub(lambda m: m.group(1) + m.group(2)[:-1], core)
    return core


_RULES_INCLUSION: list[tuple[str, re.Pattern, object]] = [
    ("no prior (inclusion)", re.compile(r"^no (?:prior|previous) (?P<x>(?!history\b).+)$", re.I),
     lambda g: None if _PAST_WINDOW.search(g["x"]) or re.search(r"\bbefore\b|,|\(", g["x"]) else "have not had " + g["x"] + " before"),
    ("no (inclusion)", re.compile(r"^no (?P<x>.+)$", re.I), r"have no \g<x>"),
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
    (re.compile(r"(?<=\()(?:ie|eg)\b,?", re.I), lambda m: "that is," if m.group()[:2].lower() == "ie" else "for example,"),
    (re.compile(r"\bin the opinion of the investigators?\b", re.I), "in the view of the study doctors"),
    (re.compile(r"\bthe safety of the (?:patient|participant|subject)\b", re.I), "your safety"),
    (re.compile(r"\bunwilling to\b", re.I), "not willing to"),
    (re.compile(r"\bunable to\b", re.I), "not able to"),
    (re.compile(r"\bbreast[- ]feeding\b", re.I), "breastfeeding"),
    (re.compile(r"\bwithin the prior(?= (?:\d|one|two|three|four|five|six|twelve)\b)", re.I), "within the last"),
]
_NURSING = re.compile(r"(?<!\()\bnursing\b(?!\s*(?:\)|homes?|care|facilit|staff|students?))", re.I)
_RECEIVED_PERFECT = re.compile(r"\b(?:have|has|had|having|been)\b[^.;]*?\breceived\b", re.I)


def fact_text(text: str) -> str:
    """The criterion with what is not a fact taken out, for the fact check: a list number the
    record wrote twice ("1. 1\\. Aged ...") and a number said twice ("one (1) month" -> "1 month")."""
    text = re.sub(r"^\s*\d{1,2}[.)]\s+(?=[A-Z])", "", text)
    return _ONE_AND_DIGIT.sub(lambda m: m.group(2) if NUMBER_WORDS.get(m.group(1).lower()) == m.group(2) else m.group(), text)


_ONE_AND_DIGIT = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\s*\((\d{1,2})\)", re.I)
_SUBHEADING = re.compile(r"^[^a-z]*[A-Z][^a-z]*:\s*$|^.{0,80}:\s*$")


def _prepare(source: str) -> str:
    """The criterion with its subject ("Patients must ...") and end stops taken off, verbs in the
    second person, and "less than or equal to (≤)" said once."""
    core = source.strip().rstrip(" .;,；")
    core = _SUBJECT_IN.sub("are in ", core, count=1)
    subject = _SUBJECT.match(core)
    # "Participants who received X must have completed Y": "who ..." is a condition, not the reader
    if subject and not (_WHO_AT_END.search(subject.group()) and _MODAL.search(core, subject.end())):
        core = core[subject.end():]
    core = _MUST.sub("", core, count=1)
    core = re.sub(r"\b(?:less than or equal to|greater than or equal to)\s*\(\s*(≤|≥|<=|>=)\s*\)\s*", r"\1", core, flags=re.I)
    return _second_person(core)


def _rule_rewrite(core: str, rules) -> str | None:
    """The first rule that fits, its words filled in (not yet in everyday words)."""
    for _name, pattern, replacement in rules:
        made = _apply(pattern, replacement, core)
        if made is not None:
            return made
    return None


def _apply(pattern: re.Pattern, replacement, core: str) -> str | None:
    match = pattern.match(core)
    if not match:
        return None
    # a word the record capitalised mid-sentence keeps its capital ("Current use of Verapamil")
    groups = {k: (_lower_first(v) if match.start(k) == 0 else re.sub(r"^Type (?=(?:[IV]+|\d)\b)", "type ", v))
              for k, v in match.groupdict().items() if v is not None}
    groups = {k: (v[0].lower() + v[1:] if k == "verb" else v) for k, v in groups.items()}
    if callable(replacement):
        return replacement(groups)
    if groups:
        return _expand(match, replacement, groups)
    return pattern.sub(replacement, core, count=1)


def rewrite_criterion(text: str, kind: str, glossary=None, words: EverydayWords | None = None) -> tuple[str, str | None]:
    """The plain form of one criterion and the name of the rule used (None: kept as written)."""
    source = fact_text(text)
    if _SUBHEADING.match(source.strip()):
        return plain_symbols(text), None  # "PRIOR TO STEP 1 REGISTRATION:": a heading inside the list
    core = _prepare(source)
    rules = _RULES_ANY + (_RULES_INCLUSION if kind == "inclusion" else [])
    for name, pattern, replacement in rules:
        expanded = _apply(pattern, replacement, core)
        if expanded is None:
            continue
        plain = _finish(expanded, words)
        if _keeps_facts(source, plain):
            return _sentence(plain), name
    for name, make in (("lab value", _lab_value), ("starts with a term", lambda c: _starts_with_term(c, glossary)),
                       ("bare condition", lambda c: _bare_condition(c) if glossary is not None else None)):
        made = make(core)
        if made:
            plain = _finish(made, words)
            if _keeps_facts(source, plain):
                return _sentence(plain), name
    return plain_symbols(text), None


_MEASURE_BEFORE = re.compile(
    r"(?P<word>\b(?:count|level|levels|score|status|rate|concentration|index|value|ratio|fraction|hemoglobin|haemoglobin|"
    r"creatinine|bilirubin|albumin|clearance|[A-Za-z]*[A-Z][A-Za-z]*[A-Z0-9₀-₉][A-Za-z0-9₀-₉]*|[A-Z]-[a-z]+)\)?)\s*(?P<op>≥|>=|≤|<=)\s*(?=\d)")
_BOTH_LIMITS = re.compile(r"(?:≥|>=)\s*(?P<a>\d[\d.,]*)\s*(?P<ua>%|[A-Za-z/]+)?\s+and\s+(?:≤|<=)\s*(?P<b>\d[\d.,]*)(?P<ub>\s*%|\s+[A-Za-z/]+)?")
_MORE_THAN = re.compile(r"(?<![<>=-])\s*(?P<op>[<>])\s*(?P<n>\d[\d.,]*)\s+(?P<words>[a-z][a-z-]*\b(?![/-])(?:\s+[a-z][a-z-]*\b){0,2})")
_AMOUNT_UNITS = re.compile(r"(?:mg|g|kg|mcg|µg|ml|mL|l|L|units|IU|cm|mm|lbs|pounds|kilograms|grams|milligrams|cigarettes)$")


def _finish(expanded: str, words: EverydayWords | None = None) -> str:
    """A rule's words made plain: limits said the everyday way, everyday words, symbols in words."""
    text = _MEASURE_BEFORE.sub(lambda m: m.group("word") + " of " + m.group("op"), expanded)
    text = _BOTH_LIMITS.sub(_both_limits, text)
    text = _MORE_THAN.sub(_more_or_fewer, text)
    text = re.sub(r"(?<=\d) %", "%", text)
    if re.search(r"\bpregnan", text, re.I):
        text = _NURSING.sub("breastfeeding", text)
    # "have received X" is not "have got X": "received" stays after have/has/had/been
    text = _RECEIVED_PERFECT.sub(lambda m: m.group()[: -len("received")] + "\x00rcvd\x00", text)
    text = _everyday(text, words).replace("\x00rcvd\x00", "received")
    return plain_symbols(text).rstrip(" ;,；")


def _more_or_fewer(m: re.Match) -> str:
    """"> 2 infections" -> "more than 2 infections", "< 2 bowel movements" -> "fewer than 2 ...",
    "< 10 mg" -> "less than 10 mg"; a rate ("< 30 ml/min", "per day") or "x ULN" stays a limit."""
    words = m.group("words").split()
    if words[0] in ("x", "times", "and", "or", "to") or re.match(r"(?:hours?|days?|weeks?|months?|years?|cycles?|doses?|[a-z]+-years?)$", words[0]) or re.match(r"\s*(?:/|per\b)", m.string[m.start("words") + len(words[0]):]) :
        return m.group()
    if m.group("op") == ">":
        said = "more than"
    elif _AMOUNT_UNITS.fullmatch(words[0]):
        said = "less than"
    elif any(w.endswith("s") and not w.endswith("ss") for w in words):
        said = "fewer than"
    else:
        return m.group()
    return f" {said} {m.group('n')} {m.group('words')}"


def _both_limits(m: re.Match) -> str:
    """"≥10 and ≤40 lesions" -> "10 to 40 lesions" (both ends included, as "to" says)."""
    ua, ub = (m.group("ua") or "").strip(), (m.group("ub") or "").strip()
    if ua and ub and ua != ub:
        return m.group()
    if ua and not ub:
        return m.group()  # "≥6 mg and ≤8": the unit of the upper limit is not written
    unit = ub or ua
    glue = "" if unit == "%" else " "
    return f"{m.group('a')}{glue if ua else ''}{ua if ua else ''} to {m.group('b')}{glue if unit else ''}{unit}"


_COMPARISON = {"≥": "of at least", ">=": "of at least", "=>": "of at least", "≤": "of at most", "<=": "of at most",
               "=<": "of at most", "<": "below", ">": "above"}
_LIMIT_WORDS = {"≥": "at least", ">=": "at least", "=>": "at least", "≤": "at most", "<=": "at most", "=<": "at most",
                "<": "less than", ">": "more than"}
_LAB = re.compile(r"^(?P<m>[A-Za-z][^<>≤≥=:;]{1,80}?)\s*(?P<op>≥|>=|=>|≤|<=|=<|<|>)\s*(?P<rest>[\d.,].*)$")
_LAB_WORDS = re.compile(r"^(?P<m>[A-Za-z][^<>≤≥=:;,]{1,60}?\b(?:count|level|score|rate|concentration|value|ratio)(?:\s*\([^)]*\))?)\s+(?P<op>above|below|greater than|less than|higher than|lower than)\s+(?P<rest>(?:\d|the (?:upper|lower) limit of normal\b).*)$", re.I)
_NOT_A_MEASURE = re.compile(r"^(?:age|aged|have|has|are|is|be|no|not|any|patients?|participants?|subjects?|males?|females?|men|women|adults?|children|standard|pregnan\w*)\b", re.I)
_COUNTABLE = re.compile(r"\b(?:count|level|score|rate|concentration|index|value|ratio|time|fraction)\b(?:\s*\([^)]*\))?$", re.I)


def _article(word: str) -> str:
    """"a" or "an" by the sound: "an ALT level", "a uric acid level", "an HbA1c level"."""
    if sum(c.isupper() for c in word[:3]) >= 2:  # a short form, said letter by letter
        return "an " if word[0] in "AEFHILMNORSX" else "a "
    lower = word.lower()
    if re.match(r"u(?:[rns]i|se|su|ro|ti)|eu|one\b", lower):
        return "a "
    return "an " if lower[:1] in "aeiou" else "a "


def _lab_value(core: str) -> str | None:
    """"Platelet count ≥ 100,000/mm3" -> "have a platelet count of at least 100,000/mm3"."""
    words = _LAB_WORDS.match(core)
    if words and not _NOT_A_MEASURE.match(words["m"]):
        measure = words["m"].strip()
        return f"have {_article(measure)}{_lower_first(measure)} {words['op'].lower()} {words['rest']}"
    match = _LAB.match(core)
    if not match or _NOT_A_MEASURE.match(match["m"]) or match["m"].count("(") != match["m"].count(")"):
        return None
    measure, op, rest = match["m"].strip(), match["op"], match["rest"]
    measure = re.sub(r"\s+(?:must|should|needs? to|has to)\s+be$|\s+(?:is|are)$", "", measure, flags=re.I)
    if re.match(r"(?:hours?|days?|weeks?|months?|years?)\b", re.sub(r"^[\d.,]+\s*", "", rest), re.I) and not _COUNTABLE.search(re.sub(r"\s+of$", "", measure)):
        return None  # "An interval of <= 100 days", "patients < 18 years of age": not a measure's value
    if measure.split()[-1].lower() in ("for", "in", "at", "with", "to", "by", "on", "from", "during", "within", "than", "and", "or"):
        return None  # "stable dose for ≥ 3 months": the number is not the measure's value
    comparison = _COMPARISON[op]
    if measure.lower().endswith(" of"):
        measure, comparison = measure[:-3].rstrip(), comparison.replace("of ", "")
        comparison = "of " + comparison if comparison.startswith("at") else comparison
    if re.fullmatch(r"(?:body\s+)?weight", measure, re.I):
        return f"weigh {_LIMIT_WORDS[op]} {rest}"
    article = ""
    if _COUNTABLE.search(measure):
        article = _article(measure)
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


_NAME_WORDS = re.compile(r"(?:Eastern|Western|Northern|Southern|New|World|American|National|European|International|British|"
                         r"Canadian|Royal|Karnofsky|Glasgow|Charlson|Child|Montreal|Mini|Hamilton|Beck|Lansky|Myasthenia)\b")


def _lower_first(text: str) -> str:
    """"Severe lung disease" -> "severe lung disease", but "HIV", "Crohn's" and names
    ("Eastern Cooperative Oncology Group") stay. Words before a short form in brackets are a name
    when their first letters spell it ("Eastern cooperative oncology group (ECOG)") and keep their
    capitals; when they do not ("Alanine Aminotransferase (ALT)") they are ordinary words."""
    if re.match(r"Type (?:[IV]+|\d)\b", text):
        return "t" + text[1:]  # "Type I diabetes" -> "type I diabetes"
    if re.match(_NAME_WORDS, text):
        return text
    named = re.match(r"^(?P<words>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,5})\s*\((?P<short>[A-Z][A-Za-z0-9-]{1,9})\)", text)
    if named and len(named["words"].split()) > 1:
        return named["words"].lower() + text[len(named["words"]):]
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


def _everyday(text: str, words: EverydayWords | None = None) -> str:
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return everyday_words(text, words)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!", ":")) else text + "."


_UNIT = re.compile(r"(?<=\d)\s?(%|[a-zA-Zµμ][\w/%^.µμ²³]*)")


def units_in(text: str) -> list[str]:
    """The units written after numbers ("mg/dL", "%", "weeks"), the "x" of "x ULN" left out."""
    return [u.rstrip(".") for u in _UNIT.findall(text) if u.lower() not in ("x", "and", "or", "to")]


def units_kept(original: str, plain: str) -> bool:
    """Every unit written after a number in the original is in the plain text ("Years" may
    become "years")."""
    return all(unit in plain or (unit.isalpha() and re.search(r"\b" + re.escape(unit) + r"\b", plain, re.I))
               for unit in units_in(original))


def numbers_kept(original: str, plain: str) -> int:
    """How many of the numbers of the original (less what is not a fact, see fact_text) the plain text has."""
    wanted, have = numbers_in(fact_text(original)), numbers_in(plain)
    return sum(min(wanted.count(n), have.count(n)) for n in set(wanted))


def _keeps_facts(original: str, plain: str) -> bool:
    """Every number and unit of the original is in the plain text, and no negation was lost."""
    wanted = numbers_in(original)
    have = numbers_in(plain)
    if any(have.count(n) < wanted.count(n) for n in set(wanted)):
        return False
    if not units_kept(original, plain):
        return False
    return len(NEGATIONS.findall(plain)) >= len(NEGATIONS.findall(original))


def _rewrite_in_place(criterion: EligibilityCriterion, kind: str, top_level: bool, glossary=None, words: EverydayWords | None = None) -> None:
    if criterion.is_note or not top_level or kind == "other":
        criterion.plain = plain_symbols(criterion.text)
        return
    criterion.plain, criterion.rule = rewrite_criterion(criterion.text, kind, glossary, words)
    if criterion.rule:  # a criterion no rule fits keeps its words and its sentences
        criterion.plain = split_long(criterion.plain)


LONG_WORDS = 20  # the UK Health Research Authority's most words for a sentence
_SPLITS = [
    # "X; Y" -> "X. Y": the same two parts, each its own sentence
    (re.compile(r";\s+(?=\S)"), lambda m: ". "),
    # "X, including but not limited to A, B" -> "X. This includes, but is not limited to, A, B"
    (re.compile(r",?\s+including,?\s+but\s+not\s+limited\s+to[,:]?\s+", re.I), lambda m: ". This includes, but is not limited to, "),
    # "X, defined as Y" -> "X. This means Y"
    (re.compile(r",\s+(?:as\s+)?defined\s+as\s+", re.I), lambda m: ". This means "),
]
_END_EXAMPLE = re.compile(r"\s*\((?P<kind>for example),?\s+(?P<x>[^()]*(?:\([^()]*\)[^()]*)*)\)(?P<end>\.?)$", re.I)


def split_long(plain: str) -> str:
    """A sentence of more than 20 words split where its parts stand alone and mean the same:
    at a semicolon outside brackets, before "including but not limited to" and ", defined as",
    and an example in brackets at the end said as a sentence of its own."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", plain)
    if all(len(s.split()) <= LONG_WORDS for s in sentences):
        return plain
    out = []
    for sentence in sentences:
        if len(sentence.split()) > LONG_WORDS:
            sentence = _split_one(sentence)
        out.append(sentence)
    return " ".join(out)


def _split_one(sentence: str) -> str:
    ending = _END_EXAMPLE.search(sentence)
    if ending and ending["x"].strip():
        sentence = sentence[:ending.start()].rstrip(" ,") + ". For example, " + ending["x"].strip().rstrip(".") + (ending["end"] or "")
    for pattern, replacement in _SPLITS:
        sentence = _outside_brackets(sentence, pattern, replacement)
    return sentence


_BRACKET_STEP = {"(": 1, "[": 1, ")": -1, "]": -1}


def _bracket_depths(text: str) -> list[int]:
    """For each character of ``text``, how deep in round or square brackets it is (after it)."""
    depth, depths = 0, []
    for char in text:
        depth += _BRACKET_STEP.get(char, 0)
        depths.append(depth)
    return depths


def _outside_brackets(text: str, pattern: re.Pattern, replacement) -> str:
    spans = _bracket_depths(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        if spans[match.start()] > 0 or match.end() >= len(text):
            continue
        pieces += [text[last:match.start()], replacement(match)]
        last = match.end()
        if pieces[-1].endswith(". ") and text[last].islower():  # the new sentence starts with a capital
            pieces[-1] += text[last].upper()
            last += 1
    return "".join(pieces) + text[last:]


def _base_verb(stem: str) -> str:
    """"giv" (from "giving") -> "give"; "read" -> "read"; "comply" stays."""
    if stem.endswith(("iv", "ak", "at", "ar", "ov", "ur", "os", "us", "ag")):
        return stem + "e"
    return stem


_EXAMPLE_LIST = re.compile(
    r"^(?P<lead>.+?\b(?:including but not limited to|such as|for example,?|e\.g\.,?|including))\s+(?P<items>[^.;:]+?)\.?$",
    re.I | re.S,
)
LIST_ITEMS_FROM = 3  # three or more examples read better as a list (plain-language.md)
_LIST_ITEM_WORDS = 6
# an example is a name ("active angina"); a part with one of these is a clause, and its commas
# are not a list's: "..., or other conditions that would, in the view of the doctor, ..."
_CLAUSE_WORDS = re.compile(r"\b(?:that|which|who|whom|whose|would|could|should|may|might|will|must|if|when|unless|because|in the)\b", re.I)
# nor is a part that starts like a time or a condition ("at the time of screening", "needing ...")
_NOT_AN_EXAMPLE = re.compile(r"^(?:at|on|in|within|during|before|after|prior|for|from|to|with|without|since|until|needing|requiring|[/\-])\b", re.I)


def example_list(plain: str) -> tuple[str, tuple[str, ...]]:
    """A criterion ending in three or more short examples, split into its lead and the examples:
    "have an infection such as HIV, hepatitis B, or hepatitis C." -> ("have an infection such
    as:", ("HIV", "hepatitis B", "hepatitis C")). The words are the same; only "or" or "and"
    before the last example goes, as every example is one of a kind. Anything else: (plain, ())."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", plain.strip())
    match = _EXAMPLE_LIST.match(sentences[-1])
    if not match:
        return plain, ()
    if match["lead"].count("(") != match["lead"].count(")") or match["lead"].count("[") != match["lead"].count("]"):
        return plain, ()  # the marker is inside brackets: "(e.g., ...)"
    items = _top_level_parts(match["items"])
    if len(items) >= 2:
        # "A, B or C" and "A, B and C": the last word joins the list, not the example
        last = re.split(r"\s+(?:or|and)\s+", items[-1])
        if len(last) == 2 and all(last):
            items = items[:-1] + last
    items = [re.sub(r"^(?:or|and)\s+", "", item.strip()) for item in items]
    if len(items) < LIST_ITEMS_FROM or any(
        not item or len(item.split()) > _LIST_ITEM_WORDS or _CLAUSE_WORDS.search(item) or _NOT_AN_EXAMPLE.search(item)
        for item in items
    ):
        return plain, ()
    if _shares_a_head(items):
        return plain, ()
    lead = match["lead"].rstrip(" ,") + ":"
    return " ".join([*sentences[:-1], lead]), tuple(items)


_HEAD_NOUNS = {"disease", "diseases", "function", "functions", "disorder", "disorders", "failure", "problems",
               "conditions", "cancer", "cancers", "infection", "infections", "surgery", "impairment", "insufficiency"}
_ADJECTIVE = re.compile(r"(?:al|ic|ar|ary|ous|ive|ory)$", re.I)


def _shares_a_head(items: list[str]) -> bool:
    """"cardiac, renal or hepatic function": the last noun belongs to every item, so the parts
    are not examples of their own ("cardiac" alone says nothing)."""
    words = [item.split() for item in items]
    return words[-1][-1].lower() in _HEAD_NOUNS and any(_ADJECTIVE.search(w[-1]) for w in words[:-1])


def _top_level_parts(text: str) -> list[str]:
    """``text`` split at commas outside brackets."""
    depths = _bracket_depths(text)
    cuts = [i for i, char in enumerate(text) if char == "," and depths[i] == 0]
    return [text[start + 1:end] for start, end in zip([-1, *cuts], [*cuts, len(text)])]

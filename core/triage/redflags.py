"""Urgency red flags: transparent rules that raise a note's triage priority.

Each rule in :data:`RED_FLAG_RULES` is a named red flag with a severity and a description. A rule fires when
one of its *alternatives* is found: a tuple of concepts (regular expressions over the note) that must all be
asserted present, and, for more than one concept, lie in the same sentence or within ``window`` characters
of each other ("chest pain" with "diaphoresis"; "fever" with "BP 82/50").

Every concept match goes through :func:`core.nlp.context.assert_spans` (``kind="condition"``): negated
("denies chest pain", "negative for SI/HI"), historical ("history of stroke"), family ("mother had a
stroke") and hypothetical ("return if chest pain") mentions do not count. Suspected mentions ("concern
for sepsis", "rule out stroke", status ``possible``) do count: missing a red flag costs more than an extra
look. Each trigger :class:`~core.spans.Span` carries the concept as ``label``, its assertion ``status`` and
exact character offsets into the note.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from core.labels import RED_FLAG_SEVERITIES
from core.spans import Span

__all__ = ["RedFlag", "RedFlagRule", "RED_FLAG_RULES", "CONCEPTS", "FLAG_STATUSES",
           "detect_red_flags"]

FLAG_STATUSES = frozenset({"present", "possible"})

_I = re.IGNORECASE


def _rx(*patterns: str, flags: int = _I) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, flags) for p in patterns)


_SIDE = r"(?:left|right|l|r|one|1)"
_MEASURE_SEP = r"\s*(?:of|was|is|at|:|=)?\s*"

# Concept name -> regular expressions. Matches of the same concept that overlap keep the longest.
CONCEPTS: dict[str, tuple[re.Pattern[str], ...]] = {
    "chest_pain": _rx(r"\bchest\s+(?:pain|pressure|tightness|discomfort|heaviness)\b",
                      r"\bsubsternal\s+(?:chest\s+)?(?:pain|pressure|discomfort)\b", r"\bangina\b"),
    "diaphoresis": _rx(r"\bdiaphore(?:sis|tic)\b", r"\bsweat(?:ing|y)\b", r"\bclammy\b", r"\bcold\s+sweats?\b"),
    "pain_radiation": _rx(r"\bradiat(?:ing|es|ed|ion)\s+(?:(?:down|up|in|into|to|toward)\s+)*"
                          r"(?:the\s+|his\s+|her\s+|both\s+)?(?:(?:left|right|l|r)\s+)?"
                          r"(?:arms?|jaw|neck|shoulders?)\b"),
    "acs": _rx(r"\bN?STEMI\b", r"\bST[- ]?(?:segment\s+)?elevations?\b", r"\bacute\s+coronary\s+syndrome\b",
               r"\bacute\s+(?:MI|myocardial\s+infarction)\b"),
    "stroke_sign": _rx(r"\bfacial\s+(?:droop(?:ing)?|asymmetry|weakness)\b", r"\b(?:face|mouth)\s+droop(?:ing)?\b",
                       r"\bhemi(?:paresis|plegia|paretic|plegic)\b", r"\bslurred\s+speech\b",
                       r"\bslurring\s+(?:of\s+)?(?:his\s+|her\s+)?(?:speech|words)\b", r"\bdysarthri(?:a|c)\b",
                       r"\b(?:expressive\s+|receptive\s+|global\s+)?aphasi(?:a|c)\b", r"\bpronator\s+drift\b",
                       r"\barm\s+drift\b", r"\bfacial\s+palsy\b",
                       rf"\b(?:sudden(?:[- ]onset)?\s+)?(?:unilateral|one[- ]sided|{_SIDE}[- ]sided)\s+"
                       r"(?:weakness|numbness|paralysis)\b",
                       rf"\b(?:sudden(?:[- ]onset)?\s+)?(?:weakness|numbness|paralysis)\s+(?:of|on|in)\s+"
                       rf"(?:the\s+|his\s+|her\s+)?{_SIDE}\s+side\b",
                       r"\b(?:acute\s+|code\s+)?stroke\b", r"\bCVA\b"),
    "suicidal_homicidal": _rx(r"\bsuicidal(?:\s+(?:ideation|ideations|thoughts?|intent|plans?|behaviou?rs?|"
                              r"gestures?|attempts?))?\b",
                              r"\bhomicidal(?:\s+(?:ideation|ideations|thoughts?|intent|plans?))?\b",
                              r"\bsuicide\s+(?:attempts?|plans?|notes?)\b", r"\battempted\s+suicide\b",
                              r"\b(?:wants?|wanted|wanting|plans?|planning|going|intends?|tried|trying|"
                              r"thoughts?\s+of|thinking\s+(?:of|about))\s+(?:to\s+)?(?:kill|killing|hurt|hurting|"
                              r"harm|harming|end)\s+(?:himself|herself|themselves|themself|myself|self|his\s+life|"
                              r"her\s+life|their\s+life|my\s+life|someone|others|other\s+people)\b",
                              r"\bintentional\s+overdose\b", r"\bself[- ]harm(?:ing)?\b")
    + _rx(r"(?<![A-Za-z])(?:SI|HI)(?![A-Za-z])", flags=0),
    "sepsis": _rx(r"\b(?:uro)?sepsis\b", r"\bseptic(?:\s+shock)?\b", r"\bseptic(?:emia|aemia)\b"),
    "fever": _rx(r"\bfevers?\b", r"\bfebrile\b", r"\bpyrexi(?:a|al)\b", r"\brigors\b",
                 rf"\b(?:temp(?:erature)?|tmax|t){_MEASURE_SEP}(?:3[89]|4[0-2])(?:\.\d+)?\s*(?:°\s*)?C?\b",
                 rf"\b(?:temp(?:erature)?|tmax|t){_MEASURE_SEP}(?:100\.[4-9]|10[1-6](?:\.\d+)?)\s*(?:°\s*)?F?\b"),
    "hypotension": _rx(r"\bhypotensi(?:on|ve)\b", r"\blow\s+blood\s+pressure\b",
                       rf"\b(?:bp|blood\s+pressure|sbp){_MEASURE_SEP}(?:[4-8]\d)\s*/\s*\d{{2,3}}\b"),
    "tachycardia": _rx(r"\btachycardi(?:a|c)\b",
                       rf"\b(?:hr|heart\s+rate|pulse){_MEASURE_SEP}(?:1\d\d|2[0-4]\d)\b"),
    "altered_mental_status": _rx(r"\baltered\s+mental\s+status\b", r"\bAMS\b", r"\bconfus(?:ed|ion)\b",
                                 r"\bdisoriented\b", r"\blethargic\b", r"\bobtunded\b", r"\bunresponsive\b",
                                 r"\bdelirium\b"),
    "anaphylaxis": _rx(r"\banaphyla(?:xis|ctic(?:\s+reaction|\s+shock)?)\b", r"\bangioedema\b",
                       r"\bthroat\s+(?:swelling|closing|tightness|closure)\b",
                       r"\b(?:tongue|lips?)\s+swelling\b", r"\bswelling\s+of\s+(?:the\s+)?(?:tongue|lips?|throat)\b"),
    "gi_bleed": _rx(r"\bha?ematemesis\b", r"\bmela?ena\b", r"\bhematochezia\b", r"\bhaematochezia\b",
                    r"\bcoffee[- ]ground\s+(?:emesis|vomit(?:us)?)\b", r"\bvomiting\s+(?:up\s+)?blood\b",
                    r"\bbloody\s+(?:stools?|bowel\s+movements?|emesis|vomit)\b",
                    r"\bblood\s+in\s+(?:the\s+|his\s+|her\s+)?(?:stools?|vomit)\b", r"\bblack,?\s+tarry\s+stools?\b",
                    r"\bbright\s+red\s+blood\s+per\s+rectum\b", r"\bBRBPR\b", r"\b(?:upper\s+|lower\s+)?GI\s+bleed(?:ing)?\b",
                    r"\bgastrointestinal\s+(?:bleed|bleeding|hemorrhage)\b"),
    "respiratory_distress": _rx(r"\bsevere\s+(?:shortness\s+of\s+breath|dyspnea|dyspnoea|SOB|respiratory\s+distress)\b",
                                r"\brespiratory\s+(?:distress|failure|arrest)\b", r"\bhypox(?:ia|ic|emia|emic|aemia)\b",
                                rf"\b(?:sp ?o2|o2\s+sat(?:uration)?s?|sat(?:uration)?s?|oxygen\s+saturation|pulse\s+ox)"
                                rf"{_MEASURE_SEP}(?:[4-8]\d|9[01])\s*%",
                                r"\bunable\s+to\s+speak\s+in\s+(?:full\s+|complete\s+)?sentences\b",
                                r"\baccessory\s+muscle\s+use\b", r"\buse\s+of\s+accessory\s+muscles\b",
                                r"\bcyano(?:sis|tic)\b", r"\bstridor\b", r"\bgasping\b"),
    "thunderclap_headache": _rx(r"\bthunderclap\s+headaches?\b",
                                r"\bworst\s+headache\s+(?:of\s+(?:his|her|my|their|the\s+patient's)\s+life|ever)\b",
                                r"\bsudden[- ](?:onset\s+)?(?:severe\s+)?headache\b"),
    "syncope": _rx(r"\bsyncop(?:e|al)\b", r"\bpassed\s+out\b", r"\bloss\s+of\s+consciousness\b",
                   r"\bfaint(?:ed|ing)\b")
    + _rx(r"\bLOC\b", flags=0),
    "pregnancy": _rx(r"\bpregnan(?:t|cy)\b", r"\bgravid\b", r"\b\d{1,2}\s*(?:weeks?|wks?)\s+(?:gestation|pregnant|GA)\b",
                     r"\bG\d+\s*P\d+", r"\bIUP\b", r"\bintrauterine\s+pregnancy\b", r"\b(?:first|second|third)\s+trimester\b"),
    "heavy_bleeding": _rx(r"\bheavy\s+(?:vaginal\s+)?bleeding\b", r"\bvaginal\s+(?:bleeding|hemorrhage)\b",
                          r"\b(?:ha?emorrhage|ha?emorrhaging)\b", r"\bsoaking\s+(?:through\s+)?(?:\w+\s+)?pads?\b",
                          r"\bpassing\s+(?:large\s+)?clots\b", r"\bbleeding\s+heavily\b"),
    "saddle_anesthesia": _rx(r"\bsaddle\s+(?:an(?:a)?esthesia|numbness|paresthesias?|sensory\s+loss|hypoesthesia)\b",
                             r"\bperineal\s+numbness\b"),
    "bladder_bowel_dysfunction": _rx(r"\burinary\s+(?:retention|incontinence)\b",
                                     r"\b(?:bowel|fecal|faecal|stool)\s+incontinence\b",
                                     r"\bloss\s+of\s+(?:bladder|bowel)\s+(?:control|function)\b",
                                     r"\bunable\s+to\s+(?:urinate|void)\b", r"\bbladder\s+dysfunction\b"),
    "back_pain": _rx(r"\b(?:(?:low|lower)\s+)?back\s+pain\b", r"\blumbar\s+pain\b", r"\bsciatica\b", r"\bLBP\b"),
    "testicular_torsion": _rx(r"\b(?:testicular|testis|spermatic\s+cord)\s+torsion\b", r"\btorsion\s+of\s+the\s+testi(?:s|cle)\b",
                              r"\b(?:sudden|acute|abrupt)(?:[- ]onset)?\s+(?:severe\s+)?(?:testicular|scrotal)\s+pain\b",
                              r"\bhigh[- ]riding\s+test(?:is|icle)\b", r"\babsent\s+cremasteric\s+reflex\b"),
    "acute_vision_loss": _rx(r"\b(?:sudden|acute|abrupt)(?:[- ]onset)?\s+(?:(?:painless|painful|complete|partial|"
                             r"monocular|bilateral|unilateral)\s+)?(?:loss\s+of\s+(?:vision|sight)|vision\s+loss|"
                             r"visual\s+loss|blindness)\b",
                             r"\bamaurosis\s+fugax\b", r"\bcurtain\s+(?:over|across|coming\s+down)\b"),
}


@dataclass(frozen=True)
class RedFlagRule:
    """A named red flag.

    Attributes:
        name: Identifier (``snake_case``), stable across versions.
        severity: ``critical`` or ``high`` (see :data:`core.labels.RED_FLAG_SEVERITIES`).
        description: What the flag means, for the UI legend.
        alternatives: Each a tuple of :data:`CONCEPTS` names that must all be present; any one alternative fires.
        window: For combinations, the largest distance in characters between the concepts' mentions when they
            are not in the same sentence.
    """

    name: str
    severity: str
    description: str
    alternatives: tuple[tuple[str, ...], ...]
    window: int = 200

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "severity": self.severity, "description": self.description,
                "alternatives": [list(a) for a in self.alternatives], "window": self.window}


@dataclass(frozen=True)
class RedFlag:
    """A red flag found in a note; ``triggers`` are the words that raised it (``text[s.start:s.end]``)."""

    name: str
    severity: str
    description: str
    triggers: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "severity": self.severity, "description": self.description,
                "triggers": [t.to_dict() for t in self.triggers]}


RED_FLAG_RULES: tuple[RedFlagRule, ...] = (
    RedFlagRule("acute_coronary_syndrome", "critical",
                "Chest pain with diaphoresis or radiating to the arm, jaw or neck, or ST elevation / acute MI: "
                "possible acute coronary syndrome.",
                (("chest_pain", "diaphoresis"), ("chest_pain", "pain_radiation"), ("acs",))),
    RedFlagRule("stroke_signs", "critical",
                "Focal neurological deficit or stroke signs (facial droop, hemiparesis, slurred speech, aphasia, "
                "sudden one-sided weakness): time-critical stroke evaluation.",
                (("stroke_sign",),)),
    RedFlagRule("suicidal_homicidal_ideation", "critical",
                "Suicidal or homicidal ideation, intent or plan: immediate safety assessment.",
                (("suicidal_homicidal",),)),
    RedFlagRule("sepsis", "critical",
                "Sepsis, or fever with hypotension, tachycardia or altered mental status.",
                (("sepsis",), ("fever", "hypotension"), ("fever", "tachycardia"), ("fever", "altered_mental_status")),
                window=300),
    RedFlagRule("anaphylaxis", "critical",
                "Anaphylaxis or airway swelling (angioedema, throat or tongue swelling).",
                (("anaphylaxis",),)),
    RedFlagRule("gi_bleeding", "high",
                "Gastrointestinal bleeding (hematemesis, melena, hematochezia).",
                (("gi_bleed",),)),
    RedFlagRule("respiratory_distress", "critical",
                "Severe shortness of breath, respiratory distress or hypoxia.",
                (("respiratory_distress",),)),
    RedFlagRule("thunderclap_headache", "critical",
                "Thunderclap or 'worst headache of life': possible subarachnoid hemorrhage.",
                (("thunderclap_headache",),)),
    RedFlagRule("syncope", "high",
                "Syncope or loss of consciousness: evaluate for cardiac and neurological causes.",
                (("syncope",),)),
    RedFlagRule("pregnancy_with_bleeding", "critical",
                "Pregnancy with heavy or vaginal bleeding: possible miscarriage, ectopic pregnancy or hemorrhage.",
                (("pregnancy", "heavy_bleeding"),), window=400),
    RedFlagRule("cauda_equina", "critical",
                "Cauda equina signs: saddle anesthesia, or urinary retention / incontinence with back pain.",
                (("saddle_anesthesia",), ("bladder_bowel_dysfunction", "back_pain")), window=300),
    RedFlagRule("testicular_torsion", "critical",
                "Testicular torsion or sudden severe testicular pain: surgical emergency.",
                (("testicular_torsion",),)),
    RedFlagRule("acute_vision_loss", "critical",
                "Sudden or acute loss of vision (or amaurosis fugax).",
                (("acute_vision_loss",),)),
)


def _check_rules() -> None:
    for rule in RED_FLAG_RULES:
        assert rule.severity in RED_FLAG_SEVERITIES, rule.name
        for alt in rule.alternatives:
            for concept in alt:
                assert concept in CONCEPTS, (rule.name, concept)


_check_rules()

_SENT_END = re.compile(r"[.!?](?=\s)|\n")


def _sentence_ids(text: str):
    bounds = [m.end() for m in _SENT_END.finditer(text)]
    return lambda offset: bisect.bisect_right(bounds, offset)


def _find_concepts(text: str, needed: set[str]) -> list[Span]:
    found: list[Span] = []
    for concept in sorted(needed):
        matches = sorted(((m.start(), m.end()) for rx in CONCEPTS[concept] for m in rx.finditer(text)
                          if m.end() > m.start()), key=lambda se: (se[0], -se[1]))
        last_end = -1
        for start, end in matches:  # keep the longest of overlapping matches of one concept
            if start < last_end:
                continue
            found.append(Span(start, end, concept))
            last_end = end
    return found


def detect_red_flags(text: str) -> list[RedFlag]:
    """Red flags asserted present (or suspected) in ``text``, most severe first, then by position.

    Mentions that are negated, historical, hypothetical or about a family member raise nothing.
    """
    if not text or not text.strip():
        return []
    needed = {c for rule in RED_FLAG_RULES for alt in rule.alternatives for c in alt}
    candidates = _find_concepts(text, needed)
    if not candidates:
        return []
    from core.nlp.context import assert_spans

    present: dict[str, list[Span]] = {}
    for res in assert_spans(text, candidates, kind="condition"):
        if res.status in FLAG_STATUSES:
            sp = res.span
            meta = {"trigger": res.trigger} if res.trigger else {}
            present.setdefault(sp.label, []).append(Span(sp.start, sp.end, sp.label, status=res.status, meta=meta))
    if not present:
        return []
    sentence_of = _sentence_ids(text)

    def near(a: Span, b: Span, window: int) -> bool:
        if sentence_of(a.start) == sentence_of(b.start):
            return True
        return max(a.end, b.end) - min(a.start, b.start) <= window

    flags: list[RedFlag] = []
    for rule in RED_FLAG_RULES:
        triggers: dict[tuple[int, int, str], Span] = {}
        for alt in rule.alternatives:
            if not all(c in present for c in alt):
                continue
            anchor, others = alt[0], alt[1:]
            for a in present[anchor]:
                partners = [[b for b in present[c] if near(a, b, rule.window)] for c in others]
                if all(partners):
                    for sp in (a, *(b for group in partners for b in group)):
                        triggers[(sp.start, sp.end, sp.label)] = sp
        if triggers:
            ordered = tuple(sorted(triggers.values(), key=lambda s: (s.start, s.end, s.label)))
            flags.append(RedFlag(rule.name, rule.severity, rule.description, ordered))
    rank = {s: i for i, s in enumerate(RED_FLAG_SEVERITIES)}
    flags.sort(key=lambda f: (rank[f.severity], f.triggers[0].start))
    return flags

"""Assertion status of drug and condition mentions: one medspaCy ConText pipeline for the whole product.

The caller finds mentions (a model, a dictionary, a rule) and passes their character spans; this module
turns them into spaCy spans, runs ConText (PyRuSH sentence splitting, medspaCy's default rules plus the
project rules below) and returns one :class:`ContextResult` per span: a status and the words that decided
it, with their offsets, so the UI can show *why* a drug reads as negated. The project rules and the
category -> status maps are data, ``data/context_rules.yaml`` (read through :mod:`core.nlp.rules`).

Statuses
    ``kind="drug"``: ``current`` (default), ``negated``, ``allergy``, ``discontinued`` (stopped or held),
    ``historical``, ``hypothetical`` (planned or considered), ``family`` (someone else takes it).

    ``kind="condition"``: ``present`` (default), ``negated``, ``possible`` (suspected, "concern for",
    "consider"), ``historical`` (including a recorded allergic reaction), ``family``, ``hypothetical``
    ("return if ...").

Choosing among several modifiers
    ConText lets every modifier whose scope covers a span modify it ("stopped aspirin, started
    clopidogrel": both verbs cover clopidogrel). The status comes from the *closest* modifier, with two
    refinements: a modifier directly governing another ("denies taking", "stopped taking", "mother takes",
    "no family history of") wins over the one it governs, and ties go to the more specific category
    (allergy > negated > discontinued > hypothetical > possible > family > historical > current).

Lists
    Scopes run to the end of the sentence (or to a terminating word such as "but", "presents with",
    "Medications:"), so every item of "denies taking aspirin, ibuprofen or naproxen" is negated. Do not
    set a small ``max_scope`` on the negation rules: it cuts long lists short.

Thread safety: the pipeline is built once (module-level, under a lock). PyRuSH is not thread-safe (its
FastCNER matcher keeps per-call state: 4 threads on one pipeline crash), so sentence splitting runs under
a second lock; the rest of the pipeline runs concurrently.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from core.labels import CONDITION_STATUSES, DRUG_STATUSES
from core.nlp.rules import context_rules
from core.spans import Span

__all__ = [
    "ContextResult",
    "assert_spans",
    "get_nlp",
    "DRUG_STATUSES",
    "CONDITION_STATUSES",
    "DEFAULT_STATUS",
]

Kind = Literal["drug", "condition"]

DRUG_LABEL = "DRUG"
CONDITION_LABEL = "CONDITION"
_LABELS = {"drug": DRUG_LABEL, "condition": CONDITION_LABEL}

DEFAULT_STATUS = {"drug": "current", "condition": "present"}

_RULES = context_rules()
# ConText category -> status, per kind (``data/context_rules.yaml``). Categories missing from a map are ignored.
_STATUS_MAP: dict[str, dict[str, str]] = {"drug": dict(_RULES.statuses.drug),
                                          "condition": dict(_RULES.statuses.condition)}

# Tie-break between equally close modifiers: most specific first.
_PRECEDENCE = list(_RULES.precedence)
_RANK = {c: i for i, c in enumerate(_PRECEDENCE)}

# Span attributes set by ConText (registered before add_pipe).
_SPAN_ATTRS: dict[str, dict[str, Any]] = {
    "NEGATED_EXISTENCE": {"is_negated": True},
    "POSSIBLE_EXISTENCE": {"is_uncertain": True},
    "PLANNED": {"is_hypothetical": True},
    "HISTORICAL": {"is_historical": True},
    "HYPOTHETICAL": {"is_hypothetical": True},
    "FAMILY": {"is_family": True},
    "ALLERGY": {"is_allergy": True},
    "DISCONTINUED": {"is_discontinued": True},
    "CURRENT": {"is_current": True},
}

_SPAN_GROUP = "notelens_targets"


@dataclass(frozen=True)
class ContextResult:
    """The assertion status of one input span.

    Attributes:
        span: The caller's span, unchanged.
        status: See the module docstring; the default (``current`` / ``present``) when nothing modifies it.
        trigger: Text of the modifier that decided the status ("denies", "allergic to"), or None.
        trigger_start: Character offset of the trigger in the text, or None.
        trigger_end: Character offset one past the trigger, or None.
    """

    span: Span
    status: str
    trigger: str | None = None
    trigger_start: int | None = None
    trigger_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"span": self.span.to_dict(), "status": self.status, "trigger": self.trigger,
                "trigger_start": self.trigger_start, "trigger_end": self.trigger_end}


# --------------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------------


def _project_rules():
    """Rules added to medspaCy's defaults (``data/context_rules.yaml``, see :mod:`core.nlp.rules`)."""
    return _RULES.build()


def _default_rules():
    """medspaCy's English rules, with the few that clash with the project rules adjusted."""
    import importlib.resources

    from medspacy.context import ConTextRule

    path = Path(str(importlib.resources.files("medspacy"))).parent / "resources" / "en" / "context_rules.json"
    data = json.loads(path.read_text(encoding="utf-8"))["context_rules"]
    out = []
    for d in data:
        if d["literal"] == "deny":  # "denied" is a project rule (it also looks backward: "SI: denied")
            d = dict(d, pattern=[{"LOWER": {"IN": ["deny", "denies", "denying"]}}])
        out.append(ConTextRule.from_dict(d))
    return out


_NLP = None
_LOCK = threading.Lock()
_SENT_LOCK = threading.Lock()


def _register_extensions() -> None:
    from spacy.tokens import Span as SpacySpan

    names = {name for attrs in _SPAN_ATTRS.values() for name in attrs}
    for name in sorted(names):
        if not SpacySpan.has_extension(name):
            SpacySpan.set_extension(name, default=False)


def _build():
    import spacy
    from loguru import logger

    logger.disable("PyRuSH")
    import medspacy  # noqa: F401  (registers the factories)

    _register_components()
    _register_extensions()  # before add_pipe: ConText checks custom span_attrs exist
    nlp = spacy.blank("en")
    nlp.add_pipe("medspacy_pyrush")
    nlp.add_pipe("medspacy_target_matcher")
    nlp.add_pipe("notelens_target_group")
    ctx = nlp.add_pipe(
        "medspacy_context",
        config={"rules": None, "span_attrs": _SPAN_ATTRS, "input_span_type": "group",
                "span_group_name": _SPAN_GROUP, "terminating_types": {"FAMILY": ["PATIENT"]}},
    )
    ctx.add(_default_rules())
    ctx.add(_project_rules())
    return nlp


def _register_components() -> None:
    from spacy.language import Language

    if "notelens_target_group" not in Language.factories:

        @Language.component("notelens_target_group")
        def _ensure_group(doc):
            """Make sure ConText's input span group exists (``nlp(text)`` without targets must not fail)."""
            if _SPAN_GROUP not in doc.spans:
                doc.spans[_SPAN_GROUP] = []
            return doc


def get_nlp():
    """The shared spaCy pipeline (built on first use, once per process)."""
    global _NLP
    if _NLP is None:
        with _LOCK:
            if _NLP is None:
                _NLP = _build()
    return _NLP


# --------------------------------------------------------------------------------------------------
# Assertion
# --------------------------------------------------------------------------------------------------


#: Sentence starts of the last notes split (text -> each token's ``is_sent_start``), in memory only: a note's
#: red-flag, drug and condition assertions split it once (PyRuSH is most of an assertion's time), also when a batch
#: runs each task over a bucket of notes in turn (``core.batch.BUCKET`` notes, fewer than kept here).
_SENTS: OrderedDict[str, list[bool]] = OrderedDict()
_SENTS_KEPT = 64


def _split_sentences(pyrush, doc):
    with _SENT_LOCK:  # PyRuSH (PyFastNER) keeps per-call state on the component: not thread-safe
        starts = _SENTS.get(doc.text)
        if starts is None or len(starts) != len(doc):
            doc = pyrush(doc)
            _SENTS[doc.text] = [bool(t.is_sent_start) for t in doc]
            while len(_SENTS) > _SENTS_KEPT:
                _SENTS.popitem(last=False)
            return doc
        _SENTS.move_to_end(doc.text)
    for token, start in zip(doc, starts):
        token.is_sent_start = start
    return doc


def _distance(mod, target) -> int:
    ms, me = mod.modifier_span
    if me <= target.start:
        return target.start - me
    if target.end <= ms:
        return ms - target.end
    return 0


def _governs(a, b) -> bool:
    """True when modifier ``a`` directly precedes and governs ``b`` ("denies taking", "stopped taking",
    "mother takes", "no family history of"): then ``a`` decides, not ``b``."""
    if a.category == b.category:
        return False
    if not (a.category == "NEGATED_EXISTENCE" or b.category == "CURRENT"):
        return False
    if a.direction.upper() not in ("FORWARD", "BIDIRECTIONAL"):
        return False
    a_end, b_start = a.modifier_span[1], b.modifier_span[0]
    return 0 <= b_start - a_end <= 1


def _choose(modifiers, target, kind: str):
    mapping = _STATUS_MAP[kind]
    cands = [m for m in modifiers if m.category in mapping]
    if not cands:
        return None
    cands = [b for b in cands if not any(_governs(a, b) for a in cands if a is not b)] or cands
    return min(cands, key=lambda m: (_distance(m, target), _RANK.get(m.category, 99), m.modifier_span[0]))


def assert_spans(text: str, spans: Sequence[Span], kind: Kind = "drug") -> list[ContextResult]:
    """Status of each span in ``text``, one result per input span and in the same order.

    Args:
        text: The (cleaned) note.
        spans: Character spans of the mentions; they may overlap. Each is widened to whole tokens.
        kind: ``"drug"`` or ``"condition"`` (decides the default status and which rules apply).

    Raises:
        ValueError: unknown kind, or a span outside the text.
    """
    if kind not in _LABELS:
        raise ValueError(f"kind must be 'drug' or 'condition', not {kind!r}")
    n = len(text)
    for sp in spans:
        if not (0 <= sp.start < sp.end <= n):
            raise ValueError(f"span ({sp.start}, {sp.end}) is outside the text (length {n})")
    default = DEFAULT_STATUS[kind]
    if not spans:
        return []

    nlp = get_nlp()
    doc = nlp.make_doc(text)
    label = _LABELS[kind]
    targets = []
    for sp in spans:
        s = doc.char_span(sp.start, sp.end, label=label, alignment_mode="expand")
        targets.append(s)
    doc.spans[_SPAN_GROUP] = [t for t in targets if t is not None]
    for name, proc in nlp.pipeline:
        if name == "medspacy_target_matcher" and not proc.rules:
            continue  # no rules of its own (callers bring the spans); calling it only warns (spaCy W036)
        if name == "medspacy_pyrush":
            doc = _split_sentences(proc, doc)
        else:
            doc = proc(doc)

    results: list[ContextResult] = []
    for sp, t in zip(spans, targets):
        if t is None:  # only whitespace: nothing to assert
            results.append(ContextResult(sp, default))
            continue
        # Span extensions live in doc.user_data keyed by offsets and label, so our Span object sees them.
        mod = _choose(t._.modifiers, t, kind)
        if mod is None:
            results.append(ContextResult(sp, default))
            continue
        ms, me = mod.modifier_span
        trig = doc[ms:me]
        results.append(ContextResult(sp, _STATUS_MAP[kind][mod.category], trig.text, trig.start_char,
                                     trig.end_char))
    return results

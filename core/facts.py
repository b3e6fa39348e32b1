"""Model facts: one card per task, written from what a model recorded about itself, never from hand-written figures.

The headings follow the source attributes ONC's HTI-1 rule asks of predictive decision support interventions
(purpose, cautioned out-of-scope use, development details and input features, fairness process, external
validation, quantitative performance, ongoing maintenance and update schedule). Every figure comes from the serving
artifact's ``metadata.json`` (:func:`core.modeling.load_info`), the evaluations recorded beside it
(:func:`core.modeling.evaluations`) and the registry's history (:func:`core.registry.history`); the words (what the
model is for, what it must not be used for, what was and was not done for fairness) come from
``core/knowledge/data/model_facts.yaml``, whose schema refuses figures. What is missing says so ("unknown", "not
measured") instead of being left out, so a card never looks more complete than the model's record.

Functions take the task itself (anything with ``name``, ``artifact`` and ``description``, as
:class:`core.registry.ModelTask`), not its name: this module sits below ``core.tasks``.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Protocol

from pydantic import AfterValidator, Field

from core import registry
from core.knowledge.schema import Row, load_cached
from core.metrics import headline_figures
from core.modeling import ArtifactInfo, current_artifact, evaluations, load_info

FACTS_PATH = Path(__file__).resolve().parent / "knowledge" / "data" / "model_facts.yaml"
UNKNOWN = "unknown"
NOT_RECORDED = "not recorded in the metadata"
#: How an evaluation entry names its set (the same words as :mod:`core.tasks.comparison`, checked in the tests).
LOCKED, SYNTHETIC, FILE = "locked gold split", "synthetic held-out", "file"
#: Figures worth a column, in this order (classification, span tagging, ranking, treatment evaluation files).
HEADLINE = ("accuracy", "macro_f1", "selective_accuracy", "coverage", "ece", "strict_f1", "lenient_f1",
            "strict_recall", "lenient_recall", "ndcg@3", "top1_agreement", "precision_at_3", "precision_at_5")
#: Training facts shown from ``metadata["training"]``: key -> how the card names it (absent keys are left out,
#: except the first three, which say "unknown").
TRAINING_FACTS = (("source", "data source"), ("n_train", "training examples"), ("n_val", "held-out examples"),
                  ("n_notes", "synthesized training notes"), ("n_passages", "synthesized passages"),
                  ("val_notes", "held-out notes"), ("val_passages", "held-out passages"), ("windows", "token windows"),
                  ("tokens", "tokens"), ("epochs", "epochs"), ("steps", "optimizer steps"),
                  ("seconds", "training time (s)"), ("stopped_early", "stopped early (time limit)"),
                  ("max_length", "training window (tokens)"), ("infer_max_length", "inference window (tokens)"))
#: Weakest classes or labels shown per measured set.
WEAKEST = 3
SHA_PREFIX = 12
_FIGURE = re.compile(r"\d+\.\d+|\d+\s*%")
_CODE = re.compile(r"(`[^`\n]+`)")


# -- the narrative data file -----------------------------------------------------------------------------------
def _no_figures(text: str) -> str:
    """A narrative with a decimal or a percentage in it is refused: figures come from the model's record."""
    found = _FIGURE.search(text)
    if found:
        raise ValueError(f"a figure ({found.group(0)!r}) is written in words: figures come from the model's metadata "
                         "and evaluations, not from this file")
    return text


Text = Annotated[str, Field(min_length=1), AfterValidator(_no_figures)]
Lines = Annotated[tuple[Text, ...], Field(min_length=1)]


class TaskNarrative(Row):
    """What a card says in words about one task."""

    output: Text
    purpose: Text
    intended_users: Text
    decision_role: Text
    out_of_scope: Lines
    input_features: Text
    vocabularies: Lines
    held_out: Text
    fairness_done: Lines
    fairness_not_done: Lines
    limitations: Lines
    update_schedule: Text | None = None        # default: the file's


class NarrativeFile(Row):
    """``model_facts.yaml``: the developer, how every model is maintained, and each task's words."""

    developer: Text
    maintenance: Lines                          # ``{task}`` is the task's command-line name
    update_schedule: Text
    explanation: Text                           # ``{method}`` is the task's default explanation method
    tasks: dict[str, TaskNarrative]


def narratives(path: Path = FACTS_PATH) -> NarrativeFile:
    """The narrative file, validated (cached per path).

    Raises:
        core.knowledge.schema.DataFileError: the file does not follow :class:`NarrativeFile`.
    """
    return load_cached(Path(path), NarrativeFile)


# -- the card ------------------------------------------------------------------------------------------------------
class FactsTask(Protocol):
    """What a card needs of a task (a :class:`core.tasks.Task`)."""

    name: str
    artifact: str
    description: str


@dataclass(frozen=True)
class Measurement:
    """One set a version was measured on: at training (from the metadata) or recorded since (``evaluations.jsonl``)."""

    kind: str                                   # LOCKED, SYNTHETIC, FILE, or "training" (the metadata's)
    data: str                                   # the set's name, or the file's name
    date: str
    sha256: str                                 # prefix, "" when not recorded
    n: int | None
    figures: dict[str, float]
    command: str                                # what reproduces it

    def row(self) -> dict[str, Any]:
        return {"set": self.data, "n": self.n, **self.figures, "date": self.date, "sha256": self.sha256 or "-"}


@dataclass(frozen=True)
class Weakness:
    """A class or label among the weakest of one measured set."""

    measured_on: str
    label: str
    f1: float
    support: int | None = None


@dataclass(frozen=True)
class Section:
    """One heading of a card: plain-text lines (escape them before Markdown: :func:`markdown_line`), a table, and
    commands (shown as code)."""

    key: str
    heading: str
    lines: tuple[str, ...] = ()
    table: tuple[dict[str, Any], ...] = ()
    commands: tuple[str, ...] = ()


@dataclass
class ModelFacts:
    """Everything one card shows for a task, with the figures already read from the model's record."""

    task: str
    description: str
    trained: bool
    narrative: dict[str, Any]
    developer: str
    version: str = UNKNOWN
    created: str = UNKNOWN
    data_hash: str = UNKNOWN
    seed: int | str = UNKNOWN
    base_model: str = UNKNOWN
    device: str = NOT_RECORDED
    labels: list[str] = field(default_factory=list)
    training: list[dict[str, Any]] = field(default_factory=list)
    calibration: dict[str, Any] = field(default_factory=dict)
    synthetic: list[Measurement] = field(default_factory=list)
    external: list[Measurement] = field(default_factory=list)
    weaknesses: list[Weakness] = field(default_factory=list)
    explanation_method: str = UNKNOWN
    faithfulness: list[dict[str, Any]] = field(default_factory=list)
    last_switch: dict[str, Any] | None = None
    switches: int = 0
    problem: str = ""                           # why the record could not be read, when it could not
    sections: list[Section] = field(default_factory=list)

    @property
    def locally_validated(self) -> bool:
        """Whether notes reviewed at this site (the locked gold split) were scored for this version."""
        return any(m.kind == LOCKED for m in self.external)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def headline(metrics: dict[str, Any]) -> dict[str, float]:
    """The headline figures of one measurement (span F1s and recalls sit under ``strict`` / ``lenient``)."""
    return headline_figures(metrics, HEADLINE)


def _size(metrics: dict[str, Any]) -> int | None:
    for key in ("n", "n_docs", "n_diseases"):
        if _number(metrics.get(key)):
            return int(metrics[key])
    return None


def kind_of(entry: dict[str, Any]) -> str:
    """Which kind of set a recorded evaluation measured: the locked gold split, synthesized notes, or a file."""
    data, named = str(entry.get("data", "")), entry.get("set")
    if named == LOCKED or data == LOCKED:
        return LOCKED
    if named == SYNTHETIC or data.startswith(SYNTHETIC):
        return SYNTHETIC
    return FILE


def reproduce(task: str, entry: dict[str, Any], version: str) -> str:
    """The command that measures ``version`` on the entry's set again."""
    kind = kind_of(entry)
    if kind == LOCKED or entry.get("compared_with"):
        other = str(entry.get("compared_with") or "SERVING")
        return f"notelens models compare {task} {shlex.quote(version)} {shlex.quote(other)}"
    if kind == SYNTHETIC:
        return f"notelens evaluate {task}"
    maps = " ".join(f"--label-map {shlex.quote(f'{a}={b}')}" for a, b in sorted((entry.get("label_map") or {}).items()))
    return f"notelens evaluate {task} --data {shlex.quote(str(entry.get('data', '')))}" + (f" {maps}" if maps else "")


def measurement(task: str, entry: dict[str, Any], version: str) -> Measurement:
    """A recorded evaluation as a card shows it (the file's name, not its folder; a hash prefix)."""
    kind = kind_of(entry)
    data = str(entry.get("data", "")) or UNKNOWN
    metrics = entry.get("metrics") if isinstance(entry.get("metrics"), dict) else {}
    return Measurement(kind=kind, data=Path(data).name if kind == FILE else data,
                       date=str(entry.get("date") or UNKNOWN), sha256=str(entry.get("sha256") or "")[:SHA_PREFIX],
                       n=_size(metrics), figures=headline(metrics), command=reproduce(task, entry, version))


def _training_measurements(task: str, info: ArtifactInfo) -> list[Measurement]:
    """The figures measured when the model was trained: ``validation`` first, then any other set the trainer scored
    (held-out drug identities, held-out condition names, the ranker before fine-tuning)."""
    metrics = info.metrics or {}
    source = str(metrics.get("validation_source") or UNKNOWN)
    out = []
    for key, value in sorted(metrics.items(), key=lambda kv: (kv[0] != "validation", kv[0])):
        if not isinstance(value, dict):
            continue
        name = (f"{SYNTHETIC} at training ({source})" if key == "validation"
                else f"{key.replace('_', ' ')} at training")
        out.append(Measurement(kind="training", data=name, date=info.created, sha256="", n=_size(value),
                               figures=headline(value), command=f"notelens evaluate {task}"))
    return out


def _per_label(metrics: dict[str, Any]) -> dict[str, tuple[float, int | None]]:
    """Label -> (F1, support) of one measurement: triage's ``per_class``, or a span task's strict ``per_label``."""
    if isinstance(metrics.get("per_class"), dict):
        return {str(k): (float(v), None) for k, v in metrics["per_class"].items() if _number(v)}
    strict = metrics.get("strict") if isinstance(metrics.get("strict"), dict) else {}
    per = strict.get("per_label") if isinstance(strict.get("per_label"), dict) else {}
    return {str(k): (float(v["f1"]), v.get("support") if _number(v.get("support")) else None)
            for k, v in per.items() if isinstance(v, dict) and _number(v.get("f1"))}


def weaknesses(info: ArtifactInfo, entries: list[dict[str, Any]], k: int = WEAKEST) -> list[Weakness]:
    """The ``k`` lowest per-class (per-label) F1 of the held-out set at training and of the latest measurement of
    every file since, lowest first within each set."""
    sets: dict[str, dict[str, Any]] = {}
    if isinstance((info.metrics or {}).get("validation"), dict):
        sets[f"{SYNTHETIC} at training"] = info.metrics["validation"]
    for e in entries:  # oldest first: the latest of each set wins
        if isinstance(e.get("metrics"), dict):
            name = str(e.get("data", ""))
            sets[Path(name).name if kind_of(e) == FILE else name] = e["metrics"]
    out = []
    for name, metrics in sets.items():
        ranked = sorted(_per_label(metrics).items(), key=lambda kv: (kv[1][0], kv[0]))[:k]
        out.extend(Weakness(name, label, round(f1, 4), support) for label, (f1, support) in ranked)
    return out


def _faithfulness(info: ArtifactInfo, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Faithfulness measurements of this version's explanations, where any was recorded (metadata ``faithfulness``,
    or an evaluation whose figures hold ``comprehensiveness``)."""
    found = []
    recorded = (info.metrics or {}).get("faithfulness")
    if isinstance(recorded, dict):
        found.append({"measured on": "at training", "date": info.created, **recorded})
    for e in entries:
        m = e.get("metrics") if isinstance(e.get("metrics"), dict) else {}
        if _number(m.get("comprehensiveness")):
            found.append({"measured on": str(e.get("data", "")), "date": e.get("date"),
                          **{k: m[k] for k in ("method", "n", "comprehensiveness", "comprehensiveness_median",
                                               "sufficiency", "delta_abs_mean", "warned_share", "seconds_median")
                             if k in m}})
    return found


def _device(training: dict[str, Any]) -> str:
    name = training.get("device_name") or training.get("device")
    if not name:
        return NOT_RECORDED
    bf16 = training.get("bf16")
    return f"{name}" + ("" if bf16 is None else f" (bfloat16 autocast {'on' if bf16 else 'off'})")


def build(task: FactsTask, *, models_dir: Path | None = None, path: Path | None = None,
          narrative_path: Path = FACTS_PATH) -> ModelFacts:
    """The card of ``task``'s serving model (or of the artifact at ``path``); a task with no model gets a card that
    says so, with its words but no figures.

    Raises:
        core.knowledge.schema.DataFileError: the narrative file is malformed.
        KeyError: the narrative file has no entry for the task.
    """
    from core.explain.attribution import DEFAULT_METHODS, METHODS

    words = narratives(narrative_path)
    if task.name not in words.tasks:
        raise KeyError(f"{narrative_path.name} has no entry for {task.name}")
    facts = ModelFacts(task=task.name, description=task.description, trained=False,
                       narrative=words.tasks[task.name].model_dump(), developer=words.developer)
    method = DEFAULT_METHODS.get(task.name)
    facts.explanation_method = METHODS.get(method, method) if method else UNKNOWN
    hist = registry.history(task, models_dir)
    facts.switches = len(hist)
    facts.last_switch = ({k: hist[-1].get(k) for k in ("at", "action", "from", "to", "reason")} if hist else None)
    path = path or current_artifact(task.artifact, models_dir)
    if path is not None:
        try:
            info = load_info(path)
        except (OSError, ValueError, TypeError) as exc:
            facts.problem = f"the model's metadata could not be read ({type(exc).__name__})"
        else:
            _fill(facts, task.name, info, evaluations(path))
    facts.sections = sections(facts, words)
    return facts


def _fill(facts: ModelFacts, task: str, info: ArtifactInfo, entries: list[dict[str, Any]]) -> None:
    training = info.training or {}
    facts.trained = True
    facts.version, facts.created = info.version or UNKNOWN, info.created or UNKNOWN
    facts.data_hash, facts.base_model = info.data_hash or UNKNOWN, info.base_model or UNKNOWN
    facts.seed = info.seed if info.seed is not None else UNKNOWN
    facts.device = _device(training)
    facts.labels = list(dict.fromkeys(re.sub(r"^[BI]-", "", str(label)) for label in info.labels if label != "O"))
    facts.training = [{"fact": name, "value": training.get(key, UNKNOWN)} for i, (key, name)
                      in enumerate(TRAINING_FACTS) if i < 3 or key in training]
    if "validation_source" in (info.metrics or {}):
        facts.training.append({"fact": "held-out source", "value": info.metrics["validation_source"]})
    if "kb_version" in (info.metrics or {}):
        facts.training.append({"fact": "knowledge base version", "value": info.metrics["kb_version"]})
    facts.calibration = dict(info.calibration or {})
    measured = [measurement(task, e, facts.version) for e in entries  # faithfulness: its own section, below
                if "comprehensiveness" not in (e.get("metrics") if isinstance(e.get("metrics"), dict) else {})]
    facts.synthetic = _training_measurements(task, info) + [m for m in measured if m.kind == SYNTHETIC]
    facts.external = [m for m in measured if m.kind != SYNTHETIC]
    facts.weaknesses = weaknesses(info, entries)
    facts.faithfulness = _faithfulness(info, entries)


# -- headings --------------------------------------------------------------------------------------------------------
def _value(v: Any) -> str:
    return UNKNOWN if v is None or v == "" else str(v)


def sections(facts: ModelFacts, words: NarrativeFile) -> list[Section]:
    """The card's headings, in HTI-1's order, as plain text and tables."""
    n = facts.narrative
    untrained = (f"No {facts.task} model is trained yet (`notelens train {facts.task}`): no figure to show."
                 if not facts.problem else f"No figure to show: {facts.problem}.")
    out = [
        Section("purpose", "Purpose and intended use",
                (f"Output: {n['output']}", f"Purpose: {n['purpose']}", f"Intended users: {n['intended_users']}",
                 f"Role in decisions: {n['decision_role']}", f"Developer: {words.developer}")),
        Section("out_of_scope", "Cautioned out-of-scope use", tuple(n["out_of_scope"])),
    ]
    dev = [f"Input features: {n['input_features']}", f"Base encoder: {facts.base_model}",
           "Training data synthesized from: " + "; ".join(n["vocabularies"]) + ".", f"Held out: {n['held_out']}"]
    if facts.labels:
        dev.append(f"Outputs learned ({len(facts.labels)}): " + ", ".join(facts.labels))
    out.append(Section("development", "Development details and input features",
                       tuple(dev) if facts.trained else (*dev, untrained), tuple(facts.training)))
    out.append(Section("fairness", "Fairness process",
                       tuple(f"Done: {x}" for x in n["fairness_done"])
                       + tuple(f"Not done: {x}" for x in n["fairness_not_done"])))
    out.append(_external(facts))
    perf = [] if facts.trained else [untrained]
    if facts.calibration:
        perf.append("Calibration: " + ", ".join(f"{k} {round(v, 4) if isinstance(v, float) else v}"
                                                for k, v in sorted(facts.calibration.items())))
    elif facts.trained:
        perf.append("Calibration: not measured (this task reports no calibrated probability).")
    perf.append("Synthetic held-out notes first (what the model was trained to do), then every evaluation recorded "
                "since." if facts.trained else "")
    out.append(Section("performance", "Quantitative performance", tuple(p for p in perf if p),
                       tuple(m.row() for m in facts.synthetic + facts.external)))
    weak = [untrained] if not facts.trained else (
        [f"The {WEAKEST} lowest F1 per measured set (strict span F1 for entity labels)."] if facts.weaknesses else
        ["Not measured: no per-class or per-label figure is recorded for this model."]) + list(n["limitations"])
    out.append(Section("weaknesses", "Known weaknesses and limitations", tuple(weak),
                       tuple({"measured on": w.measured_on, "class or label": w.label, "F1": w.f1,
                              **({"support": w.support} if w.support is not None else {})}
                             for w in facts.weaknesses)))
    expl = [words.explanation.format(method=facts.explanation_method)]
    if not facts.faithfulness:
        expl.append("Faithfulness of this version: not measured (no comprehensiveness or sufficiency is recorded in "
                    "its metadata or evaluations); each explanation the pages show reports its own.")
    out.append(Section("explanation", "Explanation method and measured faithfulness", tuple(expl),
                       tuple(facts.faithfulness)))
    out.append(Section("provenance", "Version and provenance", () if facts.trained else (untrained,),
                       tuple({"fact": k, "value": _value(v)} for k, v in (
                           ("version", facts.version), ("trained", facts.created), ("data hash", facts.data_hash),
                           ("seed", facts.seed), ("device", facts.device))) if facts.trained else ()))
    out.append(_maintenance(facts, words))
    return out


def _external(facts: ModelFacts) -> Section:
    local = [m for m in facts.external if m.kind == LOCKED]
    files = [m for m in facts.external if m.kind == FILE]
    lines = []
    if not local:
        lines.append("No validation on real notes from this site: no note reviewed here (the locked gold split) was "
                     "scored for this version.")
    else:
        lines.append(f"Scored {len(local)} time(s) on the locked gold split: notes reviewed at this site, never "
                     "trained on.")
    if files:
        lines.append(f"{len(files)} evaluation(s) of labelled files were measured on this installation (below, with "
                     "the command that repeats each). NoteLens does not know where a file's notes come from: a public "
                     "benchmark is not this site's notes.")
    else:
        lines.append("No evaluation file was measured on this installation for this version "
                     f"(`notelens evaluate {facts.task} --data FILE` records one).")
    return Section("external", "External validation", tuple(lines),
                   tuple({"data": m.data, "n": m.n, **m.figures, "kind": m.kind, "date": m.date,
                          "sha256": m.sha256 or "-"} for m in facts.external),
                   tuple(dict.fromkeys(m.command for m in facts.external)))


def _maintenance(facts: ModelFacts, words: NarrativeFile) -> Section:
    lines = [line.format(task=facts.task) for line in words.maintenance]
    sw = facts.last_switch
    if sw:
        lines.append(f"Last switch: {sw.get('action') or UNKNOWN} on {_value(sw.get('at'))}, from "
                     f"{_value(sw.get('from'))} to {_value(sw.get('to'))}"
                     + (f" (reason: {sw['reason']})" if sw.get("reason") else "") + f"; {facts.switches} recorded.")
    else:
        lines.append("No promotion or roll back recorded: the serving version was made current when it was trained.")
    lines.append(f"Update schedule: {facts.narrative.get('update_schedule') or words.update_schedule}")
    return Section("maintenance", "Ongoing maintenance and update schedule", tuple(lines))


# -- rendering -------------------------------------------------------------------------------------------------------
def markdown_line(text: str) -> str:
    """``text`` safe for Markdown: everything escaped (:func:`core.explain.render.escape_markdown`) except code
    spans, which Markdown shows as they are."""
    from core.explain.render import escape_markdown

    return "".join(part if i % 2 else escape_markdown(part) for i, part in enumerate(_CODE.split(text)))


def _cell(v: Any) -> str:
    from core.explain.render import escape_markdown

    return escape_markdown(_value(v)).replace("\n", " ")


def facts_markdown(facts: ModelFacts) -> str:
    """The card as a Markdown document (every string escaped; tables as pipe tables, commands as code blocks)."""
    out = [f"## {markdown_line(facts.task)}: {markdown_line(facts.description)}", ""]
    for s in facts.sections:
        out += [f"### {s.heading}", ""]
        out += [f"- {markdown_line(line)}" for line in s.lines] + ([""] if s.lines else [])
        if s.table:
            cols = list(dict.fromkeys(k for row in s.table for k in row))
            out += ["| " + " | ".join(_cell(c) for c in cols) + " |", "|" + "---|" * len(cols)]
            out += ["| " + " | ".join(_cell(row.get(c)) for c in cols) + " |" for row in s.table] + [""]
        if s.commands:
            out += [f"    {c}" for c in s.commands] + [""]
    return "\n".join(out)

"""The Streamlit side of NoteLens: cached resources and per-session state (the only core module importing streamlit).

- Shared resources (``st.cache_resource``, one per process, shared by every user): the triage pipeline,
  keyed by its artifact folder so that training a new version makes the next run load it, and the
  database (migrated once). Nothing computed from a note is cached here.
- Per-session state (``st.session_state``): the last triage result and the prediction ids already
  recorded for (note hash, model version), so reruns neither recompute nor store a prediction twice.
  Explanations are cached in memory by the attribution engine itself (keyed by model version, note hash,
  service and method), never on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from core.labels import service_title

TASK = "triage"
SAMPLES_DIR = Path(__file__).resolve().parent.parent / "assets" / "samples"
TRAIN_HINT = ("No triage model is trained yet. Run `make run` (it trains the default models, about a minute "
              "on a laptop), or `python -m core.cli train triage`, then reload this page.")

_RUN_KEY = "triage_run"
TARGET_KEY = "explain_target"
METHOD_KEY = "explain_method"
FEEDBACK_DONE_KEY = "feedback_done"
_PREDICTIONS_KEY = "recorded_predictions"


class ModelMissing(RuntimeError):
    """No triage model is trained (the message says how to train one)."""


# -- shared resources -------------------------------------------------------------------------------
@st.cache_resource(show_spinner="Loading the triage model...", max_entries=2)
def _load_pipeline(artifact: str) -> Any:
    from core.triage.pipeline import TriagePipeline

    return TriagePipeline.from_artifact(Path(artifact))


def triage_pipeline() -> Any | None:
    """The current triage pipeline, or None when no model is trained."""
    from core.modeling import current_artifact

    path = current_artifact(TASK)
    return None if path is None else _load_pipeline(str(path))


def require_pipeline() -> Any:
    pipe = triage_pipeline()
    if pipe is None:
        raise ModelMissing(TRAIN_HINT)
    return pipe


@st.cache_resource(show_spinner=False)
def _database(url: str) -> Any:
    from core.db.engine import init_db

    return init_db(url)


def database() -> Any:
    """The migrated database engine (migrations run once per process and URL)."""
    from core.config import get_settings

    return _database(get_settings().database_url)


def model_summary() -> dict[str, str]:
    """Model version and device for the sidebar (loads the model if needed)."""
    pipe = triage_pipeline()
    if pipe is None:
        return {"version": "none trained", "device": "-"}
    return {"version": pipe.version, "device": str(pipe.device)}


# -- input ------------------------------------------------------------------------------------------
def sample_notes() -> dict[str, Path]:
    """Sample notes shipped in ``assets/samples``: display name -> file."""
    return {p.stem.replace("_", " ").capitalize(): p for p in sorted(SAMPLES_DIR.glob("*.txt"))}


def read_upload(data: bytes) -> str:
    """Text of an uploaded ``.txt`` file.

    Raises:
        NoteError: the file is empty or does not look like text.
    """
    from core.text import NoteError, clean_note, decode_note

    text = decode_note(data)
    bad = text.count("\ufffd") + sum(1 for c in text if c == "\x00")
    if text and bad > max(3, 0.02 * len(text)):
        raise NoteError("This file does not look like plain text: upload a .txt file of the note.")
    return clean_note(text)


NOTE_KEY = "note_text"
SAMPLE_KEY = "sample_choice"
UPLOAD_KEY = "note_upload"
INPUT_ERROR_KEY = "input_error"


def on_sample_chosen(prefix: str = "") -> None:
    """Callback: put the chosen sample note in the text box (``prefix`` tells pages' widgets apart)."""
    name = st.session_state.get(prefix + SAMPLE_KEY)
    path = sample_notes().get(name) if name else None
    if path is not None:
        st.session_state[prefix + NOTE_KEY] = path.read_text(encoding="utf-8")
        st.session_state.pop(prefix + INPUT_ERROR_KEY, None)


def on_file_uploaded(prefix: str = "") -> None:
    """Callback: put the uploaded file's text in the text box (or keep the box and report why not)."""
    from core.text import NoteError

    upload = st.session_state.get(prefix + UPLOAD_KEY)
    if upload is None:
        return
    try:
        st.session_state[prefix + NOTE_KEY] = read_upload(upload.getvalue())
        st.session_state.pop(prefix + INPUT_ERROR_KEY, None)
    except NoteError as err:
        st.session_state[prefix + INPUT_ERROR_KEY] = f"{upload.name}: {err}"


def input_error(prefix: str = "") -> str | None:
    """A problem with the last upload, to show above the text box."""
    return st.session_state.get(prefix + INPUT_ERROR_KEY)


# -- triage -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoteRun:
    """One note as a page shows it: the cleaned text, its hash, the model's result and the stored prediction."""

    text: str
    note_hash: str
    result: Any  # TriageResult, DrugResult or TreatmentResult
    prediction_id: int
    seconds: float

    @property
    def model_version(self) -> str:
        return self.result.model_version


def _read_note(raw_text: str, task: str, get_model: Any, run_key: str, reset: tuple[str, ...],
               stored: Any = None) -> NoteRun:
    """Clean ``raw_text``, run ``get_model()`` on it, record the prediction once and keep the run in the session.

    The note is cleaned first, so bad input is reported even when no model is trained. ``stored`` wraps the
    result for the database (default: the result itself). The keys in ``reset`` (a previous note's
    explanation choice and feedback) are dropped.
    """
    import time

    from core.text import clean_note

    text = clean_note(raw_text)
    model = get_model()
    t0 = time.perf_counter()
    result = model(text)
    seconds = time.perf_counter() - t0
    digest, prediction_id = _record_once(task, text, stored(result) if stored else result)
    run = NoteRun(text, digest, result, prediction_id, seconds)
    st.session_state[run_key] = run
    for key in reset:
        st.session_state.pop(key, None)
    return run


def run_triage(raw_text: str) -> NoteRun:
    """Clean, triage and record one note; keep it in the session.

    The prediction (hash of the note, output, model version) is stored once per (note, model version)
    in this session; the note itself is not stored.

    Raises:
        NoteError: the note is empty or too long (message fit for the user).
        ModelMissing: no model is trained.
    """
    # a new note: explain its top service, fresh feedback
    return _read_note(raw_text, TASK, require_pipeline, _RUN_KEY, (TARGET_KEY, METHOD_KEY, FEEDBACK_DONE_KEY))


def _record_once(task: str, text: str, result: Any) -> tuple[str, int]:
    """(note hash, prediction id): the prediction is stored once per (task, note, model version) per session."""
    from core.db.store import record_prediction
    from core.text import note_hash

    database()
    digest = note_hash(text)
    recorded: dict[tuple[str, str, str], int] = st.session_state.setdefault(_PREDICTIONS_KEY, {})
    key = (task, digest, result.model_version)
    if key not in recorded:
        recorded[key] = record_prediction(task, result.model_version, text, result.to_dict())
    return digest, recorded[key]


def current_run() -> NoteRun | None:
    """The last triage of this session, if any."""
    return st.session_state.get(_RUN_KEY)


def clear_run() -> None:
    st.session_state.pop(_RUN_KEY, None)


def outcome_text(result: Any) -> tuple[str, str]:
    """(headline, explanation) of a triage outcome, in plain words."""
    title = service_title(result.service)
    if result.uncertain:
        return ("Uncertain: route to a human",
                f"The most likely service is {title} at {result.confidence:.0%}, below the "
                f"{result.threshold:.0%} confidence threshold. The threshold was set on held-out synthetic "
                "notes so that the answers given above it are right 9 times in 10 there (on real "
                "transcriptions about 85 in 100); below it the model does not decide, a person does.")
    return (f"Route to {title}",
            f"Calibrated probability {result.confidence:.0%} (above the {result.threshold:.0%} threshold "
            "under which the model defers to a human).")


def red_flag_rows(result: Any, text: str) -> list[dict[str, Any]]:
    """Red flags, most severe first: name, severity, description, trigger words."""
    rank = {"critical": 0, "high": 1, "urgent": 1, "moderate": 2, "medium": 2, "low": 3}
    rows = []
    for flag in result.red_flags:
        triggers = []
        for t in flag.triggers:
            word = text[t.start:t.end]
            if word not in triggers:
                triggers.append(word)
        rows.append({"name": str(flag.name).replace("_", " ").capitalize(), "severity": str(flag.severity),
                     "description": getattr(flag, "description", "") or "", "triggers": triggers,
                     "spans": tuple(flag.triggers)})
    rows.sort(key=lambda r: rank.get(r["severity"].lower(), 2))
    return rows


def is_severe(severity: str) -> bool:
    return severity.lower() in ("critical", "high", "urgent")


# -- explanations -----------------------------------------------------------------------------------
#: Notes covering more token windows than this are explained with gradient x input by default (Integrated
#: Gradients takes minutes on them on a CPU); the user can still switch.
IG_DEFAULT_MAX_WINDOWS = 2


def default_method(run: NoteRun) -> str:
    """The triage default (:data:`core.explain.attribution.DEFAULT_METHODS`) for notes of up to
    ``IG_DEFAULT_MAX_WINDOWS`` windows, else gradient x input (seconds, not minutes)."""
    from core.explain.attribution import DEFAULT_METHODS

    return DEFAULT_METHODS["triage"] if run.result.n_windows <= IG_DEFAULT_MAX_WINDOWS else "gxi"


def explain_run(run: NoteRun, target: str, method: str) -> Any:
    """Word-level explanation of ``run`` for ``target`` (cached in memory by the attribution engine)."""
    from core.explain.attribution import explain_triage

    pipe = require_pipeline()
    if pipe.version != run.model_version:
        raise ModelMissing("The model changed since this note was triaged: press Triage again.")
    return explain_triage(pipe, run.text, target, method=method)


# -- feedback ---------------------------------------------------------------------------------------
def current_user() -> tuple[str, str]:
    """(name, role) entered in the sidebar."""
    return (str(st.session_state.get("user_name") or "").strip(), str(st.session_state.get("user_role") or ""))


def submit_feedback(run: NoteRun, *, verdict: str, correction: str | None, comment: str | None) -> int:
    """Record the signed-in user's verdict on ``run``, with the note text (needed to retrain).

    Raises:
        ValueError: no user name, or invalid input (message fit for the user).
    """
    from core.db.store import record_feedback

    name, role = current_user()
    if not name:
        raise ValueError("Enter your name in the sidebar before sending feedback.")
    if verdict == "wrong" and not correction:
        raise ValueError("Choose the service this note should go to.")
    database()
    feedback_id = record_feedback(run.prediction_id, user_name=name, user_role=role, verdict=verdict,
                                  correction=correction, comment=comment or None, note_text=run.text)
    st.session_state[FEEDBACK_DONE_KEY] = (feedback_id, verdict, correction)
    return feedback_id


def feedback_done() -> tuple[int, str, str | None] | None:
    """(feedback id, verdict, correction) of the feedback sent on the current result, if any."""
    return st.session_state.get(FEEDBACK_DONE_KEY)


def feedback_frame(*, show_text: bool = False, limit: int = 500) -> Any:
    """Recent triage feedback as a DataFrame (note text only when ``show_text``)."""
    import pandas as pd

    from core.db.store import list_feedback

    database()
    rows = []
    for r in list_feedback(TASK, limit=limit):
        out = r.output or {}
        predicted = out.get("service")
        row = {
            "time": r.created_at.astimezone().replace(tzinfo=None),
            "user": r.user_name, "role": r.user_role, "verdict": r.verdict,
            "predicted": service_title(predicted) if predicted else "",
            "confidence": out.get("confidence"),
            "corrected": service_title(r.correction) if isinstance(r.correction, str) else "",
            "comment": r.comment or "", "model version": r.model_version, "id": r.id,
        }
        if show_text:
            row["note"] = r.note_text or ""
        rows.append(row)
    columns = ["time", "user", "role", "verdict", "predicted", "confidence", "corrected", "comment",
               "model version", "id"] + (["note"] if show_text else [])
    return pd.DataFrame(rows, columns=columns)


# -- drugs ------------------------------------------------------------------------------------------
DRUG_TASK = "drugs"
DRUG_PREFIX = "drugs_"
DRUG_TRAIN_HINT = ("No drug model is trained yet. Run `make run` (it trains the default models) or "
                   "`python -m core.cli train drugs`, then reload this page.")
_DRUG_RUN_KEY = "drug_run"
DRUG_FEEDBACK_KEY = "drug_feedback_done"
DRUG_EXPLAIN_KEY = "drug_explain_choice"


@st.cache_resource(show_spinner="Loading the drug model...", max_entries=2)
def _load_drug_pipeline(artifact: str) -> Any:
    from core.drugs.normalize import warm
    from core.drugs.pipeline import DrugPipeline

    warm()
    return DrugPipeline.from_artifact(Path(artifact))


def drug_pipeline() -> Any | None:
    """The current drug pipeline, or None when no drug model is trained."""
    from core.modeling import current_artifact

    path = current_artifact(DRUG_TASK)
    return None if path is None else _load_drug_pipeline(str(path))


def drug_model_version() -> str:
    """Version of the current drug model (without loading it)."""
    return artifact_version(DRUG_TASK)


def artifact_version(task: str) -> str:
    """Version of a task's current model (without loading it)."""
    from core.modeling import current_artifact

    path = current_artifact(task)
    return "none trained" if path is None else path.name


def _require_drug_pipeline() -> Any:
    pipe = drug_pipeline()
    if pipe is None:
        raise ModelMissing(DRUG_TRAIN_HINT)
    return pipe


def run_drugs(raw_text: str) -> NoteRun:
    """Clean the note, find its medications and record the prediction (the note itself is not stored).

    Raises:
        NoteError: the note is empty or too long.
        ModelMissing: no drug model is trained.
    """
    return _read_note(raw_text, DRUG_TASK, _require_drug_pipeline, _DRUG_RUN_KEY,
                      (DRUG_FEEDBACK_KEY, DRUG_EXPLAIN_KEY))


def current_drug_run() -> NoteRun | None:
    return st.session_state.get(_DRUG_RUN_KEY)


def clear_drug_run() -> None:
    st.session_state.pop(_DRUG_RUN_KEY, None)


def explain_mention(run: NoteRun, index: int, method: str = "ig") -> Any:
    """Word-level explanation of why mention ``index`` was called a drug (cached by the engine)."""
    from core.explain.entity import explain_entity

    pipe = _require_drug_pipeline()
    if pipe.version != run.result.model_version:
        raise ModelMissing("The drug model changed since this note was read: press Find medications again.")
    return explain_entity(pipe, run.text, run.result.mentions[index].span, method=method)


def submit_drug_correction(run: NoteRun, correction: dict[str, Any], comment: str | None = None) -> int:
    """Store one correction (see :mod:`core.drugs.corrections`) as feedback on the run's prediction.

    Raises:
        ValueError: no user name, or an invalid correction.
    """
    from core.db.store import record_feedback
    from core.drugs.corrections import VERDICT_FOR

    name, role = current_user()
    if not name:
        raise ValueError("Enter your name in the sidebar before sending corrections.")
    kind = correction.get("kind")
    if kind not in VERDICT_FOR:
        raise ValueError(f"unknown correction {kind!r}")
    database()
    feedback_id = record_feedback(run.prediction_id, user_name=name, user_role=role, verdict=VERDICT_FOR[kind],
                                  correction=correction, comment=comment or None, note_text=run.text)
    done: list[tuple[int, dict[str, Any]]] = st.session_state.setdefault(DRUG_FEEDBACK_KEY, [])
    done.append((feedback_id, correction))
    return feedback_id


def drug_feedback_done() -> list[tuple[int, dict[str, Any]]]:
    """Corrections sent on the current run: (feedback id, correction)."""
    return list(st.session_state.get(DRUG_FEEDBACK_KEY, []))


def drug_feedback_frame(*, show_text: bool = False, limit: int = 500) -> Any:
    """Recent corrections of drug predictions as a DataFrame (note text only when ``show_text``)."""
    import pandas as pd

    from core.db.store import list_feedback
    from core.drugs.corrections import KINDS

    database()
    rows = []
    for r in list_feedback(DRUG_TASK, limit=limit):
        c = r.correction if isinstance(r.correction, dict) else {}
        row = {"time": r.created_at.astimezone().replace(tzinfo=None), "user": r.user_name, "role": r.user_role,
               "correction": KINDS.get(str(c.get("kind")), str(c.get("kind") or "")), "text": c.get("text", ""),
               "detail": c.get("status") or c.get("label") or "", "comment": r.comment or "",
               "model version": r.model_version, "id": r.id}
        if show_text:
            row["note"] = r.note_text or ""
        rows.append(row)
    columns = ["time", "user", "role", "correction", "text", "detail", "comment", "model version", "id"]
    return pd.DataFrame(rows, columns=columns + (["note"] if show_text else []))


# -- treatment suggestions ----------------------------------------------------------------------------
TREATMENT_TASK = "treatments"
TREATMENT_PREFIX = "treat_"
TREATMENT_TRAIN_HINT = ("No condition model is trained yet. Run `make run` (it trains the default models) or "
                        "`python -m core.cli train conditions` and `python -m core.cli train ranker`, then reload "
                        "this page.")
_TREATMENT_RUN_KEY = "treatment_run"
TREATMENT_FEEDBACK_KEY = "treatment_feedback_done"
#: Feedback kinds on a suggestion -> stored verdict.
TREATMENT_VERDICTS = {"accept": "correct", "reject": "wrong", "add_missing": "partially_correct"}


@st.cache_resource(show_spinner="Loading the treatment models...", max_entries=2)
def _load_treatment_engine(conditions: str, ranker: str | None, drugs: str | None) -> Any:
    from core.conditions.normalize import warm
    from core.conditions.pipeline import ConditionPipeline
    from core.treatments.ranker import RankerPipeline
    from core.treatments.suggest import TreatmentEngine

    warm()
    rank = RankerPipeline.from_artifact(Path(ranker)) if ranker else None
    drug_pipe = drug_pipeline() if drugs else None
    return TreatmentEngine(ConditionPipeline.from_artifact(Path(conditions)), drug_pipe, rank)


def treatment_engine() -> Any | None:
    """The treatment engine over the current models, or None when no condition model is trained."""
    from core.modeling import current_artifact

    cond = current_artifact("conditions")
    if cond is None:
        return None
    ranker = current_artifact("ranker")
    drugs = current_artifact(DRUG_TASK)
    return _load_treatment_engine(str(cond), str(ranker) if ranker else None, str(drugs) if drugs else None)


def run_treatments(raw_text: str) -> NoteRun:
    """Clean the note, suggest treatments and record the prediction (the note itself is not stored).

    Raises:
        NoteError: the note is empty or too long.
        ModelMissing: no condition model is trained.
    """
    return _read_note(raw_text, TREATMENT_TASK, _require_treatment_engine, _TREATMENT_RUN_KEY,
                      (TREATMENT_FEEDBACK_KEY,), stored=_Versioned)


def _require_treatment_engine() -> Any:
    engine = treatment_engine()
    if engine is None:
        raise ModelMissing(TREATMENT_TRAIN_HINT)
    return engine


@dataclass(frozen=True)
class _Versioned:
    """A treatment result as stored: one version string naming every model that produced it."""

    result: Any

    @property
    def model_version(self) -> str:
        v = self.result.versions
        return f"{v.get('conditions')}+{v.get('ranker')}+kb{v.get('kb')}"

    def to_dict(self) -> dict[str, Any]:
        return self.result.to_dict()


def current_treatment_run() -> NoteRun | None:
    return st.session_state.get(_TREATMENT_RUN_KEY)


def clear_treatment_run() -> None:
    st.session_state.pop(_TREATMENT_RUN_KEY, None)


def explain_suggestion(run: NoteRun, index: int, method: str = "ig") -> Any:
    """Words of the note that drove suggestion ``index``'s ranking score (cached by the engine)."""
    from core.treatments.explain import explain_ranking

    engine = treatment_engine()
    if engine is None or engine.ranker is None:
        raise ModelMissing("No treatment ranker is trained: run `python -m core.cli train ranker`.")
    s = run.result.suggestions[index]
    if engine.ranker.version != run.result.versions.get("ranker"):
        raise ModelMissing("The ranker changed since this note was read: press Suggest treatments again.")
    scored = {x.drug: x.features for x in (*run.result.suggestions, *run.result.withheld)
              if x.condition_id == s.condition_id}
    return explain_ranking(engine.ranker, run.text, engine.kb.condition(s.condition_id), s.drug, method=method,
                           features=scored)


def submit_treatment_feedback(run: NoteRun, kind: str, *, condition_id: str, drug: str,
                              drugbank_id: str | None = None, reason: str | None = None,
                              comment: str | None = None) -> int:
    """Store accept / reject (with a reason) / add-missing feedback on a suggestion.

    Raises:
        ValueError: no user name, an unknown kind, a rejection without a reason or a missing drug name.
    """
    from core.db.store import record_feedback

    name, role = current_user()
    if not name:
        raise ValueError("Enter your name in the sidebar before sending feedback.")
    if kind not in TREATMENT_VERDICTS:
        raise ValueError(f"unknown feedback {kind!r}")
    if kind == "reject" and not (reason or "").strip():
        raise ValueError("Say why you reject this suggestion.")
    if not drug.strip():
        raise ValueError("Name the treatment.")
    correction = {"kind": kind, "condition_id": condition_id, "drug": drug.strip(), "drugbank_id": drugbank_id,
                  "reason": (reason or "").strip() or None}
    database()
    feedback_id = record_feedback(run.prediction_id, user_name=name, user_role=role,
                                  verdict=TREATMENT_VERDICTS[kind], correction=correction, comment=comment or None,
                                  note_text=run.text)
    done: list[tuple[int, dict[str, Any]]] = st.session_state.setdefault(TREATMENT_FEEDBACK_KEY, [])
    done.append((feedback_id, correction))
    return feedback_id


def treatment_feedback_done() -> list[tuple[int, dict[str, Any]]]:
    return list(st.session_state.get(TREATMENT_FEEDBACK_KEY, []))


def treatment_feedback_frame(*, show_text: bool = False, limit: int = 500) -> Any:
    """Recent feedback on treatment suggestions as a DataFrame (note text only when ``show_text``)."""
    import pandas as pd

    from core.db.store import list_feedback

    database()
    rows = []
    for r in list_feedback(TREATMENT_TASK, limit=limit):
        c = r.correction if isinstance(r.correction, dict) else {}
        row = {"time": r.created_at.astimezone().replace(tzinfo=None), "user": r.user_name, "role": r.user_role,
               "feedback": str(c.get("kind", "")).replace("_", " "), "condition": c.get("condition_id", ""),
               "treatment": c.get("drug", ""), "reason": c.get("reason") or "", "comment": r.comment or "",
               "model version": r.model_version, "id": r.id}
        if show_text:
            row["note"] = r.note_text or ""
        rows.append(row)
    columns = ["time", "user", "role", "feedback", "condition", "treatment", "reason", "comment", "model version", "id"]
    return pd.DataFrame(rows, columns=columns + (["note"] if show_text else []))

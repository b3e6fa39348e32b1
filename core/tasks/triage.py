"""Triage as a task: which of the 15 services should see a note, calibrated, with an "uncertain" outcome."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from core.feedback import Correction
from core.labels import SERVICES, service_title
from core.modeling import ArtifactInfo, hash_records, report_stage
from core.tasks.base import Log, Target, Task, Trained, quiet
from core.triage import train as tr
from core.triage.pipeline import TriagePipeline, TriageResult
from core.triage.train import Record, TriageTrainConfig

#: Notes covering more token windows than this are explained with gradient x input by default (Integrated
#: Gradients takes minutes on them on a CPU); the user can still switch.
IG_DEFAULT_MAX_WINDOWS = 2


class TriageTask(Task[TriageTrainConfig]):
    name = "triage"
    artifact = "triage"
    description = "Route a note to one of 15 services, with a calibrated confidence and urgency red flags."
    page = "Triage"
    config_class = TriageTrainConfig
    user_data_config: ClassVar[dict[str, Any]] = {"max_length": 256, "windows_per_note": 2, "epochs": 3.0,
                                                   "lr": 5e-5}
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "tiny": {"tiny": True, "n_notes": 90, "val_notes": 30, "max_length": 64, "infer_max_length": 128,
                 "batch_size": 8, "epochs": 2.0, "lr": 3e-3, "head_lr": 3e-3, "freeze_embeddings": False,
                 "freeze_layers": 0}}
    data_help = "CSV with columns text,label (other columns ignored)."
    feedback_kinds: ClassVar[dict[str, str]] = {"confirm": "Looks right", "wrong": "Flag as wrong"}

    def load_from(self, path: Path, *, device: str | None = None) -> TriagePipeline:
        return TriagePipeline.from_artifact(path, device=device)

    # -- explanations ---------------------------------------------------------------------------------
    def targets(self, result: TriageResult) -> list[Target]:
        return [Target(s.label, f"{s.title} ({s.probability:.0%})") for s in result.scores]

    def default_method(self, result: TriageResult) -> str:
        """The measured default for notes of up to :data:`IG_DEFAULT_MAX_WINDOWS` windows, else gradient x input
        (seconds, not minutes)."""
        return super().default_method(result) if result.n_windows <= IG_DEFAULT_MAX_WINDOWS else "gxi"

    def explain(self, model: TriagePipeline, text: str, result: TriageResult, target: Any = None,
                method: str | None = None, **options: Any) -> Any:
        from core.explain.note import explain_note

        return explain_note(model, text, target or result.service, method or self.default_method(result), **options)

    # -- data -------------------------------------------------------------------------------------------
    def read_data(self, path: Path, label_map: dict[str, str] | None = None) -> list[Record]:
        records = tr.read_labelled_csv(path)
        if label_map:
            records = [(t, label_map[lab]) for t, lab in records if lab in label_map]
        return records

    def synthetic_train(self, config: TriageTrainConfig) -> list[Record]:
        return tr.synthetic_records(config.n_notes, config.seed)

    def synthetic_validation(self, config: TriageTrainConfig) -> list[Record]:
        return tr.synthetic_records(config.val_notes, config.seed + 1000)  # another seed: never seen in training

    def split(self, data: Sequence[Record], seed: int) -> tuple[list[Record], list[Record]]:
        """A stratified 15% held out for calibration."""
        return tr.validation_split(data, seed)

    def folds(self, data: Sequence[Record], k: int, seed: int) -> list[list[int]]:
        return tr.stratified_folds([label for _, label in data], k, seed)

    # -- training ---------------------------------------------------------------------------------------
    def train(self, data: Sequence[Record] | None, validation: Sequence[Record] | None, config: TriageTrainConfig,
              *, source: str, init: Path | None = None, feedback: Sequence[Record] = (),
              models_dir: Path | None = None, make_current: bool = True, progress: bool = True,
              log: Log = quiet) -> Trained:
        if data is None:
            report_stage("synthesizing notes")
            data, labels = self.synthetic_train(config), list(config.labels or SERVICES)
            validation = self.synthetic_validation(config) if validation is None else validation
        else:
            labels = list(config.labels) or sorted({label for _, label in data},
                                                   key=lambda x: (SERVICES.index(x) if x in SERVICES else 99, x))
            if validation is None:
                data, validation = self.split(data, config.seed)
        known = set(labels)
        train = list(data) + [r for r in feedback if r[1] in known] * self.feedback_weight
        pipe, stats, measured = tr.train_pipeline(train, validation, labels, config, init=init, progress=progress,
                                                  log=log)
        info = ArtifactInfo.build(self.artifact, labels, config, data_hash=hash_records(train), source=source,
                                  stats=stats, n_train=len(train), n_val=len(validation), init=init,
                                  metrics={"validation": measured["validation"], "validation_source": source},
                                  calibration=measured["calibration"])
        return self.save(pipe, info, models_dir=models_dir, make_current=make_current)

    def evaluate(self, model: TriagePipeline, data: Sequence[Record], *, progress: bool = False) -> dict[str, Any]:
        return tr.evaluate_records(model, data, progress=progress)

    def unknown_labels(self, model: TriagePipeline, data: Sequence[Record]) -> list[str]:
        return sorted({label for _, label in data} - set(model.labels))

    # -- feedback ---------------------------------------------------------------------------------------
    def correction(self, text: str, result: TriageResult, kind: str, **fields: Any) -> Correction:
        if kind == "confirm":
            return Correction(kind, "correct", result.service, "marked as right")
        if kind != "wrong":
            raise ValueError(f"unknown correction {kind!r}")
        service = fields.get("service")
        if not service:
            raise ValueError("Choose the service this note should go to.")
        if service not in SERVICES:
            raise ValueError(f"{service!r} is not a service")
        return Correction(kind, "wrong", service, f"routed to {service_title(service)}")

    def feedback_examples(self, records: Iterable[Any]) -> list[Record]:
        """(note, service) from rows that carry the note: the correction, or the model's own answer confirmed."""
        out = []
        for r in records:
            label = r.correction if r.correction is not None else (r.output if r.verdict == "correct" else None)
            if isinstance(label, dict):
                label = label.get("service")
            if isinstance(label, str) and r.note_text:
                out.append((r.note_text, label))
        return out

    def feedback_columns(self, record: Any) -> dict[str, Any]:
        out = record.output or {}
        predicted = out.get("service")
        return {"predicted": service_title(predicted) if predicted else "", "confidence": out.get("confidence"),
                "corrected": service_title(record.correction) if isinstance(record.correction, str) else ""}

"""Treatment suggestions as a task: candidates from the knowledge base for the conditions a note describes,
ordered by the fine-tuned ranker (this task's own model), with their safety flags.

The task runs on the condition model (required) and the drug model (current medications and allergies, when
trained); its own artifact, the ranker, is optional: without one, candidates keep the knowledge base's order in
the note's context.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import torch

from core.feedback import Correction
from core.knowledge.kb import load_kb
from core.modeling import ArtifactInfo, hash_records, progress_bar, report_stage, setup_torch
from core.synth.plans import PlanNote, PlanWriter
from core.tasks.base import Log, ModelMissing, Target, Task, Trained, quiet
from core.treatments import train as rt
from core.treatments.evaluate import Indication, evaluate_treatments, read_indications
from core.treatments.ranker import RankerPipeline, new_ranker
from core.treatments.suggest import TreatmentEngine, TreatmentResult

#: Feedback kinds on a suggestion -> stored verdict.
VERDICTS: dict[str, str] = {"accept": "correct", "reject": "wrong", "add_missing": "partially_correct"}


class TreatmentTask(Task[rt.RankerTrainConfig]):
    name = "treatments"
    aliases = ("ranker",)
    artifact = "ranker"
    description = ("Suggest treatments for the conditions a note describes, from the knowledge base, ordered by a "
                   "fine-tuned ranker and flagged against medications, allergies and patient context.")
    page = "Treatments"
    requires = ("conditions", "drugs")
    config_class = rt.RankerTrainConfig
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "tiny": {"tiny": True, "n_notes": 96, "val_notes": 8, "notes_per_batch": 8, "max_length": 96, "epochs": 2.0,
                 "lr": 1e-3}}
    user_data_config: ClassVar[dict[str, Any]] = {"epochs": 3.0, "freeze_layers": 0}
    data_help = ("Training: JSONL of judged notes ({\"text\", \"condition\": a knowledge-base id, \"accept\": "
                 "[drugs], \"reject\": [drugs]}). Evaluation: that, or a TSV of drug-disease pairs with columns "
                 "disease, drug, drugbank_id, category (DM, SYM or NOT).")
    #: A few real notes weigh against many synthesized ones.
    feedback_weight = 3
    feedback_kinds: ClassVar[dict[str, str]] = {"accept": "Accept", "reject": "Reject",
                                                "add_missing": "Add a missing treatment"}

    def train_hint(self) -> str:
        return ("No condition model is trained yet. Run `make run` (the app trains the missing default models) or "
                "`python -m core.cli train conditions` and `python -m core.cli train ranker`, then reload this page.")

    def load(self, path: Path | None = None, *, device: str | None = None) -> TreatmentEngine:
        """The engine over the current condition and drug models and the ranker at ``path`` (default: the current
        one; none: the knowledge base's order).

        Raises:
            ModelMissing: no condition model is trained.
        """
        from core.tasks.conditions import ConditionTask
        from core.tasks.drugs import DrugTask

        conditions = ConditionTask()
        if conditions.current() is None:
            raise ModelMissing(self.train_hint())
        drugs = DrugTask()
        ranker_path = path or self.current()
        return TreatmentEngine(conditions.load(device=device),
                               drugs.load(device=device) if drugs.current() is not None else None,
                               self.load_from(ranker_path, device=device) if ranker_path else None)

    def warm(self) -> None:
        from core.tasks.conditions import ConditionTask
        from core.tasks.drugs import DrugTask

        ConditionTask().warm()
        DrugTask().warm()

    def load_from(self, path: Path, *, device: str | None = None) -> RankerPipeline:
        return RankerPipeline.from_artifact(path, device=device)

    def version(self, model: TreatmentEngine) -> str:
        return model.versions["ranker"]

    # -- explanations ---------------------------------------------------------------------------------
    def targets(self, result: TreatmentResult) -> list[Target]:
        return [Target(i, f"{s.drug} for {s.condition_name} (#{s.rank}, fit {s.fit:.2f})")
                for i, s in enumerate(result.suggestions)]

    def explain(self, model: TreatmentEngine, text: str, result: TreatmentResult, target: Any = None,
                method: str | None = None, **options: Any) -> Any:
        """Which words of the note drove suggestion ``target``'s rank among its condition's candidates."""
        from core.treatments.explain import explain_ranking

        if model.ranker is None:
            raise ModelMissing("No treatment ranker is trained: run `python -m core.cli train ranker`.")
        index = 0 if target is None else int(target)
        if not 0 <= index < len(result.suggestions):
            raise ValueError(f"there is no suggestion #{index + 1} to explain")
        s = result.suggestions[index]
        scored = {x.drug: x.features for x in (*result.suggestions, *result.withheld)
                  if x.condition_id == s.condition_id}
        return explain_ranking(model.ranker, text, model.kb.condition(s.condition_id), s.drug,
                               method or self.default_method(result), features=scored, **options)

    # -- data -------------------------------------------------------------------------------------------
    def read_data(self, path: Path, label_map: dict[str, str] | None = None) -> list[Any]:
        """Judged notes (JSONL) as training notes, or an indications file (TSV) for evaluation."""
        first = next((ln for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.strip()), "")
        if path.suffix.lower() == ".tsv" or "\t" in first:
            return read_indications(path)
        return rt.read_judged(path, load_kb())

    def synthetic_train(self, config: rt.RankerTrainConfig) -> list[PlanNote]:
        return PlanWriter(load_kb(), config.seed).generate(config.n_notes)

    def synthetic_validation(self, config: rt.RankerTrainConfig) -> list[PlanNote]:
        return PlanWriter(load_kb(), config.seed + 1000).generate(config.val_notes)

    # -- training ---------------------------------------------------------------------------------------
    def train(self, data: Sequence[PlanNote] | None, validation: Sequence[PlanNote] | None,
              config: rt.RankerTrainConfig, *, source: str, init: Path | None = None,
              feedback: Sequence[PlanNote] = (), models_dir: Path | None = None, make_current: bool = True,
              progress: bool = True, log: Log = quiet) -> Trained:
        kb = load_kb()
        if data is None:
            report_stage("synthesizing notes")
            data = self.synthetic_train(config)
            validation = self.synthetic_validation(config) if validation is None else validation
        elif validation is None:
            data, validation = self.split(data, config.seed)
        if any(isinstance(x, Indication) for x in (*data, *validation)):
            raise ValueError("an indications file measures suggestions; the ranker trains on judged notes (JSONL)")
        train = list(data) + list(feedback) * self.feedback_weight
        setup_torch()
        torch.manual_seed(config.seed)
        model, tokenizer = RankerPipeline.load_weights(init) if init else new_ranker(config.tiny)
        pipe = RankerPipeline(model, tokenizer, max_length=config.infer_max_length)
        before = rt.evaluate_ranking(pipe, validation) if validation else {}  # the warm start alone
        stats = rt.fit(pipe, train, config, progress=progress)
        log(f"trained {stats['steps']} steps in {stats['seconds']} s")
        report_stage("validating")
        metrics = {"validation": rt.evaluate_ranking(pipe, validation) if validation else {},
                   "validation_before_fine_tuning": before, "validation_source": source,
                   "kb_version": kb.version, "kb_conditions": len(kb.conditions)}
        log(f"validation {metrics['validation']} (before fine-tuning: {before})")
        info = ArtifactInfo.build(self.artifact, ["score"], config, source=source, stats=stats, metrics=metrics,
                                  data_hash=hash_records((n.text, n.condition.id) for n in train), init=init,
                                  n_train=len(train), n_val=len(validation))
        return self.save(pipe, info, models_dir=models_dir, make_current=make_current)

    def evaluate(self, model: TreatmentEngine, data: Sequence[Any], *, progress: bool = False) -> dict[str, Any]:
        """On judged or synthesized notes: the ranker's NDCG@3 and top-1 agreement. On an indications file: the
        suggestions' precision@3/5, non-indications in the top 5 and coverage (the evaluation notes name no
        medication, so the drug model is not run), with per-disease ``details``."""
        if data and all(isinstance(x, Indication) for x in data):
            bare = TreatmentEngine(model.conditions, None, model.ranker, model.checker, model.kb)
            return {**evaluate_treatments(bare, data, progress=progress_bar("diseases") if progress else None),
                    "versions": bare.versions}
        if model.ranker is None:
            raise ModelMissing("No treatment ranker is trained: run `python -m core.cli train ranker`.")
        return rt.evaluate_ranking(model.ranker, data)

    # -- feedback ---------------------------------------------------------------------------------------
    def correction(self, text: str, result: TreatmentResult, kind: str, **fields: Any) -> Correction:
        """Accept or reject a suggestion (``index``; a rejection needs a ``reason``), or add a missing treatment
        (``condition_id``, ``drug``)."""
        if kind not in VERDICTS:
            raise ValueError(f"unknown feedback {kind!r}")
        reason = (fields.get("reason") or "").strip() or None
        if kind == "add_missing":
            condition_id, drug, drugbank_id = fields.get("condition_id"), (fields.get("drug") or "").strip(), None
            if not condition_id:
                raise ValueError("No condition of the knowledge base was found in this note.")
        else:
            index = fields.get("index")
            if index is None or not 0 <= int(index) < len(result.suggestions):
                raise ValueError("There is no suggestion to judge.")
            s = result.suggestions[int(index)]
            condition_id, drug, drugbank_id = s.condition_id, s.drug, s.drugbank_id
            if kind == "reject" and not reason:
                raise ValueError("Say why you reject this suggestion.")
        if not drug:
            raise ValueError("Name the treatment.")
        payload = {"kind": kind, "condition_id": condition_id, "drug": drug, "drugbank_id": drugbank_id,
                   "reason": reason}
        return Correction(kind, VERDICTS[kind], payload, f"{kind.replace('_', ' ')}: {drug}")

    def feedback_examples(self, records: Iterable[Any]) -> list[PlanNote]:
        rows = ((r.prediction_id, r.note_text, (r.correction or {}).get("condition_id"), r.correction)
                for r in records if isinstance(r.correction, dict))
        return rt.judged_notes(load_kb(), rows)

    def feedback_columns(self, record: Any) -> dict[str, Any]:
        c = record.correction if isinstance(record.correction, dict) else {}
        return {"feedback": str(c.get("kind", "")).replace("_", " "), "condition": c.get("condition_id", ""),
                "treatment": c.get("drug", ""), "reason": c.get("reason") or ""}


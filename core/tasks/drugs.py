"""Medications as a task: every drug mention with its attributes, status and DrugBank identity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from core.drugs.pipeline import DrugPipeline
from core.drugs.train import DrugTrainConfig, heldout_recall, synthetic_docs
from core.drugs.types import DrugResult
from core.labels import ATTRIBUTE_LABELS, DRUG_LABELS, DRUG_STATUSES
from core.ner.corrections import SpanCorrections
from core.tasks.base import Target
from core.tasks.spans import SpanTask


class DrugTask(SpanTask[DrugTrainConfig]):
    name = "drugs"
    artifact = "drugs"
    description = ("Find every medication mention with its strength, dose, route, frequency, form and duration, "
                   "its status and its DrugBank identity.")
    page = "Medications"
    config_class = DrugTrainConfig
    labels = DRUG_LABELS
    corrections = SpanCorrections("DRUG", "drug", DRUG_STATUSES, ATTRIBUTE_LABELS)
    pipeline_class = DrugPipeline
    synthesize = staticmethod(synthetic_docs)
    heldout = ("heldout_drugs", heldout_recall)
    # The user's annotations define what counts: no dictionary-based filter on names it does not know.
    user_data_config: ClassVar[dict[str, Any]] = {**SpanTask.user_data_config, "unknown_min_score": 0.0}
    #: A handful of corrected notes must weigh against thousands of synthesized ones.
    feedback_weight = 2

    def warm(self) -> None:
        from core.drugs.normalize import warm

        warm()

    def raw_pipeline(self, model: Any, tokenizer: Any, config: DrugTrainConfig) -> DrugPipeline:
        return DrugPipeline(model, tokenizer, max_length=config.infer_max_length, stride=config.infer_stride,
                            normalize=False, assertion=False, unknown_min_score=config.unknown_min_score)

    def serve(self, pipe: DrugPipeline) -> None:
        pipe.normalize = pipe.assertion = True

    def dictionary(self, text: str) -> list[tuple[int, int]]:
        from core.drugs.normalize import dictionary_spans

        return [(a, b) for a, b, _ in dictionary_spans(text)]

    def targets(self, result: DrugResult) -> list[Target]:
        from core.drugs.present import mention_label

        return [Target(i, mention_label(m)) for i, m in enumerate(result.mentions)]

    def formats(self) -> dict[str, Callable[[DrugResult], str]]:
        from core.drugs.fhir import bundle_json

        return {"fhir": bundle_json}

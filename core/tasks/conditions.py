"""Conditions as a task: every condition mention with its status and ICD-10-CM code."""

from __future__ import annotations

from typing import Any, ClassVar

from core.conditions.pipeline import ConditionPipeline
from core.conditions.train import ConditionTrainConfig, heldout_recall, synthetic_docs
from core.labels import CONDITION_LABELS, CONDITION_STATUSES
from core.ner.corrections import SpanCorrections
from core.tasks.spans import SpanTask


class ConditionTask(SpanTask[ConditionTrainConfig]):
    name = "conditions"
    artifact = "conditions"
    description = "Find the conditions a note describes, with their status and ICD-10-CM code."
    page = "Treatments"
    config_class = ConditionTrainConfig
    labels = CONDITION_LABELS
    corrections = SpanCorrections("CONDITION", "condition", CONDITION_STATUSES)
    pipeline_class = ConditionPipeline
    synthesize = staticmethod(synthetic_docs)
    heldout = ("heldout_names", heldout_recall)
    # The user's annotations define what counts: no lexicon-based filter on names it does not know.
    user_data_config: ClassVar[dict[str, Any]] = {**SpanTask.user_data_config, "unknown_min_score": 0.0}
    feedback_weight = 2

    def warm(self) -> None:
        from core.conditions.normalize import warm

        warm()

    def raw_pipeline(self, model: Any, tokenizer: Any, config: ConditionTrainConfig) -> ConditionPipeline:
        return ConditionPipeline(model, tokenizer, max_length=config.infer_max_length, stride=config.infer_stride,
                                 dictionary=False, normalize=False, assertion=False)

    def serve(self, pipe: ConditionPipeline) -> None:
        pipe.dictionary = pipe.normalize = pipe.assertion = True

    def dictionary(self, text: str) -> list[tuple[int, int]]:
        from core.conditions.normalize import lexicon_spans

        return lexicon_spans(text)


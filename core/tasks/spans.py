"""What the span tasks (drugs, conditions) share: token-classification training, span scoring, explanations of
one mention, and annotators' span corrections."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import torch

from core.feedback import Correction
from core.modeling import ArtifactInfo, hash_records, report_stage, setup_torch
from core.ner.corrections import SpanCorrections
from core.ner.data import AnnotatedDoc, gold_labels, load_annotated
from core.ner.scoring import format_report, score_tagger
from core.ner.tagger import SpanTagger
from core.ner.training import SpanTrainConfig, bio_tags, fit, new_model
from core.spans import Span
from core.tasks.base import C, Log, Target, Task, Trained, quiet


class DictionaryTagger:
    """A dictionary as a tagger (``entities(texts)``), so that it is scored exactly as a model is."""

    def __init__(self, find: Callable[[str], list[tuple[int, int]]], label: str) -> None:
        self.find, self.label = find, label
        self.entity_labels = (label,)
        self.version = "dictionary alone"

    def entities(self, texts: Sequence[str]) -> list[list[Span]]:
        return [[Span(a, b, self.label) for a, b in self.find(t)] for t in texts]


class SpanTask(Task[C]):
    """A task whose model finds labelled character spans in a note (a :class:`core.ner.tagger.SpanTagger`)."""

    #: The entity labels the model tags (the first is the mention a result lists).
    labels: ClassVar[tuple[str, ...]]
    #: The corrections an annotator can make (see :class:`core.ner.corrections.SpanCorrections`).
    corrections: ClassVar[SpanCorrections]
    #: The pipeline class that serves the model.
    pipeline_class: ClassVar[type[SpanTagger]]
    #: ``synthesize(config, split, n_notes=, n_passages=, seed=)``: the default model's annotated documents.
    synthesize: ClassVar[Callable[..., list[AnnotatedDoc]]]
    #: (metadata key, ``measure(pipeline)``): recall on names never written in training.
    heldout: ClassVar[tuple[str, Callable[[Any], dict[str, Any]]]]
    user_data_config: ClassVar[dict[str, Any]] = {"epochs": 3.0, "max_length": 256, "tokens_per_batch": 1024,
                                                   "freeze_embeddings": False, "freeze_layers": 0,
                                                   "measure_heldout": False}
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "tiny": {"tiny": True, "n_notes": 30, "n_passages": 60, "val_notes": 8, "val_passages": 8, "max_length": 64,
                 "infer_max_length": 128, "infer_stride": 16, "tokens_per_batch": 512, "epochs": 2.0, "lr": 3e-3,
                 "head_lr": 3e-3, "freeze_embeddings": False, "measure_heldout": False}}
    data_help = ("Annotated IOB (token<TAB>tag, blank line between sentences; an optional '# text = \"...\"' line "
                 'before a sentence gives its exact text), JSONL ({"text": ..., "spans": [{"start", "end", "label"}]}) '
                 "or a spaCy DocBin (.spacy).")

    @property
    def tags(self) -> tuple[str, ...]:
        return bio_tags(self.labels)

    @property
    def feedback_kinds(self) -> dict[str, str]:  # type: ignore[override]
        return self.corrections.kinds

    def load_from(self, path: Path, *, device: str | None = None) -> SpanTagger:
        return self.pipeline_class.from_artifact(path, device=device)

    # -- hooks of each span task ----------------------------------------------------------------------
    def raw_pipeline(self, model: Any, tokenizer: Any, config: C) -> SpanTagger:
        """The pipeline as validation scores it: the model's spans, without normalization or assertion."""
        raise NotImplementedError

    def serve(self, pipe: SpanTagger) -> None:
        """Turn a :meth:`raw_pipeline` into the one pages use (normalization, assertion on)."""

    def dictionary(self, text: str) -> list[tuple[int, int]]:
        """Spans of the first label that the task's dictionaries alone find (no model)."""
        raise NotImplementedError

    def floor(self) -> DictionaryTagger:
        """The dictionary alone as a tagger: the floor ``evaluate --dictionary`` measures."""
        return DictionaryTagger(self.dictionary, self.labels[0])

    def synthetic_train(self, config: C) -> list[AnnotatedDoc]:
        return type(self).synthesize(config, "train")

    def synthetic_validation(self, config: C) -> list[AnnotatedDoc]:
        return type(self).synthesize(config, "train", n_notes=config.val_notes, n_passages=config.val_passages,
                                     seed=config.seed + 1000)

    def mentions(self, result: Any) -> Sequence[Any]:
        """The mentions of a result a person corrects or asks about (with ``start``, ``end``, ``text``, ``span``)."""
        return result.mentions

    # -- explanations -----------------------------------------------------------------------------------
    def targets(self, result: Any) -> list[Target]:
        return [Target(i, f"#{i + 1} {m.text}") for i, m in enumerate(self.mentions(result))]

    def explain(self, model: SpanTagger, text: str, result: Any, target: Any = None, method: str | None = None,
                **options: Any) -> Any:
        from core.explain.entity import explain_entity

        mentions = self.mentions(result)
        index = 0 if target is None else int(target)
        if not 0 <= index < len(mentions):
            raise ValueError(f"there is no mention #{index + 1} to explain")
        return explain_entity(model, text, mentions[index].span, method or self.default_method(result), **options)

    # -- data -------------------------------------------------------------------------------------------
    def read_data(self, path: Path, label_map: dict[str, str] | None = None) -> list[AnnotatedDoc]:
        docs = load_annotated(path, label_map)
        if not docs:
            raise ValueError(f"{path}: no documents")
        if not set(gold_labels(docs)) & set(self.labels):
            raise ValueError(f"{path}: the file annotates no entity the {self.name} model knows "
                             f"({', '.join(self.labels)}); use --label-map, e.g. Chemical={self.labels[0]}")
        return docs

    def fingerprint(self, docs: Sequence[AnnotatedDoc]) -> str:
        return hash_records((d.text, ",".join(f"{s.start}:{s.end}:{s.label}" for s in d.spans)) for d in docs)

    # -- training ---------------------------------------------------------------------------------------
    def train(self, data: Sequence[AnnotatedDoc] | None, validation: Sequence[AnnotatedDoc] | None, config: C, *,
              source: str, init: Path | None = None, feedback: Sequence[AnnotatedDoc] = (),
              models_dir: Path | None = None, make_current: bool = True, progress: bool = True,
              log: Log = quiet) -> Trained:
        assert isinstance(config, SpanTrainConfig)
        if data is None:
            report_stage("synthesizing notes")
            data = self.synthetic_train(config)
            validation = self.synthetic_validation(config) if validation is None else validation
            labels = list(self.labels)
        else:
            labels = [lab for lab in self.labels if lab in set(gold_labels(data))] or list(self.labels)
            if validation is None:
                data, validation = self.split(data, config.seed)
        train = list(data) + list(feedback) * self.feedback_weight
        setup_torch()
        torch.manual_seed(config.seed)
        model, tokenizer = new_model(self.tags, init, config.tiny)
        stats = fit(model, tokenizer, train, config, tags=self.tags, labels=labels, desc=f"training {self.name}",
                    progress=progress)
        log(f"trained {stats['steps']} steps on {stats['windows']} windows in {stats['seconds']} s")
        pipe = self.raw_pipeline(model, tokenizer, config)
        metrics: dict[str, Any] = {"validation_source": source}
        report_stage("validating")
        if validation:
            metrics["validation"] = score_tagger(pipe, validation)
            log(f"validation strict F1 {metrics['validation']['strict']['f1']}")
        if config.measure_heldout:
            key, measure = type(self).heldout
            metrics[key] = measure(pipe)
        info = ArtifactInfo.build(self.artifact, self.tags, config, data_hash=self.fingerprint(train), source=source,
                                  stats=stats, metrics=metrics, n_train=len(train), n_val=len(validation), init=init,
                                  entity_labels=labels)
        trained = self.save(pipe, info, models_dir=models_dir, make_current=make_current)
        self.serve(pipe)
        return trained

    def evaluate(self, model: SpanTagger, data: Sequence[AnnotatedDoc], *, progress: bool = False) -> dict[str, Any]:
        """Strict (exact span and label) and lenient (overlap) precision, recall and F1 over the labels the data
        annotates."""
        return score_tagger(model, data, labels=gold_labels(data), progress=progress)

    def report(self, result: dict[str, Any]) -> str:
        return format_report(result)

    def unknown_labels(self, model: SpanTagger, data: Sequence[AnnotatedDoc]) -> list[str]:
        return sorted(set(gold_labels(data)) - set(model.entity_labels))

    # -- feedback ---------------------------------------------------------------------------------------
    def correction(self, text: str, result: Any, kind: str, **fields: Any) -> Correction:
        return self.corrections.build(text, self.mentions(result), kind, **fields)

    def feedback_examples(self, records: Iterable[Any]) -> list[AnnotatedDoc]:
        """Each corrected note once, with the model's entities and every correction applied, oldest first."""
        notes: dict[int, tuple[str, list[dict[str, Any]]]] = {}
        corrections: dict[int, list[Any]] = {}
        for r in records:
            if not r.note_text:
                continue
            # the stored prediction's entities are offsets and labels (Task.record): the note the row kept gives words
            notes[r.prediction_id] = (r.note_text, list((r.output or {}).get("entities", [])))
            corrections.setdefault(r.prediction_id, []).append(r.correction)
        return [AnnotatedDoc(text, tuple(self.corrections.apply(text, entities, corrections[pid])))
                for pid, (text, entities) in notes.items()]

    def feedback_columns(self, record: Any) -> dict[str, Any]:
        """The correction, its words sliced from the row's note (kept with the feedback), else its offsets."""
        c = record.correction if isinstance(record.correction, dict) else {}
        kind = str(c.get("kind") or "")
        where = (c.get("start"), c.get("end")) if c.get("start") is not None else tuple(c.get(self.corrections.noun)
                                                                                         or (None, None))
        return {"correction": self.corrections.kinds.get(kind, kind), "text": _words(record.note_text, where),
                "detail": c.get("status") or c.get("label") or ""}


def _words(note: str | None, where: tuple[Any, ...]) -> str:
    """The words at (start, end) of the note a feedback row kept, or the offsets where it kept none ("" for none)."""
    if len(where) != 2 or not all(isinstance(x, int) and not isinstance(x, bool) for x in where):
        return ""
    start, end = where
    if note and 0 <= start < end <= len(note):
        return note[start:end]
    return f"{start}-{end}"

"""The one shape every NoteLens task has, so the CLI, the pages, batch runs, exports and the review loop are
written once, for all of them (as transformers' pipelines are one interface over many tasks).

A task loads its model from an artifact, runs it on a note into a plain result (with ``model_version``, ``to_dict``
and the text-free ``to_record`` a prediction stores: :meth:`Task.record`), explains a result, trains (one
signature: data, validation, config, source, init, feedback), evaluates, and says which corrections it accepts and
how a correction becomes training data.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from core.modeling import ArtifactInfo, TrainConfig, current_artifact, report_stage, save_artifact

C = TypeVar("C", bound=TrainConfig)
Log = Callable[[str], None]


class ModelMissing(RuntimeError):
    """A task's model is not trained; the message says how to train it."""


@dataclass(frozen=True)
class Trained:
    """What training returns: the pipeline ready to serve, its metadata, and where it was saved."""

    model: Any
    info: ArtifactInfo
    path: Path


@dataclass(frozen=True)
class Target:
    """Something of a result that can be explained: its key (passed back to ``explain``) and how to name it."""

    key: Any
    label: str


def quiet(_msg: str) -> None:
    """A log that says nothing (tests, background work)."""
    return None


class Task(ABC, Generic[C]):
    """One task of the registry (:data:`core.tasks.TASKS`).

    Class attributes describe the task; methods do its work. A subclass sets the attributes and implements the
    abstract methods; the rest (finding the current artifact, configs for user data, data splits, fingerprints)
    is shared.
    """

    #: Registry name, the CLI word (``triage``).
    name: ClassVar[str]
    #: Other CLI words for it (``ranker`` for ``treatments``).
    aliases: ClassVar[tuple[str, ...]] = ()
    #: Folder under ``models/`` of the task's own artifact.
    artifact: ClassVar[str]
    #: What it does, in one line (CLI help, page captions).
    description: ClassVar[str]
    #: The page a person runs it from (for messages).
    page: ClassVar[str] = ""
    #: Tasks whose models this one runs on (trained first by ``train all``).
    requires: ClassVar[tuple[str, ...]] = ()
    #: The training configuration class, with the shipped model's defaults.
    config_class: ClassVar[type[TrainConfig]]
    #: Config fields changed when training on a user's own data (fewer, longer epochs, a lower learning rate...).
    user_data_config: ClassVar[dict[str, Any]] = {}
    #: Named training presets of the default model (``NOTELENS_TRAIN_PRESET``): config fields they change. ``tiny``
    #: is a 2-layer model on a few synthesized notes (seconds: tests, demos, a first run's panel end to end).
    presets: ClassVar[dict[str, dict[str, Any]]] = {}
    #: What ``--data`` takes, for the CLI's help and error messages.
    data_help: ClassVar[str] = ""
    #: How many times a note corrected by a person counts against the synthesized ones when retraining.
    feedback_weight: ClassVar[int] = 1
    #: Correction kind -> how a page names it.
    feedback_kinds: ClassVar[dict[str, str]] = {}

    # -- models ---------------------------------------------------------------------------------------
    def current(self, models_dir: Path | None = None) -> Path | None:
        """The folder of the task's current artifact, or None when none is trained."""
        return current_artifact(self.artifact, models_dir)

    def train_hint(self) -> str:
        """How to get a model (the message of :class:`ModelMissing`)."""
        return (f"No {self.name} model is trained yet. Run `make run` (the app trains the missing default models in "
                f"the background) or `python -m core.cli train {self.name}`, then reload this page.")

    def load(self, path: Path | None = None, *, device: str | None = None) -> Any:
        """The task's model (pipeline or engine) from ``path`` (default: the current artifact).

        Raises:
            ModelMissing: no model is trained.
        """
        path = path or self.current()
        if path is None:
            raise ModelMissing(self.train_hint())
        return self.load_from(path, device=device)

    @abstractmethod
    def load_from(self, path: Path, *, device: str | None = None) -> Any:
        """The model saved in ``path``."""

    def warm(self) -> None:
        """Build what the first note would otherwise wait for (dictionaries, indexes): the app calls it on load."""

    def version(self, model: Any) -> str:
        """The version a loaded model reports in its results."""
        return str(model.version)

    # -- inference --------------------------------------------------------------------------------------
    def run(self, model: Any, text: str) -> Any:
        """The result of the model on one (cleaned) note: a plain dataclass with ``model_version``, ``to_dict`` and
        ``to_record``."""
        return model(text)

    @abstractmethod
    def targets(self, result: Any) -> list[Target]:
        """What of a result can be explained, the default first."""

    def default_method(self, result: Any) -> str:
        """The explanation method a page opens on (measured per task:
        :data:`core.explain.attribution.DEFAULT_METHODS`)."""
        from core.explain.attribution import DEFAULT_METHODS

        return DEFAULT_METHODS[self.name]

    @abstractmethod
    def explain(self, model: Any, text: str, result: Any, target: Any = None, method: str | None = None,
                **options: Any) -> Any:
        """Word-level explanation of ``target`` (a :attr:`Target.key`; default the first target) of ``result``
        (:class:`core.explain.attribution.Explanation`), with ``method`` or the task's default; ``options`` go to
        the attribution engine and are part of the cache key."""

    def record(self, result: Any) -> dict[str, Any]:
        """What a stored prediction keeps of ``result`` (its ``to_record``): character offsets, labels, codes,
        vocabulary and knowledge-base names, scores and versions, never a string taken from the note (``to_dict``,
        with the note's words, is for the page and the downloads a person makes)."""
        return result.to_record()

    def formats(self) -> dict[str, Callable[[Any], str]]:
        """Output formats of ``predict`` besides JSON: name -> result to text (drugs: ``fhir``)."""
        return {}

    # -- data ---------------------------------------------------------------------------------------------
    @abstractmethod
    def read_data(self, path: Path, label_map: dict[str, str] | None = None) -> list[Any]:
        """Labelled examples from a user's file (``--data``).

        Raises:
            ValueError: the file is malformed (the message names the file and line).
        """

    @abstractmethod
    def synthetic_train(self, config: C) -> list[Any]:
        """The default model's training examples, synthesized from the config's seed."""

    @abstractmethod
    def synthetic_validation(self, config: C) -> list[Any]:
        """Held-out synthesized examples (another seed: never seen in training)."""

    def split(self, data: Sequence[Any], seed: int) -> tuple[list[Any], list[Any]]:
        """(train, validation) of a user's examples: a random tenth held out (none below 20 examples)."""
        import random

        order = list(range(len(data)))
        random.Random(seed).shuffle(order)
        n_val = int(round(len(data) * 0.1)) if len(data) >= 20 else 0
        return [data[i] for i in order[n_val:]], [data[i] for i in order[:n_val]]

    def folds(self, data: Sequence[Any], k: int, seed: int) -> list[list[int]]:
        """Test indices of ``k`` cross-validation folds (scikit-learn's KFold; triage stratifies)."""
        import numpy as np
        from sklearn.model_selection import KFold

        kf = KFold(n_splits=k, shuffle=True, random_state=seed)
        return [sorted(test.tolist()) for _, test in kf.split(np.zeros(len(data)))]

    # -- training -----------------------------------------------------------------------------------------
    def preset(self, name: str) -> dict[str, Any]:
        """The config fields preset ``name`` changes (``default``: none).

        Raises:
            ValueError: the task has no such preset.
        """
        if name == "default":
            return {}
        if name not in self.presets:
            raise ValueError(f"{self.name} has no training preset {name!r}")
        return dict(self.presets[name])

    def config(self, *, user_data: bool = False, **overrides: Any) -> C:
        """The training config: the shipped defaults, the user-data changes when ``user_data``, then
        ``overrides`` (``None`` values are ignored, unknown names are an error)."""
        cfg = self.config_class()
        known = {f.name for f in fields(cfg)}
        changes = {**(self.user_data_config if user_data else {}), **{k: v for k, v in overrides.items()
                                                                          if v is not None}}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"{self.name} has no training option {', '.join(unknown)}")
        return replace(cfg, **changes)  # type: ignore[return-value]

    @abstractmethod
    def train(self, data: Sequence[Any] | None, validation: Sequence[Any] | None, config: C, *, source: str,
              init: Path | None = None, feedback: Sequence[Any] = (), models_dir: Path | None = None,
              make_current: bool = True, progress: bool = True, log: Log = quiet) -> Trained:
        """Train, measure and save a new version.

        Args:
            data: Training examples; None trains the default model on :meth:`synthetic_train`.
            validation: Held-out examples; None uses :meth:`synthetic_validation` with default data.
            config: Hyper-parameters (:meth:`config`).
            source: Where the data came from (saved in the metadata).
            init: An artifact to start from (a user's fine-tuning); None starts from the base encoder.
            feedback: Examples made from people's corrections (:meth:`feedback_examples`), added to ``data``
                :attr:`feedback_weight` times.
            models_dir: Where to save (default: the settings').
            make_current: Point the task's ``CURRENT`` at the new version.
        """

    def save(self, pipe: Any, info: ArtifactInfo, *, models_dir: Path | None = None,
             make_current: bool = True) -> Trained:
        """Save a trained pipeline's model and tokenizer with ``info`` (one artifact writer for every task)."""
        report_stage("saving")
        path = save_artifact(pipe.model, pipe.tokenizer, info, models_dir=models_dir, make_current=make_current)
        pipe.version = info.version
        return Trained(pipe, info, path)

    @abstractmethod
    def evaluate(self, model: Any, data: Sequence[Any], *, progress: bool = False) -> dict[str, Any]:
        """Metrics of ``model`` on labelled examples (the JSON ``evaluate`` prints last)."""

    def report(self, result: dict[str, Any]) -> str:
        """A human-readable table of an evaluation's figures (printed on stderr above the JSON), or ""."""
        return ""

    def unknown_labels(self, model: Any, data: Sequence[Any]) -> list[str]:
        """Labels of ``data`` the model does not predict (scored as misses; the CLI says so)."""
        return []

    # -- feedback -----------------------------------------------------------------------------------------
    @abstractmethod
    def correction(self, text: str, result: Any, kind: str, **fields: Any) -> Any:
        """A checked :class:`core.ner.corrections.Correction` of ``result`` from what a page collected.

        Raises:
            ValueError: an unknown kind, or an incomplete or impossible correction (the message fits the page).
        """

    @abstractmethod
    def feedback_examples(self, records: Iterable[Any]) -> list[Any]:
        """Training examples from stored feedback rows (:class:`core.db.store.FeedbackRecord`, oldest first)."""

    @abstractmethod
    def feedback_columns(self, record: Any) -> dict[str, Any]:
        """What the feedback review table shows of one row besides who, when, verdict and comment (the stored
        ``output`` is :meth:`record`'s: offsets, not words; words come only from the row's ``note_text``)."""

"""What every task's inference pipeline shares: the device, the model lock, the version, loading from an artifact.

Each pipeline has the shape of a transformers pipeline (preprocess, a device-agnostic forward, postprocess);
this base holds what is the same for all of them, so a new task writes only its own three steps.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar

import torch

from core.config import resolve_device
from core.modeling import ArtifactInfo, load_info, setup_torch


class Pipeline:
    """A model on its device, with its tokenizer and version, loadable from an artifact folder.

    Args:
        model: The torch model (moved to ``device`` and put in eval mode).
        tokenizer: Its fast tokenizer.
        version: The artifact version (reported in every result).
        device: ``cpu``/``cuda``; default from the settings (the GPU when there is one).

    Every forward pass, and every explanation, holds ``self.lock``: Captum attaches hooks to the shared model
    while it attributes, and a hooked model gives wrong answers to any other pass (the web app serves each
    browser session from its own thread).
    """

    #: The task this pipeline serves (the registry's name).
    task: ClassVar[str] = ""

    def __init__(self, model: torch.nn.Module, tokenizer: Any, *, version: str = "untrained",
                 device: str | torch.device | None = None) -> None:
        setup_torch()
        self.device = torch.device(device or resolve_device())
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.version = version
        self.lock = threading.RLock()
        #: The artifact folder it was loaded from (its metadata and recorded evaluations), when loaded from one.
        self.artifact: Path | None = None

    @classmethod
    def from_artifact(cls, path: Path, device: str | None = None, **kwargs: Any) -> Any:
        """Load an artifact folder written by :func:`core.modeling.save_artifact` (``kwargs`` override what the
        artifact's metadata says, e.g. ``max_length``)."""
        setup_torch()
        info = load_info(path)
        model, tokenizer = cls.load_weights(path)
        params = cls.artifact_params(path, info)
        params.update(kwargs)
        pipe = cls(model, tokenizer, version=info.version, device=device, **params)
        pipe.artifact = path
        return pipe

    @classmethod
    def load_weights(cls, path: Path) -> tuple[torch.nn.Module, Any]:
        """The model and tokenizer saved in ``path``."""
        raise NotImplementedError

    @classmethod
    def artifact_params(cls, path: Path, info: ArtifactInfo) -> dict[str, Any]:
        """Constructor arguments the artifact records (window length, calibration, labels...)."""
        return {}

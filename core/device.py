"""Where training runs: the configured device, batches moved onto it, and a batch size chosen for it.

Inference pipelines take their device from :func:`core.config.resolve_device` (:class:`core.pipeline.Pipeline`);
every trainer takes it from :func:`training_device`, the same choice (``NOTELENS_DEVICE``), so a GPU that serves
the models also trains them. Before this, the trainers built their model on the CPU and trained it wherever it
was, which on a GPU machine meant on its CPU (issue 15: 1.2 s a triage step instead of 0.07 s).

Mixed precision is :func:`core.modeling.autocast`'s (re-exported here): bfloat16 on CUDA devices that support
it; float32 on a CPU unless it runs bf16 natively (``NOTELENS_BF16``), which is how the shipped CPU models were
trained.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import torch

from core.config import resolve_device
from core.modeling import autocast, bf16_enabled

__all__ = ["autocast", "bf16_enabled", "device_batch", "device_stats", "place", "to_device", "training_device"]


def training_device(device: str | torch.device | None = None) -> torch.device:
    """The device to train on: ``device`` when given, else the configured one (``NOTELENS_DEVICE``, ``auto``: the
    GPU when there is one).

    Raises:
        RuntimeError: a CUDA device was asked for and none is available (a GPU run must not quietly train on the
            CPU for an hour).
    """
    dev = device if isinstance(device, torch.device) else torch.device(resolve_device(device))
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"training was asked to run on {dev} but no CUDA device is available "
                           "(set NOTELENS_DEVICE=cpu to train on the CPU)")
    return dev


def place(model: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """Move ``model`` onto ``device`` (in place, before any optimizer holds its parameters) and return it."""
    return model.to(device)


def to_device(tensor: torch.Tensor, device: torch.device) -> torch.Tensor:
    """``tensor`` on ``device``; to a GPU through pinned memory with an asynchronous copy, so the host does not
    wait for each batch's transfer."""
    if device.type == "cuda" and tensor.device.type == "cpu":
        return tensor.pin_memory().to(device, non_blocking=True)
    return tensor.to(device)


def device_batch(cfg: Any, name: str, device: torch.device) -> int:
    """The batch size (``cfg.<name>``) to train with on ``device``.

    On CUDA, ``cfg.gpu_<name>`` replaces the CPU default: a small model leaves a GPU idle at the CPU's batch size.
    A value the user set (``cfg.<name>`` differs from the config class's default, as a task's user-data settings
    do) is kept on every device, and so is the CPU default when ``gpu_<name>`` is 0. On the CPU the configured
    value is used, so the CPU defaults (and the models trained with them) are unchanged.
    """
    value = int(getattr(cfg, name))
    if device.type != "cuda":
        return value
    gpu = int(getattr(cfg, f"gpu_{name}", 0) or 0)
    default = next((f.default for f in dataclasses.fields(cfg) if f.name == name), None)
    return gpu if gpu > 0 and value == default else value


def device_stats(device: torch.device) -> dict[str, Any]:
    """What an artifact's metadata records about where it was trained: ``device`` (``cpu``, ``cuda:0``...),
    ``device_name`` (the GPU's name, or ``cpu``) and whether bf16 autocast was on."""
    name = "cpu"
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    index = device.index if device.index is not None or device.type != "cuda" else torch.cuda.current_device()
    label = device.type if index is None else f"{device.type}:{index}"
    return {"device": label, "device_name": name, "bf16": bf16_enabled(device)}

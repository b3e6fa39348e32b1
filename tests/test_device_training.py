"""Every trainer trains on the configured device (issue 15), checked on a CPU.

No GPU runs these tests, so the device path is checked by what it does: the configured device is asked for, the
model is moved onto it before the optimizer holds its parameters, every batch (training and validation) reaches the
model on it, and the artifact says where it was trained. A CUDA request without a GPU is an error, not a quiet CPU
run, and the bf16 autocast and the batch sizes are chosen per device.
"""

from __future__ import annotations

import contextlib
import json
from types import SimpleNamespace
from typing import Any

import pytest
import torch

import core.device as cd
from core.modeling import autocast

CPU = torch.device("cpu")


# -- the helpers ---------------------------------------------------------------------------------------
@pytest.fixture
def bf16_auto(monkeypatch):
    from core.config import get_settings

    monkeypatch.setenv("NOTELENS_BF16", "auto")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("supported", [True, False])
def test_autocast_is_bf16_on_cuda_only_where_the_gpu_supports_it(bf16_auto, monkeypatch, supported):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: supported)
    with pytest.warns(UserWarning) if supported else contextlib.nullcontext():  # no GPU here: torch says so
        ctx = autocast("cuda")
    if supported:
        assert isinstance(ctx, torch.autocast)
        assert ctx.device == "cuda" and ctx.fast_dtype == torch.bfloat16
    else:
        assert isinstance(ctx, contextlib.nullcontext)


def test_cpu_training_stays_float32_without_native_bf16(bf16_auto, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)  # a GPU's support is not the CPU's
    monkeypatch.setattr(torch.ops, "mkldnn", SimpleNamespace(_is_mkldnn_bf16_supported=lambda: False), raising=False)
    assert not cd.bf16_enabled("cpu")
    assert isinstance(autocast("cpu"), contextlib.nullcontext)
    with autocast("cpu"):
        out = torch.nn.Linear(4, 2)(torch.ones(1, 4))
    assert out.dtype == torch.float32


def test_cuda_without_a_gpu_is_an_error_not_a_cpu_run(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(cd, "resolve_device", lambda choice=None: "cuda")
    with pytest.raises(RuntimeError, match="no CUDA device is available"):
        cd.training_device()
    with pytest.raises(RuntimeError, match="no CUDA device"):
        cd.training_device(torch.device("cuda", 0))


def test_configured_cuda_without_a_gpu_stops_training_before_any_step(monkeypatch):
    from core.config import get_settings
    from core.triage import train as tr

    monkeypatch.setenv("NOTELENS_DEVICE", "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    get_settings.cache_clear()
    try:
        torch.manual_seed(0)
        model, tok = tr._new_model(["a", "b"], None, tiny=True)
        before = {k: v.clone() for k, v in model.state_dict().items()}
        cfg = tr.TriageTrainConfig(tiny=True, max_length=32, batch_size=2, freeze_layers=0)
        with pytest.raises(RuntimeError, match="NOTELENS_DEVICE=cuda"):
            tr.fit(model, tok, [("chest pain", "a"), ("knee fracture", "b")], ["a", "b"], cfg, progress=False)
    finally:
        get_settings.cache_clear()
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_batch_size_is_chosen_for_the_device():
    from core.ner.training import SpanTrainConfig
    from core.treatments.train import RankerTrainConfig
    from core.triage.train import TriageTrainConfig

    gpu = torch.device("cuda")
    cfg = TriageTrainConfig()
    assert cd.device_batch(cfg, "batch_size", CPU) == 16           # the shipped CPU default, unchanged
    assert cd.device_batch(cfg, "batch_size", gpu) == cfg.gpu_batch_size > 16
    assert cd.device_batch(TriageTrainConfig(batch_size=8), "batch_size", gpu) == 8   # the user's choice is kept
    assert cd.device_batch(TriageTrainConfig(gpu_batch_size=0), "batch_size", gpu) == 16
    assert cd.device_batch(SpanTrainConfig(), "tokens_per_batch", CPU) == 2048
    assert cd.device_batch(SpanTrainConfig(), "tokens_per_batch", gpu) > 2048
    assert cd.device_batch(RankerTrainConfig(), "notes_per_batch", CPU) == 16
    assert cd.device_batch(RankerTrainConfig(), "notes_per_batch", gpu) > 16


def test_batches_go_to_a_gpu_through_pinned_memory_without_waiting():
    calls: list[Any] = []
    pinned = SimpleNamespace(to=lambda *a, **k: calls.append(("to", a, k)) or "on gpu")
    host = SimpleNamespace(device=CPU, pin_memory=lambda: calls.append(("pin",)) or pinned)
    gpu = torch.device("cuda", 0)
    assert cd.to_device(host, gpu) == "on gpu"  # type: ignore[arg-type]
    assert calls == [("pin",), ("to", (gpu,), {"non_blocking": True})]
    t = torch.ones(2)
    assert cd.to_device(t, CPU) is t


# -- the four trainers -------------------------------------------------------------------------------
class DeviceSpy:
    """Records the configured device being asked for, every ``.to`` of the model, the device of every parameter
    when the optimizer is built, and the device of every tensor reaching the model's forward pass."""

    def __init__(self, monkeypatch, model_class: type, forward: str = "forward") -> None:
        self.events: list[tuple[str, Any]] = []
        self.resolved = 0
        self.model_class = model_class

        def resolver(choice: str | None = None) -> str:
            self.resolved += 1
            return "cpu"

        monkeypatch.setattr(cd, "resolve_device", resolver)
        monkeypatch.setattr("core.pipeline.resolve_device", resolver)
        real_to, real_adamw = torch.nn.Module.to, torch.optim.AdamW.__init__
        spy = self

        def to(module, *args, **kwargs):
            if isinstance(module, model_class):
                spy.events.append(("to", torch.device(args[0] if args else kwargs["device"])))
            return real_to(module, *args, **kwargs)

        def adamw(opt, params, *args, **kwargs):
            params = list(params)
            devices = {p.device for group in params for p in (group["params"] if isinstance(group, dict) else [group])}
            spy.events.append(("optimizer", devices))
            real_adamw(opt, params, *args, **kwargs)

        real_forward = getattr(model_class, forward)

        def forward_spy(model, *args, **kwargs):
            tensors = [x for x in (*args, *kwargs.values()) if isinstance(x, torch.Tensor)]
            spy.events.append(("batch", {t.device for t in tensors}))
            return real_forward(model, *args, **kwargs)

        monkeypatch.setattr(torch.nn.Module, "to", to)
        monkeypatch.setattr(torch.optim.AdamW, "__init__", adamw)
        monkeypatch.setattr(model_class, forward, forward_spy)

    def check(self, device: torch.device = CPU) -> None:
        kinds = [k for k, _ in self.events]
        assert self.resolved, "the configured device was never asked for"
        assert "optimizer" in kinds, "no optimizer was built"
        first_opt = kinds.index("optimizer")
        moves = [d for k, d in self.events[:first_opt] if k == "to"]
        assert device in moves, f"the model was not moved to {device} before the optimizer was built: {self.events}"
        assert self.events[first_opt][1] == {device}
        batches = [d for k, d in self.events if k == "batch"]
        assert batches and all(d == {device} for d in batches)
        assert any(k == "batch" for k, _ in self.events[first_opt:])


def _metadata(path) -> dict[str, Any]:
    return json.loads((path / "metadata.json").read_text(encoding="utf-8"))


def test_triage_trains_and_calibrates_on_the_configured_device(monkeypatch, tmp_path):
    from core.tasks import get_task
    from core.triage.model import NoteClassifier
    from tests.conftest import tiny_records

    spy = DeviceSpy(monkeypatch, NoteClassifier)
    task = get_task("triage")
    recs = tiny_records(16)
    cfg = task.config(epochs=1, max_length=32, infer_max_length=64, batch_size=4, seed=3, tiny=True, freeze_layers=0,
                      labels=("cardiology_pulmonology", "orthopedics"))
    trained = task.train(recs[:12], recs[12:], cfg, source="tests", progress=False, models_dir=tmp_path,
                         make_current=False)
    spy.check()
    training = _metadata(trained.path)["training"]
    assert training["device"] == "cpu" and training["device_name"] == "cpu" and training["device_batch_size"] == 4
    assert task.load_from(trained.path, device="cpu")(recs[0][0]).service in cfg.labels


@pytest.mark.parametrize("name", ["drugs", "conditions"])
def test_span_models_train_and_validate_on_the_configured_device(monkeypatch, tmp_path, name):
    from transformers import BertForTokenClassification

    from core.tasks import get_task
    from tests.conftest import toy_condition_docs, toy_drug_docs

    spy = DeviceSpy(monkeypatch, BertForTokenClassification)
    task = get_task(name)
    docs = (toy_drug_docs if name == "drugs" else toy_condition_docs)(10)
    cfg = task.config(epochs=1, max_length=48, infer_max_length=64, infer_stride=16, tokens_per_batch=256, seed=5,
                      tiny=True, measure_heldout=False)
    trained = task.train(docs[:8], docs[8:], cfg, source="tests", progress=False, models_dir=tmp_path,
                         make_current=False)
    spy.check()
    training = _metadata(trained.path)["training"]
    assert training["device"] == "cpu" and training["device_tokens_per_batch"] == 256
    assert isinstance(task.load_from(trained.path, device="cpu").entities([docs[0].text]), list)


def test_ranker_trains_and_validates_on_the_configured_device(monkeypatch, tmp_path):
    from core.tasks import get_task
    from core.treatments.ranker import Ranker

    spy = DeviceSpy(monkeypatch, Ranker, forward="embed")
    task = get_task("treatments")
    cfg = task.config(n_notes=8, val_notes=2, notes_per_batch=4, max_length=48, epochs=1, seed=3, tiny=True)
    trained = task.train(None, None, cfg, source="tests", progress=False, models_dir=tmp_path, make_current=False)
    spy.check()
    training = _metadata(trained.path)["training"]
    assert training["device"] == "cpu" and training["device_notes_per_batch"] == 4
    assert task.load_from(trained.path, device="cpu").device == CPU

"""Freezing the lowest encoder layers (core.modeling.freeze_lower): which parameters train, and that training leaves
the frozen ones untouched (triage trains with two of six frozen; the span and ranker models can)."""

from __future__ import annotations

import torch
from transformers import BertConfig, BertForTokenClassification

from core.modeling import freeze_lower
from core.ner.data import AnnotatedDoc
from core.ner.training import SpanTrainConfig, bio_tags, fit, new_model
from core.spans import Span


def six_layers() -> BertForTokenClassification:
    cfg = BertConfig(vocab_size=200, hidden_size=32, num_hidden_layers=6, num_attention_heads=2, intermediate_size=64,
                     num_labels=3)
    return BertForTokenClassification(cfg)


def trainable(module: torch.nn.Module) -> bool:
    return all(p.requires_grad for p in module.parameters())


def frozen(module: torch.nn.Module) -> bool:
    return not any(p.requires_grad for p in module.parameters())


def test_two_of_six_layers_and_the_embeddings_are_frozen():
    model = six_layers()
    assert freeze_lower(model.bert, 2) == 2
    layers = model.bert.encoder.layer
    assert frozen(model.bert.embeddings) and frozen(layers[0]) and frozen(layers[1])
    assert all(trainable(layer) for layer in layers[2:]) and trainable(model.classifier)


def test_at_most_the_lowest_third_is_frozen_and_zero_freezes_nothing():
    model = six_layers()
    assert freeze_lower(model.bert, 5) == 2
    assert trainable(model.bert.encoder.layer[2])
    untouched = six_layers()
    assert freeze_lower(untouched.bert, 0) == 0
    assert trainable(untouched.bert.embeddings.position_embeddings) and trainable(untouched.bert.encoder.layer[0])


def test_a_tiny_two_layer_model_keeps_every_layer_trainable():
    model, _tok = new_model(bio_tags(["DRUG"]), tiny=True)
    assert freeze_lower(model.bert, 2) == 0
    assert all(trainable(layer) for layer in model.bert.encoder.layer)


def test_span_training_leaves_the_frozen_layers_as_they_were():
    model, tok = new_model(bio_tags(["DRUG"]), tiny=True)
    six = six_layers()
    six.config.vocab_size = tok.vocab_size
    six.bert.embeddings.word_embeddings = torch.nn.Embedding(tok.vocab_size, 32)
    six.config.id2label, six.config.label2id = model.config.id2label, model.config.label2id
    before = {n: p.detach().clone() for n, p in six.named_parameters()}
    docs = [AnnotatedDoc(text=f"Take aspirin {i} mg daily.", spans=[Span(5, 12, "DRUG")]) for i in range(12)]
    cfg = SpanTrainConfig(tiny=True, freeze_layers=2, max_length=32, stride=8, tokens_per_batch=128, epochs=2.0,
                          lr=1e-2, head_lr=1e-2)
    fit(six, tok, docs, cfg, tags=bio_tags(["DRUG"]), progress=False, device="cpu")
    changed = {n for n, p in six.named_parameters() if not torch.equal(p.detach(), before[n])}
    assert not any(n.startswith(("bert.embeddings.", "bert.encoder.layer.0.", "bert.encoder.layer.1."))
                   for n in changed)
    assert any(n.startswith("bert.encoder.layer.5.") for n in changed) and any(n.startswith("classifier.")
                                                                              for n in changed)

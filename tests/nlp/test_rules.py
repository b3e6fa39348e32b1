"""core.nlp.rules: the project's ConText rules read from data build the medspaCy rules the pipeline uses."""

from __future__ import annotations

import pytest

from core.nlp.rules import CALLBACKS, ContextRules, Token, context_rules, near_before


def test_tokens_expand_to_spacy_patterns():
    words = {"aux": ("was", "were")}
    assert Token(lower=("$aux", "is")).spacy(words) == {"LOWER": {"IN": ["was", "were", "is"]}}
    assert Token(optional=("the",)).spacy(words) == {"LOWER": {"IN": ["the"]}, "OP": "?"}
    assert Token(orth="-", op="?").spacy(words) == {"ORTH": "-", "OP": "?"}
    assert Token(orth=(":", "-")).spacy(words) == {"ORTH": {"IN": [":", "-"]}}
    assert Token(lower=("allergy",), sent_start=False).spacy(words) == {"LOWER": {"IN": ["allergy"]},
                                                                       "IS_SENT_START": False}
    with pytest.raises(ValueError, match="exactly one of"):
        Token(lower=("a",), orth="b")
    with pytest.raises(ValueError, match="already means"):
        Token(optional=("a",), op="*")


def test_shipped_rules_build_in_file_order():
    data = context_rules()
    rules = data.build()
    assert [r.literal for r in rules] == [r.literal for r in data.rules]
    assert len(rules) == 43 and rules[0].literal == "allergic to"
    by_name = {r.literal: r for r in rules}
    stop = by_name["self-discontinued"]
    assert stop.category == "DISCONTINUED" and stop.direction == "FORWARD" and stop.allowed_types == {"DRUG"}
    assert stop.pattern == [{"LOWER": {"IN": ["self"]}}, {"ORTH": "-", "OP": "?"},
                            {"LOWER": {"IN": ["discontinued", "d/c'd", "stopped"]}}]
    held = by_name["was discontinued"]
    assert held.pattern[0] == {"LOWER": {"IN": list(data.words["aux"])}}
    assert held.pattern[3] == {"LOWER": {"IN": list(data.words["stop_words"])}}
    assert held.on_modifies is not None and by_name["nkda"].on_modifies is None
    assert by_name["penicillin allergy"].max_scope == 3
    assert by_name["start"].pattern == [{"LOWER": {"IN": list(data.words["start_verbs"])}, "IS_SENT_START": True}]


def test_near_before_reaches_back_only_a_few_tokens_without_punctuation():
    import spacy

    doc = spacy.blank("en")("lisinopril 10 mg discontinued , aspirin held")
    assert CALLBACKS["near_before"] is near_before
    check = near_before(3)
    assert check(doc[0:1], doc[3:4], None)            # "lisinopril 10 mg discontinued": two tokens between
    assert not near_before(1)(doc[0:1], doc[3:4], None)
    assert check(doc[5:6], doc[3:4], None)            # a target after the modifier: always
    assert not check(doc[0:1], doc[6:7], None)        # a comma between


def test_status_maps_and_precedence():
    data = context_rules()
    assert data.statuses.drug["PLANNED"] == "hypothetical" and data.statuses.condition["PLANNED"] == "possible"
    assert "CURRENT" not in data.statuses.condition
    assert data.precedence[0] == "ALLERGY" and data.precedence[-1] == "CURRENT"
    assert isinstance(data, ContextRules)

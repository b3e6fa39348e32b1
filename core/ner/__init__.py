"""What the span tasks share: annotated data, training, the tagger, scoring and corrections (drugs, conditions)."""

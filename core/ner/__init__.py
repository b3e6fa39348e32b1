"""Span tagging shared by the drug and condition models: annotated data, training, inference, scoring and corrections."""

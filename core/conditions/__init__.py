"""Condition mentions: token classification, ICD-10-CM normalization, ConText assertion status."""

"""The review loop: several annotators per item, their agreement, and adjudication into gold."""

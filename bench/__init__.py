"""Benchmarks: speed and faithfulness targets are shown here (one run, ratios, last line JSON), not in unit tests."""

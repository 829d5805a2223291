"""Measurements of docscope against annotated data; run as ``python -m benchmarks.<name>``."""

"""Benchmark scenarios: each module has `run() -> list[dict]` (see bench.measure.result)."""

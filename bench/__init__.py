"""Benchmarks (bench/README.md)."""

# GONGHUI_FIELD_KEY is required with DEBUG off, as the bench runs: a fixed key for the bench's own
# databases unless one is given. Not for production.
BENCH_FIELD_KEY = "gonghui-bench-field-key-not-for-production-0123456789"

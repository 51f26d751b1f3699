"""Benchmarks: the tick, the CSV import, the worker's memory and the one-job-per-patient baseline."""

"""Benchmarks: `accelerator bench` (or `python -m accelerator.bench`), and the synthetic
histories they run on (`accelerator bench generate`)."""

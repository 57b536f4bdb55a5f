"""Benchmarks of every workload on both stores (bench/run.py); results in bench/RESULTS.md."""

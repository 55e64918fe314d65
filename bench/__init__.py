"""Benchmarks: load generators and side-by-side comparisons; they print figures, never assert."""

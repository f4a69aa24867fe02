"""Benchmarks: each compares the app against a bare baseline in the same run and prints ratios."""

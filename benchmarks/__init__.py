"""Capuchin benchmarks."""

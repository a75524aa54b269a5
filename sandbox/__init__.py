"""Isolated test runs: Docker images in layers, per-test results, a local fallback."""

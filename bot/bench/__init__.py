"""Benchmarks for `make bench`: each module here has a `main(argv) -> int` printing its figures."""

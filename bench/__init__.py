"""Benchmarks: `python -m bench` runs every module here that defines main(argv) -> dict.

Each benchmark prints its figures and their ratios to the targets, and returns the figures.
"""

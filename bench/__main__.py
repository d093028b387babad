"""Run the benchmarks: `python -m bench [NAME ...] [--json PATH]`.

Every module in bench/ that defines main(argv) -> dict is run with no arguments (its
defaults), in name order; the figures are collected by module name.
"""
from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import bench


def benchmark_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {benchmark_names()})")
    parser.add_argument("--json", type=Path, help="also write the collected figures to this file")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(benchmark_names())
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    figures: dict[str, dict] = {}
    for name in args.names or benchmark_names():
        module = importlib.import_module(f"bench.{name}")
        if not callable(getattr(module, "main", None)):
            continue
        print(f"== bench.{name}", flush=True)
        start = time.perf_counter()
        figures[name] = module.main([])
        print(f"== bench.{name}: {time.perf_counter() - start:.1f} s\n", flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

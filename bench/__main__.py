"""Run the benchmarks: `python -m bench [NAME ...] [--json PATH] [--markdown PATH]`.

Every module in bench/ that defines main(argv) -> dict is run with no arguments (its
defaults), in name order; the figures are collected by module name and written, with the
ratios first, to docs/benchmarks.md (a run of only some benchmarks writes nothing unless
--markdown is given).
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import bench


def benchmark_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_"))


BENCHMARKS_MD = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def markdown(figures: dict[str, dict], seconds: dict[str, float]) -> str:
    """docs/benchmarks.md: per benchmark, its ratios then its figures, with the module's doc."""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Benchmarks", "",
             f"Written by `python -m bench` on {when}: {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, {platform.system()} {platform.machine()}. "
             "Figures are from one run on a machine that may be shared; the ratios are the "
             "numbers to compare across runs.", ""]
    for name, values in figures.items():
        doc = (importlib.import_module(f"bench.{name}").__doc__ or "").strip()
        lines += [f"## bench.{name} ({seconds[name]:.0f} s)", "", doc, "",
                  "| figure | value |", "|---|---|"]
        ordered = sorted(values.items(), key=lambda kv: not kv[0].startswith("ratio"))
        lines += [f"| {'**' + k + '**' if k.startswith('ratio') else k} | {v} |" for k, v in ordered]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {benchmark_names()})")
    parser.add_argument("--json", type=Path, help="also write the collected figures to this file")
    parser.add_argument("--markdown", type=Path,
                        help=f"write the figures here (default, when all run: {BENCHMARKS_MD})")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(benchmark_names())
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    figures: dict[str, dict] = {}
    seconds: dict[str, float] = {}
    for name in args.names or benchmark_names():
        module = importlib.import_module(f"bench.{name}")
        if not callable(getattr(module, "main", None)):
            continue
        print(f"== bench.{name}", flush=True)
        start = time.perf_counter()
        figures[name] = module.main([])
        seconds[name] = time.perf_counter() - start
        print(f"== bench.{name}: {seconds[name]:.1f} s\n", flush=True)
    target = args.markdown or (None if args.names else BENCHMARKS_MD)
    if target:
        target.write_text(markdown(figures, seconds), encoding="utf-8")
        print(f"figures written to {target}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

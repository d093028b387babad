"""Run every benchmark module in this package (each has main(argv) printing figures and ratios)."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path


def main() -> dict:
    results = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("_"):
            continue
        print(f"== bench.{module.name}", flush=True)
        results[module.name] = importlib.import_module(f"bench.{module.name}").main([])
    return results


if __name__ == "__main__":
    main()

"""The full bad-input campaign (tests/robustness): over 1,000 generated hostile documents
through the bounded parser and Archive.ingest.

Figures: inputs, crashes (any exception escaping the ingest path: must be 0), outcomes,
slowest document, total time. Ratios: crashes / inputs (target 0) and the slowest document's
time / the wall-time bound of parsers.limits (target < 1).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from parsers.limits import DEFAULT_BOUNDS
from tests.robustness.campaign import run_campaign
from tests.robustness.hostile_inputs import SECRET_MARK, hostile_inputs


def main(argv: list[str] | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-robustness-") as tmp_name:
        tmp = Path(tmp_name)
        secret = tmp / "secret.txt"
        secret.write_text(SECRET_MARK, encoding="utf-8")
        inputs = hostile_inputs(full=True, secret_path=str(secret))
        campaign = run_campaign(inputs, tmp / "nianbao.db")
    slowest_s, slowest = campaign.slowest[0]
    figures = {
        "inputs": campaign.inputs, "crashes": len(campaign.crashes),
        "external_entity_leaks": len(campaign.leaks),
        **{f"outcome_{k}": v for k, v in sorted(campaign.outcomes.items())},
        "slowest_document_s": round(slowest_s, 1), "slowest_document": slowest,
        "total_s": round(campaign.seconds, 1),
        "bounds": f"{DEFAULT_BOUNDS.cpu_seconds} s CPU, {DEFAULT_BOUNDS.memory_bytes >> 20} MB, "
                  f"{DEFAULT_BOUNDS.wall_seconds:.0f} s wall per document",
        "ratio_crashes": round(len(campaign.crashes) / campaign.inputs, 4),
        "ratio_slowest_vs_wall_bound": round(slowest_s / DEFAULT_BOUNDS.wall_seconds, 3),
    }
    for key, value in figures.items():
        print(f"{key:28} {value}")
    for name, error in campaign.crashes:
        print(f"CRASH {name}: {error}")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])

"""bench.archive runs end to end on a few reports: the benchmark measures the product's bulk
ingest (archive.bulk), so it must keep working as that code changes. No timing is asserted."""
from __future__ import annotations

from pathlib import Path

from bench import archive as bench_archive


def test_archive_benchmark_ingests_every_synthetic_report(tmp_path: Path) -> None:
    figures = bench_archive.run(40, tmp_path, "html", workers=2, fsync=False)
    assert figures["outcomes"] == {"new_report": 40}
    assert figures["reports_per_s"] > 0 and figures["writer_cpu_ms_per_report"] > 0
    # 40 reports: the fixed cost of empty SQLite pages weighs more than in a 10k run
    assert 0.5 < figures["ratio_archive_over_originals"] < 3
    assert figures["search_index_bytes"] > 0

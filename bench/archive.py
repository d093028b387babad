"""Archive benchmark: ingest synthetic reports derived from seed 000 into a fresh archive.

Each report gets its own agency (a made-up district bureau) and year, and its table numbers are
scaled by a factor: every consistency rule (R1-R4) is linear, so scaled tables still add up.
Prints reports/s and the archive size (SQLite + WARC) against the deduplicated originals.

    python -m bench.archive            # 10,000 reports
    python -m bench.archive --large    # 100,000 reports
"""
from __future__ import annotations

import argparse
import hashlib
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seeds" / "000_7deeb89319d6e7c7.txt"
SEED_AGENCY, SEED_YEAR = "宜春市工业和信息化局", 2022
YEARS = (2021, 2022, 2023, 2024, 2025)  # 2021-format tables fit these years (rule R5)
_DISTRICT_CHARS = "东南西北中上下前后新安平和兴华明春秋山水江河湖林泉石金玉丰富宁远"
_TABLE_NUMBER = re.compile(r"(?m)^\t(\d+)$")  # seed 000 prints one table cell per line


def synthetic_agency(n: int) -> str:
    """A distinct made-up district bureau for each n < 32**3 (three district characters)."""
    base = len(_DISTRICT_CHARS)
    chars = (_DISTRICT_CHARS[n // base ** 2 % base], _DISTRICT_CHARS[n // base % base],
             _DISTRICT_CHARS[n % base])
    return f"宜春市{''.join(chars)}区工业和信息化局"


def synthetic_report(i: int, seed_text: str | None = None) -> tuple[bytes, str, int]:
    """Report number i: (original bytes, agency, year); distinct i give distinct reports."""
    text = seed_text if seed_text is not None else SEED.read_text(encoding="utf-8")
    agency, year = synthetic_agency(i // len(YEARS)), YEARS[i % len(YEARS)]
    factor = 1 + i % 7
    text = _TABLE_NUMBER.sub(lambda m: f"\t{int(m.group(1)) * factor}", text)
    text = text.replace(SEED_AGENCY, agency).replace(str(SEED_YEAR), str(year))
    return text.encode("utf-8"), agency, year


def synthetic_captures(count: int) -> Iterator:
    from archive import Capture

    seed_text = SEED.read_text(encoding="utf-8")
    for i in range(count):
        body, _agency, _year = synthetic_report(i, seed_text)
        yield Capture(url=f"http://bench.example/xxgk-show-{i}.html", body=body,
                      content_type="text/plain; charset=utf-8", site_id=None,
                      fetched_at="2026-02-01T00:00:00Z")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run(count: int, workdir: Path) -> dict:
    from archive import Archive

    captures = list(synthetic_captures(count))
    originals = {hashlib.sha256(c.body).hexdigest(): len(c.body) for c in captures}
    with Archive(workdir / "bench.db", workdir / "warc") as archive:
        start = time.perf_counter()
        outcomes: dict[str, int] = {}
        for capture in captures:
            outcome = archive.ingest(capture).outcome
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        elapsed = time.perf_counter() - start
        archive.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_bytes = sum(_size(p) if p.is_dir() else p.stat().st_size
                   for p in workdir.glob("bench.db*"))
    warc_bytes = _size(workdir / "warc")
    dedup_bytes = sum(originals.values())
    return {
        "reports": count,
        "outcomes": outcomes,
        "seconds": round(elapsed, 2),
        "reports_per_s": round(count / elapsed, 1),
        "db_bytes": db_bytes,
        "warc_bytes": warc_bytes,
        "originals_dedup_bytes": dedup_bytes,
        "archive_over_originals": round((db_bytes + warc_bytes) / dedup_bytes, 3),
        "db_over_originals": round(db_bytes / dedup_bytes, 3),
        "warc_over_originals": round(warc_bytes / dedup_bytes, 3),
        "target_reports_per_s": 500,
        "target_archive_over_originals": 1.2,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.archive", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="100,000 reports instead of 10,000")
    parser.add_argument("--count", type=int, help="any other number of reports")
    args = parser.parse_args(argv)
    count = args.count or (100_000 if args.large else 10_000)
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        figures = run(count, Path(tmp))
    print(f"archive: {figures['reports']} reports in {figures['seconds']} s = "
          f"{figures['reports_per_s']} reports/s (target >= 500: "
          f"{figures['reports_per_s'] / 500:.2f}x of target)")
    print(f"archive: outcomes {figures['outcomes']}")
    print(f"archive: SQLite {figures['db_bytes'] / 1e6:.1f} MB + WARC "
          f"{figures['warc_bytes'] / 1e6:.1f} MB vs deduplicated originals "
          f"{figures['originals_dedup_bytes'] / 1e6:.1f} MB = "
          f"{figures['archive_over_originals']}x (target <= 1.2x; SQLite "
          f"{figures['db_over_originals']}x, WARC {figures['warc_over_originals']}x)")
    return figures


if __name__ == "__main__":
    main()

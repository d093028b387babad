"""Seed-based captures for the archive tests (a uniquely named module: importable from tests)."""
from __future__ import annotations

from pathlib import Path

from archive import Archive, Capture

SEEDS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"

SEED_000 = "000_7deeb89319d6e7c7.txt"  # 宜春市工业和信息化局 2022
SEED_001 = "001_642eda999c787a13.txt"  # "工信局" 2022, no place printed
REPORT_URL = "http://gxj.yichun.gov.cn/xxgk-show-61584.html"


def seed_text(name: str = SEED_000) -> str:
    return (SEEDS_DIR / name).read_text(encoding="utf-8")


def text_capture(text: str, url: str = REPORT_URL, **fields) -> Capture:
    fields.setdefault("fetched_at", "2023-01-20T02:00:00Z")
    return Capture(url=url, body=text.encode("utf-8"), content_type="text/plain; charset=utf-8",
                   **fields)


def count(archive: Archive, sql: str, *params) -> int:
    return archive.conn.execute(f"SELECT count(*) FROM {sql}", params).fetchone()[0]

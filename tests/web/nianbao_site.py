"""The web tests' archive, built from the five seeds through the real ingest path with one
revision and one missing agency-year, and helpers to run the real `nianbao serve`."""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from archive import Archive, Capture
from archive.coverage import SiteCrawl

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
REVISED_SEED = "000_7deeb89319d6e7c7.txt"  # 宜春市工业和信息化局 2022
# The revision: two cells of 行政规范性文件 (1 -> 2 issued, 3 -> 4 in force) and one paragraph.
REVISION_EDITS = (
    ("行政规范性文件\n\t1\n\t0\n\t3\n", "行政规范性文件\n\t2\n\t0\n\t4\n"),
    ("主动发布政务信息309条", "主动发布政务信息310条"),
)
STALE_COPY_URL = "http://gxj.example.gov.cn/uploads/nb2022.txt"  # the report before its revision
MISSING_AGENCY = "宜春市人民政府"  # registered from 2022, never publishes: 2022 is missing
AS_OF = date(2023, 6, 1)
EVIDENCE_CRAWL = "2023-04-10T02:00:00Z"


@dataclass
class WebArchive:
    db_path: Path
    warc_dir: Path
    report_ids: dict[str, int]  # seed file -> report id
    revision_version_id: int


def seed_url(name: str) -> str:
    return f"http://gxj.example.gov.cn/xxgk/{Path(name).stem}.html"


def revised_body() -> bytes:
    text = (SEEDS / REVISED_SEED).read_text(encoding="utf-8")
    for old, new in REVISION_EDITS:
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


def build_web_archive(directory: Path) -> WebArchive:
    db_path, warc_dir = directory / "nianbao.db", directory / "warc"
    report_ids = {}
    with Archive(db_path, warc_dir=warc_dir, fsync=False) as arch:
        arch.register_sites([{"id": "yichun-gov", "name": "宜春市人民政府", "region": "江西省宜春市",
                              "base_url": "http://www.example-yichun.gov.cn/",
                              "agencies": [{"name": MISSING_AGENCY, "kind": "government",
                                            "since": 2022}]}])
        for seed in sorted(SEEDS.glob("*.txt")):
            result = arch.ingest(Capture(url=seed_url(seed.name), body=seed.read_bytes(),
                                         content_type="text/plain; charset=utf-8",
                                         fetched_at="2023-01-20T02:00:00Z"))
            assert result.outcome == "new_report", (seed.name, result)
            report_ids[seed.name] = result.report_id
        revision = arch.ingest(Capture(url=seed_url(REVISED_SEED), body=revised_body(),
                                       content_type="text/plain; charset=utf-8",
                                       fetched_at="2023-03-02T02:00:00Z"))
        assert revision.outcome == "revised", revision
        # the complete crawl after the government's deadline that establishes the missing year
        arch.record_site_crawl(SiteCrawl("yichun-gov", EVIDENCE_CRAWL, EVIDENCE_CRAWL, "finished",
                                         True, True, list_pages=2, report_links=1))
        # a stale copy of the unrevised report at another URL: a representation conflict
        stale = arch.ingest(Capture(url=STALE_COPY_URL, body=(SEEDS / REVISED_SEED).read_bytes(),
                                    content_type="text/plain; charset=utf-8",
                                    fetched_at="2023-03-03T02:00:00Z"))
        assert stale.outcome == "conflict", stale
        # then taken down (404): a document gone, its report still current (its page stays)
        assert arch.mark_gone(STALE_COPY_URL, 404) == []
        arch.refresh_expected(as_of=AS_OF)
    return WebArchive(db_path, warc_dir, report_ids, revision.version_id)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nianbao serve exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {timeout}s")

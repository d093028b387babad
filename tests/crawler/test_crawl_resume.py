"""A stopped crawl run again ends with every report archived exactly once: after SIGKILL (the
torn job is dropped and the sites re-walked) and after a graceful stop (the saved queue resumes)."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from conftest import REPO, crawl_command, query, run_crawl


def reports(db: Path) -> int:
    try:
        return query(db, "SELECT count(*) FROM reports")[0][0]
    except sqlite3.OperationalError:  # the archive is still creating its schema
        return 0


# replica-county brings the .wps (LibreOffice, converted in the crawl's parse children): its
# re-ingest after the kill must find the same version, not a differently converted one.
SITES = ["--site", "replica-yichun", "--site", "replica-shangrao", "--site", "replica-zhangshu",
         "--site", "replica-county"]
REPORTS = 7


def test_kill_9_then_resume_has_no_duplicates(replica, tmp_path: Path) -> None:
    db, sites = tmp_path / "nianbao.db", replica.registry(tmp_path / "sites.yml")
    slow = {"DOWNLOAD_DELAY": "0.3", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    proc = subprocess.Popen(crawl_command(db, sites, *SITES, settings=slow), cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if reports(db) >= 2:
                break
            time.sleep(0.1)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    killed_with = reports(db)
    assert 2 <= killed_with < REPORTS
    assert (tmp_path / "nianbao.crawl" / "job" / "RUNNING").exists()

    resumed = run_crawl(db, sites, *SITES)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "did not stop cleanly" in resumed.stderr
    rows = query(db, "SELECT r.url, count(v.id) FROM reports r JOIN versions v "
                     "ON v.report_id = r.id GROUP BY r.id")
    assert len(rows) == REPORTS and all(n == 1 for _, n in rows)
    assert len({url for url, _ in rows}) == REPORTS
    twice = query(db, "SELECT url FROM captures WHERE outcome = 'new_report' "
                      "GROUP BY url HAVING count(*) > 1")
    assert twice == []
    assert resumed.stats.get("nianbao/new_report", 0) == REPORTS - killed_with
    assert not (tmp_path / "nianbao.crawl" / "job").exists()  # finished: the job is done


@pytest.mark.slow  # ~25 s; the kill -9 case above is the default-run guard
def test_graceful_stop_resumes_from_the_saved_queue(replica, tmp_path: Path) -> None:
    db, sites = tmp_path / "nianbao.db", replica.registry(tmp_path / "sites.yml")
    slow = {"DOWNLOAD_DELAY": "0.3", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    proc = subprocess.Popen(crawl_command(db, sites, *SITES, settings=slow), cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and reports(db) < 2:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)  # Scrapy's graceful shutdown: the queue is saved
    assert proc.wait(timeout=60) == 1  # not finished
    job = tmp_path / "nianbao.crawl" / "job"
    assert not (job / "RUNNING").exists() and (job / "requests.seen").exists()
    before = len(replica.hits)

    resumed = run_crawl(db, sites, *SITES)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "did not stop cleanly" not in resumed.stderr
    rows = query(db, "SELECT count(v.id) FROM reports r JOIN versions v ON v.report_id = r.id "
                     "GROUP BY r.id")
    assert len(rows) == REPORTS and all(n == 1 for (n,) in rows)
    # pages fetched before the stop were not fetched again (start pages aside)
    again = [h.path for h in replica.hits[before:]]
    assert len(again) < before

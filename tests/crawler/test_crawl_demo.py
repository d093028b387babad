"""`nianbao demo --no-serve`: the replica crawled into a fresh archive, end to end."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, query


@pytest.mark.slow  # ~25 s; the same crawl is covered by test_crawl_replica.py
def test_demo_builds_the_archive(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    run = subprocess.run([sys.executable, "-m", "nianbao.cli", "--db", str(db), "demo",
                          "--replica-port", "0", "--once", "--no-serve"],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "crawl finished: 6 sites" in run.stdout
    # 7 + the home-page-only portal's 3 attachment reports and its report printed in <pre>
    assert query(db, "SELECT count(*) FROM reports WHERE status = 'current' "
                     "AND url NOT LIKE '%art_2091_61620%'") == [(11,)]
    sites = {r[0] for r in query(db, "SELECT id FROM sites")}
    assert {"replica-yichun", "replica-zhangshu", "replica-shangrao", "replica-county",
            "replica-yuanzhou"} <= sites

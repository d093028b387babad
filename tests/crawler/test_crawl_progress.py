"""Per-site progress: rich's display on a terminal (forced here), with the end-of-crawl summary."""
from __future__ import annotations

from pathlib import Path

from conftest import run_crawl


def test_terminal_progress_and_summary(replica, tmp_path: Path) -> None:
    sites = replica.registry(tmp_path / "sites.yml")
    run = run_crawl(tmp_path / "nianbao.db", sites, "--site", "replica-zhangshu",
                    settings={"NIANBAO_PROGRESS_TTY": "1"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert "replica-zhangshu: 5 pages, 1 report candidates, 1 new reports" in run.stdout
    assert "done replica-zhangshu" not in run.stderr  # the display replaces the log lines
    lines = run.stdout.rstrip().split("\n")
    assert lines[-6:-1] == [
        "crawl finished: 1 sites, 5 pages", "sites: 1 reached, 1 complete, 0 incomplete",
        "site replica-zhangshu: complete: 4 list pages, 1 report links",
        "reports: 1 new, 0 revised, 0 removed", "errors: 0"]
    assert lines[-1].startswith("column replica-zhangshu: 信息公开 <http://127.0.0.1:")

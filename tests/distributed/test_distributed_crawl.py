"""3 crawler processes + 1 writer over the replica build the same archive as one process:
for a first crawl (default run), and for a crawl of the replica's 'later' state that revises
and removes reports through the distributed complete-crawl bookkeeping (slow)."""
from __future__ import annotations

from pathlib import Path

import pytest

from crawler.redis_local import LocalRedis

from .cluster import (archive_contents, duplicate_versions, replica_for_tests, run_cluster,
                      single_process_crawl)


def assert_same_archive(distributed: dict, single: dict) -> None:
    assert len(single["reports"]) >= 7 and len(single["cells"]) >= 1000
    for table in single:
        assert distributed[table] == single[table], table


def test_three_crawlers_build_the_single_process_archive(tmp_path, clean_first_crawl):
    with replica_for_tests() as replica, LocalRedis(tmp_path / "redis") as redis_server:
        sites = replica.registry(tmp_path / "sites.yml")
        run_cluster(tmp_path / "run", redis_server.url, sites, tmp_path / "d.db", crawlers=3)
        assert redis_server.client().keys("nianbao:*") == []  # the writer reset the crawl
    assert_same_archive(archive_contents(tmp_path / "d.db"), clean_first_crawl)
    assert duplicate_versions(tmp_path / "d.db") == []


@pytest.mark.slow
def test_later_crawl_revises_and_removes_in_distributed_mode(tmp_path: Path):
    single, distributed = tmp_path / "single.db", tmp_path / "distributed.db"
    with replica_for_tests() as replica, LocalRedis(tmp_path / "redis") as redis_server:
        sites = replica.registry(tmp_path / "sites.yml")
        for state in ("first", "later"):
            replica.set_state(state)
            single_process_crawl(single, sites)
            cluster = run_cluster(tmp_path / state, redis_server.url, sites, distributed, 3)
    later = archive_contents(distributed)
    assert_same_archive(later, archive_contents(single))
    assert any(status == "removed" for _url, _y, _t, status, _a in later["reports"])
    assert any(seq == 2 for _url, seq, *_ in later["versions"])
    assert "crawl completed for" in (cluster.workdir / "writer.out").read_text()
    assert duplicate_versions(distributed) == []

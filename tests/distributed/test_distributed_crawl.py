"""3 crawler processes + 1 writer over the replica build the same archive as one process,
for a first crawl and for a crawl of the replica's 'later' state (revisions, removals)."""
from __future__ import annotations

import pytest

from crawler.redis_local import LocalRedis

from .cluster import archive_contents, duplicate_versions, replica_for_tests, run_cluster


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("distributed")
    db = tmp / "distributed.db"
    contents: dict[str, dict] = {}
    with replica_for_tests() as replica, LocalRedis(tmp / "redis") as redis_server:
        sites = replica.registry(tmp / "sites.yml")
        for state in ("first", "later"):
            replica.set_state(state)
            cluster = run_cluster(tmp / state, redis_server.url, sites, db, crawlers=3)
            contents[state] = {"archive": archive_contents(db),
                               "writer": (cluster.workdir / "writer.out").read_text()}
            assert redis_server.client().keys("nianbao:*") == []  # the writer reset the crawl
        contents["duplicates"] = duplicate_versions(db)
    return contents


@pytest.mark.parametrize("state", ["first", "later"])
def test_three_crawlers_build_the_single_process_archive(archives, clean_crawls, state):
    single, distributed = clean_crawls[state], archives[state]["archive"]
    assert len(single["reports"]) >= 7 and len(single["cells"]) >= 1000
    for table in single:
        assert distributed[table] == single[table], table


def test_later_crawl_revises_and_removes_in_distributed_mode(archives):
    later = archives["later"]["archive"]
    assert any(status == "removed" for _url, _y, _t, status, _a in later["reports"])
    assert any(seq == 2 for _url, seq, *_ in later["versions"])
    assert "crawl completed for" in archives["later"]["writer"]
    assert archives["duplicates"] == []

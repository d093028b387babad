"""archive/search_index.py on real SQLite files: bigram tokens, queries, re-indexing."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
import yaml

from archive import Archive, Capture, search_index
from archive.search_index import FTS_TABLE, NAMES_TABLE, fts_query, search_tokens
from archive.text_codec import register_text_function, unpack_text
from nianbao.serve import METADATA, ensure_search_index, load_metadata
from nianbao_site import SEEDS, WebArchive, seed_url


def search(conn: sqlite3.Connection, query: str) -> list[int]:
    return [r[0] for r in conn.execute(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? ORDER BY rank", (fts_query(query),))]


def integrity_ok(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('integrity-check')")
    except sqlite3.DatabaseError:
        return False
    return True


@pytest.mark.parametrize("text, tokens", [
    ("宜春市", "宜春 春市 市"),
    ("市", "市"),
    ("2022年度报告", "年度 度报 报告 告 2022"),
    ("工信局（宜春）", "工信 信局 宜春 局 春 （ ）"),
    ("宜春宜春宜春", "宜春 春宜 春"),  # each token once: the index keeps no counts
    ("", ""),
])
def test_search_tokens(text: str, tokens: str) -> None:
    made = search_tokens(text).split()
    # the order means nothing to an index without positions; each token is there once
    assert sorted(made) == sorted(tokens.split())


@pytest.mark.parametrize("query, match", [
    ("宜春", '"宜春"'),
    ("宜春市", '"宜春" "春市"'),
    ("复议 工信", '"复议" "工信"'),
    ("市", '"市"*'),
    ("2022年度", '"2022" "年度"'),
    ("A市", '"A" "市"*'),
    ('"宜春 工信"', '"宜春" "工信"'),
    ('say "hi', '"say" "hi"'),
    ("!!!", '""'),
    ("", '""'),
])
def test_fts_query(query: str, match: str) -> None:
    assert fts_query(query) == match


def test_one_character_query_finds_a_run_final_character(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "t.db")
    search_index.ensure_search_schema(conn)
    conn.execute(f"INSERT INTO {FTS_TABLE} (rowid, tokens) VALUES (1, ?)",
                 (search_tokens("报告。"),))
    assert search(conn, "告") == [1] and search(conn, "报") == [1] and search(conn, "报告") == [1]
    assert search(conn, "告报") == []


def test_reindex_after_revision_and_reparse(tmp_path: Path) -> None:
    seed = SEEDS / "003_7ed1e439a9c9913c.txt"
    with Archive(tmp_path / "a.db", fsync=False) as arch:
        first = arch.ingest(Capture(url=seed_url(seed.name), body=seed.read_bytes(),
                                    content_type="text/plain"))
        assert search(arch.conn, "丰城高新区") == [first.report_id]
        body = seed.read_text(encoding="utf-8").replace("丰城高新区", "丰城高新技术产业开发区")
        revised = arch.ingest(Capture(url=seed_url(seed.name), body=body.encode(),
                                      content_type="text/plain"))
        assert revised.outcome == "revised"
        assert search(arch.conn, "产业开发区") == [first.report_id]
        assert integrity_ok(arch.conn)
        arch.reparse()  # rewrites versions in place: unindex_report, then index_reports
        assert search(arch.conn, "产业开发区") == [first.report_id]
        assert integrity_ok(arch.conn)
        assert arch.conn.execute(f"SELECT count(*) FROM {search_index.TRACK_TABLE}").fetchone() == (1,)


def test_index_is_compact(web_archive: WebArchive, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(web_archive.db_path.read_bytes())
    conn = sqlite3.connect(copy, isolation_level=None)
    search_index.rebuild(conn)
    text_bytes = sum(len(unpack_text(z).encode("utf-8")) for z, in conn.execute(
        "SELECT text_z FROM versions v JOIN reports r ON r.current_version_id = v.id"))
    index_bytes = conn.execute(
        # payload, not pages: five reports' index fills a fraction of one 16 KiB page
        f"SELECT sum(payload) FROM dbstat WHERE name IN ('{FTS_TABLE}_data', '{NAMES_TABLE}_data')"
    ).fetchone()[0]
    # contentless and detail=none: no copy of the text, no positions, no columns. Five short
    # reports are the worst case (most bigrams occur in one report only): ~0.65x here, was
    # ~1.2x with detail=column; a large archive is ~0.2x (bench.serve).
    assert index_bytes < 0.75 * text_bytes
    assert search(conn, "宜春") == [1, 4]


def test_serve_builds_a_missing_or_stale_index(tmp_path: Path) -> None:
    seed = SEEDS / "000_7deeb89319d6e7c7.txt"
    with Archive(tmp_path / "a.db", fsync=False) as arch:
        arch.ingest(Capture(url=seed_url(seed.name), body=seed.read_bytes(), content_type="text/plain"))
        arch.conn.execute(f"DROP TABLE {FTS_TABLE}")
    assert ensure_search_index(str(tmp_path / "a.db")) is True
    assert ensure_search_index(str(tmp_path / "a.db")) is False
    conn = sqlite3.connect(tmp_path / "a.db")
    assert search(conn, "宜春") == [1]
    conn.execute(f"DELETE FROM {search_index.TRACK_TABLE}")  # stale bookkeeping
    conn.commit()
    conn.close()
    assert ensure_search_index(str(tmp_path / "a.db")) is True


def test_metadata_describes_every_table_and_column(web_archive: WebArchive) -> None:
    described = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["databases"]["nianbao"]["tables"]
    conn = sqlite3.connect(web_archive.db_path)
    register_text_function(conn)  # the views read versions.text_z through it
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
        f"AND name NOT LIKE '{FTS_TABLE}%' AND name NOT LIKE '{NAMES_TABLE}%'")]
    for name in names:
        assert described.get(name, {}).get("description"), f"table {name} has no description"
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")]
        missing = [c for c in columns if not described[name].get("columns", {}).get(c)]
        assert not missing, f"{name}: columns without a description: {missing}"


def test_metadata_follows_the_database_name() -> None:
    metadata = load_metadata("archive-2024")
    assert list(metadata["databases"]) == ["archive-2024"]
    charts = metadata["plugins"]["datasette-dashboards"]["overview"]["charts"]
    assert {c["db"] for c in charts.values() if "db" in c} == {"archive-2024"}


def test_an_index_of_the_older_layout_is_rebuilt_on_open(tmp_path: Path) -> None:
    """Before the names index existed, one detail=column table held title, agency and text."""
    seed = SEEDS / "000_7deeb89319d6e7c7.txt"
    with Archive(tmp_path / "a.db", fsync=False) as arch:
        arch.ingest(Capture(url=seed_url(seed.name), body=seed.read_bytes(), content_type="text/plain"))
        arch.conn.execute(f"DROP TABLE {FTS_TABLE}")
        arch.conn.execute(f"DROP TABLE {NAMES_TABLE}")
        arch.conn.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, agency, text, "
                          "content='', detail=column)")
    with Archive(tmp_path / "a.db", fsync=False) as arch:
        assert search_index.has_search_index(arch.conn)
        assert search(arch.conn, "宜春") == [1]
        assert integrity_ok(arch.conn)


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_search_tokens_hold_every_overlapping_bigram_of_a_real_report(seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    runs = re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", text)
    expected = {run[i:i + 2] for run in runs for i in range(len(run) - 1)} | {r[-1] for r in runs}
    han = {t for t in search_tokens(text).split() if any("\u4e00" <= ch <= "\u9fff" for ch in t)}
    assert han == expected

"""Chinese full-text search: SQLite FTS5 over text pre-split into overlapping character bigrams.

SQLite has no Chinese word breaker and FTS5 tokenizers cannot be written in Python, so the text
is tokenised here: every run of Han characters becomes its overlapping bigrams plus its last
character ("宜春市" -> "宜春 春市 市"), other text is left to the unicode61 tokenizer. A query
gets the same treatment and must contain every bigram of every term ("宜春市" -> "宜春" AND
"春市"), so two-character queries and longer ones both hit the index - no LIKE scans. Ranked
search orders hits by where they occur (RANK_TIERS).

Compactness: the FTS table is contentless (content=''), so it holds no copy of the text (which
lives in versions.text_z), and detail=column, so it records which column of which report holds a
token but not where: about 0.5x the text's UTF-8 size instead of about 1.1x with positions.
The price is that a longer term matches its bigrams anywhere in one report rather than as
adjacent characters - rarely a different answer, as bigram combinations are specific.

A contentless row can only be deleted by replaying the tokens it was indexed with, so
`report_search` records which version, title and agency name each report was indexed from (title
and agency can change). A version's text changes only in a re-parse, which calls
unindex_report first, so the replay is exact.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from operator import add

import sqlite_utils

from archive.text_codec import unpack_text

FTS_TABLE = "report_search_fts"
TRACK_TABLE = "report_search"
# Ranked search in tiers: a hit in the title says most about a report, then one in the
# publisher's name, then one in the text only; newest (highest id) first within a tier. Not
# bm25: on a contentless detail=column table FTS5 has no per-row term counts and bm25() is 0
# for every row. Each tier is a MATCH that FTS5 walks in rowid order and stops after the
# needed rows, so ranking never scores every hit (a common word hits most reports).
RANK_TIERS: dict[int, str] = {
    10: "title : ({q})",
    5: "agency : ({q}) NOT title : ({q})",
    1: "({q}) NOT (title : ({q}) OR agency : ({q}))",
}

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_QUERY_TERM = re.compile(r'"([^"]*)"|(\S+)')

_SCHEMA = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, agency, text, content='', detail=column, tokenize='unicode61')",
    f"CREATE TABLE IF NOT EXISTS {TRACK_TABLE} ("
    "report_id INTEGER PRIMARY KEY REFERENCES reports(id), "
    "version_id INTEGER REFERENCES versions(id), title TEXT, agency TEXT)",
)

# The report's current version, its title and its agency's name: what one index row holds.
_SOURCE_SQL = """
SELECT r.id AS report_id, v.id AS version_id, COALESCE(v.title, r.title, '') AS title,
       COALESCE(a.name, '') AS agency, v.text_z
FROM reports r
JOIN versions v ON v.id = r.current_version_id
LEFT JOIN agencies a ON a.id = r.agency_id
"""


def _query_run(run: str) -> str:
    """A Han run as consecutive tokens: its overlapping bigrams (a lone character stays one)."""
    return run if len(run) == 1 else " ".join(map(add, run, run[1:]))  # map: C-speed pairs


def _index_run(match: re.Match) -> str:
    run = match.group()
    return f" {_query_run(run)} {run[-1]} " if len(run) > 1 else f" {run} "


def bigram_text(text: str) -> str:
    """Text as indexed: each Han run -> its bigrams, then its last character on its own, so
    that a one-character query (a prefix query) also finds the character that ends a run."""
    return _HAN_RUN.sub(_index_run, text or "")


def _term(term: str) -> str | None:
    """One query term -> its tokens, all required: "宜春市" -> "宜春" "春市"."""
    # No trailing unigram here: "宜春市" is the bigrams 宜春 and 春市, which every text
    # containing 宜春市 holds (its own trailing 市 only exists where the run ends).
    tokens = re.findall(r"\w+", _HAN_RUN.sub(lambda m: f" {_query_run(m.group())} ", term))
    if not tokens:
        return None
    quoted = [f'"{t}"' for t in tokens]
    # A lone final character is a prefix: in the index it mostly starts a bigram.
    runs = _HAN_RUN.findall(term)
    if runs and len(runs[-1]) == 1 and tokens[-1] == runs[-1]:
        quoted[-1] += "*"
    return " ".join(quoted)


def fts_query(query: str) -> str:
    """A user's search box text -> an FTS5 MATCH expression (all terms must match).

    Whitespace separates terms; "double quotes" keep a term together. Never raises: input with
    no searchable characters becomes a query that matches nothing.
    """
    terms = [_term(m.group(1) if m.group(1) is not None else m.group(2))
             for m in _QUERY_TERM.finditer(query or "")]
    return " ".join(t for t in terms if t) or '""'


def tier_query(query: str, tier: int) -> str:
    """The MATCH expression for the hits of one rank tier (RANK_TIERS) of a search box text."""
    return RANK_TIERS[tier].format(q=fts_query(query))


def _conn(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    return db.conn if isinstance(db, sqlite_utils.Database) else db


def ensure_search_schema(db: sqlite_utils.Database | sqlite3.Connection) -> None:
    conn = _conn(db)
    for sql in _SCHEMA:
        conn.execute(sql)


def has_search_index(db: sqlite_utils.Database | sqlite3.Connection) -> bool:
    found = _conn(db).execute(
        "SELECT count(*) FROM sqlite_master WHERE name IN (?, ?)", (FTS_TABLE, TRACK_TABLE)
    ).fetchone()[0]
    return found == 2


def _insert(conn: sqlite3.Connection, row: sqlite3.Row | tuple, command: str | None = None) -> None:
    report_id, _version_id, title, agency, text_z = row
    values = (report_id, bigram_text(title), bigram_text(agency),
              bigram_text(unpack_text(text_z)))
    if command:  # FTS5 'delete' replays the exact tokens a contentless row was indexed with
        conn.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, agency, text) "
                     "VALUES (?, ?, ?, ?, ?)", (command, *values))
    else:
        conn.execute(f"INSERT INTO {FTS_TABLE} (rowid, title, agency, text) VALUES (?, ?, ?, ?)",
                     values)


def _track(conn: sqlite3.Connection, rows: list) -> None:
    conn.executemany(f"INSERT INTO {TRACK_TABLE} (report_id, version_id, title, agency) "
                     "VALUES (?, ?, ?, ?)", [tuple(r[:4]) for r in rows])


def unindex_report(db: sqlite_utils.Database | sqlite3.Connection, report_id: int) -> None:
    """Take a report out of the index. Call it before rewriting the indexed version's text
    (a re-parse): the removal replays that text."""
    conn = _conn(db)
    old = conn.execute(
        f"SELECT s.report_id, s.version_id, s.title, s.agency, v.text_z "
        f"FROM {TRACK_TABLE} s JOIN versions v ON v.id = s.version_id WHERE s.report_id = ?",
        (report_id,)
    ).fetchone()
    if old:
        _insert(conn, old, command="delete")
    conn.execute(f"DELETE FROM {TRACK_TABLE} WHERE report_id = ?", (report_id,))


def index_report(db: sqlite_utils.Database | sqlite3.Connection, report_id: int) -> None:
    """(Re)index one report from its current version. Runs inside the caller's transaction."""
    conn = _conn(db)
    ensure_search_schema(conn)
    unindex_report(conn, report_id)
    row = conn.execute(_SOURCE_SQL + " WHERE r.id = ?", (report_id,)).fetchone()
    if row:
        _insert(conn, row)
        _track(conn, [row])


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """Join the caller's transaction if there is one, else run in our own (one commit, not
    one per row in an autocommit connection)."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def rebuild(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    """Drop and rebuild the whole index from every report's current version; returns the count."""
    conn = _conn(db)
    with _transaction(conn):
        conn.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        conn.execute(f"DROP TABLE IF EXISTS {TRACK_TABLE}")
        ensure_search_schema(conn)
        count = 0
        # Read in id batches rather than through one open cursor: memory stays flat and no
        # cursor is left reading while the same connection writes.
        last_id = -1
        while rows := conn.execute(_SOURCE_SQL + " WHERE r.id > ? ORDER BY r.id LIMIT 2000",
                                   (last_id,)).fetchall():
            for row in rows:
                _insert(conn, row)
            _track(conn, rows)
            count += len(rows)
            last_id = rows[-1][0]
        conn.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
    return count

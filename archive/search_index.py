"""Chinese full-text search: SQLite FTS5 over text pre-split into character bigrams.

SQLite has no Chinese word breaker and FTS5 tokenizers cannot be written in Python, so the text
is tokenised here: every run of Han characters gives its overlapping bigrams plus its last
character ("宜春市" -> "宜春 春市 市"), other text is left to the unicode61 tokenizer. A query
gets the same treatment and must contain every bigram of every term ("宜春市" -> "宜春" AND
"春市"), so two-character queries and longer ones both hit the index - no LIKE scans.

Two contentless FTS5 tables (content='': no copy of the text, which lives in versions.text_z):
- FTS_TABLE, one column holding the tokens of the title, the agency name and the text, with
  detail=none: it records which reports hold a token and nothing else - no positions, no
  columns - about 1.2 KB a report, a third of detail=column (bench.archive). Datasette's table
  search (`_search`) and the text tier of the ranked search read it.
- NAMES_TABLE, title and agency with detail=column: small (names are short), and its column
  filters give the ranked search its title and agency tiers (RANK_TIERS).
Without positions a longer term matches its bigrams anywhere in one report rather than as
adjacent characters - rarely a different answer, as bigram combinations are specific. Each
report's tokens are written once (a set): without positions or counts, repeats add nothing.

A contentless row can only be deleted by replaying the tokens it was indexed with, so
`report_search` records which version, title and agency name each report was indexed from (title
and agency can change). A version's text changes only in a re-parse, which calls
unindex_report first, so the replay is exact.
"""
from __future__ import annotations

import json
import re
import sqlite3
from operator import add

import sqlite_utils

from archive.schema import transaction
from archive.text_codec import unpack_text

FTS_TABLE = "report_search_fts"
NAMES_TABLE = "report_names_fts"
TRACK_TABLE = "report_search"
# Ranked search in tiers: a hit in the title says most about a report, then one in the
# publisher's name, then one in the text only; newest (highest id) first within a tier. Not
# bm25: contentless tables without positions have no term counts, and bm25() is 0 for every
# row. Each tier is a MATCH that FTS5 walks in rowid order and stops after the needed rows, so
# ranking never scores every hit (a common word hits most reports). Tiers 10 and 5 match
# NAMES_TABLE; tier 1 is FTS_TABLE's hits minus NAMES_TABLE's hits of NAMED (metadata.yml).
RANK_TIERS: dict[int, str] = {
    10: "title : ({q})",
    5: "agency : ({q}) NOT title : ({q})",
}
NAMED = "title : ({q}) OR agency : ({q})"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
# Every overlapping pair of a run, in two C passes: the pairs at even offsets, then those
# preceded by a Han character (odd offsets). A lookahead findall took twice as long.
_HAN_PAIR = re.compile(f"[{_HAN}]{{2}}")
_HAN_PAIR_AFTER_HAN = re.compile(f"(?<=[{_HAN}])[{_HAN}]{{2}}")
_HAN_RUN_END = re.compile(f"[{_HAN}](?![{_HAN}])")
_QUERY_TERM = re.compile(r'"([^"]*)"|(\S+)')

_SCHEMA = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "tokens, content='', detail=none, tokenize='unicode61')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {NAMES_TABLE} USING fts5("
    "title, agency, content='', detail=column, tokenize='unicode61')",
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


def search_tokens(text: str | None) -> str:
    """Text as indexed: the distinct bigrams of its Han runs, then the character that ends each
    run (so a one-character query, a prefix query, also finds a run's last character), then
    the text's non-Han rest for unicode61 to split. Deterministic: replaying it deletes a row."""
    text = text or ""
    han = dict.fromkeys(_HAN_PAIR.findall(text))
    for pattern in (_HAN_PAIR_AFTER_HAN, _HAN_RUN_END):
        han.update(dict.fromkeys(pattern.findall(text)))
    return f"{' '.join(han)} {_HAN_RUN.sub(' ', text)}"


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
    """The NAMES_TABLE MATCH expression of one name tier (RANK_TIERS) of a search box text."""
    return RANK_TIERS[tier].format(q=fts_query(query))


def named_query(query: str) -> str:
    """The NAMES_TABLE MATCH expression of the reports that a name tier ranks already."""
    return NAMED.format(q=fts_query(query))


def _conn(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    return db.conn if isinstance(db, sqlite_utils.Database) else db


def _exists(conn: sqlite3.Connection, *names: str) -> bool:
    found = conn.execute(f"SELECT count(*) FROM sqlite_master WHERE name IN "
                         f"({', '.join('?' * len(names))})", names).fetchone()[0]
    return found == len(names)


def ensure_search_schema(db: sqlite_utils.Database | sqlite3.Connection) -> None:
    """Create the index tables; an index of the older layout (one detail=column table of
    title, agency and text) is rebuilt in the current one."""
    conn = _conn(db)
    if _exists(conn, FTS_TABLE) and not _exists(conn, NAMES_TABLE):
        rebuild(conn)
        return
    for sql in _SCHEMA:
        conn.execute(sql)


def has_search_index(db: sqlite_utils.Database | sqlite3.Connection) -> bool:
    return _exists(_conn(db), FTS_TABLE, NAMES_TABLE, TRACK_TABLE)


def _write(conn: sqlite3.Connection, row: sqlite3.Row | tuple, text_tokens: str | None = None,
           command: str | None = None) -> None:
    """One report's rows in both FTS tables; `command` 'delete' replays the exact tokens a
    contentless row was indexed with. text_tokens: search_tokens of the version's text when
    the caller has them (computed in a parsing worker), else made from text_z here."""
    report_id, _version_id, title, agency, text_z = row
    if text_tokens is None:
        text_tokens = search_tokens(unpack_text(text_z))
    names = (search_tokens(title), search_tokens(agency))
    for table, columns, values in ((FTS_TABLE, ("tokens",), (" ".join((*names, text_tokens)),)),
                                   (NAMES_TABLE, ("title", "agency"), names)):
        head = (table, "rowid", *columns) if command else ("rowid", *columns)
        params = (command, report_id, *values) if command else (report_id, *values)
        conn.execute(f"INSERT INTO {table} ({', '.join(head)}) "
                     f"VALUES ({', '.join('?' * len(params))})", params)


def _track(conn: sqlite3.Connection, rows: list) -> None:
    conn.executemany(f"INSERT INTO {TRACK_TABLE} (report_id, version_id, title, agency) "
                     "VALUES (?, ?, ?, ?)", [tuple(r[:4]) for r in rows])


def _untrack(conn: sqlite3.Connection, report_ids: list[int]) -> list[tuple]:
    """Remove the reports' bookkeeping rows; returns them, each with its version's text_z:
    what the reports' index rows were made from, for a delete to replay."""
    ids = json.dumps(report_ids)
    old = conn.execute(
        f"SELECT s.report_id, s.version_id, s.title, s.agency, v.text_z FROM {TRACK_TABLE} s "
        "JOIN versions v ON v.id = s.version_id "
        "WHERE s.report_id IN (SELECT value FROM json_each(?))", (ids,)).fetchall()
    conn.execute(f"DELETE FROM {TRACK_TABLE} WHERE report_id IN (SELECT value FROM json_each(?))",
                 (ids,))
    return old


def unindex_report(db: sqlite_utils.Database | sqlite3.Connection, report_id: int) -> None:
    """Take a report out of the index. Call it before rewriting the indexed version's text
    (a re-parse): the removal replays that text."""
    conn = _conn(db)
    for old in _untrack(conn, [report_id]):
        _write(conn, old, command="delete")


def index_reports(db: sqlite_utils.Database | sqlite3.Connection,
                  text_tokens: dict[int, str | None]) -> None:
    """(Re)index reports from their current versions, inside the caller's transaction.
    text_tokens: report id -> search_tokens of its current version's text, or None to make
    them here.

    Call it once per transaction, after the transaction's other writes: the bookkeeping rows
    go first, then only FTS writes. A write statement that needs a statement journal (one
    with foreign keys, a multi-row one) makes FTS5 flush its pending terms into a new index
    segment; between reports that cost ~0.4 ms a report, plus merging the segments again.
    Together at the end, a batch's terms are flushed once, at commit."""
    conn = _conn(db)
    old = _untrack(conn, list(text_tokens))
    new = conn.execute(_SOURCE_SQL + " WHERE r.id IN (SELECT value FROM json_each(?))",
                       (json.dumps(list(text_tokens)),)).fetchall()
    _track(conn, new)
    for row in old:
        _write(conn, row, command="delete")
    for row in new:
        _write(conn, row, text_tokens[row[0]])


def rebuild(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    """Drop and rebuild the whole index from every report's current version; returns the count."""
    conn = _conn(db)
    with transaction(conn):
        for table in (FTS_TABLE, NAMES_TABLE, TRACK_TABLE):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        for sql in _SCHEMA:
            conn.execute(sql)
        count = 0
        # Read in id batches rather than through one open cursor: memory stays flat and no
        # cursor is left reading while the same connection writes.
        last_id = -1
        while rows := conn.execute(_SOURCE_SQL + " WHERE r.id > ? ORDER BY r.id LIMIT 2000",
                                   (last_id,)).fetchall():
            for row in rows:
                _write(conn, row)
            _track(conn, rows)
            count += len(rows)
            last_id = rows[-1][0]
        for table in (FTS_TABLE, NAMES_TABLE):
            conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
    return count

"""`report_figures`: every report's key figures in one narrow row, precomputed for serving.

The dashboard charts sum or rank one cell over every report; read from `cell_values` that is
one primary-key lookup per report (100,000 lookups in a 10M-row table: ~300-450 ms a chart).
This table holds the figures of each report's current version, indexed for the charts, so a
chart reads one small index. It is derived data: `ensure_report_figures` rebuilds it whenever
the archive changed since it was built (fingerprint of reports and changes), before the site
opens the database immutable.
"""
from __future__ import annotations

import sqlite3

from archive.schema import transaction

TABLE = "report_figures"
STATE_TABLE = "serving_state"

# column -> (tbl, col_key, row_keys summed): the figures agency_history and the charts show.
FIGURES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "new_requests": ("requests", "total", ("new_received",)),
    "granted": ("requests", "total", ("granted",)),
    "handled": ("requests", "total", ("results_total",)),
    "reviews": ("appeals", "total", ("review",)),
    "lawsuits": ("appeals", "total", ("litigation_direct", "litigation_after_review")),
    "fees_10k_yuan": ("active", "amount_10k_yuan", ("fees",)),
}

_INDEXES = (
    f"CREATE INDEX idx_{TABLE}_year_requests ON {TABLE} (year, new_requests)",
    f"CREATE INDEX idx_{TABLE}_requests ON {TABLE} (new_requests)",
    f"CREATE INDEX idx_{TABLE}_agency ON {TABLE} (agency_id, year)",
)

# What a rebuild depends on: new reports, new current versions, removals, and re-parses
# (which rewrite cells in place but always record their changes).
_FINGERPRINT_SQL = """
SELECT (SELECT count(*) || ':' || total(id) || ':' || total(current_version_id) || ':'
               || total(status = 'removed') FROM reports)
       || '/' || (SELECT count(*) || ':' || coalesce(max(id), 0) FROM changes)
"""


def _figure_sql(column: str, tbl: str, col_key: str, row_keys: tuple[str, ...]) -> str:
    rows = ", ".join(f"'{r}'" for r in row_keys)
    # sum() stays NULL when every cell is blank or absent: blank is never 0
    return (f"(SELECT sum(c.value) FROM cell_values c JOIN cell_keys k ON k.id = c.key_id "
            f"WHERE c.version_id = r.current_version_id AND k.tbl = '{tbl}' "
            f"AND k.col_key = '{col_key}' AND k.row_key IN ({rows})) AS {column}")


def _build_sql() -> str:
    figures = ",\n       ".join(_figure_sql(name, *spec) for name, spec in FIGURES.items())
    return (f"INSERT INTO {TABLE}\nSELECT r.id, r.agency_id, r.year, r.status, "
            f"r.current_version_id,\n       {figures}\n"
            "FROM reports r WHERE r.current_version_id IS NOT NULL")


def _fingerprint(conn: sqlite3.Connection) -> str:
    return conn.execute(_FINGERPRINT_SQL).fetchone()[0]


def _built_from(conn: sqlite3.Connection) -> str | None:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (STATE_TABLE,)).fetchone():
        return None
    row = conn.execute(f"SELECT fingerprint FROM {STATE_TABLE} WHERE name = ?", (TABLE,)).fetchone()
    return row[0] if row else None


def rebuild(conn: sqlite3.Connection) -> None:
    """Drop and rebuild the table from every report's current version (one transaction)."""
    # NUMERIC: counts stay integers, amounts in 万元 may be fractions
    columns = ", ".join(f"{name} NUMERIC" for name in FIGURES)
    with transaction(conn):
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(f"CREATE TABLE {TABLE} (report_id INTEGER PRIMARY KEY REFERENCES reports(id), "
                     "agency_id INTEGER REFERENCES agencies(id), year INTEGER, status TEXT, "
                     f"version_id INTEGER REFERENCES versions(id), {columns})")
        conn.execute(_build_sql())
        for sql in _INDEXES:
            conn.execute(sql)
        conn.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (name TEXT PRIMARY KEY, fingerprint TEXT)")
        conn.execute(f"INSERT OR REPLACE INTO {STATE_TABLE} VALUES (?, ?)", (TABLE, _fingerprint(conn)))


def ensure_report_figures(conn: sqlite3.Connection) -> bool:
    """Rebuild the table when missing or built from an older archive; True when it rebuilt."""
    if _built_from(conn) == _fingerprint(conn):
        return False
    rebuild(conn)
    return True

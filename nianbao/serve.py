"""`nianbao serve`: the archive as a read-only Datasette site (metadata.yml + plugins/)."""
from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette

from archive import Archive, document_migration, schema, search_index
from nianbao.report_figures import ensure_report_figures

ROOT = Path(__file__).resolve().parent.parent
METADATA = ROOT / "metadata.yml"
PLUGINS_DIR = ROOT / "plugins"
TEMPLATES_DIR = PLUGINS_DIR / "templates"
# metadata.yml describes the database under this name; a file with another name gets the
# same description (Datasette names a database after its file's stem).
METADATA_DB_NAME = "nianbao"

SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": 2000,
    "facet_time_limit_ms": 500,
    # facet suggestions run extra queries on every table page: too costly on 10M cells
    "suggest_facets": False,
    "default_page_size": 50,
}


# Read-side indexes for the canned queries and dashboards: failing checks and missing reports
# without scanning every row; reports by year and by current version without reading version
# rows (they hold the full text). Created before serving: the database is then opened immutable.
SERVING_INDEXES = (
    "CREATE INDEX IF NOT EXISTS idx_checks_failed ON checks (version_id) WHERE ok = 0",
    "CREATE INDEX IF NOT EXISTS idx_reports_year_status ON reports (year, status)",
    # the reports page lists newest year first, then by id: this order, read without sorting
    "CREATE INDEX IF NOT EXISTS idx_reports_year_desc ON reports (year DESC)",
    # the reports page's status facet: counted in index order instead of grouping the table
    "CREATE INDEX IF NOT EXISTS idx_reports_status ON reports (status)",
    "CREATE INDEX IF NOT EXISTS idx_reports_current_version ON reports (current_version_id)",
    # removed_reports: the few removed reports, newest removal first, without a table scan
    "CREATE INDEX IF NOT EXISTS idx_reports_removed ON reports (removed_at) WHERE status = 'removed'",
    "CREATE INDEX IF NOT EXISTS idx_expected_status_deadline "
    "ON expected_reports (status, deadline, agency_id)",
)


def prepare_for_serving(db_path: str) -> None:
    """Everything a read-only site needs written first: search index, serving indexes, the
    report_figures summary the charts read."""
    migrate_archive(db_path)
    ensure_search_index(db_path)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        for sql in SERVING_INDEXES:
            conn.execute(sql)
        ensure_report_figures(conn)
        # an immutable open reads the main file only: fold the WAL in, even when another
        # connection of this process is still open and would stop the checkpoint-on-close
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def migrate_archive(db_path: str) -> None:
    """Bring an archive made by an older schema up to date (the site reads versions.text_z,
    and documents: an older archive's representation flip-flops collapse before it is shown)."""
    db = schema.connect(db_path)
    try:
        if not db["versions"].exists():
            return
        schema.create_schema(db)
        pending = document_migration.pending(db.conn)
    finally:
        db.conn.close()
    if pending:
        with tempfile.TemporaryDirectory() as warc_dir:  # the migration reads no original
            Archive(db_path, warc_dir=warc_dir).close()


def ensure_search_index(db_path: str) -> bool:
    """Build the search index if it is missing or stale (a report count that differs).

    Runs before Datasette opens the file immutable, which forbids any later write.
    Returns True when it (re)built the index."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        if search_index.has_search_index(conn) and _index_count_matches(conn):
            return False
        search_index.rebuild(conn)
        return True
    finally:
        conn.close()


def _index_count_matches(conn: sqlite3.Connection) -> bool:
    indexed = conn.execute(f"SELECT count(*) FROM {search_index.TRACK_TABLE}").fetchone()[0]
    reports = conn.execute("SELECT count(*) FROM reports WHERE current_version_id IS NOT NULL"
                           ).fetchone()[0]
    return indexed == reports


def load_metadata(db_name: str, warc_dir: str | None = None) -> dict[str, Any]:
    """metadata.yml, pointed at the database `db_name` and at the WARC directory."""
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    metadata["databases"] = {db_name: metadata["databases"][METADATA_DB_NAME]}
    for dashboard in metadata["plugins"]["datasette-dashboards"].values():
        for item in [*dashboard.get("charts", {}).values(), *dashboard.get("filters", {}).values()]:
            if "db" in item:
                item["db"] = db_name
    if warc_dir:
        metadata["plugins"].setdefault("nianbao", {})["warc_dir"] = warc_dir
    return metadata


def build_datasette(db_path: str, warc_dir: str | None = None) -> Datasette:
    """The site as served: immutable database, our metadata, plugins and templates."""
    prepare_for_serving(db_path)
    metadata = load_metadata(Path(db_path).stem, warc_dir)
    return Datasette(immutables=[db_path], metadata=metadata, plugins_dir=str(PLUGINS_DIR),
                     template_dir=str(TEMPLATES_DIR), settings=SETTINGS)


def serve(db_path: str, port: int = 8001, host: str = "127.0.0.1",
          warc_dir: str | None = None) -> None:
    """Serve the archive until interrupted (blocks)."""
    import uvicorn

    if not Path(db_path).is_file():
        raise FileNotFoundError(f"no archive database at {db_path}")
    datasette = build_datasette(db_path, warc_dir)
    asyncio.run(datasette.invoke_startup())
    print(f"serving {db_path} read-only on http://{host}:{port}/", flush=True)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")


def _run(args: argparse.Namespace) -> int:
    try:
        serve(args.db, port=args.port, host=args.host, warc_dir=args.warc_dir)
    except (FileNotFoundError, sqlite3.DatabaseError) as exc:
        print(f"nianbao serve: {exc}", file=sys.stderr)
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="serve the archive read-only with Datasette")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--warc-dir", help="WARC directory (default: warc/ next to the database)")
    parser.set_defaults(func=_run)

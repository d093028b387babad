"""Report pages: /report/<id> lays out the three tables with their checks; /report/<id>/diff
shows what a revision changed (old -> new per cell, changed paragraphs)."""
from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from datasette import hookimpl
from datasette.database import Database
from datasette.utils.asgi import Request, Response

_LABEL_FILE = yaml.safe_load((Path(__file__).parent / "cell_labels.yml").read_text(encoding="utf-8"))
LABELS: dict[str, dict[str, Any]] = _LABEL_FILE["tables"]
SECTIONS: dict[str, str] = _LABEL_FILE["sections"]
TABLES = ("active", "requests", "appeals")
KIND_TITLES = {"cell": "单元格 cells", "paragraph": "段落 paragraphs", "metadata": "元数据 metadata"}

_REPORT_SQL = """
SELECT r.id, r.year, r.title, r.url, r.status, r.removed_at, r.first_seen, r.last_seen,
       r.current_version_id, r.agency_id, a.name AS agency, a.province, a.city, a.county,
       e.status AS timeliness, e.deadline, e.publish_date AS dated, e.date_evidence,
       a.identity AS agency_identity
FROM reports r JOIN agencies a ON a.id = r.agency_id
LEFT JOIN expected_reports e ON e.report_id = r.id WHERE r.id = ?
"""


class Missing(Exception):
    """No such report or version: a 404 page. Not datasette's NotFound, whose handler prints a
    full traceback for every mistyped URL on a public site."""


def _quiet_404(handler):
    async def view(datasette, request: Request) -> Response:
        try:
            return await handler(datasette, request)
        except Missing as missing:
            html = await datasette.render_template(
                "error.html", {"ok": False, "error": str(missing), "status": 404, "title": None},
                request=request)
            return Response.html(html, status=404)
    return view


def _order(keys: set[str], known: dict[str, str]) -> list[str]:
    """Known keys in printed order, then any others (never hide a cell the parser produced)."""
    return [k for k in known if k in keys] + sorted(keys - known.keys())


def layout_table(tbl: str, cells: dict[tuple[str, str], dict], failed: set[str]) -> list[dict]:
    """One printed table as blocks of rows x columns with Chinese labels.

    The `active` table is printed as one block per 第二十条 item, each with its own columns,
    so consecutive rows sharing a column set form a block; the other tables are one grid."""
    labels = LABELS.get(tbl, {"rows": {}, "cols": {}})
    rows = _order({r for r, _ in cells}, labels["rows"])
    all_cols = _order({c for _, c in cells}, labels["cols"])
    blocks: list[dict] = []
    for row in rows:
        cols = [c for c in all_cols if (row, c) in cells] if tbl == "active" else all_cols
        if not blocks or blocks[-1]["col_keys"] != cols:
            blocks.append({"col_keys": cols, "cols": [labels["cols"].get(c, c) for c in cols],
                           "rows": []})
        blocks[-1]["rows"].append({
            "key": row, "label": labels["rows"].get(row, row),
            "cells": [{**cells.get((row, c), {"raw": None, "absent": True}),
                       "failed": f"{tbl}/{row}/{c}" in failed} for c in cols],
        })
    return blocks


def cell_label(key: str) -> str:
    """"requests/granted/natural_person" -> "三、…（一）予以公开 · 自然人"."""
    parts = key.split("/")
    if len(parts) != 3 or parts[0] not in LABELS:
        return key
    labels = LABELS[parts[0]]
    return (f"{labels['title'].split('、', 1)[-1]} · {labels['rows'].get(parts[1], parts[1])}"
            f" · {labels['cols'].get(parts[2], parts[2])}")


def paragraph_label(key: str) -> str:
    """"overview/1" -> "一、总体情况 · 第 2 段"."""
    section, _, index = key.partition("/")
    where = f" · 第 {int(index) + 1} 段" if index.isdigit() else ""
    return SECTIONS.get(section, section) + where


def text_diff(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """Character-level diff of two paragraphs as (op, text) segments: equal / delete / insert."""
    old, new = old or "", new or ""
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in ("equal", "delete", "replace"):
            segments.append(("equal" if op == "equal" else "delete", old[i1:i2]))
        if op in ("insert", "replace"):
            segments.append(("insert", new[j1:j2]))
    return segments


# A report's documents, with how many cells each reads otherwise than the version shown.
_DOCUMENTS_SQL = """
SELECT d.id, d.kind, d.url, d.capture_id, d.first_seen, d.last_seen, d.gone_at, d.agreement,
       d.cells_read, d.id = (SELECT document_id FROM versions WHERE id = ?) AS is_source,
       (SELECT count(*) FROM representation_conflicts c
        WHERE c.document_id = d.id AND c.version_id = ?) AS conflicts
FROM documents d WHERE d.report_id = ? ORDER BY d.first_seen, d.id
"""


async def _first(db: Database, sql: str, params: list) -> dict | None:
    row = (await db.execute(sql, params)).first()
    return dict(row) if row else None


async def _report(db: Database, request: Request) -> dict:
    report = await _first(db, _REPORT_SQL, [int(request.url_vars["report_id"])])
    if report is None:
        raise Missing("没有这份报告 / no such report")
    return report


async def _version(db: Database, report: dict, version_id: str | None) -> dict:
    """The version asked for (?version= / ?to=), else the current one."""
    wanted = report["current_version_id"] if version_id is None else version_id
    if not re.fullmatch(r"[0-9]{1,18}", str(wanted)):  # SQLite integers are 64-bit
        raise Missing("版本编号无效 / invalid version id")
    version = await _first(db, "SELECT * FROM versions WHERE id = ? AND report_id = ?",
                           [int(wanted), report["id"]])
    if version is None:
        raise Missing("这份报告没有这个版本 / no such version of this report")
    return version


async def report_page(datasette, request: Request) -> Response:
    db = datasette.get_database()
    report = await _report(db, request)
    version = await _version(db, report, request.args.get("version"))
    cells: dict[str, dict] = {t: {} for t in TABLES}
    for c in await db.execute("SELECT tbl, row_key, col_key, value, raw FROM cells "
                              "WHERE version_id = ?", [version["id"]]):
        cells.setdefault(c["tbl"], {})[(c["row_key"], c["col_key"])] = {
            "value": c["value"], "raw": c["raw"]}
    checks = [dict(c) for c in await db.execute(
        "SELECT rule, ok, detail, cells FROM checks WHERE version_id = ? ORDER BY ok, rule, id",
        [version["id"]])]
    failed = {key for c in checks if not c["ok"] for key in json.loads(c["cells"] or "[]")}
    tables = [{"key": t, "title": LABELS.get(t, {}).get("title", t),
               "blocks": layout_table(t, cells[t], failed)} for t in cells if cells[t]]
    versions = [dict(v) for v in await db.execute(
        "SELECT id, seq, first_seen, last_seen, cause, capture_id FROM versions "
        "WHERE report_id = ? ORDER BY seq", [report["id"]])]
    return Response.html(await datasette.render_template("nianbao_report.html", {
        "report": report, "version": version, "tables": tables, "checks": checks,
        "versions": versions, "database": db.name,
        "documents": [dict(d) for d in await db.execute(_DOCUMENTS_SQL, [version["id"]] * 2
                                                         + [report["id"]])],
        "warnings": json.loads(version["warnings"] or "[]"),
        "websites": json.loads(version["websites"] or "[]"),
    }, request=request))


async def diff_page(datasette, request: Request) -> Response:
    db = datasette.get_database()
    report = await _report(db, request)
    version = await _version(db, report, request.args.get("to"))
    changes = [dict(c) for c in await db.execute(
        "SELECT kind, key, old, new, cause, detected_at, from_version_id FROM changes "
        "WHERE report_id = ? AND to_version_id = ? ORDER BY id", [report["id"], version["id"]])]
    for change in changes:
        change["label"] = change["key"]
        if change["kind"] == "cell":
            change["label"] = cell_label(change["key"])
        elif change["kind"] == "paragraph":
            change["label"] = paragraph_label(change["key"])
            change["segments"] = text_diff(change["old"], change["new"])
    from_ids = {c["from_version_id"] for c in changes}
    previous = await _first(db, "SELECT id, seq FROM versions WHERE id = ?",
                            [min(from_ids)]) if from_ids else None
    groups = [{"kind": k, "title": title, "changes": [c for c in changes if c["kind"] == k]}
              for k, title in KIND_TITLES.items()]
    return Response.html(await datasette.render_template("nianbao_diff.html", {
        "report": report, "version": version, "previous": previous, "database": db.name,
        "groups": [g for g in groups if g["changes"]], "count": len(changes),
    }, request=request))


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/report/(?P<report_id>\d{1,18})$", _quiet_404(report_page)),
        (r"^/report/(?P<report_id>\d{1,18})/diff$", _quiet_404(diff_page)),
    ]

"""`nianbao parse FILE... [--json]`: parse documents, print a summary or JSON Lines."""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from .errors import ParseError
from .labels import APPEAL_COLS, APPEAL_ROWS, REQUEST_COLS, REQUEST_ROWS

CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html", ".xhtml": "application/xhtml+xml",
    ".txt": "text/plain", ".text": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown",
    ".pdf": "application/pdf", ".doc": "application/msword", ".wps": "application/vnd.ms-works",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ACTIVE_ORDER = ("regulations", "normative_documents", "licensing", "other_external_services", "penalty",
                "enforcement", "fees", "centralized_procurement")


def register(subparsers) -> None:
    p = subparsers.add_parser("parse", help="parse report documents and print a summary or JSON Lines",
                              description=__doc__)
    p.add_argument("files", nargs="+", metavar="FILE", help="HTML, text, markdown, DOCX, PDF, DOC or WPS file")
    p.add_argument("--json", action="store_true", help="print one JSON object per file (JSON Lines)")
    p.set_defaults(func=run)


def content_type_for(path: str) -> str | None:
    return CONTENT_TYPES.get(Path(path).suffix.lower())


def report_json(path: str, report) -> dict:
    d = {
        "file": path,
        "title": report.title,
        "agency": report.agency,
        "agency_normalized": report.agency_normalized,
        "region": {"province": report.region.province, "city": report.region.city,
                   "county": report.region.county},
        "year": report.year,
        "format": report.format,
        "period": report.period,
        "publish_date": report.publish_date,
        "source_url": report.source_url,
        "contacts": {"address": report.contacts.address, "phone": report.contacts.phone,
                     "postcode": report.contacts.postcode, "email": report.contacts.email},
        "websites": report.websites,
        "source_kind": report.source_kind,
        "sections": report.sections,
        "cells": [{"table": c.table, "row": c.row, "col": c.col, "value": c.value, "raw": c.raw}
                  for c in report.cells],
        "checks": [{"rule": c.rule, "ok": c.ok, "detail": c.detail, "cells": c.cells} for c in report.checks],
        "warnings": report.warnings,
    }
    return d


def run(args: argparse.Namespace) -> int:
    import parsers

    status = 0
    out = sys.stdout
    for i, path in enumerate(args.files):
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            print(f"nianbao parse: {path}: cannot read: {exc.strerror or exc}", file=sys.stderr)
            status = 2
            continue
        try:
            report = parsers.parse(data, content_type=content_type_for(path), url=Path(path).name)
        except ParseError as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"nianbao parse: {path}: {msg}", file=sys.stderr)
            status = 1
            continue
        if args.json:
            out.write(json.dumps(report_json(path, report), ensure_ascii=False) + "\n")
        else:
            if i:
                out.write("\n")
            out.write(summary(path, report))
    out.flush()
    return status


# ------------------------------------------------------------------ the readable summary

def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int, right: bool = False) -> str:
    fill = " " * max(0, w - _width(s))
    return fill + s if right else s + fill


def _grid(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(h, widths[i], i > 0) for i, h in enumerate(header)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(_pad(v, widths[i], i > 0) for i, v in enumerate(r)).rstrip())
    return "\n".join(lines)


def _v(cell) -> str:
    if cell is None:
        return "?"  # not read
    if cell.value is None:
        return "·"  # blank as printed
    return f"{cell.value:g}" if isinstance(cell.value, float) else str(cell.value)


def summary(path: str, r) -> str:
    by = {(c.table, c.row, c.col): c for c in r.cells}
    region = " ".join(x for x in (r.region.province, r.region.city, r.region.county) if x) or "-"
    lines = [
        f"== {path}",
        f"title:    {r.title or '-'}",
        f"agency:   {r.agency or '-'}" + (f"  (normalised: {r.agency_normalized})"
                                          if r.agency_normalized and r.agency_normalized != r.agency else ""),
        f"region:   {region}",
        f"year:     {r.year or '-'}   format: {r.format}   source: {r.source_kind}",
    ]
    if r.period:
        lines.append(f"period:   {r.period}")
    if r.publish_date:
        lines.append(f"published: {r.publish_date}")
    contacts = [f"{k} {v}" for k, v in (("address", r.contacts.address), ("phone", r.contacts.phone),
                                         ("postcode", r.contacts.postcode), ("email", r.contacts.email)) if v]
    if contacts:
        lines.append("contacts: " + "; ".join(contacts))
    if r.websites:
        lines.append("websites: " + " ".join(r.websites))
    found = [k for k in ("overview", "active", "requests", "appeals", "problems", "other") if r.sections.get(k)]
    lines.append(f"sections: {', '.join(found) or '-'}")
    if r.cells:
        active_rows = [k for k in ACTIVE_ORDER if any(c.table == "active" and c.row == k for c in r.cells)]
        if active_rows:
            cols: list[str] = []
            for c in r.cells:
                if c.table == "active" and c.col not in cols:
                    cols.append(c.col)
            rows = [[k] + [("" if ("active", k, col) not in by else _v(by[("active", k, col)])) for col in cols]
                    for k in active_rows]
            lines += ["", "active", _grid(["row", *cols], rows)]
        if any(c.table == "requests" for c in r.cells):
            keys = [x.key for x in REQUEST_ROWS
                    if x.key != "other" or any(c.row == "other" and c.table == "requests" for c in r.cells)]
            if any(c.row == "other" and c.table == "requests" for c in r.cells):
                keys = [k for k in keys if not k.startswith("other.")]
            rows = [[k] + [_v(by.get(("requests", k, col))) for col in REQUEST_COLS] for k in keys]
            short = ["natural", "commercial", "research", "welfare", "legal", "other", "total"]
            lines += ["", "requests", _grid(["row", *short], rows)]
        if any(c.table == "appeals" for c in r.cells):
            rows = [[k] + [_v(by.get(("appeals", k, col))) for col in APPEAL_COLS] for k in APPEAL_ROWS]
            lines += ["", "appeals", _grid(["row", *APPEAL_COLS], rows)]
        lines.append("(· blank as printed, ? not read)")
    else:
        lines.append("tables:   none")
    failed = [c for c in r.checks if not c.ok]
    lines.append("")
    lines.append(f"checks:   {len(r.checks) - len(failed)} of {len(r.checks)} passed")
    for c in failed:
        lines.append(f"  FAIL {c.rule} {c.detail}")
    if r.warnings:
        lines.append(f"warnings: {len(r.warnings)}")
        for w in r.warnings[:20]:
            lines.append(f"  - {w}")
        if len(r.warnings) > 20:
            lines.append(f"  … {len(r.warnings) - 20} more (see --json)")
    return "\n".join(lines) + "\n"

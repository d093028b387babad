"""Fidelity harness for the PDF and DOCX readers: dump what they make of every corpus file,
compare with an earlier dump.

For each file of bench.reader_corpus: the Document as the reader returns it (blocks: paragraphs
and table rows; title, publish date, warnings) or its error, and the Report's cells from the
full parse. `save` writes the dump (made with today's reader, before a change); `compare` reads
the corpus again and names every file whose document or cells differ.

    python -m bench.reader_dump save /tmp/before.json
    python -m bench.reader_dump compare /tmp/before.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from parsers import parse
from parsers.document import Table
from parsers.errors import ParseError
from parsers.readers import read

from .reader_corpus import corpus


def dump(files: dict[str, bytes]) -> dict[str, dict]:
    return {name: _dump_one(data) for name, data in files.items()}


def _dump_one(data: bytes) -> dict:
    try:
        document = read(data)
    except ParseError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    report = parse(data)
    return {
        "title": document.title, "publish_date": document.publish_date,
        "warnings": document.warnings,
        "blocks": [{"table": b.rows} if isinstance(b, Table) else b for b in document.blocks],
        "cells": {cell.key: [cell.value, cell.raw] for cell in report.cells},
    }


def differences(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """One line per file whose dump changed, naming the parts that changed."""
    lines = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if old is None or new is None:
            lines.append(f"{name}: only {'after' if old is None else 'before'}")
            continue
        parts = [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
        lines.append(f"{name}: {', '.join(parts)} differ")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reader_dump", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("path", type=Path)
    parser.add_argument("--kind", choices=("pdf", "docx"), action="append")
    args = parser.parse_args(argv)
    files = corpus(tuple(args.kind or ("pdf", "docx")))
    now = dump(files)
    if args.action == "save":
        args.path.write_text(json.dumps(now, ensure_ascii=False, indent=1))
        print(f"{len(now)} files dumped, "
              f"{sum(len(d.get('cells', {})) for d in now.values())} cells")
        return 0
    before = json.loads(args.path.read_text())
    before = {name: entry for name, entry in before.items() if name in now}
    changed = differences(before, now)
    print("\n".join(changed) if changed else
          f"identical: {len(now)} files, {sum(len(d.get('cells', {})) for d in now.values())} cells")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())

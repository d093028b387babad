"""nianbao/report_figures.py on real archives: figures equal the cells, rebuilt when stale."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from archive import Archive, Capture
from nianbao.report_figures import FIGURES, TABLE, ensure_report_figures
from nianbao_site import SEEDS, WebArchive, seed_url


def cell_sum(conn: sqlite3.Connection, version_id: int, tbl: str, col: str, rows: tuple) -> float | None:
    marks = ", ".join("?" * len(rows))
    return conn.execute(f"SELECT sum(value) FROM cells WHERE version_id = ? AND tbl = ? AND col_key = ? "
                        f"AND row_key IN ({marks})", (version_id, tbl, col, *rows)).fetchone()[0]


def test_figures_are_the_current_versions_cells(web_archive: WebArchive, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(web_archive.db_path.read_bytes())
    conn = sqlite3.connect(copy, isolation_level=None)
    ensure_report_figures(conn)
    rows = conn.execute(f"SELECT * FROM {TABLE} f JOIN reports r ON r.id = f.report_id").fetchall()
    assert len(rows) == 5
    names = [d[0] for d in conn.execute(f"SELECT * FROM {TABLE} LIMIT 0").description]
    for row in rows:
        figures = dict(zip(names, row))
        assert figures["version_id"] == conn.execute(
            "SELECT current_version_id FROM reports WHERE id = ?", (figures["report_id"],)).fetchone()[0]
        for column, (tbl, col, row_keys) in FIGURES.items():
            assert figures[column] == cell_sum(conn, figures["version_id"], tbl, col, row_keys), column
    # hand-read: 宜春丰城高新区 2022 had one administrative review; every seed prints its figures
    assert sorted(r[0] for r in conn.execute(f"SELECT reviews FROM {TABLE}")) == [0, 0, 0, 0, 1]
    assert conn.execute(f"SELECT count(*) FROM {TABLE} WHERE new_requests IS NULL").fetchone() == (0,)


def test_rebuilt_only_when_the_archive_changed(tmp_path: Path) -> None:
    first, second = sorted(SEEDS.glob("*.txt"))[:2]
    with Archive(tmp_path / "a.db", fsync=False) as arch:
        arch.ingest(Capture(url=seed_url(first.name), body=first.read_bytes(), content_type="text/plain"))
    conn = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
    assert ensure_report_figures(conn) is True
    assert ensure_report_figures(conn) is False
    with Archive(tmp_path / "a.db", fsync=False) as arch:
        arch.ingest(Capture(url=seed_url(second.name), body=second.read_bytes(), content_type="text/plain"))
    assert ensure_report_figures(conn) is True
    assert conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == 2

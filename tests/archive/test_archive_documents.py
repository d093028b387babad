"""One report in several documents is one report: representations are not revisions.

Real files: the page, a Chromium-printed PDF, DOCX and DOC and a PDF from LibreOffice, the
text copy (tests/archive/representations.py), and reportlab PDFs (fixture_builders)."""
from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from archive import Archive, Capture
from archive.store import prepare_capture
from tests.archive.representations import Form, clipped, forms, revised, tools_missing
from tests.parsers.fixture_builders import seed_reports, to_html, to_pdf

from archive_helpers import SEED_000, count

pytestmark = pytest.mark.skipif(tools_missing() is not None, reason=str(tools_missing()))
BASE = "http://gxj.yichun.gov.cn/art/2023/1/20/art_1"


def capture(form: Form, day: int = 1) -> Capture:
    return Capture(url=form.url(BASE), body=form.body, content_type=form.content_type,
                   fetched_at=f"2023-02-{day:02d}T00:00:00Z")


@pytest.fixture(scope="module")
def parsed_forms() -> list[tuple[Form, object]]:
    """Every form with its parse, made once: the orders below only replay the writes."""
    return [(f, prepare_capture(capture(f), bounded=False)) for f in forms(SEED_000)]


def agency_changes(arch: Archive) -> int:
    return count(arch, "changes WHERE cause = 'agency'")


def current_cells(arch: Archive) -> dict[str, float]:
    return dict(arch.conn.execute(
        "SELECT tbl || '/' || row_key || '/' || col_key, value FROM cells "
        "WHERE version_id = (SELECT current_version_id FROM reports)"))


def page_cells(parsed_forms) -> dict:
    return next(p for f, p in parsed_forms if f.name == "page").cell_values()


def ingest_in_order(path: Path, order: list[tuple[Form, object]], rounds: int = 2) -> Archive:
    arch = Archive(path, fsync=False)
    for day in range(1, rounds + 1):
        for form, parsed in order:
            assert arch.ingest(capture(form, day), parsed).outcome != "error"
    return arch


def check_one_version(arch: Archive, parsed_forms) -> None:
    assert count(arch, "versions") == 1
    assert agency_changes(arch) == 0
    assert count(arch, "documents") == len(parsed_forms)
    assert count(arch, "captures") == 2 * len(parsed_forms)  # every capture kept
    # the version's cells are the page's: the best read (an HTML table, all cells)
    assert current_cells(arch) == page_cells(parsed_forms)
    source = arch.conn.execute("SELECT d.kind FROM versions v JOIN documents d "
                               "ON d.id = v.document_id").fetchone()[0]
    assert source == "page"
    # a document that reads other numbers is a recorded conflict, never a version; only the
    # LibreOffice PDF's table may read differently (the PDF reader's limit, not the agency)
    conflicting = {r[0] for r in arch.conn.execute(
        "SELECT url FROM documents WHERE agreement = 'conflict'")}
    assert conflicting <= {f"{BASE}.lo.pdf"}
    assert {r[0] for r in arch.conn.execute(
        "SELECT d.url FROM representation_conflicts c JOIN documents d ON d.id = c.document_id"
    )} == conflicting


def test_every_form_in_many_orders_is_one_version(tmp_path: Path, parsed_forms) -> None:
    orders = [parsed_forms, parsed_forms[::-1]]
    orders += [parsed_forms[i:] + parsed_forms[:i] for i in range(1, len(parsed_forms))]
    rng = random.Random(11)
    orders += [rng.sample(parsed_forms, len(parsed_forms)) for _ in range(6)]
    for n, order in enumerate(orders):
        with ingest_in_order(tmp_path / f"order{n}.db", order) as arch:
            check_one_version(arch, parsed_forms)


def test_every_well_read_form_has_the_same_substance(parsed_forms) -> None:
    """Titles ("2022 年度" from the LibreOffice PDF), the en space of the text copy, Chromium's
    print footer and PDF line breaks are no substance: one content hash for all the forms
    whose tables read alike."""
    hashes = {form.name: parsed.content_hash for form, parsed in parsed_forms}
    assert len({hashes[name] for name in ("page", "chrome.pdf", "docx", "doc", "txt")}) == 1


@pytest.mark.slow
def test_every_form_in_every_order_is_one_version(tmp_path: Path, parsed_forms) -> None:
    for n, order in enumerate(itertools.permutations(parsed_forms)):
        path = tmp_path / f"order{n}.db"
        with ingest_in_order(path, list(order)) as arch:
            check_one_version(arch, parsed_forms)
        for file in tmp_path.glob(f"order{n}.db*"):
            file.unlink()


# --------------------------------------------------------------------- revisions vs conflicts


def page_and_pdf(seed) -> tuple[Form, Form]:
    return Form("page", to_html(seed).encode("utf-8")), Form("pdf", to_pdf(seed))


SEED = seed_reports()[SEED_000]


def cell_changes(arch: Archive) -> list[tuple]:
    return arch.conn.execute("SELECT key, old, new, cause FROM changes WHERE kind = 'cell' "
                             "ORDER BY key").fetchall()


@pytest.mark.parametrize("pdf_first", [False, True])
def test_revision_in_page_and_pdf_is_one_version_with_the_changed_cells(
        tmp_path: Path, pdf_first: bool) -> None:
    old, new = page_and_pdf(SEED), page_and_pdf(revised(SEED, "3", "4"))
    with Archive(tmp_path / "a.db", fsync=False) as arch:
        for day, pair in ((1, old), (2, old), (3, new), (4, new)):
            for form in (pair[::-1] if pdf_first else pair):
                arch.ingest(capture(form, day))
        assert count(arch, "versions") == 2
        changes = cell_changes(arch)
        assert len(changes) == 1 and changes[0][1:] == ("3", "4", "agency")
        assert count(arch, "changes WHERE kind != 'cell'") == 0
        assert count(arch, "representation_conflicts") == 0
        assert count(arch, "documents WHERE agreement = 'agree'") == 2


@pytest.mark.parametrize("pdf_first", [False, True])
def test_revision_only_in_the_pdf_is_a_version_and_a_conflict_with_the_stale_page(
        tmp_path: Path, pdf_first: bool) -> None:
    page, pdf = page_and_pdf(SEED)
    _, new_pdf = page_and_pdf(revised(SEED, "3", "4"))
    with Archive(tmp_path / "a.db", fsync=False) as arch:
        arch.ingest(capture(page, 1))
        arch.ingest(capture(pdf, 1))
        for form in ((new_pdf, page) if pdf_first else (page, new_pdf)):
            arch.ingest(capture(form, 2))
        assert count(arch, "versions") == 2
        changes = cell_changes(arch)
        assert len(changes) == 1 and changes[0][1:] == ("3", "4", "agency")
        conflicts = arch.conn.execute(
            "SELECT d.kind, c.key, c.version_value, c.document_value FROM "
            "representation_conflicts c JOIN documents d ON d.id = c.document_id "
            "WHERE c.version_id = (SELECT current_version_id FROM reports)").fetchall()
        assert conflicts == [("page", changes[0][0], "4", "3")]
        agreement = dict(arch.conn.execute("SELECT kind, agreement FROM documents"))
        assert agreement == {"page": "conflict", "pdf": "agree"}


@pytest.mark.parametrize("pdf_first", [False, True])
def test_pdf_that_lost_a_column_is_a_conflict_and_the_page_cells_stay(
        tmp_path: Path, pdf_first: bool) -> None:
    page = Form("page", to_html(SEED).encode("utf-8"))
    pdf = Form("pdf", to_pdf(clipped(SEED, 9)))  # the 15-column appeals table loses 6
    with Archive(tmp_path / "a.db", fsync=False) as arch:
        for day in (1, 2, 3):
            for form in ((pdf, page) if pdf_first else (page, pdf)):
                arch.ingest(capture(form, day))
        assert count(arch, "versions") == 1 and agency_changes(arch) == 0
        page_read = prepare_capture(capture(page), bounded=False).cell_values()
        assert current_cells(arch) == page_read
        kind, agreement, warnings, cells_read = arch.conn.execute(
            "SELECT kind, agreement, warnings, cells_read FROM documents "
            "WHERE kind = 'pdf'").fetchone()
        assert agreement == "conflict" and "not read" in warnings
        lost = arch.conn.execute("SELECT key, version_value, document_value FROM "
                                 "representation_conflicts").fetchall()
        assert len(lost) == len(page_read) - cells_read > 0
        assert all(key.startswith("appeals/") and new is None for key, _, new in lost)

"""DOC and WPS: converted by LibreOffice headless (antiword as the .doc fallback)."""
from __future__ import annotations

import base64
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from parsers.errors import ConverterMissing, UnreadableInput
from parsers.readers import office, read
from tests.conftest import SEEDS_DIR
from tests.parsers import fixture_builders
from tests.parsers.fixture_builders import docx_to_doc, expected_document, seed_reports, soffice, to_docx

SEED = "004_69dc6e22679cfd75.txt"
needs_soffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")


@pytest.fixture(scope="module")
def seed_doc(pytestconfig: pytest.Config) -> bytes:
    """The seed as a .doc made by LibreOffice, kept in pytest's cache between runs (a
    conversion takes seconds) under a key that changes with the builders and the seed."""
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    source = Path(fixture_builders.__file__).read_bytes() + (SEEDS_DIR / SEED).read_bytes()
    key = f"nianbao/seed-doc/{hashlib.sha256(source).hexdigest()[:16]}"
    cached = pytestconfig.cache.get(key, None)
    if cached is None:
        cached = base64.b64encode(docx_to_doc(to_docx(seed_reports()[SEED]))).decode()
        pytestconfig.cache.set(key, cached)
    return base64.b64decode(cached)


@pytest.fixture
def only_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Leave only the named programs on PATH (the converters are found with shutil.which)."""
    def restrict(*programs: str) -> None:
        for program in programs:
            os.symlink(f"/usr/bin/{program}", tmp_path / program)
        monkeypatch.setenv("PATH", str(tmp_path))
    return restrict


@needs_soffice
def test_doc_round_trip_through_libreoffice(seed_doc: bytes) -> None:
    assert seed_doc.startswith(b"\xd0\xcf\x11\xe0")
    document = read(seed_doc, "application/msword")
    assert document.kind == "doc"
    assert document.blocks == expected_document(seed_reports()[SEED], "doc").blocks


@needs_soffice
@pytest.mark.slow
def test_wps_is_converted_the_same_way(seed_doc: bytes) -> None:
    document = read(seed_doc, url="http://gxj.example.gov.cn/2021nb.wps")
    assert document.kind == "wps"
    assert document.tables() == expected_document(seed_reports()[SEED], "wps").tables()


def test_no_converter_is_a_clear_error(only_on_path) -> None:
    only_on_path()
    with pytest.raises(ConverterMissing, match="doc: no converter installed"):
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "application/msword")


@pytest.mark.skipif(not os.path.exists("/usr/bin/antiword"), reason="antiword is not installed")
def test_antiword_reads_doc_when_libreoffice_is_missing(seed_doc: bytes, only_on_path) -> None:
    only_on_path("antiword")
    document = read(seed_doc, "application/msword")
    assert document.kind == "doc" and document.warnings
    assert "二、主动公开政府信息情况" in document.blocks
    assert document.tables()[0].rows[2:4] == [["规章", "0", "0", "0"], ["行政规范性文件", "2", "1", "2"]]


@needs_soffice
@pytest.mark.parametrize(("content_type", "kind"), [("application/kswps", "wps"),
                                                     ("application/msword", "doc")])
def test_converter_over_its_time_limit_is_stopped(seed_doc: bytes, content_type: str, kind: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A conversion cut short on a loaded machine is an error, for .doc too: antiword (when
    installed) must not step in and turn the same bytes into a poorer report."""
    monkeypatch.setattr(office, "CONVERTER_TIMEOUT_SECONDS", 0.2)
    with pytest.raises(UnreadableInput, match=f"{kind}: LibreOffice timed out after 0.2 s"):
        read(seed_doc, content_type)


@needs_soffice
@pytest.mark.slow  # two conversions at once: ~3 s
def test_the_same_doc_converted_at_the_same_time_gives_the_same_document(seed_doc: bytes) -> None:
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: read(seed_doc, "application/msword"), range(2))
    assert first == second and first.tables()


# Hand-written RTF (fixture text): 一、总体情况 (\uN escapes), and a two-cell table row.
RTF = (rb"{\rtf1\ansi\deff0{\fonttbl{\f0 SimSun;}}\f0 "
       rb"\u19968?\u12289?\u24635?\u20307?\u24773?\u20917?\par "
       rb"\trowd\cellx2000\cellx4000 \u35268?\u31456?\cell 3\cell\row}")


@needs_soffice
@pytest.mark.slow
def test_rtf_served_as_doc_is_converted() -> None:
    document = read(RTF, "application/msword", "http://x.gov.cn/nb.doc")
    assert document.kind == "doc"
    assert document.blocks[0] == "一、总体情况"
    assert document.tables()[0].rows == [["规章", "3"]]


@needs_soffice
@pytest.mark.slow
def test_garbage_doc_is_unreadable() -> None:
    with pytest.raises(UnreadableInput, match="^doc: "):
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 64, "application/msword")

"""DOC and WPS -> Document: convert with a real converter, then read as DOCX.

LibreOffice headless converts both (its DOCX keeps merged cells, so the DOCX reader sees the
same tables as in the original). Each conversion gets a fresh profile directory, so parallel
parses do not fight over one profile's lock, and a time limit: the whole process group is
killed when it runs over (soffice is a wrapper script that starts soffice.bin). The limit is
below the bounded parse's wall time (parsers/limits.py), so a slow conversion ends as this
module's error; the group stays in the caller's session, so a bounded parse that is killed
anyway takes its converter with it.

One file must always give one Document: a conversion that fails, times out (a loaded machine)
or leaves no complete DOCX is an UnreadableInput error, never a retry with another converter —
antiword's tables are approximate, so falling back to it after a failure turned the same bytes
into a poorer report, i.e. a spurious new version. antiword is used only where LibreOffice is
not installed at all (then every parse of a .doc uses it, and gives the same result).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..document import Block, Document, Table
from ..errors import ConverterMissing, UnreadableInput
from . import magic
from .docx import read_docx
from .textnorm import clean

CONVERTER_TIMEOUT_SECONDS = 45.0  # < limits.Bounds.wall_seconds
# A Word 97 binary (.doc) is opened with the Word 97 filter only: left to guess, LibreOffice
# imports a damaged file as plain text and "converts" it into garbage. WPS files and RTF
# (often served as .doc) are left to its detection.
_WORD97_FILTER = "MS Word 97"


def read_office(data: bytes, kind: str) -> Document:
    """kind is "doc" or "wps"."""
    word97 = kind == "doc" and data.startswith(magic.OLE2)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is not None:
        document = read_docx(convert_to_docx(data, kind, soffice, word97))
        document.kind = kind
        return document
    antiword = shutil.which("antiword") if word97 else None
    if antiword is None:
        raise ConverterMissing(f"{kind}: no converter installed (needs LibreOffice soffice"
                               f"{' or antiword' if word97 else ''})")
    return _read_with_antiword(data, antiword)


def convert_to_docx(data: bytes, kind: str, soffice: str, word97: bool) -> bytes:
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        source = Path(tmp) / f"input.{kind}"
        source.write_bytes(data)
        in_filter = [f"--infilter={_WORD97_FILTER}"] if word97 else []
        _run([soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
              "--norestore", "--nolockcheck", *in_filter, "--convert-to", "docx:MS Word 2007 XML",
              "--outdir", str(Path(tmp, "out")), str(source)], f"{kind}: LibreOffice")
        converted = Path(tmp, "out", "input.docx")
        if not converted.exists():  # soffice exits 0 even when it could not load the file
            raise UnreadableInput(f"{kind}: LibreOffice could not convert the file")
        # A DOCX cut short (soffice.bin killed while writing, a full disk) has no ZIP
        # directory: read_docx refuses it (check_package), it is never read as far as it goes.
        return converted.read_bytes()


def _run(command: list[str], what: str) -> bytes:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               process_group=0)
    try:
        out, _ = process.communicate(timeout=CONVERTER_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise UnreadableInput(f"{what} timed out after {CONVERTER_TIMEOUT_SECONDS:g} s") from None
    if process.returncode != 0:
        raise UnreadableInput(f"{what} failed (exit status {process.returncode})")
    return out


def _read_with_antiword(data: bytes, antiword: str) -> Document:
    with tempfile.TemporaryDirectory(prefix="nianbao-antiword-") as tmp:
        source = Path(tmp) / "input.doc"
        source.write_bytes(data)
        # -w 0: one line per paragraph; UTF-8 mapping so Chinese text survives.
        out = _run([antiword, "-w", "0", "-m", "UTF-8.txt", str(source)], "doc: antiword")
    blocks: list[Block] = []
    for line in out.decode("utf-8", errors="replace").splitlines():
        if line.startswith("|"):
            cells = [clean(cell) for cell in line.strip().strip("|").split("|")]
            if blocks and isinstance(blocks[-1], Table):
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Table([cells]))
        elif text := clean(line):
            blocks.append(text)
    return Document(blocks=blocks, kind="doc",
                    warnings=["read with antiword: table cells that wrap are split into rows"])

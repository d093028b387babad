"""Bounded parsing: every document is parsed under a CPU and a memory limit it cannot escape.

Bounds (per document): 10 s of CPU, 512 MB of memory on top of the parser process' baseline,
60 s of wall time, for DOCX, PDF, DOC, WPS and unknown kinds. HTML, text and markdown are
parsed in-process instead (IN_PROCESS_KINDS): their readers' caps bound them exactly. The readers also cap sizes themselves (input bytes, decompressed bytes,
rows, nesting), but caps inside a library cannot cover every hostile shape (a PDF content
stream that loops, a regex that backtracks, a ZIP part that inflates to gigabytes), and CPU
time or memory cannot be taken back from Python code in the same process. So the parse runs in
a child process started from a forkserver (clean, parser modules preloaded: a few ms per
document) with RLIMIT_CPU and RLIMIT_AS set; a child that overruns is killed by the kernel
and the document gets a one-line InputTooLarge error instead of taking the crawl down.

A killed child leaves nothing behind: it runs in a session of its own, which its converter
(LibreOffice, in a process group of its own: parsers/readers/office.py) shares, and every
process still in that session is killed with it; its temporary files go to a scratch
directory the parent removes. The converter's own time limit is below the wall bound, so a
slow conversion normally ends as the reader's error first.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import errors
from .model import Report
from .readers import sniff_kind

MB = 1024 * 1024


@dataclass(frozen=True)
class Bounds:
    cpu_seconds: int = 10
    memory_bytes: int = 512 * MB  # allowed on top of the child's size when it starts
    wall_seconds: float = 60.0  # a child blocked (not using CPU) is killed after this


DEFAULT_BOUNDS = Bounds()
# A scan is read with OCR in a child of its own under these (parse_bounded): a page takes some
# 3-5 s of CPU and the engine's models some 300 MB, so the 40 pages the OCR reader takes at
# most (parsers/readers/ocr.py, which also stops itself after 240 s of CPU) fit.
OCR_BOUNDS = Bounds(cpu_seconds=300, memory_bytes=1536 * MB, wall_seconds=600.0)
# Kinds parsed in this process: their readers cap every size their time and memory grow with
# (input bytes, text characters, tags, table rows, cells per row: parsers/readers/html.py and
# parsers/readers/__init__.py), so the bad-input campaign's worst HTML or text input takes
# under a second and 200 MB (tests/robustness). The other kinds go through libraries whose
# hostile shapes no cap outside them covers.
IN_PROCESS_KINDS = frozenset({"html", "text", "markdown"})
# Imported once in the forkserver so each child starts with them loaded (cpca alone takes
# 0.7 s to load its place-name tables); missing ones are skipped. A process has one
# forkserver, whoever starts it first: another user of it (archive/bulk.py) preloads these too,
# or a child started here would import them under its memory bound.
FORKSERVER_PRELOAD = ["parsers", "parsers.readers", "parsers.readers.html", "parsers.readers.pdf",
            "parsers.readers.docx", "parsers.readers.office", "parsers.readers.text",
            "parsers.report_builder", "cpca", "pdfplumber", "docx", "lxml.html"]


@lru_cache(maxsize=1)
def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(FORKSERVER_PRELOAD)
    return context


def parse_bounded(data: bytes, content_type: str | None = None, url: str | None = None,
                  bounds: Bounds = DEFAULT_BOUNDS, ocr_bounds: Bounds | None = OCR_BOUNDS) -> Report:
    """`parsers.parse` under `bounds`. Raises ParseError subclasses like `parse` does
    (InputTooLarge for an overrun); a parser bug comes back as RuntimeError. A scan (an image,
    a PDF whose first child found no text layer) is read with OCR under `ocr_bounds` in a
    second child; `ocr_bounds=None` leaves it as NeedsOCR."""
    kind = sniff_kind(data, content_type, url)
    if kind in IN_PROCESS_KINDS:
        return _parse_in_process(data, content_type, url)
    if kind != "image":
        try:
            return _parse_in_child(data, content_type, url, bounds, ocr=False)
        except errors.NeedsOCR:
            if ocr_bounds is None:
                raise
    elif ocr_bounds is None:
        raise errors.NeedsOCR("image: a scan, needs OCR")
    return _parse_in_child(data, content_type, url, ocr_bounds, ocr=True)


def _parse_in_child(data: bytes, content_type: str | None, url: str | None, bounds: Bounds,
                    *, ocr: bool) -> Report:
    with tempfile.TemporaryDirectory(prefix="nianbao-parse-",
                                     ignore_cleanup_errors=True) as scratch:
        outcome, exitcode = _run_child(data, content_type, url, bounds, scratch, ocr)
    return _result(outcome, exitcode, bounds)


def _parse_in_process(data: bytes, content_type: str | None, url: str | None) -> Report:
    """The same outcomes as a child's, without one (a few ms instead of 20-65 ms)."""
    from . import parse

    try:
        return parse(data, content_type=content_type, url=url)
    except errors.ParseError:
        raise
    except MemoryError:
        raise errors.InputTooLarge("parse ran out of memory") from None
    except Exception as exc:  # a parser bug, reported like the child reports it
        raise RuntimeError(errors.one_line(f"{type(exc).__name__}: {exc}")) from exc


def _run_child(data: bytes, content_type: str | None, url: str | None, bounds: Bounds,
               scratch: str, ocr: bool) -> tuple[tuple | None, int | None]:
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main,
                            args=(sender, data, content_type, url, bounds, scratch, ocr),
                            daemon=True)
    child.start()
    sender.close()
    outcome: tuple | None = None
    try:
        outcome = _receive(receiver, child, bounds)
    finally:
        receiver.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
        if outcome is None or outcome[0] == "wall":  # killed or died mid-parse
            _end_session(child.pid)
    return outcome, child.exitcode


def _receive(receiver: multiprocessing.connection.Connection, child: multiprocessing.Process,
             bounds: Bounds) -> tuple | None:
    if not receiver.poll(bounds.wall_seconds):
        child.kill()
        return ("wall",)
    try:
        return receiver.recv()
    except EOFError:  # the kernel killed the child (CPU limit) or it died: no message
        return None


def _result(outcome: tuple | None, exitcode: int | None, bounds: Bounds) -> Report:
    if outcome is None:
        if exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise errors.InputTooLarge(f"parse needed over {bounds.cpu_seconds} s of CPU")
        raise RuntimeError(f"parser process died (exit code {exitcode})")
    kind, *rest = outcome
    if kind == "ok":
        return rest[0]
    if kind == "wall":
        raise errors.InputTooLarge(f"parse took over {bounds.wall_seconds:.0f} s")
    if kind == "memory":
        raise errors.InputTooLarge(f"parse needed over {bounds.memory_bytes // MB} MB of memory")
    if kind == "parse_error":
        error_class = getattr(errors, rest[0], errors.ParseError)
        raise error_class(rest[1])
    raise RuntimeError(rest[0])


def _child_main(sender: multiprocessing.connection.Connection, data: bytes,
                content_type: str | None, url: str | None, bounds: Bounds, scratch: str,
                ocr: bool) -> None:
    from . import parse

    os.setsid()  # the session the parent ends if it has to kill this child
    tempfile.tempdir = scratch
    _limit(resource.RLIMIT_CPU, bounds.cpu_seconds)
    _limit(resource.RLIMIT_AS, _address_space() + bounds.memory_bytes)
    try:
        outcome: tuple = ("ok", parse(data, content_type=content_type, url=url, ocr=ocr))
    except errors.ParseError as exc:  # a reader may wrap the MemoryError of the limit
        memory = isinstance(exc.__cause__, MemoryError)
        outcome = ("memory",) if memory else ("parse_error", type(exc).__name__, str(exc))
    except MemoryError:
        outcome = ("memory",)
    except Exception as exc:  # a parser bug: reported to the parent, which records it
        outcome = ("bug", errors.one_line(f"{type(exc).__name__}: {exc}"))
    try:
        sender.send(outcome)
    except MemoryError:  # the report itself no longer fits under the limit
        sender.send(("memory",))


def _limit(kind: int, value: int) -> None:
    _soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, hard))


def _address_space() -> int:
    """The child's virtual size now (VmSize), the baseline the memory bound is added to."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _end_session(session_id: int) -> None:
    """Kill whatever is left in a dead child's session (an orphaned converter), and wait until
    it is gone so its files can be removed. Linux has no kill-by-session call and psutil does
    not report session ids, hence /proc."""
    deadline = time.monotonic() + 5
    while (members := _session_members(session_id)) and time.monotonic() < deadline:
        for pid in members:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)


def _session_members(session_id: int) -> list[int]:
    """Live (not zombie) processes of a session, from /proc/PID/stat."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            # Fields after the command name "(…)": state ppid pgrp session …
            state, _ppid, _pgrp, session = stat.read_text().rsplit(")", 1)[1].split()[:4]
            if int(session) == session_id and state != "Z":
                members.append(int(stat.parent.name))
    return members

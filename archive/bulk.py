"""Bulk ingest: captures parsed and prepared in worker processes while this process writes.

SQLite has one writer, and parsing is most of an ingest's CPU (a parsed HTML report costs
about twice its writing), so `ingest_in_parallel` keeps `workers` processes parsing
(archive.store.prepare_capture: the parse, then the Snapshot with its compressed text, cell
rows and search tokens) batches ahead of the writer, which stores each batch with
Archive.ingest_many in one transaction. Results come back in input order.

The pool starts its workers from a forkserver: a worker forked from a process that already runs
parsers.limits' forkserver would share that server and could not wait for the bounded child
it starts for a DOCX or PDF. A worker started clean starts its own.
"""
from __future__ import annotations

import multiprocessing
import os
import select
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from functools import partial
from itertools import islice

from parsers.limits import FORKSERVER_PRELOAD

from .capture import Capture, IngestResult
from .store import Archive, Parsed, prepare_capture

BATCH = 256
# Preloaded in the forkserver, so each worker starts with the parsers imported. The process's
# one forkserver may also serve parsers.limits' bounded children: its list comes first.
_PRELOAD = [*FORKSERVER_PRELOAD, "archive.store"]


def parsing_pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_end_with,
                               initargs=(os.getpid(),))


def _end_with(pid: int) -> None:
    """Worker initializer: the worker ends when the process that started the pool ends.
    Otherwise a SIGKILL of that process leaves the workers for good (seen after `kill -9` of
    `nianbao ingest`): each holds both ends of the pool's queue pipes, so none ever reads an
    end of file, and their forkserver lives as long as they do."""
    watched = os.pidfd_open(pid)  # Linux 5.3+: readable once the process has ended
    threading.Thread(target=_exit_when_readable, args=(watched,), daemon=True).start()


def _exit_when_readable(fd: int) -> None:
    select.select([fd], [], [])
    os._exit(1)


def ingest_in_parallel(archive: Archive, captures: Iterable[Capture], pool: Executor,
                       batch: int = BATCH, bounded: bool = True,
                       ahead: int = 2) -> Iterator[IngestResult]:
    """Ingest captures, parsed in `pool` (parsing_pool) while earlier batches are written.

    bounded: each document is parsed under parsers.limits, as Archive.ingest does. `ahead`
    batches are parsing while one is written (two: the workers never wait for the writer to
    hand them work); memory holds ahead + 1 batches of captures, not the whole input."""
    prepare = partial(prepare_capture, bounded=bounded)
    it = iter(captures)
    pending: deque[tuple[list[Capture], Iterator[Parsed]]] = deque()
    for chunk in iter(lambda: list(islice(it, batch)), []):
        pending.append((chunk, pool.map(prepare, chunk, chunksize=16)))
        if len(pending) > ahead:
            yield from _write(archive, *pending.popleft())
    while pending:
        yield from _write(archive, *pending.popleft())


def _write(archive: Archive, captures: list[Capture], parsed: Iterator[Parsed]
           ) -> Iterator[IngestResult]:
    return archive.ingest_many(captures, list(parsed), len(captures))

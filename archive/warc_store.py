"""Originals in WARC files (warcio): one gzip member per record, files rotated at a size.

A record is assembled in memory and appended with one write and flushed; `sync` fsyncs (when
asked) every file written since the last sync, once per database transaction, before the
caller commits the rows that point at the records. A process killed between the two leaves
bytes past the last committed record; `append` cuts them off first, so a file only ever holds
whole records that the database knows about.
"""
from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import re
from dataclasses import dataclass
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .capture import Capture

DEFAULT_ROTATE_BYTES = 100 * 1024 * 1024
_NAME = "nianbao-{:05d}.warc.gz"
_NAME_RE = re.compile(r"nianbao-(\d{5})\.warc\.gz$")
# The stored body is the decoded payload, so headers describing the wire encoding would lie.
_OCTETS = "application/octet-stream"
_WIRE_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass
class WarcLocation:
    file: str  # name relative to the WARC directory
    offset: int
    length: int
    record_id: str
    record_type: str  # response | resource | revisit


@dataclass
class Original:
    """A response read back from a WARC file: the HTTP status, headers and payload bytes."""
    url: str
    status: int
    headers: list[tuple[str, str]]
    payload: bytes
    record_type: str
    refers_to: str | None = None


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest warcio writes (sha1, base32), needed again for revisit records."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _http_headers(capture: Capture) -> StatusAndHeaders:
    try:
        reason = HTTPStatus(capture.status).phrase
    except ValueError:
        reason = "Unknown"
    headers = [(k, v) for k, v in capture.headers.items() if k.lower() not in _WIRE_HEADERS]
    if capture.content_type and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", capture.content_type))
    headers.append(("Content-Length", str(len(capture.body))))
    return StatusAndHeaders(f"{capture.status} {reason}", headers, protocol="HTTP/1.1")


class WarcStore:
    def __init__(self, directory: str | Path, rotate_bytes: int = DEFAULT_ROTATE_BYTES,
                 fsync: bool = True) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.rotate_bytes = rotate_bytes
        self.fsync = fsync
        self._lock_fd: int | None = None
        self._unsynced: set[Path] = set()

    # -- writer lock: held from before the database transaction until after its commit --------
    def lock(self) -> None:
        self._lock_fd = os.open(self.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)

    def unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing releases the flock
            self._lock_fd = None

    def current_file(self) -> str:
        """The file the next record goes to: the newest one, or a new one past the size limit."""
        numbers = [int(m.group(1)) for p in self.directory.iterdir()
                   if (m := _NAME_RE.match(p.name))]
        if not numbers:
            return _NAME.format(1)
        last = _NAME.format(max(numbers))
        if (self.directory / last).stat().st_size >= self.rotate_bytes:
            return _NAME.format(max(numbers) + 1)
        return last

    def append(self, file: str, committed_end: int, capture: Capture, fetched_at: str,
               refers_to: WarcLocation | None = None, refers_to_url: str | None = None,
               refers_to_date: str | None = None) -> WarcLocation:
        """Write one response (or revisit, when `refers_to` is given) record at the file's end.

        `committed_end` is where the last record the database knows about ends in `file`;
        anything after it is a torn or uncommitted record from a killed ingest and is cut off.
        """
        record, record_id, record_type = self._record(capture, fetched_at, refers_to,
                                                      refers_to_url, refers_to_date)
        path = self.directory / file
        with open(path, "ab") as out:
            if out.tell() > committed_end:
                out.truncate(committed_end)
                out.seek(committed_end)
            offset = out.tell()
            out.write(record)
        self._unsynced.add(path)
        return WarcLocation(file, offset, len(record), record_id, record_type)

    def sync(self) -> None:
        """Make the records appended since the last sync durable: one fsync per file for a
        whole batch of records (fsync on a new descriptor writes the file's cached pages)."""
        if self.fsync:
            for path in self._unsynced:
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        self._unsynced.clear()

    def _record(self, capture: Capture, fetched_at: str, refers_to: WarcLocation | None,
                refers_to_url: str | None, refers_to_date: str | None
                ) -> tuple[bytes, str, str]:
        buffer = BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
        url = capture.final_url or capture.url
        warc_date = fetched_at.replace("+00:00", "Z")
        # An HTTP fetch is a `response` with its HTTP headers; anything else (a local file
        # given to `nianbao ingest`) is a `resource`, as the WARC standard has it.
        http = _http_headers(capture) if url.startswith(("http://", "https://")) else None
        if refers_to:
            record = writer.create_revisit_record(
                url, payload_digest(capture.body), refers_to_url or url,
                refers_to_date or warc_date, http_headers=http,
                warc_headers_dict={"WARC-Date": warc_date, "WARC-Refers-To": refers_to.record_id})
        else:
            record = writer.create_warc_record(
                url, "response" if http else "resource", payload=BytesIO(capture.body),
                length=len(capture.body), http_headers=http,
                warc_content_type=None if http else capture.content_type or _OCTETS,
                warc_headers_dict={"WARC-Date": warc_date})
        writer.write_record(record)
        return buffer.getvalue(), record.rec_headers.get_header("WARC-Record-ID"), record.rec_type

    def read(self, file: str, offset: int) -> Original:
        """Read the record at `offset` back; the payload is byte-identical to what was stored."""
        with open(self.directory / file, "rb") as f:
            f.seek(offset)
            record = next(iter(ArchiveIterator(f)))
            http = record.http_headers
            return Original(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                # a resource record (a local file) has no HTTP status: it was read whole
                status=int(http.get_statuscode()) if http else 200,
                headers=list(http.headers) if http else
                [("Content-Type", record.rec_headers.get_header("Content-Type") or _OCTETS)],
                # raw_stream: the stored bytes, without undoing any Content-Encoding
                payload=record.raw_stream.read(),
                record_type=record.rec_type,
                refers_to=record.rec_headers.get_header("WARC-Refers-To"),
            )

"""WARC originals: byte-identical read-back, revisit records for repeated payloads, rotation,
and cutting off bytes a killed ingest left past the last committed record."""
from __future__ import annotations

import random
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.capture import Capture
from archive.warc_store import WarcStore, payload_digest

# a GBK page head followed by bytes that gzip cannot shrink, so record sizes show what is stored
BODY = "宜春市工业和信息化局2022年政府信息公开工作年度报告\r\n".encode("gb18030") + \
    random.Random(0).randbytes(3000)


def capture(body: bytes = BODY, url: str = "http://gxj.yichun.gov.cn/xxgk-show-61584.html") -> Capture:
    return Capture(url=url, body=body, headers={"Content-Type": "text/html; charset=gbk",
                                                 "Content-Encoding": "gzip", "Server": "nginx"})


def test_response_record_reads_back_byte_identical(tmp_path: Path) -> None:
    store = WarcStore(tmp_path, fsync=False)
    loc = store.append(store.current_file(), 0, capture(), "2023-02-01T00:00:00Z")
    original = store.read(loc.file, loc.offset)
    assert original.payload == BODY
    assert original.status == 200 and original.record_type == "response"
    headers = dict(original.headers)
    assert headers["Content-Type"] == "text/html; charset=gbk"
    assert "Content-Encoding" not in headers  # the body is stored decoded
    assert headers["Content-Length"] == str(len(BODY))


def test_revisit_record_refers_to_the_stored_payload(tmp_path: Path) -> None:
    store = WarcStore(tmp_path, fsync=False)
    first = store.append(store.current_file(), 0, capture(), "2023-02-01T00:00:00Z")
    again = store.append(first.file, first.offset + first.length, capture(url="http://x/new.html"),
                         "2023-03-01T00:00:00Z", refers_to=first,
                         refers_to_url="http://gxj.yichun.gov.cn/xxgk-show-61584.html",
                         refers_to_date="2023-02-01T00:00:00Z")
    assert again.record_type == "revisit" and again.length < first.length / 2
    with open(tmp_path / first.file, "rb") as f:
        records = [(r.rec_type, dict(r.rec_headers.headers)) for r in ArchiveIterator(f)]
    assert [t for t, _ in records] == ["response", "revisit"]
    revisit = records[1][1]
    assert revisit["WARC-Refers-To"] == first.record_id
    assert revisit["WARC-Payload-Digest"] == records[0][1]["WARC-Payload-Digest"] == payload_digest(BODY)


def test_files_rotate_at_the_size_limit(tmp_path: Path) -> None:
    store = WarcStore(tmp_path, rotate_bytes=1000, fsync=False)
    names = []
    for i in range(3):
        body = random.Random(i).randbytes(1500)  # incompressible: one record passes 1000 bytes
        file = store.current_file()
        names.append(store.append(file, (tmp_path / file).stat().st_size
                                  if (tmp_path / file).exists() else 0,
                                  capture(body), "2023-02-01T00:00:00Z").file)
    assert names == ["nianbao-00001.warc.gz", "nianbao-00002.warc.gz", "nianbao-00003.warc.gz"]


def test_bytes_past_the_committed_end_are_cut_off(tmp_path: Path) -> None:
    store = WarcStore(tmp_path, fsync=False)
    first = store.append(store.current_file(), 0, capture(), "2023-02-01T00:00:00Z")
    end = first.offset + first.length
    with open(tmp_path / first.file, "ab") as f:
        f.write(b"\x1f\x8b\x08 torn record of a killed ingest")
    second = store.append(first.file, end, capture(b"next"), "2023-02-02T00:00:00Z")
    assert second.offset == end
    with open(tmp_path / first.file, "rb") as f:
        assert [r.rec_type for r in ArchiveIterator(f)] == ["response", "response"]
    assert store.read(second.file, second.offset).payload == b"next"

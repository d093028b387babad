"""versions.text_z: a version's full plain text, zlib-compressed (level 9).

The full text was about half the archive's SQLite bytes; zlib shrinks Chinese report text to
about 45 %, and to about 33 % with a preset dictionary of the words every report prints: the
standard table labels and section headings. text_dictionary.txt is the Han-character runs of
shared/spec/report-format.md (the canonical labels), taken once. Never edit it: stored texts
need the exact dictionary they were packed with. A zlib stream names its preset dictionary
(FDICT flag + Adler-32), so a new dictionary is added to _DICTIONARIES, never swapped in place,
and texts packed without one (none yet) stay readable.

Every reader goes through unpack_text, or in SQL through nianbao_text(), which
register_text_function adds to a connection (archive.schema.connect and the Datasette plugin
plugins/version_text.py do).
"""
from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

SQL_FUNCTION = "nianbao_text"
_LEVEL = 9  # on report-sized texts 9 costs what 6 does (~0.13 ms) and packs a little smaller
_DICTIONARY = Path(__file__).with_name("text_dictionary.txt").read_bytes()
_DICTIONARIES = {zlib.adler32(_DICTIONARY): _DICTIONARY}
_FDICT = 0x20  # zlib header (RFC 1950): FLG bit 5, a 4-byte dictionary id follows


def pack_text(text: str | None) -> bytes | None:
    if text is None:
        return None
    packer = zlib.compressobj(_LEVEL, zdict=_DICTIONARY)
    return packer.compress(text.encode("utf-8")) + packer.flush()


def unpack_text(blob: bytes | str | None) -> str | None:
    """The text of a text_z value; a str (an uncompressed value) is returned as it is."""
    if blob is None or isinstance(blob, str):
        return blob
    if len(blob) < 6 or not blob[1] & _FDICT:
        return zlib.decompress(blob).decode("utf-8")
    dict_id = int.from_bytes(blob[2:6], "big")
    if dict_id not in _DICTIONARIES:
        raise ValueError(f"text_z packed with an unknown dictionary (Adler-32 {dict_id:08x})")
    unpacker = zlib.decompressobj(zdict=_DICTIONARIES[dict_id])
    return (unpacker.decompress(blob) + unpacker.flush()).decode("utf-8")


def register_text_function(conn: sqlite3.Connection) -> None:
    conn.create_function(SQL_FUNCTION, 1, unpack_text, deterministic=True)

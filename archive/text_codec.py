"""versions.text_z: a version's full plain text, zlib-compressed (level 9).

The full text was about half the archive's SQLite bytes; zlib shrinks Chinese report text to
about a third. Every reader goes through unpack_text, or in SQL through nianbao_text(), which
register_text_function adds to a connection (archive.schema.connect and the Datasette plugin
plugins/version_text.py do).
"""
from __future__ import annotations

import sqlite3
import zlib

SQL_FUNCTION = "nianbao_text"
_LEVEL = 9  # ingest compresses once per new version; 9 costs ~0.1 ms a report more than 6


def pack_text(text: str | None) -> bytes | None:
    return None if text is None else zlib.compress(text.encode("utf-8"), _LEVEL)


def unpack_text(blob: bytes | str | None) -> str | None:
    """The text of a text_z value; a str (an uncompressed value) is returned as it is."""
    if blob is None or isinstance(blob, str):
        return blob
    return zlib.decompress(blob).decode("utf-8")


def register_text_function(conn: sqlite3.Connection) -> None:
    conn.create_function(SQL_FUNCTION, 1, unpack_text, deterministic=True)

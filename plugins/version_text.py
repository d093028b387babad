"""`nianbao_text(text_z)`: a version's full text from its compressed versions.text_z.

The views version_texts and version_sections call it, and so can any SQL run on the site.
"""
from __future__ import annotations

import sqlite3

from datasette import hookimpl

from archive.text_codec import register_text_function


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    register_text_function(conn)

"""A request for something a table cannot do is the client's error (400), not the server's.

Datasette raises `?_sort=` / `?_sort_desc=` on a column it cannot sort by as a DatasetteError
with its default status, 500 (datasette/views/table.py), which reads as a server fault in
logs and to API clients. This handler runs before Datasette's own and gives such errors
status 400; Datasette's handler then renders them as usual (JSON, or the error page).
"""
from __future__ import annotations

from datasette import hookimpl
from datasette.views.base import DatasetteError

_CLIENT_ERRORS = ("Cannot sort table by ",)


@hookimpl(tryfirst=True)
def handle_exception(exception: Exception) -> None:
    if (isinstance(exception, DatasetteError) and exception.status == 500
            and str(exception.message).startswith(_CLIENT_ERRORS)):
        exception.status = 400

"""Keep the server's file system out of the public site.

Datasette's introspection pages show where files live: /-/databases lists each database's
absolute path, /-/threads the stack of every asyncio task with its source file paths. Plugin
routes come before Datasette's own, so these two are replaced here: the database list without
"path", the thread dump not served at all.
"""
from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.views.special import JsonDataView


def _databases_without_paths(datasette) -> list[dict]:
    return [{"name": db.name, "route": db.route, "size": db.size, "is_mutable": db.is_mutable,
             "is_memory": db.is_memory, "hash": db.hash}
            for name, db in datasette.databases.items() if name != "_internal"]


async def _no_thread_dump() -> Response:
    return Response.text("not published", status=404)


@hookimpl
def register_routes(datasette):
    databases = JsonDataView.as_view(datasette, "databases.json",
                                     lambda: _databases_without_paths(datasette))
    return [(r"/-/databases(\.(?P<format>json))?$", databases),
            (r"/-/threads(\.(?P<format>json))?$", _no_thread_dump)]

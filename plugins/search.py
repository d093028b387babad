"""Chinese search through Datasette's own `_search`: queries are rewritten into bigram queries.

Datasette's table search runs `fts MATCH escape_fts(:search)` (searchmode "escaped"). This
plugin replaces that SQL function with archive.search_index.fts_query, which turns "宜春市" into
the bigrams "宜春" "春市" that the index holds, so the table search box and `?_search=` in
the JSON API work for Chinese. For non-Han text fts_query quotes terms as escape_fts does.
`nianbao_fts_query` is the same function under its own name, for canned queries;
`nianbao_fts_tier(q, tier)` gives the names-index MATCH of a title or agency rank tier for the
ranked search, `nianbao_fts_named(q)` that of the reports either tier holds.

A search result page skips the table's default facets (`_nofacet=1`): each facet re-runs the
search over every hit (a common word hits most of 100,000 reports), which made a search page
three to four times slower; an explicit `?_facet=` still gets its facets.
"""
from __future__ import annotations

import sqlite3
from urllib.parse import parse_qsl

from datasette import hookimpl

from archive.search_index import fts_query, named_query, tier_query


# trylast: Datasette registers its own escape_fts in a prepare_connection hook; ours must run
# after it to take its place.
@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("nianbao_fts_query", 1, fts_query, deterministic=True)
    conn.create_function("nianbao_fts_tier", 2, tier_query, deterministic=True)
    conn.create_function("nianbao_fts_named", 1, named_query, deterministic=True)


def _without_default_facets(scope: dict) -> dict:
    """The request with `_nofacet=1` added when it searches and asks for no facet itself."""
    if scope.get("type") != "http":
        return scope
    query = scope.get("query_string", b"")
    names = {name for name, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True)}
    if "_search" not in names or any(n.startswith("_facet") or n == "_nofacet" for n in names):
        return scope
    return {**scope, "query_string": query + b"&_nofacet=1"}


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def searched_without_facets(scope, receive, send):
            await app(_without_default_facets(scope), receive, send)
        return searched_without_facets
    return wrap

"""Chinese search through Datasette's own `_search`: queries are rewritten into bigram queries.

Datasette's table search runs `fts MATCH escape_fts(:search)` (searchmode "escaped"). This
plugin replaces that SQL function with archive.search_index.fts_query, which turns "宜春市" into
the bigrams "宜春" "春市" that the index holds, so the table search box and `?_search=` in
the JSON API work for Chinese. For non-Han text fts_query quotes terms as escape_fts does.
`nianbao_fts_query` is the same function under its own name, for canned queries;
`nianbao_fts_tier(q, tier)` gives the MATCH of one rank tier for the ranked search.
"""
from __future__ import annotations

import sqlite3

from datasette import hookimpl

from archive.search_index import fts_query, tier_query


# trylast: Datasette registers its own escape_fts in a prepare_connection hook; ours must run
# after it to take its place.
@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("nianbao_fts_query", 1, fts_query, deterministic=True)
    conn.create_function("nianbao_fts_tier", 2, tier_query, deterministic=True)

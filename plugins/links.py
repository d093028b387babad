"""Links between Datasette's tables and the report pages, and the home page's list of views."""
from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

# Canned queries return site paths such as "/report/3" in these columns; show them as links.
LINK_COLUMNS = {"page": "查看报告 report", "diff": "查看修订 diff"}


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, datasette) -> Markup | None:
    if column in LINK_COLUMNS and isinstance(value, str) and value.startswith("/report/"):
        return Markup(f'<a href="{escape(datasette.urls.path(value))}">{LINK_COLUMNS[column]}</a>')
    if column == "crawl" and isinstance(value, int):  # a site_crawls id: the evidence
        href = datasette.urls.row(datasette.get_database().name, "site_crawls", str(value))
        return Markup(f'<a href="{escape(href)}">抓取记录 crawl {value}</a>')
    if table == "reports" and column == "title" and value:
        href = datasette.urls.path(f"/report/{row['id']}")
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    return None


@hookimpl
def extra_template_vars(template: str, datasette) -> dict[str, Any]:
    if template != "index.html":
        return {}
    db = datasette.get_database()
    queries = (datasette.metadata("queries", database=db.name) or {})
    return {"nianbao_db": db.name, "nianbao_queries": [
        {"name": name, "title": q.get("title", name), "description": q.get("description", "")}
        for name, q in queries.items()]}


@hookimpl
def menu_links(datasette) -> list[dict[str, str]]:
    db = datasette.get_database().name
    return [{"href": datasette.urls.path(f"/{db}/new_and_revised.atom"),
             "label": "Atom 订阅 feed"}]

"""The search page: server-rendered HTML over the same search and article reads as the API.

Highlight fragments come from Elasticsearch with their text HTML-escaped (ingest.search), so they are the
one thing shown unescaped; every other value goes through the templates' autoescaping.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ingest.articles import get_article
from ingest.errors import IngestError, ServiceError
from ingest.papers import all_papers
from ingest.search import MAX_WINDOW, printed_page, search
from ingest.web.params import read_params, search_request

TEMPLATES = Path(__file__).parent / "templates"
PER_PAGE = 10  # hits per page unless the address says size=
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def page_text(hit: dict[str, Any]) -> str:
    """第3版 要闻, A03版 要闻: how a paper names the page."""
    where = printed_page(hit.get("page_label"), hit.get("page"))
    return " ".join(x for x in (where, hit.get("page_name") or "") if x)


def byline(authors: list[dict[str, str]]) -> str:
    return "　".join(f"{a['role']} {a['name']}".strip() for a in authors)


_env.filters["page_text"] = page_text
_env.filters["byline"] = byline


def _status(e: IngestError) -> int:
    return 503 if isinstance(e, ServiceError) else 400


def _render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status)


def _pages(params: dict[str, str], offset: int, per_page: int, shown: int) -> dict[str, Any]:
    """Links to the previous and next pages of hits, keeping the query and filters."""
    def link(start: int) -> str:
        kept = {k: v for k, v in params.items() if k != "from"}
        return "/?" + urlencode(kept | ({"from": str(start)} if start else {}))
    return {"number": offset // per_page + 1, "count": max(1, -(-shown // per_page)),
            "prev": link(max(0, offset - per_page)) if offset > 0 else None,
            "next": link(offset + per_page) if offset + per_page < min(shown, MAX_WINDOW) else None}


def install(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request) -> HTMLResponse:
        s, es = app.state.settings, app.state.es
        papers = sorted(all_papers().values(), key=lambda p: p.id)
        context: dict[str, Any] = {"papers": papers, "params": {}, "result": None, "error": None}
        try:
            params = read_params(request.query_params.multi_items())
            context["params"] = params
            if params.get("q"):
                req = search_request({"size": str(PER_PAGE)} | params)
                result = search(es, s.index, req)
                shown = result["groups"] if result["groups"] is not None else result["total"]
                context |= {"result": result, "pages": _pages(params, req.offset, req.limit, shown)}
        except IngestError as e:
            context |= {"error": str(e), "unavailable": isinstance(e, ServiceError)}
            return _render("search.html", _status(e), **context)
        return _render("search.html", **context)

    @app.get("/read/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str) -> HTMLResponse:
        s, es = app.state.settings, app.state.es
        try:
            article = get_article(es, s.index, s.ledger_index, article_id)
        except IngestError as e:
            return _render("article.html", _status(e), article=None, error=str(e))
        if article is None:
            return _render("article.html", 404, article=None, error=f"没有这篇稿件（{article_id}）")
        return _render("article.html", article=article, error=None)

"""The HTTP service: the JSON API (/search, /articles/{id}, /papers, /health, /openapi.json) and the search
page (ingest.web.page), one process, read-only.

Only the article alias is ever named to Elasticsearch (and the ledger, for an article's own version
records): no route passes an index, a path or a query body through, and article ids are checked before
they are used. Bad input is a 400 with {"error": message}; an unreachable Elasticsearch is a 503.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ingest.articles import ArticleView, get_article
from ingest.config import Settings, settings
from ingest.errors import InputError, ServiceError
from ingest.index import client, last_editions
from ingest.papers import all_papers, describe
from ingest.search import SearchResult, search
from ingest.web import page
from ingest.web.params import openapi_parameters, read_params, search_request

API_DESCRIPTION = """Search the indexed articles of Chinese newspapers by paper, date and page.

Each term of `q` must occur as written; titles weigh more than bodies; near-duplicates (one story reprinted
by several papers) come back as one hit with their group. Errors are `{"error": "…"}`: 400 for bad input
(an unknown parameter too), 404 for an unknown article, 503 when Elasticsearch cannot be reached."""


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(s: Settings | None = None, es: Elasticsearch | None = None) -> FastAPI:
    s = s or settings()
    es = es or client(s)
    app = FastAPI(title="newspaper-ingest search", version="1", description=API_DESCRIPTION,
                  docs_url="/docs", redoc_url=None)
    app.state.settings, app.state.es = s, es

    @app.exception_handler(InputError)
    async def input_error(request: Request, e: InputError) -> JSONResponse:
        return _error(400, str(e))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
        return _error(400, problems)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, e: ServiceError) -> JSONResponse:
        return _error(503, str(e))

    @app.exception_handler(ApiError)
    async def refused(request: Request, e: ApiError) -> JSONResponse:
        # A request Elasticsearch itself refuses (a 4xx that service_errors passes on) is the request's fault.
        return _error(400 if 400 <= e.meta.status < 500 else 503, f"Elasticsearch refused the request: {e.message}")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, e: HTTPException) -> JSONResponse:
        return _error(e.status_code, str(e.detail))

    @app.get("/search", response_model=SearchResult, summary="Search the articles",
             openapi_extra={"parameters": openapi_parameters()})
    def search_articles(request: Request) -> SearchResult:
        req = search_request(read_params(request.query_params.multi_items()))
        return search(es, s.index, req)

    @app.get("/articles/{article_id}", response_model=ArticleView, summary="One article whole",
             responses={404: {"description": "No such article"}})
    def article(request: Request, article_id: str) -> ArticleView:
        _no_params(request)
        found = get_article(es, s.index, s.ledger_index, article_id)
        if found is None:
            raise HTTPException(404, f"no article {article_id}")
        return found

    @app.get("/papers", summary="Configured papers and their last edition indexed")
    def papers(request: Request) -> list[dict[str, Any]]:
        _no_params(request)
        last = last_editions(es, s.index)
        return [describe(p, last.get(p.id)) for p in sorted(all_papers().values(), key=lambda p: p.id)]

    @app.get("/health", summary="Elasticsearch reachable and the index there",
             responses={503: {"description": "Elasticsearch unreachable, or no index"}})
    def health(request: Request) -> JSONResponse:
        _no_params(request)
        report = health_report(es, s.index)
        return JSONResponse(report, status_code=200 if report["ok"] else 503)

    page.install(app)
    return app


def _no_params(request: Request) -> None:
    if request.query_params:
        raise InputError(f"{request.url.path} takes no parameters, not {', '.join(request.query_params)}")


def health_report(es: Elasticsearch, alias: str) -> dict[str, Any]:
    report: dict[str, Any] = {"ok": False, "elasticsearch": False, "index": alias, "index_exists": False}
    try:
        quick = es.options(request_timeout=3, max_retries=0)
        report["cluster_status"] = quick.cluster.health(timeout="2s")["status"]
        report["elasticsearch"] = True
        report["index_exists"] = bool(quick.indices.exists_alias(name=alias) or quick.indices.exists(index=alias))
    except (TransportError, ApiError) as e:
        report["error"] = f"{e.__class__.__name__}: {e}"
    report["ok"] = report["elasticsearch"] and report["index_exists"]
    return report

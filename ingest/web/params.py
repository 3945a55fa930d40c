"""The query parameters of a search, read the same way for the API and the page (pure).

One table says what each parameter is: it both reads a request and documents the API (OpenAPI), so the
two cannot drift. Anything else in the query string is refused with a message naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ingest.errors import InputError
from ingest.search import MAX_QUERY_CHARS, MAX_WINDOW, SearchRequest, page_filter

MAX_SIZE = 50  # hits per request: a front-end pages through more


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict[str, Any]
    description: str
    required: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


SEARCH_PARAMS: tuple[Param, ...] = (
    Param("q", {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS},
          "The query: terms separated by spaces, each of which must occur as written (疗休养 does not match "
          "疗, 休 and 养 apart); traditional characters also find simplified text.", required=True),
    Param("paper", {"type": "string"}, "Only this paper (an id from GET /papers)."),
    Param("since", {"type": "string", "format": "date"}, "First edition date, YYYY-MM-DD."),
    Param("until", {"type": "string", "format": "date"}, "Last edition date, YYYY-MM-DD."),
    Param("page", {"type": "string"}, "Only this page: a number (3) or a sectioned label (A03)."),
    Param("author", {"type": "string"}, "Only articles with this name in the byline."),
    Param("collapse", {"type": "boolean", "default": True},
          "One hit per group of near-duplicates (reprints, PDF and HTML copies), its other members listed "
          "with it; false lists every document."),
    Param("from", {"type": "integer", "minimum": 0, "default": 0},
          "Hits to skip (groups when collapsed): pagination."),
    Param("size", {"type": "integer", "minimum": 1, "maximum": MAX_SIZE, "default": 10},
          f"Hits per response (at most {MAX_SIZE}; from + size at most {MAX_WINDOW})."),
)
_KNOWN = {p.name for p in SEARCH_PARAMS}
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def openapi_parameters() -> list[dict[str, Any]]:
    return [{"name": p.name, "in": "query", "required": p.required, "description": p.description,
             "schema": p.schema} for p in SEARCH_PARAMS]


def _int(name: str, value: str, low: int, high: int) -> int:
    try:
        n = int(value)
    except ValueError:
        raise InputError(f"parameter {name}: {value!r} is not a whole number") from None
    if not low <= n <= high:
        raise InputError(f"parameter {name}: {n} is not between {low} and {high}")
    return n


def _date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"parameter {name}: {value!r} is not a date (use YYYY-MM-DD)") from None


def _bool(name: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise InputError(f"parameter {name}: {value!r} is not true or false")


def read_params(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The query string as one value per known parameter; an unknown or repeated one is refused. Empty
    values (a form's untouched fields) count as absent."""
    params: dict[str, str] = {}
    for name, value in items:
        if name not in _KNOWN:
            raise InputError(f"unknown parameter {name!r}; the parameters are {', '.join(sorted(_KNOWN))}")
        if name in params:
            raise InputError(f"parameter {name} is given more than once")
        params[name] = value
    return {k: v for k, v in params.items() if v.strip()}


def search_request(params: dict[str, str]) -> SearchRequest:
    """The SearchRequest of parameters that read_params accepted."""
    if "q" not in params:
        raise InputError("parameter q (the query) is missing")
    if "page" in params:
        page_filter(params["page"])  # refused here, naming the parameter, before anything is searched
    size = _int("size", params.get("size", "10"), 1, MAX_SIZE)
    return SearchRequest(
        query=params["q"], paper=params.get("paper"),
        since=_date("since", params["since"]) if "since" in params else None,
        until=_date("until", params["until"]) if "until" in params else None,
        page=params.get("page"), author=params.get("author"),
        collapse=_bool("collapse", params.get("collapse", "true")),
        offset=_int("from", params.get("from", "0"), 0, MAX_WINDOW - size), limit=size)

"""One stored article whole, as a front-end shows it: its text, where it came from, the versions it
replaced, and the other members of its near-duplicate group."""

from __future__ import annotations

import re
from typing import Any

from elasticsearch import ApiError, Elasticsearch
from typing_extensions import TypedDict

from ingest import ledger
from ingest.errors import InputError
from ingest.index import service_errors
from ingest.search import MEMBER_SOURCE, AuthorOut, Member, member, stored_page_label
from ingest.versions import version_subject

# Ids are made by ingest.dedup.article_id (paper-date-hash). Anything else is refused before it reaches
# Elasticsearch, so an id can never name another index or an API path (_search, ..).
ARTICLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,199}")
GROUP_SHOWN = 50


class SourceOut(TypedDict):
    kind: str
    uri: str
    archive_hash: str


class VersionOut(TypedDict):
    """A change of the article's text recorded in the ledger: the older text stays in the archive."""
    at: str | None
    detail: str


class ArticleView(TypedDict):
    id: str
    paper: str | None
    paper_name: str | None
    date: str | None
    issue_number: int | None
    page: int | None
    page_name: str | None
    page_label: str | None
    kind: str | None
    pretitle: str
    title: str
    subtitle: str
    column: str
    authors: list[AuthorOut]
    dateline: str
    paragraphs: list[str]
    continues_on: int | None
    continued_from: int | None
    url: str | None
    sources: list[SourceOut]
    ingested_at: str | None
    versions: list[VersionOut]
    group: list[Member]  # the other members of its near-duplicate group, oldest first


def check_id(article_id: str) -> str:
    if not ARTICLE_ID.fullmatch(article_id):
        raise InputError(f"article id {article_id!r} is not an article id (letters, digits, - and _)")
    return article_id


def get_article(es: Elasticsearch, alias: str, ledger_index: str, article_id: str) -> ArticleView | None:
    """The article `article_id` of `alias`, or None when there is none."""
    check_id(article_id)
    with service_errors(f"reading article {article_id} from {alias}"):
        try:
            doc = es.get(index=alias, id=article_id)
        except ApiError as e:
            if e.meta.status == 404:
                return None
            raise
        src: dict[str, Any] = doc["_source"]
        group = _group(es, alias, article_id, src.get("dup_group"))
    versions = ledger.entries(es, ledger_index, step="version", subject=version_subject(src["paper"], key),
                              limit=20, refresh=False) if (key := src.get("source_key")) else []
    page = src.get("page") or {}
    return {
        "id": article_id,
        "paper": src.get("paper"), "paper_name": src.get("paper_name"), "date": src.get("date"),
        "issue_number": src.get("issue_number"),
        "page": page.get("number"), "page_name": page.get("name") or None, "page_label": stored_page_label(src),
        "kind": src.get("kind"),
        "pretitle": src.get("pretitle") or "", "title": src.get("title") or "", "subtitle": src.get("subtitle") or "",
        "column": src.get("column") or "",
        "authors": [{"name": a.get("name", ""), "role": a.get("role", "")} for a in src.get("authors") or []],
        "dateline": src.get("dateline") or "",
        "paragraphs": list(src.get("body") or []),
        "continues_on": src.get("continues_on"), "continued_from": src.get("continued_from"),
        "url": src.get("url"),
        "sources": [{"kind": s.get("kind", ""), "uri": s.get("uri", ""), "archive_hash": s.get("archive_hash", "")}
                    for s in src.get("sources") or []],
        "ingested_at": src.get("ingested_at"),
        "versions": [{"at": v.get("at"), "detail": v.get("detail", "")} for v in versions],
        "group": group,
    }


def _group(es: Elasticsearch, alias: str, article_id: str, dup_group: str | None) -> list[Member]:
    if not dup_group:
        return []
    resp = es.search(index=alias, size=GROUP_SHOWN, source={"includes": MEMBER_SOURCE},
                     query={"bool": {"filter": [{"term": {"dup_group": dup_group}}],
                                     "must_not": [{"ids": {"values": [article_id]}}]}},
                     sort=[{"date": "asc"}, {"paper": "asc"}])
    return [member(h) for h in resp["hits"]["hits"]]

"""Edition → Elasticsearch documents (pure): the stored fields plus the derived search fields."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from ingest.dedup import article_id, content_hash, near_dup_fields
from ingest.model import Article, Edition
from ingest.simplify import to_simplified


@dataclass(frozen=True)
class Source:
    kind: str  # file, site, mail
    uri: str
    archive_hash: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def derived_fields(title: str, body: str | list[str]) -> dict[str, Any]:
    """Fields computed from the text: a simplified copy when the text is traditional (so both 職工 and 职工
    find it). Words are segmented inside Elasticsearch, by the index's analysis profile (ingest.analysis)."""
    if isinstance(body, list):
        body = "\n".join(body)
    out: dict[str, Any] = {}
    zhs_title, zhs_body = to_simplified(title), to_simplified(body)
    if zhs_title != title or zhs_body != body:
        out["zhs"] = {"title": zhs_title, "body": [p for p in zhs_body.split("\n") if p]}
    return out


def article_document(edition: Edition, article: Article, source: Source, now: datetime | None = None) \
        -> tuple[str, dict[str, Any]]:
    chash = content_hash(article)
    page_name = next((p.name for p in edition.pages if p.label == article.page_label), "")
    doc: dict[str, Any] = {
        "paper": edition.paper,
        "paper_name": edition.paper_name,
        "date": edition.date.isoformat() if edition.date else None,
        "issue_number": edition.issue_number,
        "page": {"number": article.page, "label": article.page_label, "name": page_name},
        "kind": article.kind,
        "pretitle": article.pretitle,
        "title": article.title,
        "subtitle": article.subtitle,
        "column": article.column,
        "authors": [asdict(a) for a in article.authors],
        "dateline": article.dateline,
        # One value per paragraph: the mapping's position gap keeps a phrase from matching across two
        # paragraphs, so a phrase is found across a column break only where the parser joined it.
        "body": article.paragraphs,
        "continues_on": article.continues_on,
        "continued_from": article.continued_from,
        "continues_on_label": article.continues_on_label,
        "continued_from_label": article.continued_from_label,
        "url": article.url,
        "source_key": article.source_key,
        "sources": [source.to_dict()],
        "content_hash": chash,
        "ingested_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    }
    doc.update(derived_fields(article.title, article.body))
    doc_id = article_id(edition.paper, edition.date, article.page_label or article.page, chash)
    # Its own group until the index step finds a near-duplicate already stored (ingest.dup_groups).
    doc.update(near_dup_fields(article.pretitle, article.title, article.subtitle, article.body), dup_group=doc_id)
    return doc_id, doc


def edition_documents(edition: Edition, source: Source) -> list[tuple[str, dict[str, Any]]]:
    return [article_document(edition, a, source) for a in edition.articles]

"""Exact deduplication and article identity (pure).

An article's id comes from stable facts — paper, date, page and its content hash — so re-ingesting
the same text overwrites the same document, and the same text arriving from two sources is one
document that lists both sources. Near-duplicates (ingest.neardup) keep their own ids and share a
`dup_group` instead.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from ingest import neardup
from ingest.model import Article
from ingest.normalize import comparison_key


def content_hash(article: Article) -> str:
    """Hash of the normalized title and body: equal for copies that differ only in width, punctuation,
    white space or traditional vs simplified characters."""
    key = comparison_key(article.title) + "\x1f" + comparison_key(article.body)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def article_id(paper: str, edition_date: date | None, page: str | int | None, chash: str) -> str:
    """`page` is the page label (A03); a label without a section letter counts as its number, so the ids of
    unsectioned editions stay those given before labels existed."""
    day = edition_date.isoformat() if edition_date else "undated"
    if isinstance(page, str) and page.isdigit():
        page = int(page)
    raw = f"{paper}|{day}|{page if page is not None else '-'}|{chash}"
    return f"{paper}-{day}-{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:16]}"


def drop_exact_duplicates(articles: list[Article]) -> tuple[list[Article], int]:
    """Keep the first of articles with the same content hash (a parser may meet a text twice on one page).
    Returns the kept articles and how many were dropped."""
    seen: set[str] = set()
    kept: list[Article] = []
    for a in articles:
        h = content_hash(a)
        if h in seen:
            continue
        seen.add(h)
        kept.append(a)
    return kept, len(articles) - len(kept)


def merge_sources(existing: list[dict], new: list[dict]) -> list[dict]:
    """Union of two source lists, keyed on (kind, uri, archive_hash), order kept."""
    out = list(existing)
    keys = {(s.get("kind"), s.get("uri"), s.get("archive_hash")) for s in existing}
    for s in new:
        k = (s.get("kind"), s.get("uri"), s.get("archive_hash"))
        if k not in keys:
            keys.add(k)
            out.append(s)
    return out


def near_dup_fields(pretitle: str, title: str, subtitle: str, body: str | list[str]) -> dict[str, Any]:
    """The stored near-duplicate fingerprint of an article: band keys (a keyword field that candidates are
    looked up by; none below the length floor) and the signature they are verified with."""
    body = "\n".join(body) if isinstance(body, list) else body
    fp = neardup.fingerprint_folded(neardup.fold_parts([pretitle, title, subtitle, body]))
    return {"dup_bands": fp.band_keys, "dup_signature": fp.signature.encode()}

"""Versions: a corrected or updated text of an article replaces the older one in the index.

Ids come from content (ingest.dedup), so a corrected text is a new document. What says "same article" is
the source's own key (the site's content id): once the new text is written, a stored document of the same
paper and source key but another id is an older version. It is deleted from the index — its bytes stay in
the archive, named by the archive hashes of its sources — and the ledger records the change. The deletes go
in the batch's closing _bulk, after the new versions are written, so the article is never missing from the
index (ingest.batch).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest import ledger
from ingest.documents import Source


@dataclass(frozen=True)
class Replacement:
    paper: str
    source_key: str
    old_id: str
    new_id: str
    old_content_hash: str
    new_content_hash: str
    old_archive_hashes: list[str]  # where the older text can still be read

    def detail(self) -> str:
        return (f"{self.paper} {self.source_key}: text changed, {self.old_id} (content {self.old_content_hash}) "
                f"replaced by {self.new_id} (content {self.new_content_hash}); the older text stays in the archive "
                f"as {', '.join(self.old_archive_hashes) or '(no archived source)'}")


# What replacing an older version needs of it.
VERSION_FIELDS = ["paper", "source_key", "content_hash", "sources"]


def older_versions_search(doc_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The search for stored documents of the same paper and source key as `doc` but another id."""
    return {
        "query": {"bool": {"filter": [{"term": {"paper": doc["paper"]}}, {"term": {"source_key": doc["source_key"]}}],
                           "must_not": [{"ids": {"values": [doc_id]}}]}},
        "size": MAX_VERSIONS,
        "seq_no_primary_term": True,
        "_source": VERSION_FIELDS,
    }


# Older versions a batch's search returns per document before it counts as overflowing (a source key
# has one stored version almost always; a few after corrections).
MAX_VERSIONS = 100


def batch_versions_search(docs: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """One search for the stored documents of the same paper and source key as any of `docs`, other ids
    than theirs; split_versions gives each document its own."""
    return {
        "query": {"bool": {"filter": [{"terms": {"paper": sorted({d["paper"] for _, d in docs})}},
                                      {"terms": {"source_key": sorted({d["source_key"] for _, d in docs})}}],
                           "must_not": [{"ids": {"values": [i for i, _ in docs]}}]}},
        "size": MAX_VERSIONS * len(docs) + 1,
        "track_total_hits": False,
        "seq_no_primary_term": True,
        "_source": VERSION_FIELDS,
    }


def split_versions(docs: list[tuple[str, dict[str, Any]]], hits: list[dict[str, Any]]) \
        -> dict[str, list[dict[str, Any]]] | None:
    """The hits of batch_versions_search for each of `docs`; None when the search overflowed."""
    if len(hits) > MAX_VERSIONS * len(docs):
        return None
    return {i: [h for h in hits if is_older_version(i, d, h)] for i, d in docs}


def is_older_version(doc_id: str, doc: dict[str, Any], hit: dict[str, Any]) -> bool:
    """Whether a stored document (hit) is another version of `doc` (the search's condition, for documents
    read back by id)."""
    src = hit["_source"]
    return hit["_id"] != doc_id and src.get("paper") == doc["paper"] and src.get("source_key") == doc["source_key"]


def replacements(doc_id: str, doc: dict[str, Any], hits: list[dict[str, Any]]) \
        -> list[tuple[Replacement, dict[str, Any]]]:
    """What writing `doc` replaces: each older version (hit) with the Replacement the ledger records."""
    out = []
    for hit in hits:
        src = hit["_source"]
        out.append((Replacement(
            paper=doc["paper"], source_key=doc["source_key"], old_id=hit["_id"], new_id=doc_id,
            old_content_hash=src.get("content_hash", ""), new_content_hash=doc.get("content_hash", ""),
            old_archive_hashes=sorted({s["archive_hash"] for s in src.get("sources", []) if s.get("archive_hash")})),
            hit))
    return out


def replacement_entry(r: Replacement, source: Source, date: str | None) -> ledger.Entry:
    """The ledger entry of a replaced version, named by the article and the bytes of the new text, so a
    re-run overwrites its entry and every later correction adds one."""
    return ledger.Entry(step="version", status="ok", subject=version_subject(r.paper, r.source_key), paper=r.paper,
                        date=date, archive_hash=source.archive_hash, detail=r.detail(), counts={"replaced": 1})


def version_subject(paper: str, source_key: str) -> str:
    """The ledger subject of an article's version changes: the paper and the source's own key."""
    return f"{paper}/{source_key}"

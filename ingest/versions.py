"""Versions: a corrected or updated text of an article replaces the older one in the index.

Ids come from content (ingest.dedup), so a corrected text is a new document. What says "same article" is
the source's own key (the site's content id): once the new text is written, a stored document of the same
paper and source key but another id is an older version. It is deleted from the index — its bytes stay in
the archive, named by the archive hashes of its sources — and the ledger records the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from ingest import ledger
from ingest.documents import Source
from ingest.errors import ServiceError
from ingest.index import service_errors


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


def _older_versions_search(doc_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "query": {"bool": {"filter": [{"term": {"paper": doc["paper"]}}, {"term": {"source_key": doc["source_key"]}}],
                           "must_not": [{"ids": {"values": [doc_id]}}]}},
        "size": 100,
        "seq_no_primary_term": True,
        "_source": ["content_hash", "sources"],
    }


def retire_older_versions(es: Elasticsearch, alias: str, docs: list[tuple[str, dict[str, Any]]]) \
        -> list[Replacement]:
    """Delete the stored older versions of the written `docs` (those with a source key); returns what was
    replaced. Call after the new versions are written, so the article is never missing from the index."""
    keyed = [(doc_id, doc) for doc_id, doc in docs if doc.get("source_key")]
    if not keyed:
        return []
    searches: list[dict[str, Any]] = []
    for doc_id, doc in keyed:
        searches += [{"index": alias}, _older_versions_search(doc_id, doc)]
    replaced: list[Replacement] = []
    with service_errors(f"looking up older versions in {alias}"):
        responses = es.msearch(searches=searches)["responses"]
        for (doc_id, doc), resp in zip(keyed, responses, strict=True):
            if "error" in resp:
                raise ServiceError(f"looking up older versions of {doc['source_key']} in {alias}: {resp['error']}")
            for hit in resp["hits"]["hits"]:
                try:
                    es.delete(index=alias, id=hit["_id"], if_seq_no=hit["_seq_no"],
                              if_primary_term=hit["_primary_term"], refresh="wait_for")
                except ApiError as e:
                    if e.meta.status == 404:  # another worker retired it first
                        continue
                    if e.meta.status == 409:
                        raise ServiceError(f"older version {hit['_id']} changed while replacing it; retry") from e
                    raise
                src = hit["_source"]
                replaced.append(Replacement(
                    paper=doc["paper"], source_key=doc["source_key"], old_id=hit["_id"], new_id=doc_id,
                    old_content_hash=src.get("content_hash", ""), new_content_hash=doc.get("content_hash", ""),
                    old_archive_hashes=sorted({s["archive_hash"] for s in src.get("sources", [])
                                               if s.get("archive_hash")})))
    return replaced


def version_subject(paper: str, source_key: str) -> str:
    """The ledger subject of an article's version changes: the paper and the source's own key."""
    return f"{paper}/{source_key}"


def record_replacements(es: Elasticsearch, ledger_index: str, replaced: list[Replacement], source: Source,
                        date: str | None) -> None:
    """One ledger entry per replaced version, named by the article and the bytes of the new text, so a
    re-run overwrites its entry and every later correction adds one."""
    for r in replaced:
        ledger.record(es, ledger_index, ledger.Entry(
            step="version", status="ok", subject=version_subject(r.paper, r.source_key), paper=r.paper, date=date,
            archive_hash=source.archive_hash, detail=r.detail(), counts={"replaced": 1}))

"""Linking the parts of a story as they are indexed (the I/O around ingest.stories).

Pages of one edition arrive in any order and on different workers, so the parts meet in Redis: each
part with a jump line is added to its edition's set, and an edition's parts are linked under that
edition's lock, reading them from Elasticsearch by id (a real-time read: no refresh needed). Whichever
part comes last finds the other. The index is searched as well, for parts indexed before the Redis set
expired or before Redis was emptied. Linking is idempotent: the story's id comes from its parts' ids, and
re-ingesting a part keeps the `story` field it was given (ingest.index.write_documents), so nothing changes
the second time.
"""

from __future__ import annotations

from typing import Any

import redis
from elasticsearch import ApiError, Elasticsearch

from ingest.errors import ServiceError
from ingest.index import msearch, service_errors, write_documents
from ingest.stories import PART_ROLE, STORY_ROLE, Part, assemble, is_part, story_document, story_field

Doc = tuple[str, dict[str, Any]]
# How long an edition's parts wait in Redis for the rest: pages come within days; later ones are found
# through the index.
_PARTS_TTL_S = 30 * 24 * 3600
# An edition's linking takes a few requests, well under a second. The lock outlives a worker killed inside
# it by this much: the edition's next writer waits that long (a minute here stalled the redelivered task
# a minute, seen in the crash-recovery test), and one slower than this gives up and retries.
_LOCK_TIMEOUT_S = 15
_MAX_PARTS = 1000  # jumping articles of one edition an index search returns (a paper prints a few dozen)


def link_stories(es: Elasticsearch, r: redis.Redis, prefix: str, alias: str, docs: list[Doc]) -> list[str]:
    """Link the parts among `docs` (already written) with the other parts of their editions. Returns the ids
    of the documents it wrote: story documents and parts whose link changed."""
    editions: dict[tuple[str, str], list[str]] = {}
    for doc_id, doc in docs:
        if is_part(doc) and doc.get("date"):
            editions.setdefault((doc["paper"], doc["date"]), []).append(doc_id)
    written: list[str] = []
    for (paper, day), ids in sorted(editions.items()):
        key = f"{prefix}:story-parts:{paper}:{day}"
        try:
            with r.lock(f"{key}:lock", timeout=_LOCK_TIMEOUT_S, blocking_timeout=_LOCK_TIMEOUT_S):
                # One round trip: the lock already orders the edition's writers.
                pipe = r.pipeline(transaction=False)
                pipe.sadd(key, *ids)
                pipe.expire(key, _PARTS_TTL_S)
                pipe.smembers(key)
                members = pipe.execute()[-1]
                known = {m.decode() if isinstance(m, bytes) else str(m) for m in members}
                stored, stories = _edition_lookups(es, alias, paper, day)
                written += _link_edition(es, alias, paper, day, known | stored, stories)
        except redis.RedisError as e:
            raise ServiceError(f"Redis unreachable while linking the stories of {paper} {day}: {e}") from e
    return written


def _edition_query(paper: str, day: str, *more: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"filter": [{"term": {"paper": paper}}, {"term": {"date": day}}, *more]}}


def _edition_lookups(es: Elasticsearch, alias: str, paper: str, day: str) -> tuple[set[str], set[str]]:
    """The ids of the edition's stored parts (those indexed before the Redis set expired) and of its stored
    story documents (to drop those its parts no longer make), in one round trip."""
    jumps = {"bool": {"should": [{"exists": {"field": "continues_on"}}, {"exists": {"field": "continued_from"}}]}}
    bodies = [{"query": _edition_query(paper, day, q), "size": _MAX_PARTS, "_source": False}
              for q in (jumps, {"term": {"story.role": STORY_ROLE}})]
    parts, stories = msearch(es, alias, bodies, f"the jumping articles and stories of {paper} {day}")
    return {h["_id"] for h in parts}, {h["_id"] for h in stories}


def _link_edition(es: Elasticsearch, alias: str, paper: str, day: str, ids: set[str], stored_stories: set[str]) \
        -> list[str]:
    with service_errors(f"linking the stories of {paper} {day}"):
        found = {d["_id"]: d["_source"] for d in es.mget(index=alias, ids=sorted(ids))["docs"] if d.get("found")}
        chains = assemble([Part.from_document(i, d) for i, d in found.items() if is_part(d)])
        written: list[str] = []
        stories: list[Doc] = []
        links: dict[str, dict[str, Any] | None] = {i: None for i, d in found.items() if is_part(d)}
        for chain in chains:
            sid, doc = story_document(chain, found[chain[0].id])
            stories.append((sid, doc))
            links.update({p.id: story_field(chain, sid, PART_ROLE) for p in chain})
        for doc_id, link in links.items():
            if found[doc_id].get("story") != link:  # a new link, or a part whose partner changed its text
                es.update(index=alias, id=doc_id, doc={"story": link})
                written.append(doc_id)
        if stories:
            result = write_documents(es, alias, stories, refresh=False, mostly_new=False)
            written += result.created + result.updated
        written += _drop_stale_stories(es, alias, stored_stories - {sid for sid, _ in stories})
    return written


def _drop_stale_stories(es: Elasticsearch, alias: str, stale: set[str]) -> list[str]:
    """Delete story documents of the edition its parts no longer make (a part re-parsed into another text)."""
    doomed = sorted(stale)
    for doc_id in doomed:
        try:
            es.delete(index=alias, id=doc_id)
        except ApiError as e:
            if e.meta.status != 404:
                raise
    return doomed

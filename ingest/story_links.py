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

from contextlib import ExitStack
from typing import Any

import redis
from elasticsearch import Elasticsearch

from ingest.errors import ServiceError
from ingest.index import bulk_items, msearch, service_errors, write_documents
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
    of the documents it wrote: story documents and parts whose link changed.

    A batch of files holds many editions: their locks are taken together (in one order for every worker, so
    no two wait on each other) and all of them are linked in one set of round trips, not one set each."""
    editions: dict[tuple[str, str], list[str]] = {}
    for doc_id, doc in docs:
        if is_part(doc) and doc.get("date"):
            editions.setdefault((doc["paper"], doc["date"]), []).append(doc_id)
    if not editions:
        return []
    order = sorted(editions)
    keys = [f"{prefix}:story-parts:{paper}:{day}" for paper, day in order]
    what = f"{order[0][0]} {order[0][1]}" + (f" and {len(order) - 1} more editions" if len(order) > 1 else "")
    try:
        with ExitStack() as held:
            for key in keys:
                held.enter_context(r.lock(f"{key}:lock", timeout=_LOCK_TIMEOUT_S, blocking_timeout=_LOCK_TIMEOUT_S))
            # One round trip: the locks already order the editions' writers.
            pipe = r.pipeline(transaction=False)
            for key, edition in zip(keys, order, strict=True):
                pipe.sadd(key, *editions[edition])
                pipe.expire(key, _PARTS_TTL_S)
                pipe.smembers(key)
            replies = pipe.execute()
            known = [{m.decode() if isinstance(m, bytes) else str(m) for m in members} for members in replies[2::3]]
            lookups = _edition_lookups(es, alias, order)
            return _link_editions(es, alias, what, [(ids | parts, stories) for ids, (parts, stories)
                                                    in zip(known, lookups, strict=True)])
    except redis.RedisError as e:
        raise ServiceError(f"Redis unreachable while linking the stories of {what}: {e}") from e


def _edition_query(paper: str, day: str, *more: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"filter": [{"term": {"paper": paper}}, {"term": {"date": day}}, *more]}}


def _edition_lookups(es: Elasticsearch, alias: str, editions: list[tuple[str, str]]) -> list[tuple[set[str], set[str]]]:
    """For each edition, the ids of its stored parts (those indexed before the Redis set expired) and of its
    stored story documents (to drop those its parts no longer make); one round trip for all."""
    jumps = {"bool": {"should": [{"exists": {"field": "continues_on"}}, {"exists": {"field": "continued_from"}}]}}
    bodies = [{"query": _edition_query(paper, day, q), "size": _MAX_PARTS, "_source": False}
              for paper, day in editions for q in (jumps, {"term": {"story.role": STORY_ROLE}})]
    found = msearch(es, alias, bodies, f"the jumping articles and stories of {len(editions)} edition(s)")
    return [({h["_id"] for h in parts}, {h["_id"] for h in stories}) for parts, stories in zip(found[::2], found[1::2],
                                                                                              strict=True)]


def _link_editions(es: Elasticsearch, alias: str, what: str, editions: list[tuple[set[str], set[str]]]) -> list[str]:
    """Link each edition's parts (the ids known to be its parts, and its stored story documents): one mget
    for all, then one _bulk of the changed links and stale stories and one write of the story documents."""
    with service_errors(f"linking the stories of {what}"):
        wanted = sorted(set().union(*(ids for ids, _ in editions)))
        found = {d["_id"]: d["_source"] for d in es.mget(index=alias, ids=wanted)["docs"] if d.get("found")}
    stories: list[Doc] = []
    actions: list[dict[str, Any]] = []
    for ids, stored_stories in editions:
        parts = {i: found[i] for i in ids if i in found and is_part(found[i])}
        links: dict[str, dict[str, Any] | None] = dict.fromkeys(parts)
        made = set()
        for chain in assemble([Part.from_document(i, d) for i, d in parts.items()]):
            sid, doc = story_document(chain, found[chain[0].id])
            stories.append((sid, doc))
            made.add(sid)
            links.update({p.id: story_field(chain, sid, PART_ROLE) for p in chain})
        # A new link, or a part whose partner changed its text.
        actions += [{"_op_type": "update", "_index": alias, "_id": i, "doc": {"story": link}}
                    for i, link in links.items() if parts[i].get("story") != link]
        # Story documents its parts no longer make (a part re-parsed into another text).
        actions += [{"_op_type": "delete", "_index": alias, "_id": i} for i in sorted(stored_stories - made)]
    written = [a["_id"] for a in actions]
    for ok, op, info in bulk_items(es, actions, f"linking the stories of {what}") if actions else []:
        if not ok and not (op == "delete" and info.get("status") == 404):
            raise ServiceError(f"Elasticsearch rejected {op} of {info.get('_id')} while linking stories: "
                               f"{info.get('error')}")
    if stories:
        result = write_documents(es, alias, stories, refresh=False, mostly_new=False)
        written += result.created + result.updated
    return written

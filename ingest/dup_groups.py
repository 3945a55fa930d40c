"""Near-duplicate groups in Elasticsearch: candidates by band key, verified, and a shared `dup_group`.

Before a batch is written, each article with band keys looks up the stored articles that share one (a
should-of-terms query, so the ones sharing most bands come first), verifies them on their signatures
(ingest.neardup) and takes the group of the best. Articles of the same batch are candidates for each
other too.

Two workers indexing two reprints of one wire story at the same moment each find nothing and each start
a group. So after the write, an article that started its own group looks again (settle_moves): it joins
an established group it now verifies against, or it and the other starters it verifies against move to
the group of the smallest id among them — whichever of the two workers looks second sees the other and
makes them agree.
"""

from __future__ import annotations

import time
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from ingest import neardup
from ingest.errors import ServiceError
from ingest.index import ensure_index, service_errors
from ingest.neardup import Candidate, Signature

# Candidates verified per article: the band query ranks true near-duplicates first, and a group
# needs only one verified member to be joined.
MAX_CANDIDATES = 20
# Reprints, PDF and HTML copies and corrections appear within days of each other: candidates are looked up
# among the articles dated this many days around the new one, so the lookup stays small as the index grows.
WINDOW_DAYS = 31
_SHARD_START_TRIES = 10

Doc = tuple[str, dict[str, Any]]


def _candidate_search(doc_id: str, bands: list[str], day: str | None) -> dict[str, Any]:
    window = [{"range": {"date": {"gte": f"{day}||-{WINDOW_DAYS}d", "lte": f"{day}||+{WINDOW_DAYS}d"}}}] if day else []
    return {
        "query": {"bool": {
            "should": [{"constant_score": {"filter": {"term": {"dup_bands": band}}}} for band in bands],
            "minimum_should_match": 1,
            "must_not": [{"ids": {"values": [doc_id]}}],
            "filter": window,
        }},
        "size": MAX_CANDIDATES,
        "seq_no_primary_term": True,
        "_source": ["dup_signature", "dup_group"],
    }


def _decode(hit: dict[str, Any]) -> Candidate | None:
    src = hit.get("_source", {})
    try:
        sig = Signature.decode(src["dup_signature"])
    except (KeyError, ValueError):  # stored before fingerprints, or by another fingerprint version
        return None
    return Candidate(hit["_id"], sig, src.get("dup_group"))


def _lookup(es: Elasticsearch, alias: str, docs: list[Doc]) -> dict[str, list[dict[str, Any]]]:
    """For each document with band keys: the hits of the stored articles sharing at least one, itself
    excluded, best first."""
    wanted = [(doc_id, doc) for doc_id, doc in docs if doc.get("dup_bands")]
    if not wanted:
        return {}
    searches: list[dict[str, Any]] = []
    for doc_id, doc in wanted:
        searches += [{"index": alias}, _candidate_search(doc_id, doc["dup_bands"], doc.get("date"))]
    with service_errors(f"looking up near-duplicate candidates in {alias}"):
        ensure_index(es, alias)
        for attempt in range(_SHARD_START_TRIES):
            responses = es.msearch(searches=searches)["responses"]
            # Another worker may have just created the index, its primary not started yet (cluster health
            # calls a new index yellow meanwhile, so it cannot be waited for): try again shortly.
            if not any("no_shard_available" in str(r.get("error", "")) for r in responses):
                break
            time.sleep(0.2 * (attempt + 1))
    out: dict[str, list[dict[str, Any]]] = {}
    for (doc_id, _), resp in zip(wanted, responses, strict=True):
        if "error" in resp:
            status = resp.get("status", 500)
            problem = f"near-duplicate lookup in {alias} failed ({status}): {resp['error']}"
            raise ServiceError(problem) if status >= 500 or status == 429 else RuntimeError(problem)
        out[doc_id] = resp["hits"]["hits"]
    return out


def stored_candidates(es: Elasticsearch, alias: str, docs: list[Doc]) -> dict[str, list[Candidate]]:
    """For each document with band keys: the stored articles sharing at least one, itself excluded."""
    return {doc_id: [c for c in map(_decode, hits) if c is not None]
            for doc_id, hits in _lookup(es, alias, docs).items()}


def assign_groups(es: Elasticsearch, alias: str, docs: list[Doc]) -> None:
    """Set each document's `dup_group` (in place): the group of its best verified candidate among the
    stored articles and the batch's earlier ones, else its own id. Documents without band keys (below the
    length floor) keep their own id: only exact matching applies to them."""
    stored = stored_candidates(es, alias, docs)
    earlier: list[tuple[set[str], Candidate]] = []
    for doc_id, doc in docs:
        bands = set(doc.get("dup_bands") or [])
        sig = Signature.decode(doc["dup_signature"])
        if not bands:
            doc["dup_group"] = doc_id
            continue
        batch = [c for keys, c in earlier if keys & bands]
        doc["dup_group"] = neardup.assign_group(doc_id, sig, stored.get(doc_id, []) + batch)
        earlier.append((bands, Candidate(doc_id, sig, doc["dup_group"])))


def settle_new_groups(es: Elasticsearch, alias: str, docs: list[Doc]) -> dict[str, str]:
    """After the write (and a refresh): agree with near-duplicates written meanwhile by other workers.
    Returns {id: new group} of the documents moved."""
    starters = {doc_id: doc for doc_id, doc in docs if doc.get("dup_bands") and doc.get("dup_group") == doc_id}
    moved: dict[str, str] = {}
    for doc_id, hits in _lookup(es, alias, list(starters.items())).items():
        by_id = {h["_id"]: h for h in hits}
        candidates = [c for c in map(_decode, hits) if c is not None]
        for target_id, group in settle_moves(doc_id, Signature.decode(starters[doc_id]["dup_signature"]), candidates):
            # Another worker's document moves only if it has not changed since we read it.
            hit = by_id.get(target_id)
            guard = {"if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"]} if hit else {}
            with service_errors(f"moving {target_id} into near-duplicate group {group}"):
                try:
                    es.update(index=alias, id=target_id, doc={"dup_group": group}, refresh="wait_for", **guard)
                except ApiError as e:
                    if e.meta.status not in (404, 409):  # gone or rewritten meanwhile: its worker decides
                        raise
                    continue
            moved[target_id] = group
            if target_id == doc_id:
                starters[doc_id]["dup_group"] = group
    return moved


def settle_moves(doc_id: str, sig: Signature, candidates: list[Candidate]) -> list[tuple[str, str]]:
    """What a document that started its own group changes, as (document id, new group) pairs.

    A verified candidate of an established group (not named after its own member) wins: the document
    joins that group. Otherwise the document and the other starters it verifies against all move to the
    group of the smallest id among them. Moving the others too matters: the worker of the larger id may
    have looked before the smaller one was written, and would never move by itself."""
    established = [c for c in candidates if c.dup_group and c.dup_group != c.id]
    group = neardup.assign_group(doc_id, sig, established)
    if group != doc_id:
        return [(doc_id, group)]
    starters = [c.id for c in candidates if (c.dup_group or c.id) == c.id and neardup.is_near_duplicate(sig, c.signature)]
    if not starters:
        return []
    smallest = min([doc_id, *starters])
    return [(i, smallest) for i in [doc_id, *starters] if i != smallest]

"""Near-duplicate groups in Elasticsearch: candidates by band key, verified, and a shared `dup_group`.

Before a batch is written, each article with band keys looks up the stored articles that share one (a
should-of-terms query, so the ones sharing most bands come first), verifies them on their signatures
(ingest.neardup) and takes the group of the best. Articles of the same batch are candidates for each
other too.

Two workers indexing two reprints of one wire story at the same moment each find nothing and each start
a group. So after the write, an article that started its own group looks again: if it now verifies
against an article of an established group (one not named after its own member), or against another
starter with a smaller id, it moves there. The larger id always yields, so two starters agree on one group.
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
_SHARD_START_TRIES = 10

Doc = tuple[str, dict[str, Any]]


def _candidate_search(doc_id: str, bands: list[str]) -> dict[str, Any]:
    return {
        "query": {"bool": {
            "should": [{"constant_score": {"filter": {"term": {"dup_bands": band}}}} for band in bands],
            "minimum_should_match": 1,
            "must_not": [{"ids": {"values": [doc_id]}}],
        }},
        "size": MAX_CANDIDATES,
        "_source": ["dup_signature", "dup_group"],
    }


def _decode(hit: dict[str, Any]) -> Candidate | None:
    src = hit.get("_source", {})
    try:
        sig = Signature.decode(src["dup_signature"])
    except (KeyError, ValueError):  # stored before fingerprints, or by another fingerprint version
        return None
    return Candidate(hit["_id"], sig, src.get("dup_group"))


def stored_candidates(es: Elasticsearch, alias: str, docs: list[Doc]) -> dict[str, list[Candidate]]:
    """For each document with band keys: the stored articles sharing at least one, itself excluded."""
    wanted = [(doc_id, doc) for doc_id, doc in docs if doc.get("dup_bands")]
    if not wanted:
        return {}
    searches: list[dict[str, Any]] = []
    for doc_id, doc in wanted:
        searches += [{"index": alias}, _candidate_search(doc_id, doc["dup_bands"])]
    with service_errors(f"looking up near-duplicate candidates in {alias}"):
        ensure_index(es, alias)
        for attempt in range(_SHARD_START_TRIES):
            responses = es.msearch(searches=searches)["responses"]
            # Another worker may have just created the index, its primary not started yet (cluster health
            # calls a new index yellow meanwhile, so it cannot be waited for): try again shortly.
            if not any("no_shard_available" in str(r.get("error", "")) for r in responses):
                break
            time.sleep(0.2 * (attempt + 1))
    out: dict[str, list[Candidate]] = {}
    for (doc_id, _), resp in zip(wanted, responses, strict=True):
        if "error" in resp:
            status = resp.get("status", 500)
            problem = f"near-duplicate lookup in {alias} failed ({status}): {resp['error']}"
            raise ServiceError(problem) if status >= 500 or status == 429 else RuntimeError(problem)
        out[doc_id] = [c for c in map(_decode, resp["hits"]["hits"]) if c is not None]
    return out


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
    """After the write (and a refresh): move the documents that started their own group into the group of
    a near-duplicate written meanwhile by another worker. Returns {id: new group} of those moved."""
    starters = [(doc_id, doc) for doc_id, doc in docs if doc.get("dup_bands") and doc.get("dup_group") == doc_id]
    moved: dict[str, str] = {}
    for doc_id, candidates in stored_candidates(es, alias, starters).items():
        doc = dict(starters)[doc_id]
        target = _settled_group(doc_id, Signature.decode(doc["dup_signature"]), candidates)
        if target is None:
            continue
        with service_errors(f"moving {doc_id} into near-duplicate group {target}"):
            try:
                es.update(index=alias, id=doc_id, doc={"dup_group": target})
            except ApiError as e:
                if e.meta.status != 404:  # gone meanwhile (a newer version replaced it): nothing to move
                    raise
                continue
        doc["dup_group"] = moved[doc_id] = target
    return moved


def _settled_group(doc_id: str, sig: Signature, candidates: list[Candidate]) -> str | None:
    established = [c for c in candidates if c.dup_group and c.dup_group != c.id]
    smaller_starters = [c for c in candidates if (c.dup_group or c.id) == c.id and c.id < doc_id]
    for pool in (established, smaller_starters):
        group = neardup.assign_group(doc_id, sig, pool)
        if group != doc_id:
            return group
    return None

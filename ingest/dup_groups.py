"""Near-duplicate groups in Elasticsearch: candidates by band key, verified, and a shared `dup_group`.

Before a batch is written, each article with band keys looks up the stored articles that share one (a
should-of-terms query, so the ones sharing most bands come first), verifies them on their signatures
(ingest.neardup) and takes the group of the best. Articles of the same batch are candidates for each
other too.

Two workers indexing two reprints of one wire story at the same moment each find nothing and each start
a group. So after the write, an article that started its own group looks again (settle_moves): it joins
an established group it now verifies against, or it and the other starters it verifies against move to
the group of the smallest id among them — whichever of the two workers looks second sees the other and
makes them agree (ingest.recent makes the second one see the first without a refresh; ingest.batch runs
the lookups and writes of a batch).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from ingest import neardup
from ingest.index import ensure_index, msearch
from ingest.neardup import Candidate, Signature

# Candidates verified per article: the band query ranks true near-duplicates first, and a group
# needs only one verified member to be joined.
MAX_CANDIDATES = 20
# Reprints, PDF and HTML copies and corrections appear within days of each other: candidates are looked up
# among the articles dated this many days around the new one, so the lookup stays small as the index grows.
WINDOW_DAYS = 31

Doc = tuple[str, dict[str, Any]]
# What verifying and moving a candidate needs of it.
CANDIDATE_FIELDS = ["dup_signature", "dup_group", "date"]


def candidate_search(doc_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The search for the stored articles sharing a band key with `doc`, most shared bands first."""
    bands, day = doc["dup_bands"], doc.get("date")
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
        "_source": CANDIDATE_FIELDS,
    }


def batch_candidate_search(docs: list[Doc]) -> dict[str, Any]:
    """One search for the stored articles sharing a band key with any of `docs` (each of which has band
    keys), their bands returned so that each is given to the documents it shares one with
    (split_candidates): one query for a whole edition instead of one per article. A reprint shares bands
    with a few stored articles and a new story with none, so the union is small; `size` leaves room for
    every article's full share plus one, which tells that the union overflowed (split_candidates says so)."""
    days = [str(d["date"]) for _, d in docs if d.get("date")]
    window = ([{"range": {"date": {"gte": f"{min(days)}||-{WINDOW_DAYS}d", "lte": f"{max(days)}||+{WINDOW_DAYS}d"}}}]
              if len(days) == len(docs) else [])
    bands = sorted({b for _, d in docs for b in d["dup_bands"]})
    return {
        "query": {"bool": {"filter": [{"terms": {"dup_bands": bands}}, *window],
                           "must_not": [{"ids": {"values": [i for i, _ in docs]}}]}},
        "size": MAX_CANDIDATES * len(docs) + 1,
        "track_total_hits": False,
        "seq_no_primary_term": True,
        "_source": [*CANDIDATE_FIELDS, "dup_bands"],
    }


def split_candidates(docs: list[Doc], hits: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]] | None:
    """The hits of batch_candidate_search for each of `docs`: those in its date window sharing a band with
    it, most shared bands first (as candidate_search ranks), at most MAX_CANDIDATES. None when the search
    overflowed (more hits than its size allows for): then each document needs candidate_search of its own."""
    if len(hits) > MAX_CANDIDATES * len(docs):
        return None
    out = {}
    for doc_id, doc in docs:
        bands, day = set(doc["dup_bands"]), doc.get("date")
        shared = [(len(bands.intersection(h["_source"].get("dup_bands") or ())), h) for h in hits
                  if in_window(day, h["_source"].get("date"))]
        out[doc_id] = [h for n, h in sorted((x for x in shared if x[0]), key=lambda x: (-x[0], x[1]["_id"]))
                       ][:MAX_CANDIDATES]
    return out


def in_window(day: str | None, other: str | None) -> bool:
    """Whether a stored article dated `other` is a candidate for one dated `day` (as the search's range)."""
    if not day:
        return True
    if not other:
        return False
    return abs((date.fromisoformat(day) - date.fromisoformat(other)).days) <= WINDOW_DAYS


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
    ensure_index(es, alias)
    found = msearch(es, alias, [candidate_search(doc_id, doc) for doc_id, doc in wanted], "near-duplicate candidates")
    return {doc_id: hits for (doc_id, _), hits in zip(wanted, found, strict=True)}


def stored_candidates(es: Elasticsearch, alias: str, docs: list[Doc]) -> dict[str, list[Candidate]]:
    """For each document with band keys: the stored articles sharing at least one, itself excluded."""
    return {doc_id: candidates(hits) for doc_id, hits in _lookup(es, alias, docs).items()}


def candidates(hits: list[dict[str, Any]]) -> list[Candidate]:
    """The hits that can be verified (those with a signature of the current version)."""
    return [c for c in map(_decode, hits) if c is not None]


def assign_groups(docs: list[Doc], stored: dict[str, list[Candidate]]) -> None:
    """Set each document's `dup_group` (in place): the group of its best verified candidate among the
    stored ones (`stored`, by document id) and the batch's earlier ones, else its own id. Documents without
    band keys (below the length floor) keep their own id: only exact matching applies to them."""
    # The batch's earlier documents by band key: a document meets those sharing a key with it, not every
    # earlier one (a batch of 16 editions compared 6,000 pairs of key sets). assign_group does not depend on
    # the order its candidates come in.
    earlier: dict[str, list[Candidate]] = {}
    for doc_id, doc in docs:
        bands = doc.get("dup_bands") or []
        if not bands:
            doc["dup_group"] = doc_id
            continue
        sig = Signature.decode(doc["dup_signature"])
        batch = {c.id: c for b in bands for c in earlier.get(b, ())}
        doc["dup_group"] = neardup.assign_group(doc_id, sig, stored.get(doc_id, []) + list(batch.values()))
        mine = Candidate(doc_id, sig, doc["dup_group"])
        for b in set(bands):
            earlier.setdefault(b, []).append(mine)


def settle_new_groups(docs: list[Doc], stored: dict[str, list[dict[str, Any]]]) \
        -> dict[str, tuple[str, dict[str, Any]]]:
    """After the write: agree with near-duplicates written meanwhile by other workers. `stored` holds, for
    each written document, the hits of the stored articles sharing a band key as they are now (with seq_no
    and primary term). Returns {id: (new group, guard)} of the documents to move; a guard (if_seq_no,
    if_primary_term) makes another worker's document move only if it has not changed since it was read."""
    moves: dict[str, tuple[str, dict[str, Any]]] = {}
    for doc_id, doc in docs:
        if not doc.get("dup_bands") or doc.get("dup_group") != doc_id:
            continue
        hits = stored.get(doc_id, [])
        by_id = {h["_id"]: h for h in hits}
        for target_id, group in settle_moves(doc_id, Signature.decode(doc["dup_signature"]), candidates(hits)):
            hit = by_id.get(target_id)
            guard = {"if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"]} if hit else {}
            moves[target_id] = (group, guard)
            if target_id == doc_id:
                doc["dup_group"] = group
    return moves


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

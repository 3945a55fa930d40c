"""Writing one batch of documents (an edition's articles, or the articles of a page list, one source each)
with every check of the index step, in a fixed number of round trips whatever the batch holds:

1. one msearch: the near-duplicate candidates of all its articles, all their older versions, and, one search
   per source, the documents each source contributed before (to retire those its new parse no longer has);
   a second msearch, one search per article, only when the first overflows (a story reprinted everywhere);
2. the recent writes of the same keys (ingest.recent: what those searches cannot see yet), one Redis round
   trip for the ids and one for their near-duplicate facts; an mget only for the rare recent document that
   a version or stale-source check must delete;
3. the write (ingest.index.write_documents: one _bulk creating the documents, and for those already there
   an mget and a second _bulk merging them: the exact-duplicate merge);
4. the written keys added to the recent writes and read back, for the settle of near-duplicate groups that
   other workers started at the same moment (ingest.dup_groups);
5. one closing _bulk: group moves, deletes of older versions and stale documents, and the ledger entries.

Nothing forces a refresh: a caller that must search what it wrote (`ingest add --wait`) refreshes once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch

from ingest import ledger
from ingest.config import Settings
from ingest.dedup import merge_sources
from ingest.documents import Source
from ingest.dup_groups import (
    CANDIDATE_FIELDS,
    MAX_CANDIDATES,
    Doc,
    assign_groups,
    batch_candidate_search,
    candidate_search,
    candidates,
    in_window,
    settle_new_groups,
    split_candidates,
)
from ingest.errors import ServiceError
from ingest.index import (
    WriteResult,
    bulk_items,
    ensure_index,
    mget_found,
    msearch,
    source_documents_search,
    stale_actions,
    write_documents,
)
from ingest.neardup import Candidate, Signature, is_near_duplicate
from ingest.recent import Facts, Group, RecentWrites, band_key, source_key, source_uri, ttl_for
from ingest.versions import (
    VERSION_FIELDS,
    Replacement,
    batch_versions_search,
    is_older_version,
    older_versions_search,
    replacement_entry,
    replacements,
    split_versions,
)


@dataclass
class BatchResult:
    write: WriteResult
    removed: list[str] = field(default_factory=list)
    lost_source: list[str] = field(default_factory=list)  # kept, but no longer listing this source
    replaced: list[Replacement] = field(default_factory=list)
    regrouped: dict[str, str] = field(default_factory=dict)  # id → the group it moved to


@dataclass
class Part:
    """One source's share of a batch: its documents, and its ledger entry built from its own outcome."""

    source: Source
    paper: str
    day: str | None
    docs: list[Doc]
    entry: Callable[[BatchResult], ledger.Entry]


@dataclass
class _Lookups:
    """What the batch's documents are checked against, by document id."""

    candidates: dict[str, list[Candidate]]
    versions: dict[str, list[dict[str, Any]]]  # older versions as hits (seq_no for a guarded delete)
    stale: list[list[dict[str, Any]]]  # per part: the documents its source contributed before, as hits
    hits: dict[str, list[dict[str, Any]]]  # the candidates' search hits (seq_no for a guarded move)


def _keys(doc_id: str, doc: dict[str, Any]) -> list[str]:
    keys = [band_key(b) for b in doc.get("dup_bands") or []]
    if doc.get("source_key"):
        keys.append(source_key(doc["paper"], doc["source_key"]))
    return keys


def _facts(doc: dict[str, Any]) -> Facts:
    return Facts(doc.get("date"), doc["dup_group"], doc["dup_signature"])


def _band_group(doc_id: str, doc: dict[str, Any]) -> Group:
    # Twice the cap: candidates outside the date window are dropped after the ranking.
    return Group([band_key(b) for b in doc["dup_bands"]], 2 * MAX_CANDIDATES, doc_id)


def _recent_candidates(doc: dict[str, Any], ranked: list[str], facts: dict[str, Facts], seen: set[str]) \
        -> list[Candidate]:
    """The ranked recent writes as candidates for `doc`: those in its date window, not already found."""
    out = []
    for i in ranked:
        f = facts.get(i)
        if i in seen or f is None or not in_window(doc.get("date"), f.date):
            continue
        try:
            out.append(Candidate(i, Signature.decode(f.signature), f.dup_group))
        except ValueError:  # another fingerprint version
            continue
        if len(out) == MAX_CANDIDATES:
            break
    return out


def _split(es: Elasticsearch, alias: str, docs: list[Doc], hits: list[dict[str, Any]],
           split: Callable[[list[Doc], list[dict[str, Any]]], dict[str, list[dict[str, Any]]] | None],
           single: Callable[[str, dict[str, Any]], dict[str, Any]], what: str) -> dict[str, list[dict[str, Any]]]:
    """The hits of a batch's one search, by document; a search that overflowed (a story reprinted
    everywhere, a key with many versions) is run again, one search per document."""
    mine = split(docs, hits)
    if mine is None:
        mine = dict(zip((i for i, _ in docs), msearch(es, alias, [single(i, d) for i, d in docs], what), strict=True))
    return mine


def _lookup(es: Elasticsearch, recent: RecentWrites, alias: str, docs: list[Doc], parts: list[Part]) -> _Lookups:
    banded = [(i, d) for i, d in docs if d.get("dup_bands")]
    keyed = [(i, d) for i, d in docs if d.get("source_key")]
    # One search each for all candidates and all older versions, split by document here.
    bodies = ([batch_candidate_search(banded)] if banded else []) + ([batch_versions_search(keyed)] if keyed else [])
    found = msearch(es, alias, [*bodies, *(source_documents_search(p.source, p.paper) for p in parts)],
                    "near-duplicates, older versions and earlier documents of the sources")
    got = iter(found)
    hits = _split(es, alias, banded, next(got), split_candidates, candidate_search,
                  "near-duplicate candidates") if banded else {}
    versions = _split(es, alias, keyed, next(got), split_versions, older_versions_search,
                      "older versions") if keyed else {}
    stale = found[len(bodies):]

    groups = ([_band_group(i, d) for i, d in banded]
              + [Group([source_key(d["paper"], d["source_key"])], 1000, i) for i, d in keyed]
              + [Group([source_uri(p.source.kind, p.source.uri)], 10_000) for p in parts])
    ranked = recent.ranked(groups)
    by_band, by_key, by_source = ranked[:len(banded)], ranked[len(banded):len(banded) + len(keyed)], \
        ranked[len(banded) + len(keyed):]
    own = {i for i, _ in docs}
    facts = recent.facts({x for r in by_band for x in r} - own)
    cands = {}
    for (i, d), r in zip(banded, by_band, strict=True):
        cands[i] = candidates(hits[i])
        cands[i] += _recent_candidates(d, r, facts, {c.id for c in cands[i]} | own)

    # Recent documents a delete must be guarded for: read back by id (rare: a re-ingest within seconds).
    version_ids = {i: set(r) - {h["_id"] for h in versions[i]} for (i, _), r in zip(keyed, by_key, strict=True)}
    stale_ids = [set(r) - own - {h["_id"] for h in hits_} for r, hits_ in zip(by_source, stale, strict=True)]
    fresh = mget_found(es, alias, sorted(set().union(*stale_ids, *version_ids.values())), VERSION_FIELDS)
    for i, d in keyed:
        versions[i] += [fresh[x] for x in version_ids[i] if x in fresh and is_older_version(i, d, fresh[x])]
    for hits_, ids in zip(stale, stale_ids, strict=True):
        hits_ += [fresh[x] for x in ids if x in fresh]
    return _Lookups(cands, versions, stale, hits)


def _settle_hits(es: Elasticsearch, recent: RecentWrites, alias: str, docs: list[Doc], parts: list[Part],
                 before: _Lookups) -> dict[str, list[dict[str, Any]]]:
    """Record the written documents in the recent writes, and read back, for each one that started its own
    group, the near-duplicate candidates as they are now: the stored ones its search found, and the recent
    ones it verifies against, their groups read by realtime mget (a move needs their seq_no)."""
    keys: dict[str, list[str]] = {}
    for i, d in docs:
        for k in _keys(i, d):
            keys.setdefault(k, []).append(i)
    for p in parts:
        keys.setdefault(source_uri(p.source.kind, p.source.uri), []).extend(i for i, _ in p.docs)
    starters = [(i, d) for i, d in docs if d.get("dup_bands") and d["dup_group"] == i]
    ranked = recent.add_and_read(keys, {i: _facts(d) for i, d in docs if d.get("dup_bands")},
                                 [_band_group(i, d) for i, d in starters])
    if not starters:
        return {}
    facts = recent.facts({x for r in ranked for x in r})
    verified = {i: {c.id for c in _recent_candidates(d, r, facts, set()) if _verifies(d, c)}
                for (i, d), r in zip(starters, ranked, strict=True)}
    fresh = mget_found(es, alias, sorted(set().union(*verified.values())), CANDIDATE_FIELDS)
    return {i: [h for h in before.hits.get(i, []) if h["_id"] not in fresh]
            + [fresh[x] for x in verified[i] if x in fresh] for i, _ in starters}


def _verifies(doc: dict[str, Any], c: Candidate) -> bool:
    return is_near_duplicate(Signature.decode(doc["dup_signature"]), c.signature)


def _combined(parts: list[Part]) -> list[Doc]:
    """The batch's documents, each id once: the same article under two sources (one page list linking it
    twice) is one document listing both."""
    out: dict[str, dict[str, Any]] = {}
    for p in parts:
        for i, d in p.docs:
            out[i] = dict(d, sources=merge_sources(out[i]["sources"], d["sources"])) if i in out else d
    return list(out.items())


def _share(w: WriteResult, ids: set[str]) -> WriteResult:
    return WriteResult(*([i for i in got if i in ids] for got in (w.created, w.updated, w.unchanged)))


def write_batch(es: Elasticsearch, s: Settings, parts: list[Part]) -> list[BatchResult]:
    """Write the documents of `parts` (one source each) with near-duplicate groups, exact-duplicate merge,
    versions, stale-document retirement and the ledger; each part's result, in order."""
    alias = s.index
    recent = RecentWrites(s.redis_url, s.redis_prefix, alias, ttl_for(s.es_refresh_s))
    ensure_index(es, alias)
    ledger.ensure_ledger(es, s.ledger_index)
    docs = _combined(parts)
    by_id = dict(docs)
    for p in parts:  # each part sees the combined documents, and so the groups assigned to them
        p.docs = [(i, by_id[i]) for i, _ in p.docs]
    found = _lookup(es, recent, alias, docs, parts)
    assign_groups(docs, found.candidates)
    written = write_documents(es, alias, docs, refresh=False)
    results = [BatchResult(_share(written, {i for i, _ in p.docs})) for p in parts]
    settle_hits = _settle_hits(es, recent, alias, docs, parts, found)

    closing: list[dict[str, Any]] = []
    moves: dict[str, tuple[str, dict[str, Any]]] = {}
    for p, result in zip(parts, results, strict=True):
        mine = settle_new_groups(p.docs, settle_hits)
        result.regrouped = {target: group for target, (group, _) in mine.items()}
        moves |= mine
    for target, (group, guard) in moves.items():
        closing.append({"_op_type": "update", "_index": alias, "_id": target, "doc": {"dup_group": group}, **guard})
    doomed: set[str] = set()
    for p, result in zip(parts, results, strict=True):
        for doc_id, doc in p.docs:
            for r, hit in replacements(doc_id, doc, found.versions.get(doc_id, [])):
                if hit["_id"] in doomed:
                    continue  # the same article twice in the batch
                closing.append({"_op_type": "delete", "_index": alias, "_id": hit["_id"],
                                "if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"]})
                result.replaced.append(r)
                doomed.add(hit["_id"])
                closing.append(ledger.bulk_action(s.ledger_index, replacement_entry(r, p.source, p.day)))
    # An older version of the same URI is retired as a version (with its ledger entry), not as stale. A
    # document several sources of the batch contributed is retired from all of them in one action.
    stale_hits = {h["_id"]: h for hits in found.stale for h in hits if h["_id"] not in doomed}
    stale, removed = stale_actions(list(stale_hits.values()), {(p.source.kind, p.source.uri) for p in parts},
                                   set(written.ids))
    closing += [a | {"_index": alias} for a in stale]
    retired = {a["_id"]: a["_op_type"] for a in stale}
    for hits, result in zip(found.stale, results, strict=True):
        theirs = {h["_id"] for h in hits} & set(retired)
        result.removed = [i for i in removed if i in theirs]
        result.lost_source = [a["_id"] for a in stale if a["_id"] in theirs and a["_op_type"] == "update"]
    closing += [ledger.bulk_action(s.ledger_index, p.entry(r)) for p, r in zip(parts, results, strict=True)]
    what = f"closing the batch of {parts[0].source.uri}" + (f" and {len(parts) - 1} more" if len(parts) > 1 else "")
    for ok, op, info in bulk_items(es, closing, f"{what} in {alias}"):
        if ok or (op == "update" and info.get("_id") in moves and info.get("status") in (404, 409)):
            continue  # a group move of a document gone or rewritten meanwhile: its worker decides
        if op == "delete" and info.get("status") == 404:
            continue  # another worker retired it first
        if info.get("status") == 409:
            raise ServiceError(f"document {info['_id']} changed while retiring it; retry the task")
        raise ServiceError(f"Elasticsearch rejected {op} of {info.get('_id')}: {info.get('error')}")
    if moves:  # later lookups verify against the groups as they are now
        stored = {h["_id"]: h["_source"] for hits in settle_hits.values() for h in hits} | dict(docs)
        recent.add_and_read({}, {i: Facts(stored[i].get("date"), group, stored[i]["dup_signature"])
                                 for i, (group, _) in moves.items() if i in stored}, [])
    return results

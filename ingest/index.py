"""Elasticsearch side of the pipeline: the versioned index behind an alias, and idempotent writes.

Writes never use scripts (the local server has no painless): sources are merged on the client and
written back with optimistic concurrency (if_seq_no / op_type=create), retried on conflict, so two
workers indexing two copies of one article at the same moment end with one document listing both.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.config import mask_url, settings
from ingest.dedup import merge_sources
from ingest.documents import Source
from ingest.errors import ServiceError
from ingest.es_client import (
    api_error,
    client,  # noqa: F401 (the library's callers build their client through ingest.index)
    transport_errors,
)
from ingest.stories import is_part

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

    from ingest.es_client import SearchClient

# The templates live in the checkout's top-level mappings/; ingest/mappings links to it, so the wheel carries
# them as package data and an installed package finds them beside its modules.
MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
CURRENT_TEMPLATE = "articles-v1"
_MAX_CONFLICT_ROUNDS = 8


@contextmanager
def service_errors(what: str) -> Iterator[None]:
    """Turn transport failures into a ServiceError an operator can act on."""
    try:
        yield
    except transport_errors() as e:
        raise ServiceError(f"Elasticsearch unreachable while {what} ({mask_url(settings().es_url)}): {e}") from e
    except api_error() as e:
        if e.meta.status >= 500 or e.meta.status == 429:
            raise ServiceError(f"Elasticsearch refused {what}: {e}") from e
        if e.meta.status == 403 and "cluster_block_exception" in str(e):
            # A live reindex made the old index read-only while it moves the alias: retry, and the write
            # goes to the new index (ingest.live_reindex).
            raise ServiceError(f"Elasticsearch refused {what}: the index is read-only for now ({e})") from e
        raise


def load_template(name: str = CURRENT_TEMPLATE) -> dict[str, Any]:
    path = MAPPINGS_DIR / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def index_body(template: str = CURRENT_TEMPLATE, es: Elasticsearch | None = None) -> dict[str, Any]:
    """Settings and mappings for a new index of `template`, adapted to the analysis the cluster offers, with
    the configured number of shards and refresh interval."""
    body = load_template(template)
    body["settings"]["number_of_shards"] = settings().es_shards
    body["settings"]["refresh_interval"] = refresh_interval()
    try:
        from ingest import analysis  # optional: analyzer profiles beyond the bare server
    except ImportError:
        return body
    return analysis.apply_best_profile(body, es) if es is not None else body


def refresh_interval() -> str:
    return f"{settings().es_refresh_s}s"


def concrete_indices(es: Elasticsearch, alias: str) -> list[str]:
    try:
        return sorted(es.indices.get_alias(name=alias).keys())
    except api_error() as e:
        if e.meta.status == 404:
            return []
        raise


def next_index_name(es: Elasticsearch, alias: str, template: str) -> str:
    version = template.rsplit("-", 1)[-1]  # "v1"
    existing = es.indices.get(index=f"{alias}-{version}-*", allow_no_indices=True, expand_wildcards="all")
    gens = [int(m.group(1)) for n in existing if (m := re.fullmatch(rf"{re.escape(alias)}-{version}-(\d+)", n))]
    return f"{alias}-{version}-{max(gens, default=0) + 1:03d}"


# (cluster url, alias) → (concrete index, when looked up): a worker checks its alias once a minute, not
# once per edition.
_known: dict[tuple[str, str], tuple[str, float]] = {}
_KNOWN_FOR_S = 60.0


def ensure_index(es: Elasticsearch, alias: str) -> str:
    """The concrete index behind `alias`, created from the current template on first use."""
    key = (_cluster(es), alias)
    if (known := _known.get(key)) and time.monotonic() - known[1] < _KNOWN_FOR_S:
        return known[0]
    name = _ensure_index(es, alias)
    _known[key] = (name, time.monotonic())
    return name


def _cluster(es: Elasticsearch) -> str:
    return str(es.transport.node_pool.get().base_url)


def _ensure_index(es: Elasticsearch, alias: str) -> str:
    with service_errors(f"checking index {alias}"):
        current = concrete_indices(es, alias)
        if current:
            _add_new_fields(es, current[-1])
            # A dynamic setting: an installation that changes it expects its index to follow, not to wait
            # for a reindex (unchanged, the master publishes nothing).
            es.indices.put_settings(index=current[-1], settings={"index.refresh_interval": refresh_interval()})
            return current[-1]
        if es.indices.exists(index=alias):  # a concrete index (a reindex filling its new index)
            return alias
        # Workers starting together must all try the same first name, so that one create wins and the
        # others fail with already_exists: a name computed from the indices that exist would let a worker
        # that looks just after another's create make a second write index for the alias.
        first = f"{alias}-{CURRENT_TEMPLATE.rsplit('-', 1)[-1]}-001"
        for name in (first, None):
            name = name or next_index_name(es, alias, CURRENT_TEMPLATE)  # first taken, not behind the alias
            body = index_body(CURRENT_TEMPLATE, es)
            try:
                es.indices.create(index=name, settings=body["settings"], mappings=body["mappings"],
                                  aliases={alias: {"is_write_index": True}})
            except api_error() as e:
                # Another worker created it first: that is the outcome we wanted.
                if e.meta.status != 400 or "already_exists" not in str(e):
                    raise
            current = concrete_indices(es, alias)
            if current:
                return current[-1]
        raise ServiceError(f"could not create an index behind {alias}")


# Fields added to the template since indices were first made from it: page labels, and the jump labels and
# story links of whole stories (ingest.stories).
ADDED_FIELDS = ("page", "continues_on_label", "continued_from_label", "story")


def _add_new_fields(es: Elasticsearch, index: str) -> None:
    """Give an index made before ADDED_FIELDS existed those fields (its strict mapping would refuse the
    documents otherwise). Adding a field is the one mapping change an existing index takes; a no-op on an
    index that has them."""
    properties = load_template()["mappings"]["properties"]
    es.indices.put_mapping(index=index, properties={name: properties[name] for name in ADDED_FIELDS})


@dataclass
class WriteResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # existing documents that gained a source or new text
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # stale documents of this source, deleted

    @property
    def ids(self) -> list[str]:
        return self.created + self.updated + self.unchanged


def _same_content(old: dict[str, Any], new: dict[str, Any]) -> bool:
    ignore = {"ingested_at", "sources"}
    return {k: v for k, v in old.items() if k not in ignore} == {k: v for k, v in new.items() if k not in ignore}


def write_documents(es: Elasticsearch, alias: str, docs: list[tuple[str, dict[str, Any]]],
                    refresh: bool = True, mostly_new: bool = True) -> WriteResult:
    """Create or merge `docs` (id, document). A document that exists keeps its sources and gains the new
    ones; its ingested_at is kept when nothing else changed, so a re-ingest is a no-op. `mostly_new=False`
    for documents usually there already (an edition's stories, written again as its pages arrive): they
    are read first instead of created blind."""
    # A reindex fills its new index by name; every other write goes through the alias.
    through_alias = ensure_index(es, alias) != alias
    result = WriteResult()
    pending = dict(docs)
    with service_errors(f"writing {len(docs)} documents to {alias}"):
        for attempt in range(_MAX_CONFLICT_ROUNDS):
            if not pending:
                break
            # The first round creates them all blind: most documents of an edition are new, and a create of
            # one already there answers 409, to be read and merged in the next round. Reading every one
            # first cost an mget a batch and a get a document (bench/bench_index.py).
            found = {} if attempt == 0 and mostly_new else \
                {d["_id"]: d for d in es.mget(index=alias, ids=list(pending))["docs"] if d.get("found")}
            actions = []
            for doc_id, doc in pending.items():
                old = found.get(doc_id)
                if old is None:
                    actions.append({"_op_type": "create", "_index": alias, "_id": doc_id, "_source": doc})
                    continue
                merged = dict(doc, sources=merge_sources(old["_source"].get("sources", []), doc["sources"]))
                if "story" not in merged and is_part(merged) and old["_source"].get("story"):
                    # The parse knows nothing of stories: a part written again keeps the link link_stories
                    # gave it, so a re-ingest changes nothing instead of unlinking it until the next link.
                    merged["story"] = old["_source"]["story"]
                if _same_content(old["_source"], merged) and merged["sources"] == old["_source"].get("sources"):
                    result.unchanged.append(doc_id)
                    continue
                if _same_content(old["_source"], merged):
                    merged["ingested_at"] = old["_source"].get("ingested_at", merged["ingested_at"])
                actions.append({"_op_type": "index", "_index": alias, "_id": doc_id, "_source": merged,
                                "if_seq_no": old["_seq_no"], "if_primary_term": old["_primary_term"]})
            retry: dict[str, dict[str, Any]] = {}
            # require_alias: an alias deleted since ensure_index looked is an error, never an index
            # auto-created without the template.
            for ok, op, info in bulk_items(es, actions, f"writing {len(actions)} documents to {alias}",
                                           require_alias=through_alias):
                if ok:
                    (result.created if op == "create" else result.updated).append(info["_id"])
                elif info.get("status") == 409:
                    retry[info["_id"]] = pending[info["_id"]]  # there already, or written meanwhile: merge
                else:
                    _known.pop((_cluster(es), alias), None)
                    raise ServiceError(f"Elasticsearch rejected document {info['_id']}: {info.get('error')}")
            pending = {k: v for k, v in pending.items() if k in retry}
        if pending:
            raise ServiceError(f"gave up writing {len(pending)} documents after {_MAX_CONFLICT_ROUNDS} conflicting "
                               "rounds; retry the task")
        if refresh:
            es.indices.refresh(index=alias)
    return result


_SHARD_START_TRIES = 10


def msearch(es: Elasticsearch, alias: str, bodies: list[dict[str, Any]], what: str) -> list[list[dict[str, Any]]]:
    """The hits of each search body, in one round trip."""
    if not bodies:
        return []
    searches: list[dict[str, Any]] = []
    for body in bodies:
        searches += [{"index": alias}, body]
    with service_errors(f"looking up {what} in {alias}"):
        for attempt in range(_SHARD_START_TRIES):
            responses = es.msearch(searches=searches)["responses"]
            # Another worker may have just created the index, its primary not started yet (cluster health
            # calls a new index yellow meanwhile, so it cannot be waited for): try again shortly.
            if not any("no_shard_available" in str(r.get("error", "")) for r in responses):
                break
            time.sleep(0.2 * (attempt + 1))
    out = []
    for resp in responses:
        if "error" in resp:
            status = resp.get("status", 500)
            problem = f"lookup of {what} in {alias} failed ({status}): {resp['error']}"
            raise ServiceError(problem) if status >= 500 or status == 429 else RuntimeError(problem)
        out.append(resp["hits"]["hits"])
    return out


def mget_found(es: Elasticsearch, alias: str, ids: list[str], fields: list[str]) -> dict[str, dict[str, Any]]:
    """The stored documents among `ids` as they are now (mget is realtime: no refresh needed), with their
    seq_no and primary term, shaped like search hits."""
    if not ids:
        return {}
    with service_errors(f"reading {len(ids)} documents of {alias}"):
        docs = es.mget(index=alias, ids=ids, source_includes=fields)["docs"]
    return {d["_id"]: d for d in docs if d.get("found")}


# Bulk items Elasticsearch turned away for a full write queue are sent again, after 1, 2 and 4 seconds.
_BULK_RETRIES = 3
_BULK_BACKOFF_S = 1.0
# An action's keys that go in its _bulk line as they are; `_source` or `doc` make the line after it.
_ACTION_META = frozenset({"_index", "_id", "if_seq_no", "if_primary_term"})


def bulk_items(es: Elasticsearch, actions: list[dict[str, Any]], what: str, **params: Any) \
        -> list[tuple[bool, str, dict[str, Any]]]:
    """Run `actions` (the bulk helpers' form: `_op_type`, `_index`, `_id`, `if_seq_no`, `if_primary_term`,
    and `_source` or the update's `doc`) in one _bulk; (ok, operation, item) per action in their order,
    failures included. Items refused with 429 are retried as the helpers retry them. Called directly
    rather than through helpers.streaming_bulk, which builds a new client per call (`client.options()`):
    that was a millisecond of CPU a call, a third of what a worker spent on an edition's write."""
    out: list[tuple[bool, str, dict[str, Any]] | None] = [None] * len(actions)
    todo = list(range(len(actions)))
    with service_errors(what):
        for attempt in range(_BULK_RETRIES + 1):
            if not todo:
                break
            if attempt:
                time.sleep(_BULK_BACKOFF_S * 2 ** (attempt - 1))
            items = es.bulk(operations=_bulk_lines([actions[i] for i in todo]), **params)["items"]
            again = []
            for i, item in zip(todo, items, strict=True):
                op, info = next(iter(item.items()))
                status = info.get("status", 500)
                if status == 429 and attempt < _BULK_RETRIES:
                    again.append(i)
                out[i] = (200 <= status < 300, op, info)
            todo = again
    return [o for o in out if o is not None]


def _bulk_lines(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for a in actions:
        op = a["_op_type"]
        lines.append({op: {k: v for k, v in a.items() if k in _ACTION_META}})
        if op in ("create", "index"):
            lines.append(a["_source"])
        elif op == "update":
            lines.append({"doc": a["doc"]})
    return lines


def source_documents_search(source: Source, paper: str) -> dict[str, Any]:
    """The stored documents `source` contributed (to find those its new parse no longer has)."""
    return {"query": {"bool": {"filter": [
        {"term": {"paper": paper}}, {"term": {"sources.uri": source.uri}}, {"term": {"sources.kind": source.kind}}]}},
        "size": 10_000, "seq_no_primary_term": True, "_source": ["sources"]}


def stale_actions(hits: list[dict[str, Any]], sources: set[tuple[str, str]], keep_ids: set[str]) \
        -> tuple[list[dict[str, Any]], list[str]]:
    """For the stored documents of `sources` ((kind, uri) pairs; the hits) that their new parses no longer
    have: bulk actions dropping those sources from them, or deleting those left with no source, each guarded
    by its seq_no. Returns the actions and the ids deleted."""
    actions, deleted = [], []
    for hit in hits:
        if hit["_id"] in keep_ids:
            continue
        listed = hit["_source"].get("sources", [])
        others = [s for s in listed if (s.get("kind"), s.get("uri")) not in sources]
        if len(others) == len(listed):
            continue  # no longer lists these sources (read back from the recent writes)
        guard = {"_id": hit["_id"], "if_seq_no": hit["_seq_no"], "if_primary_term": hit["_primary_term"]}
        if others:
            actions.append({"_op_type": "update", **guard, "doc": {"sources": others}})
        else:
            actions.append({"_op_type": "delete", **guard})
            deleted.append(hit["_id"])
    return actions, deleted


def count(es: Elasticsearch, alias: str, query: dict[str, Any] | None = None) -> int:
    with service_errors(f"counting {alias}"):
        try:
            return int(es.count(index=alias, query=query or {"match_all": {}})["count"])
        except api_error() as e:
            if e.meta.status == 404:
                return 0
            raise


def last_editions(es: Elasticsearch, alias: str) -> dict[str, dict[str, Any]]:
    """{paper: {"date", "articles"}} of the newest edition date indexed for each paper ({} without an index)."""
    with service_errors(f"reading the last editions in {alias}"):
        try:
            resp = es.search(index=alias, size=0, aggs={"papers": {"terms": {"field": "paper", "size": 1000}, "aggs": {
                "last": {"terms": {"field": "date", "size": 1, "order": {"_key": "desc"}}}}}})
        except api_error() as e:
            if e.meta.status == 404:
                return {}
            raise
    editions = {}
    for b in resp["aggregations"]["papers"]["buckets"]:
        if last := b["last"]["buckets"]:
            editions[b["key"]] = {"date": last[0]["key_as_string"][:10], "articles": last[0]["doc_count"]}
    return editions


def index_meta(es: Elasticsearch | SearchClient, alias: str) -> dict[str, Any]:
    """The _meta of the index behind `alias` (template, analysis profile), or {} when there is none."""
    with service_errors(f"reading the mapping of {alias}"):
        try:
            mapping = es.indices.get_mapping(index=alias)
        except api_error() as e:
            if e.meta.status == 404:
                return {}
            raise
    return next(iter(mapping.values()))["mappings"].get("_meta", {})


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def wait_until_healthy(es: Elasticsearch, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            es.cluster.health(wait_for_status="yellow", timeout="5s")
            return
        except (*transport_errors(), api_error()) as e:
            if time.monotonic() > deadline:
                raise ServiceError(f"Elasticsearch at {mask_url(settings().es_url)} is not healthy: {e}") from e
            time.sleep(1)

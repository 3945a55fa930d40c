"""The ledger: one Elasticsearch document per outcome of a pipeline step, for operators to query.

An entry's id is derived from its subject (the input's URI), so re-running an input overwrites its entry
instead of piling up copies; failed entries carry what is needed to replay them (the dead-letter list).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from ingest.index import service_errors, utcnow

LEDGER_MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "step": {"type": "keyword"},
        "status": {"type": "keyword"},  # ok, failed, skipped, retrying
        "paper": {"type": "keyword"},
        "date": {"type": "date", "format": "strict_date"},
        "subject": {"type": "keyword"},  # file path, URL, message id
        "archive_hash": {"type": "keyword"},
        "detail": {"type": "text"},
        "counts": {"type": "object", "enabled": False},
        "replay": {"type": "object", "enabled": False},
        "at": {"type": "date"},
    },
}


@dataclass
class Entry:
    step: str
    status: str
    subject: str
    paper: str | None = None
    date: str | None = None
    archive_hash: str | None = None
    detail: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    # For failed entries: the task name and arguments that replay this step.
    replay: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        # One entry per input: a later outcome replaces an earlier one, so a failure that a replay fixed
        # no longer shows as failed.
        return hashlib.sha1(self.subject.encode()).hexdigest()[:20]


_ensured: set[tuple[str, str]] = set()  # (cluster url, index) pairs known to exist in this process


def ensure_ledger(es: Elasticsearch, name: str) -> None:
    key = (str(es.transport.node_pool.get().base_url), name)
    if key in _ensured:
        return
    with service_errors(f"creating ledger {name}"):
        if es.indices.exists(index=name):
            _ensured.add(key)
            return
        try:
            es.indices.create(index=name, mappings=LEDGER_MAPPING,
                              settings={"number_of_shards": 1, "number_of_replicas": 0})
        except ApiError as e:
            if "already_exists" not in str(e):
                raise
        _ensured.add(key)


def record(es: Elasticsearch, name: str, entry: Entry) -> str:
    ensure_ledger(es, name)
    with service_errors(f"writing ledger entry for {entry.subject}"):
        # No refresh: an entry becomes visible within the refresh interval (1 s); waiting for it here
        # cost most of a pipeline run.
        es.index(index=name, id=entry.id, document=asdict(entry) | {"at": utcnow()})
    return entry.id


def entries(es: Elasticsearch, name: str, *, status: str | None = None, paper: str | None = None,
            step: str | None = None, subject: str | None = None, limit: int = 50,
            refresh: bool = True) -> list[dict[str, Any]]:
    """The newest entries first. `refresh=False` for a read-only reader (the search service), which may
    miss what was recorded in the last second."""
    filters: list[dict[str, Any]] = []
    for fld, value in (("status", status), ("paper", paper), ("step", step), ("subject", subject)):
        if value:
            filters.append({"term": {fld: value}})
    with service_errors(f"reading ledger {name}"):
        if not es.indices.exists(index=name):
            return []
        # Writes skip the refresh to stay cheap; an operator's read must still see every acknowledged one.
        if refresh:
            es.indices.refresh(index=name)
        resp = es.search(index=name, query={"bool": {"filter": filters}}, size=limit, sort=[{"at": "desc"}])
    return [h["_source"] | {"id": h["_id"]} for h in resp["hits"]["hits"]]


def get(es: Elasticsearch, name: str, entry_id: str) -> dict[str, Any] | None:
    with service_errors(f"reading ledger entry {entry_id}"):
        try:
            return es.get(index=name, id=entry_id)["_source"] | {"id": entry_id}
        except ApiError as e:
            if e.meta.status == 404:
                return None
            raise


def count_by_status(es: Elasticsearch, name: str) -> dict[str, int]:
    with service_errors(f"reading ledger {name}"):
        if not es.indices.exists(index=name):
            return {}
        es.indices.refresh(index=name)
        resp = es.search(index=name, size=0, aggs={"s": {"terms": {"field": "status"}}})
    return {b["key"]: b["doc_count"] for b in resp["aggregations"]["s"]["buckets"]}

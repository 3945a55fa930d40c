"""The shared state of a live reindex (in Redis) and the workers' side of it: while a reindex of an alias is
under way, each index step's writes are noted and mirrored into the new index (see ingest.live_reindex for
why that loses no write)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import redis
from elasticsearch import Elasticsearch

from ingest.dedup import near_dup_fields
from ingest.documents import derived_fields
from ingest.errors import ServiceError
from ingest.index import bulk_items, service_errors, utcnow
from ingest.stories import STORY_ROLE

COPY, ARCHIVE = "copy", "archive"  # what fills the new index
COPYING, FINISHING = "copying", "finishing"


@dataclass
class ReindexState:
    alias: str
    old: str | None
    new: str
    mode: str  # COPY or ARCHIVE
    phase: str  # COPYING or FINISHING
    total: int = 0
    done: int = 0  # documents copied, or archive inputs rebuilt
    failed: int = 0  # archive inputs that no longer parse (listed in the ledger)
    started_at: str = ""
    updated_at: str = ""

    def describe(self) -> str:
        unit = "inputs rebuilt from the archive" if self.mode == ARCHIVE else "documents copied"
        share = f" ({100 * self.done // self.total}%)" if self.total else ""
        return f"{self.old or '(none)'} → {self.new}, {self.phase}: {self.done}/{self.total} {unit}{share}"


class Board:
    """Where the reindex of one alias keeps its state in Redis: the state, the reindexer's lock, the ids
    written while it runs (touched), and the archive inputs rebuilt so far."""

    def __init__(self, r: redis.Redis, prefix: str, alias: str) -> None:
        self.r, self.alias = r, alias
        self._base = f"{prefix}:reindex:{alias}"

    def key(self, what: str) -> str:
        return f"{self._base}:{what}"

    def read(self) -> ReindexState | None:
        try:
            raw = self.r.get(self.key("state"))
        except redis.RedisError as e:
            raise ServiceError(f"Redis unreachable while reading the reindex state of {self.alias}: {e}") from e
        return ReindexState(**json.loads(raw)) if raw else None

    def save(self, state: ReindexState) -> None:
        state.updated_at = utcnow()
        self.r.set(self.key("state"), json.dumps(asdict(state)))

    def members(self, what: str) -> list[str]:
        return sorted(m.decode() if isinstance(m, bytes) else str(m) for m in self.r.smembers(self.key(what)))

    def clear(self) -> None:
        self.r.delete(self.key("state"), self.key("touched"), self.key("rebuilt"))


def status(board: Board) -> dict[str, Any] | None:
    """The reindex as `ingest status` shows it: its state and whether a reindexer is at work (else it was
    interrupted and `ingest reindex` resumes it); None when none is under way."""
    state = board.read()
    if state is None:
        return None
    return asdict(state) | {"running": bool(board.r.exists(board.key("lock"))), "summary": state.describe()}


# ---- the workers' side ------------------------------------------------------------------------------

def mirror(es: Elasticsearch, board: Board, ids: list[str]) -> int:
    """After an index step's writes to the board's alias: while a reindex of it is under way, note the ids
    written and copy them to the new index. Returns how many were mirrored."""
    if not ids:
        return 0
    state = board.read()
    if state is None or state.old is None:
        return 0
    try:
        board.r.sadd(board.key("touched"), *ids)
    except redis.RedisError as e:
        raise ServiceError(f"Redis unreachable while noting writes for the reindex of {board.alias}: {e}") from e
    if state.phase == COPYING:  # when finishing, the reindexer copies every touched id itself
        sync(es, state.old, state.new, ids)
    return len(ids)


_mapped_fields: dict[str, set[str]] = {}


def mapped_fields(es: Elasticsearch, index: str) -> set[str]:
    if index not in _mapped_fields:
        mapping = es.indices.get_mapping(index=index)
        _mapped_fields[index] = set(next(iter(mapping.values()))["mappings"]["properties"])
    return _mapped_fields[index]


def carried(source: dict[str, Any], mapped: set[str]) -> dict[str, Any]:
    """A document as the new index takes it: fields the template no longer maps (the client-side
    title_words/body_words of older indices) left behind, derived fields recomputed by the current code."""
    src = {k: v for k, v in source.items() if k in mapped and k != "zhs"}
    src.update(derived_fields(src.get("title", ""), src.get("body", "")))
    if (src.get("story") or {}).get("role") != STORY_ROLE:  # a story document has no fingerprints of its own
        # Fingerprints follow the current code (a new neardup.VERSION); groups are kept as they are.
        src.update(near_dup_fields(src.get("pretitle", ""), src.get("title", ""), src.get("subtitle", ""),
                                   src.get("body", [])))
    return src


def sync(es: Elasticsearch, old: str, new: str, ids: list[str]) -> int:
    """Make `ids` in `new` what they are in `old` now: copied, or deleted where `old` no longer has them."""
    with service_errors(f"copying {len(ids)} documents from {old} to {new}"):
        mapped = mapped_fields(es, new)
        found = {d["_id"]: d for d in es.mget(index=old, ids=ids)["docs"]}
        actions: list[dict[str, Any]] = []
        for doc_id in dict.fromkeys(ids):
            d = found.get(doc_id) or {}
            if d.get("found"):
                actions.append({"_op_type": "index", "_index": new, "_id": doc_id,
                                "_source": carried(d["_source"], mapped)})
            else:
                actions.append({"_op_type": "delete", "_index": new, "_id": doc_id})
        bulk(es, actions, new)
    return len(actions)


def bulk(es: Elasticsearch, actions: list[dict[str, Any]], index: str) -> int:
    done = 0
    for ok, op, info in bulk_items(es, actions, f"copying {len(actions)} documents into {index}"):
        if ok or (op == "delete" and info.get("status") == 404):
            done += 1
            continue
        raise ServiceError(f"reindex: {index} refused document {info.get('_id')}: {info.get('error')}")
    return done

"""Reindexing while the workers keep writing: a new index of the current template is filled (a copy of
every document, or a rebuild from the raw archive), then the alias moves to it in one atomic step.

How no write is lost and none doubled (ids are deterministic, so a write can only be missing or stale):
1. The reindex records itself in Redis (which index is old, which new), then refreshes the old index and
   opens its snapshot: a write finished before the record is in the snapshot.
2. After its writes, the index step (ingest.pipeline) calls `mirror`: with a reindex recorded, the ids it
   wrote go to a Redis set of touched ids and are copied from the old index to the new one at once.
   A write finished after the record is seen by its own step's `mirror`.
3. To finish, the old index is made read-only: from then on a worker's write fails as an outage and its
   task is retried, and goes to the new index once the alias has moved. After a grace period (longer than
   any step takes from a write to its `mirror`), every touched id is copied once more from the now still
   old index, which makes the new index exact whatever order the copies and mirrors arrived in. Then the
   alias moves. The old index stays read-only: nothing should write it any more.
The state in Redis also makes the reindex resumable: run it again after a crash and it carries on with the
same new index (documents already copied, and archive inputs already rebuilt, are skipped).
The server here has no _reindex, so copying is client-side (scroll and bulk).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

import redis
from elasticsearch import Elasticsearch, helpers

from ingest import pipeline
from ingest.archive import Archive
from ingest.config import Settings
from ingest.errors import InputError, ServiceError
from ingest.index import CURRENT_TEMPLATE, concrete_indices, count, index_body, next_index_name, service_errors, utcnow
from ingest.reindex_mirror import (
    ARCHIVE,
    COPY,
    COPYING,
    FINISHING,
    Board,
    ReindexState,
    bulk,
    carried,
    mapped_fields,
    sync,
)

_LOCK_TTL_S = 60  # a reindexer that stops renewing its lock for this long has died; another may resume
_BATCH = 500
GRACE_S = 5.0
Progress = Callable[[int, int], None]


# ---- the reindexer ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    new: str
    old: str | None
    done: int
    failed: int
    resumed: bool


def run(es: Elasticsearch, r: redis.Redis, s: Settings, *, from_archive: bool = False, delete_old: bool = False,
        progress: Progress | None = None, grace_s: float = GRACE_S, template: str = CURRENT_TEMPLATE,
        batch: int = _BATCH) -> Outcome:
    """Build a new index of `template` behind the alias of `s` while workers write, or resume the one an
    earlier run left (a crash, a stopped command), and move the alias to it."""
    alias, mode = s.index, ARCHIVE if from_archive else COPY
    board = Board(r, s.redis_prefix, alias)
    lock = r.lock(board.key("lock"), timeout=_LOCK_TTL_S)
    try:
        if not lock.acquire(blocking=False):
            running = board.read()
            raise InputError(f"reindex of {alias}: another reindex is running"
                             + (f" ({running.describe()})" if running else "") + "; see `ingest status`")
        state = board.read()
        resumed = state is not None
        if state is not None and state.mode != mode:
            flag = "with --from-archive" if state.mode == ARCHIVE else "without --from-archive"
            raise InputError(f"reindex of {alias}: an interrupted reindex into {state.new} rebuilt from the "
                             f"{'archive' if state.mode == ARCHIVE else 'old index'}; run `ingest reindex` {flag} "
                             "to finish it")
        if state is None:
            state = _begin(es, board, mode, template)

        def beat(done: int, total: int) -> None:
            lock.reacquire()  # still alive: keep the lock for another _LOCK_TTL_S
            state.done, state.total = done, total
            board.save(state)
            if progress:
                progress(done, total)

        if state.phase == COPYING:
            if mode == ARCHIVE:
                _rebuild(es, board, s, state, beat)
            else:
                _copy(es, state, beat, batch)
            state.phase = FINISHING
            board.save(state)
        _finish(es, board, state, grace_s, lock)
        if delete_old and state.old:
            with service_errors(f"deleting {state.old}"):
                es.indices.delete(index=state.old)
        return Outcome(new=state.new, old=state.old, done=state.done, failed=state.failed, resumed=resumed)
    except redis.RedisError as e:
        raise ServiceError(f"Redis unreachable while reindexing {alias}: {e}") from e
    finally:
        try:
            lock.release()
        except redis.exceptions.LockError:
            pass  # not held (refused above), or expired
        except redis.RedisError:
            pass


def _begin(es: Elasticsearch, board: Board, mode: str, template: str) -> ReindexState:
    alias = board.alias
    with service_errors(f"starting the reindex of {alias}"):
        current = concrete_indices(es, alias)
        old = current[-1] if current else None
        new = next_index_name(es, alias, template)
        body = index_body(template, es)
        es.indices.create(index=new, settings=body["settings"], mappings=body["mappings"])
        state = ReindexState(alias=alias, old=old, new=new, mode=mode, phase=COPYING, started_at=utcnow())
        board.save(state)  # from here on the workers mirror their writes …
        if old:
            es.indices.refresh(index=old)  # … and every write finished before is in the snapshot taken next
    return state


def _copy(es: Elasticsearch, state: ReindexState, beat: Callable[[int, int], None], size: int) -> None:
    if state.old is None:
        return
    old, new = state.old, state.new
    with service_errors(f"copying {old} into {new}"):
        total = count(es, old)
        done = 0
        beat(done, total)
        mapped = mapped_fields(es, new)
        for batch in _batches(helpers.scan(es, index=old, query={"query": {"match_all": {}}}, size=size), size):
            # Resumed: what an earlier run copied (or a worker mirrored) is there already, and as new.
            there = {d["_id"] for d in es.mget(index=new, ids=[h["_id"] for h in batch], source=False)["docs"]
                     if d.get("found")}
            bulk(es, [{"_op_type": "index", "_index": new, "_id": h["_id"], "_source": carried(h["_source"], mapped)}
                       for h in batch if h["_id"] not in there], new)
            done += len(batch)
            beat(done, max(total, done))


def _batches(hits: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for h in hits:
        batch.append(h)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def archived_inputs(es: Elasticsearch, index: str) -> list[dict[str, Any]]:
    """Every input the documents of `index` came from, with what its parse needs: the source (kind, uri,
    archive hash), and as hints the paper, the date and the page (the page only when all its articles were
    on one page: a whole-edition PDF or a mail has many)."""
    inputs: dict[tuple[str, str], dict[str, Any]] = {}
    for hit in helpers.scan(es, index=index, query={"query": {"match_all": {}}},
                            _source=["sources", "paper", "date", "page"]):
        src = hit["_source"]
        for source in src.get("sources") or []:
            if not source.get("archive_hash"):
                continue
            entry = inputs.setdefault((source["archive_hash"], source["uri"]), {
                "source": {k: source[k] for k in ("kind", "uri", "archive_hash")}, "paper": src["paper"],
                "date": src.get("date"), "pages": set()})
            entry["pages"].add((src.get("page") or {}).get("number"))
    return [inputs[k] for k in sorted(inputs)]


def input_hints(entry: dict[str, Any]) -> dict[str, Any]:
    source = entry["source"]
    uri = source["uri"]
    located = source["kind"] in ("file", "site")
    name = PurePosixPath(urlparse(uri).path).name or uri if source["kind"] == "file" else uri
    pages = entry["pages"] - {None}
    return pipeline.make_hints(name, paper=entry["paper"], day=entry["date"],
                      page=next(iter(pages)) if len(pages) == 1 and located else None,
                      url=uri if located else None)


def _rebuild(es: Elasticsearch, board: Board, s: Settings, state: ReindexState,
             beat: Callable[[int, int], None]) -> None:
    """Every input parsed again from the archive by the current code and indexed into the new index (through
    the pipeline's own steps, so dedup, groups and stories are as the workers make them)."""
    if state.old is None:
        return
    archive = Archive(s.archive_dir)
    into_new = s.model_copy(update={"index": state.new})
    with service_errors(f"listing the inputs of {state.old}"):
        inputs = archived_inputs(es, state.old)
    done_key = board.key("rebuilt")
    done = 0
    beat(done, len(inputs))
    for entry in inputs:
        member = f"{entry['source']['archive_hash']} {entry['source']['uri']}"
        if not board.r.sismember(done_key, member):
            hints = input_hints(entry)
            try:
                payload = pipeline.parse_step(entry["source"], hints, archive)
                pipeline.index_step(payload, into_new)
            except InputError as e:  # a parser change that refuses an old input: on the ledger, not fatal
                state.failed += 1
                pipeline.record_failure(into_new, "reindex", {"source": entry["source"], "hints": hints}, e)
            board.r.sadd(done_key, member)
        done += 1
        beat(done, len(inputs))


def _finish(es: Elasticsearch, board: Board, state: ReindexState, grace_s: float, lock: Any) -> None:
    alias, old, new = state.alias, state.old, state.new
    with service_errors(f"switching {alias} to {new}"):
        if old and concrete_indices(es, alias) != [new]:
            es.indices.add_block(index=old, block="write")
            time.sleep(grace_s)  # writes just made reach their mirror, so their ids are in the set read next
            touched = board.members("touched")
            for i in range(0, len(touched), _BATCH):
                lock.reacquire()
                sync(es, old, new, touched[i:i + _BATCH])
        es.indices.refresh(index=new)
        if concrete_indices(es, alias) != [new]:
            moves: list[dict[str, Any]] = [{"add": {"index": new, "alias": alias, "is_write_index": True}}]
            if old:
                moves.insert(0, {"remove": {"index": old, "alias": alias}})
            es.indices.update_aliases(actions=moves)
    board.clear()

"""The pipeline steps as plain functions over JSON-able payloads, so Celery tasks stay one-liners and
every step can be run and tested without a broker.

A payload is {"source": Source, "hints": {...}, "edition": Edition} as dicts; each step takes the
payload of the previous one and returns its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import redis

from ingest import ledger, metrics
from ingest.archive import Archive
from ingest.batch import BatchResult, Part, write_batch
from ingest.config import Settings
from ingest.dedup import drop_exact_duplicates
from ingest.documents import Source, edition_documents
from ingest.errors import InputError, RecordedInputError
from ingest.index import client
from ingest.model import Edition
from ingest.normalize import normalize_edition
from ingest.papers import get_paper
from ingest.parse import ParseHints, parse_bytes, read_input
from ingest.reindex_mirror import Board, mirror
from ingest.shared_redis import redis_at
from ingest.story_links import link_stories

Payload = dict[str, Any]


def make_hints(name: str, paper: str | None = None, day: str | None = None, page: int | None = None,
               url: str | None = None) -> dict[str, Any]:
    return {"name": name, "paper": paper, "date": day, "page": page, "url": url}


def _parse_hints(h: dict[str, Any]) -> ParseHints:
    return ParseHints(name=h["name"], paper=get_paper(h["paper"]) if h.get("paper") else None,
                      date=date.fromisoformat(h["date"]) if h.get("date") else None,
                      page=h.get("page"), url=h.get("url"))


def archive_bytes(data: bytes, archive: Archive, kind: str, uri: str) -> Source:
    return Source(kind=kind, uri=uri, archive_hash=archive.put(data))


def archive_file(path: str, archive: Archive) -> Source:
    p = Path(path).resolve()
    return archive_bytes(read_input(p), archive, "file", p.as_uri())


def archive_files(files: list[Payload], s: Settings, archive: Archive) -> dict[str, Any]:
    """Archive files ({"path", "hints"} each) for one index task: {"items": [{"source", "hints"}], "failed"}; see
    _each_input for a file that cannot be read."""
    items, failed = _each_input(s, "archive_file", files, lambda f: {
        "source": archive_file(f["path"], archive).to_dict(), "hints": f["hints"]})
    return {"items": items, "failed": failed}


def _each_input(s: Settings, step: str, inputs: list[Payload], fn: Callable[[Payload], Any],
                failed: list[dict[str, str]] | None = None) -> tuple[list[Any], list[dict[str, str]]]:
    """`fn` of each input of a batch, and the inputs it refused: one that raises an InputError is recorded as
    failed at `step` in the ledger, to replay on its own, and the rest go on; when none is left, a
    RecordedInputError (`failed`: those an earlier step of the batch recorded)."""
    done, failed = [], list(failed or [])
    for one in inputs:
        try:
            done.append(fn(one))
        except InputError as e:
            record_failure(s, step, one, e)
            failed.append({"subject": input_subject(one), "error": str(e)})
    if not done:
        raise RecordedInputError("; ".join(f["error"] for f in failed))
    return done, failed


def batch_inputs(payload: Payload) -> list[Payload]:
    """The inputs a task's payload holds: a batch's archived items or files, else the payload itself."""
    return payload.get("items") or payload.get("files") or [payload]


def require_articles(edition: Edition, name: str) -> Edition:
    """The edition, or an InputError when it holds nothing to index (what `ingest add` and the worker
    both refuse)."""
    if not edition.articles:
        raise InputError(f"{name}: no articles found" + (f" ({'; '.join(edition.warnings)})" if edition.warnings
                                                         else ""))
    return edition


def parse_archived(source: dict[str, str], hints: dict[str, Any], archive: Archive) -> Edition:
    """The edition of an archived input, refused (InputError) when it holds no articles."""
    return require_articles(parse_bytes(archive.get(source["archive_hash"]), _parse_hints(hints)), hints["name"])


def parse_step(source: dict[str, str], hints: dict[str, Any], archive: Archive) -> Payload:
    """The payload of an archived input parsed, its edition as JSON (for a message: a mail's parsed edition)."""
    return {"source": source, "hints": hints, "edition": parse_archived(source, hints, archive).to_dict()}


def prepare(edition: Edition) -> tuple[Edition, int]:
    """The pure steps between parse and write: normalize, and drop exact duplicates within the edition.
    Idempotent, so an edition prepared already comes out the same. Returns it and how many were dropped."""
    edition = normalize_edition(edition)
    edition.articles, dropped = drop_exact_duplicates(edition.articles)
    return edition, dropped


def input_subject(payload: Payload) -> str:
    """What the ledger calls an input: its source URI, else its file's URI, else its name. The latest
    outcome of an input replaces the earlier one, so a failure fixed by a replay stops being listed."""
    if payload.get("source"):
        return payload["source"]["uri"]
    if payload.get("path"):
        return Path(payload["path"]).resolve().as_uri()
    return payload.get("hints", {}).get("name", "?")


def index_step(payload: Payload, s: Settings) -> dict[str, Any]:
    """Prepare the parsed edition of a payload (as JSON: a message's) and write its articles (ingest.batch)."""
    return index_parsed([payload | {"edition": Edition.from_dict(payload["edition"])}], s)[0]


def index_parsed(payloads: list[Payload], s: Settings) -> list[dict[str, Any]]:
    """Prepare parsed editions ({"source", "hints", "edition": an Edition}, one source each) and write their
    articles in one batch: the round trips of the index step are paid once for all of them
    (bench/bench_index.py)."""
    parts, prepared = [], []
    for payload in payloads:
        edition, dropped = prepare(payload["edition"])
        source = Source(**payload["source"])
        day = edition.date.isoformat() if edition.date else None
        parts.append(Part(source, edition.paper, day, edition_documents(edition, source),
                          partial(_index_entry, input_subject(payload), edition.paper, day, source, dropped)))
        prepared.append((edition, dropped))
    es = client(s)
    results = write_batch(es, s, parts)
    r = redis_client(s)
    docs = list({i: d for p in parts for i, d in p.docs}.items())
    linked = link_stories(es, r, s.redis_prefix, s.index, docs)
    # Last, after every write of the step: a live reindex copies what it wrote (ingest.live_reindex).
    mirror(es, Board(r, s.redis_prefix, s.index), [i for x in results for i in _touched(x)] + linked)
    out = []
    for part, (edition, dropped), result in zip(parts, prepared, results, strict=True):
        counts = _counts(result, dropped)
        metrics.indexed(edition.paper, counts)
        # Linking is the batch's: a story's parts may come from several of its inputs.
        out.append({"paper": edition.paper, "date": part.day, "ids": result.write.ids,
                    "counts": counts | {"linked": len(linked)}, "warnings": edition.warnings})
    return out


def index_archived(items: list[Payload], s: Settings, archive: Archive,
                   failed: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Parse archived inputs ({"source", "hints"}: one input, a page list's articles, a chunk of files) and index
    them in one batch (an input that does not parse: _each_input). Returns every id written, and each input's
    outcome (`failed` adds those an earlier step of the batch recorded)."""
    # The editions stay objects: they are indexed in this task, never sent on.
    parsed, failed = _each_input(s, "parse", items, lambda item: item | {
        "edition": parse_archived(item["source"], item["hints"], archive)}, failed)
    indexed = index_parsed(parsed, s)
    return {"ids": [i for x in indexed for i in x["ids"]], "indexed": indexed, "failed": failed}


def _index_entry(subject: str, paper: str, day: str | None, source: Source, dropped: int,
                 r: BatchResult) -> ledger.Entry:
    return ledger.Entry(step="index", status="ok", subject=subject, paper=paper, date=day,
                        archive_hash=source.archive_hash, counts=_counts(r, dropped), detail=f"{len(r.write.ids)} articles")


def _touched(r: BatchResult) -> list[str]:
    """Every document id a write changed."""
    return r.write.ids + r.removed + r.lost_source + [x.old_id for x in r.replaced] + list(r.regrouped)


def _counts(r: BatchResult, dropped: int) -> dict[str, int]:
    return {"created": len(r.write.created), "updated": len(r.write.updated), "unchanged": len(r.write.unchanged),
            "removed": len(r.removed), "dropped": dropped, "replaced": len(r.replaced), "regrouped": len(r.regrouped)}


def redis_client(s: Settings) -> redis.Redis:
    return redis_at(s.redis_url)


def record_failure(s: Settings, step: str, payload: Payload, error: BaseException) -> str:
    """Write a failed step to the ledger (the dead-letter list operators read and replay)."""
    hints, source = payload.get("hints") or {}, payload.get("source") or {}
    replay = {k: payload.get(k) for k in ("path", "source", "hints")}
    metrics.DEAD_LETTERS.labels(step).inc()
    return ledger.record(client(s), s.ledger_index, ledger.Entry(
        step=step, status="failed", subject=input_subject(payload), paper=hints.get("paper"),
        date=hints.get("date"), archive_hash=source.get("archive_hash"), detail=str(error), replay=replay))

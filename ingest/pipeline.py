"""The pipeline steps as plain functions over JSON-able payloads, so Celery tasks stay one-liners and
every step can be run and tested without a broker.

A payload is {"source": Source, "hints": {...}, "edition": Edition} as dicts; each step takes the
payload of the previous one and returns its own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import redis

from ingest import ledger, metrics
from ingest.archive import Archive
from ingest.config import Settings
from ingest.dedup import drop_exact_duplicates
from ingest.documents import Source, edition_documents
from ingest.dup_groups import assign_groups, settle_new_groups
from ingest.errors import InputError
from ingest.index import client, retire_stale, write_documents
from ingest.model import Edition
from ingest.normalize import normalize_edition
from ingest.papers import get_paper
from ingest.parse import ParseHints, parse_bytes, read_input
from ingest.reindex_mirror import Board, mirror
from ingest.story_links import keep_links, link_stories
from ingest.versions import record_replacements, retire_older_versions

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


def parse_step(source: dict[str, str], hints: dict[str, Any], archive: Archive) -> Payload:
    data = archive.get(source["archive_hash"])
    edition = parse_bytes(data, _parse_hints(hints))
    if not edition.articles:
        raise InputError(f"{hints['name']}: no articles found"
                         + (f" ({'; '.join(edition.warnings)})" if edition.warnings else ""))
    return {"source": source, "hints": hints, "edition": edition.to_dict()}


def normalize_step(payload: Payload) -> Payload:
    edition = normalize_edition(Edition.from_dict(payload["edition"]))
    return payload | {"edition": edition.to_dict()}


def dedup_step(payload: Payload) -> Payload:
    edition = Edition.from_dict(payload["edition"])
    edition.articles, dropped = drop_exact_duplicates(edition.articles)
    return payload | {"edition": edition.to_dict(), "dropped": dropped}


def input_subject(payload: Payload) -> str:
    """What the ledger calls an input: its source URI, else its file's URI, else its name. The latest
    outcome of an input replaces the earlier one, so a failure fixed by a replay stops being listed."""
    if payload.get("source"):
        return payload["source"]["uri"]
    if payload.get("path"):
        return Path(payload["path"]).resolve().as_uri()
    return payload.get("hints", {}).get("name", "?")


def index_step(payload: Payload, s: Settings) -> dict[str, Any]:
    edition = Edition.from_dict(payload["edition"])
    source = Source(**payload["source"])
    es = client(s)
    docs = edition_documents(edition, source)
    keep_links(es, s.index, docs)
    assign_groups(es, s.index, docs)
    result = write_documents(es, s.index, docs)
    regrouped = settle_new_groups(es, s.index, docs)
    # Before retire_stale, which would drop an older version of the same URI without a ledger entry.
    replaced = retire_older_versions(es, s.index, docs)
    record_replacements(es, s.ledger_index, replaced, source, edition.date.isoformat() if edition.date else None)
    lost_source: list[str] = []
    removed = retire_stale(es, s.index, source, set(result.ids), edition.paper, updated=lost_source)
    r = redis_client(s)
    linked = link_stories(es, r, s.redis_prefix, s.index, docs)
    # Last, after every write of the step: a live reindex copies what it wrote (ingest.live_reindex).
    mirror(es, Board(r, s.redis_prefix, s.index), result.ids + removed + lost_source + [x.old_id for x in replaced] + list(regrouped) + linked)
    counts = {"created": len(result.created), "updated": len(result.updated),
              "unchanged": len(result.unchanged), "removed": len(removed), "dropped": payload.get("dropped", 0),
              "replaced": len(replaced), "regrouped": len(regrouped),
              "linked": len(linked)}
    ledger.record(es, s.ledger_index, ledger.Entry(
        step="index", status="ok", subject=input_subject(payload), paper=edition.paper,
        date=edition.date.isoformat() if edition.date else None, archive_hash=source.archive_hash,
        counts=counts, detail=f"{len(result.ids)} articles"))
    metrics.indexed(edition.paper, counts)
    return {"paper": edition.paper, "date": edition.date.isoformat() if edition.date else None,
            "ids": result.ids, "counts": counts, "warnings": edition.warnings}


def redis_client(s: Settings) -> redis.Redis:
    return redis.Redis.from_url(s.redis_url, socket_connect_timeout=5, socket_timeout=30)


def record_failure(s: Settings, step: str, payload: Payload, error: BaseException) -> str:
    """Write a failed step to the ledger (the dead-letter list operators read and replay)."""
    hints, source = payload.get("hints") or {}, payload.get("source") or {}
    replay = {k: payload.get(k) for k in ("path", "source", "hints")}
    metrics.DEAD_LETTERS.labels(step).inc()
    return ledger.record(client(s), s.ledger_index, ledger.Entry(
        step=step, status="failed", subject=input_subject(payload), paper=hints.get("paper"),
        date=hints.get("date"), archive_hash=source.get("archive_hash"), detail=str(error), replay=replay))

"""Raw `_bulk` throughput of article documents vs the full pipeline's through real Celery workers, into the
same template, in one run.

    .venv/bin/python bench/bench_index.py [--editions 720] [--concurrency 2] [--steps 40]

Each edition is the sample page under another date (its date line rewritten, so every edition is new
bytes, new documents, and a near-duplicate of the editions around it: grouping does real work). The
pipeline figure is end to end: the edition's bytes archived, its flow queued (parse → index: normalize,
exact dedup, near-duplicate groups, exact-duplicate merge, versions and the ledger on) and every result waited
for, through worker processes started here on a queue of their own. The raw figure bulk-indexes the very
documents the pipeline stored into a fresh index of the same template (chunks of 500, one client). The
per-step split runs the worker's step functions in-process on `--steps` editions; the RSS of each worker
process is read at the end (run with --editions 2000 for the memory figure).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from elasticsearch import helpers

from ingest import ledger, pipeline
from ingest.archive import Archive
from ingest.batch import BatchResult, write_batch
from ingest.config import Settings, settings
from ingest.documents import Source, edition_documents
from ingest.index import client, ensure_index
from ingest.model import Edition
from ingest.queue import archive_flow, make_celery

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "fixtures" / "zjgrrb-2020-06-25" / "page01.txt"
SAMPLE_DAY = date(2020, 6, 25)


def edition_bytes(data: bytes, day: date) -> bytes:
    line = f"{SAMPLE_DAY.year}年{SAMPLE_DAY.month}月{SAMPLE_DAY.day}日".encode()
    return data.replace(line, f"{day.year}年{day.month}月{day.day}日".encode(), 1)


def step_split(s: Settings, data: bytes, archive: Archive, n: int) -> dict[str, float]:
    """Milliseconds per edition of each step, run in-process (the worker's work minus the broker hops):
    archive, parse (the parse task), then the index task's parts: normalize and exact dedup, documents
    with their near-duplicate fingerprints, and the write with every lookup and the ledger."""
    es = client(s)

    def entry(r: BatchResult) -> ledger.Entry:
        return ledger.Entry(step="index", status="ok", subject="bench", detail=f"{len(r.write.ids)} articles")
    spent = {"archive": 0.0, "parse": 0.0, "normalize+dedup": 0.0, "fingerprint": 0.0, "write": 0.0}
    for i in range(-1, n):  # the first edition warms imports, dictionaries and connections
        day = SAMPLE_DAY - timedelta(days=400 + i)
        marks = [time.perf_counter()]
        source = pipeline.archive_bytes(edition_bytes(data, day), archive, "file", f"{SAMPLE.as_uri()}#steps-{i}")
        marks.append(time.perf_counter())
        payload = pipeline.parse_step(source.to_dict(), pipeline.make_hints(SAMPLE.name, paper="zjgrrb"), archive)
        marks.append(time.perf_counter())
        # The index task's parts, timed one by one (what pipeline.index_step runs, in its order).
        edition, _ = pipeline.prepare(Edition.from_dict(payload["edition"]))
        marks.append(time.perf_counter())
        docs = edition_documents(edition, Source(**payload["source"]))
        marks.append(time.perf_counter())
        write_batch(es, s, docs, Source(**payload["source"]), edition.paper, day.isoformat(), entry)
        marks.append(time.perf_counter())
        if i >= 0:
            for k, (a, b) in zip(spent, zip(marks, marks[1:], strict=False), strict=True):
                spent[k] += (b - a) * 1000
    return {k: v / n for k, v in spent.items()}


def start_workers(env: dict[str, str], concurrency: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tasks.app", "worker", "--queues", env["INGEST_QUEUE"],
         "--concurrency", str(concurrency), "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-n", f"{env['INGEST_QUEUE']}@%h"],
        cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def through_celery(s: Settings, data: bytes, archive: Archive, editions: int, concurrency: int) \
        -> tuple[list[str], float, list[float]]:
    """(ids written, seconds from the first queued edition to the last result, RSS MB of each worker process)."""
    env = os.environ | {"INGEST_INDEX": s.index, "INGEST_LEDGER_INDEX": s.ledger_index, "INGEST_QUEUE": s.queue,
                        "INGEST_ARCHIVE_DIR": str(archive.root), "PYTHONPATH": str(REPO)}
    log = Path(tempfile.mkdtemp(prefix="bench-worker-")) / "worker.log"
    proc = start_workers(env, concurrency, log)
    celery = make_celery(s)
    hints = pipeline.make_hints(SAMPLE.name, paper="zjgrrb")

    def run(days: list[date], tag: str) -> list[Any]:
        results = []
        for n, day in enumerate(days):
            source = pipeline.archive_bytes(edition_bytes(data, day), archive, "file", f"{SAMPLE.as_uri()}#{tag}{n}")
            results.append(archive_flow(celery, source.to_dict(), hints).apply_async())
        return [r.get(timeout=600) for r in results]

    try:
        # Workers are long-lived: start-up, imports and first connections are paid before the timed run.
        run([SAMPLE_DAY - timedelta(days=800 + k) for k in range(2 * concurrency)], "warm")
        t0 = time.perf_counter()
        out = run([SAMPLE_DAY + timedelta(days=k) for k in range(editions)], "")
        elapsed = time.perf_counter() - t0
        rss = [rss_mb(p) for p in children(proc.pid)]
    except Exception:
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        proc.terminate()
        proc.wait(60)
    return [i for r in out for i in r["ids"]], elapsed, rss


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--editions", type=int, default=720, help="editions through Celery (7 articles each)")
    ap.add_argument("--concurrency", type=int, default=2, help="worker processes")
    ap.add_argument("--steps", type=int, default=40, help="editions for the in-process per-step split")
    args = ap.parse_args()
    run = f"bench-{uuid.uuid4().hex[:8]}"
    s = settings().model_copy(update={"index": run, "ledger_index": f"{run}-ledger", "queue": f"{run}-queue"})
    es = client(s)
    archive = Archive(Path(tempfile.mkdtemp(prefix="bench-archive-")))
    data = SAMPLE.read_bytes()
    try:
        ensure_index(es, run)
        split = step_split(s.model_copy(update={"index": f"{run}-steps", "ledger_index": f"{run}-steps-ledger"}),
                           data, archive, args.steps)
        written, pipeline_s, rss = through_celery(s, data, archive, args.editions, args.concurrency)

        es.indices.refresh(index=run)
        kept = set(written)
        docs = [(h["_id"], h["_source"]) for h in helpers.scan(es, index=run, query={"query": {"match_all": {}}})
                if h["_id"] in kept]
        raw = f"{run}-raw"
        ensure_index(es, raw)
        t0 = time.perf_counter()
        helpers.bulk(es, ({"_index": raw, "_id": i, "_source": d} for i, d in docs), chunk_size=500)
        es.indices.refresh(index=raw)
        raw_s = time.perf_counter() - t0
    finally:
        es.indices.delete(index=f"{run}*", allow_no_indices=True)
    n = len(written)
    print(f"documents: {n} ({args.editions} editions of {n // max(1, args.editions)} articles); "
          f"{len(docs)} distinct stored")
    print(f"raw _bulk:      {len(docs) / raw_s:8.1f} docs/s ({raw_s:.2f} s)")
    print(f"pipeline:       {n / pipeline_s:8.1f} docs/s ({pipeline_s:.2f} s, {args.concurrency} Celery worker "
          "processes, end to end)")
    print(f"pipeline / raw: {(n / pipeline_s) / (len(docs) / raw_s):.3f}")
    print("per edition in-process (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in split.items())
          + f"; total {sum(split.values()):.1f}")
    print(f"worker RSS after {args.editions} editions (MB): " + ", ".join(f"{r:.0f}" for r in rss))


if __name__ == "__main__":
    main()

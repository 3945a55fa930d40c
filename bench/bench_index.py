"""Raw `_bulk` throughput of article documents vs the full pipeline's, into the same index, in one run.

    .venv/bin/python bench/bench_index.py [--editions N]

The pipeline runs the worker's own step functions in-process (archive → parse → normalize → dedup →
index, with the ledger), i.e. a worker's work per input minus the broker hop. Each edition is the sample
page under another date, so every write creates new documents. The raw figure bulk-indexes the very
same documents into a fresh index of the same template.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from elasticsearch import helpers

from ingest import pipeline
from ingest.archive import Archive
from ingest.config import settings
from ingest.index import client, ensure_index

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "zjgrrb-2020-06-25" / "page01.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--editions", type=int, default=60)
    args = ap.parse_args()
    run = f"bench-{uuid.uuid4().hex[:8]}"
    s = settings().model_copy(update={"index": run, "ledger_index": f"{run}-ledger"})
    es = client(s)
    archive = Archive(Path(tempfile.mkdtemp(prefix="bench-archive-")))
    data = SAMPLE.read_bytes()
    try:
        ensure_index(es, run)
        written: list[str] = []
        # A worker is long-lived: imports, the segmenter's dictionary and the first connections are
        # paid once, before the timed run (the warm-up edition is dated a year earlier).
        t0 = None
        for i in range(-1, args.editions):
            if i == 0:
                t0 = time.perf_counter()
            source = pipeline.archive_bytes(data, archive, "file", f"{SAMPLE.as_uri()}#{i}")
            hints = pipeline.make_hints(SAMPLE.name, paper="zjgrrb")
            payload = pipeline.dedup_step(pipeline.normalize_step(pipeline.parse_step(source.to_dict(), hints, archive)))
            day = date.fromisoformat(payload["edition"]["date"]) + timedelta(days=i if i >= 0 else -365)
            payload["edition"]["date"] = day.isoformat()
            ids = pipeline.index_step(payload, s)["ids"]
            if i >= 0:
                written += ids
        pipeline_s = time.perf_counter() - t0

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
    print(f"documents: {n} ({args.editions} editions of {n // args.editions} articles)")
    print(f"raw _bulk:     {len(docs) / raw_s:8.1f} docs/s ({raw_s:.2f} s)")
    print(f"full pipeline: {n / pipeline_s:8.1f} docs/s ({pipeline_s:.2f} s)")
    print(f"pipeline / raw: {(n / pipeline_s) / (len(docs) / raw_s):.3f}")


if __name__ == "__main__":
    main()

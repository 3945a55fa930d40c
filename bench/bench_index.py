"""Raw `_bulk` throughput of article documents vs the full pipeline's, into the same index, in one run.

    .venv/bin/python bench/bench_index.py [--editions N]

The pipeline runs its steps in-process (parse → normalize → dedup → documents → idempotent write), the
work a worker does per input minus the broker hop. Each edition is the sample page under another date,
so every write creates new documents. The raw figure bulk-indexes the very same documents.
"""

from __future__ import annotations

import argparse
import time
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from elasticsearch import helpers

from ingest.config import settings
from ingest.dedup import drop_exact_duplicates
from ingest.documents import Source, edition_documents
from ingest.index import client, ensure_index, write_documents
from ingest.normalize import normalize_edition
from ingest.papers import get_paper
from ingest.parse import ParseHints, parse_bytes

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "zjgrrb-2020-06-25" / "page01.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--editions", type=int, default=60)
    args = ap.parse_args()
    es = client(settings())
    alias = f"bench-{uuid.uuid4().hex[:8]}"
    data = SAMPLE.read_bytes()
    hints = ParseHints(name=SAMPLE.name, paper=get_paper("zjgrrb"))
    source = Source("file", SAMPLE.as_uri(), "0" * 64)
    ensure_index(es, alias)
    try:
        all_docs = []
        t0 = time.perf_counter()
        for i in range(args.editions):
            edition = normalize_edition(parse_bytes(data, hints))
            edition.articles, _ = drop_exact_duplicates(edition.articles)
            edition = replace(edition, date=edition.date + timedelta(days=i))
            docs = edition_documents(edition, source)
            write_documents(es, alias, docs)
            all_docs.extend(docs)
        pipeline_s = time.perf_counter() - t0

        raw_index = f"{alias}-raw"
        es.indices.delete(index=f"{alias}-*")
        ensure_index(es, raw_index)
        t0 = time.perf_counter()
        helpers.bulk(es, ({"_index": raw_index, "_id": i, "_source": d} for i, d in all_docs), chunk_size=500)
        es.indices.refresh(index=raw_index)
        raw_s = time.perf_counter() - t0
    finally:
        es.indices.delete(index=f"{alias}-*", allow_no_indices=True)
    n = len(all_docs)
    print(f"documents: {n} ({args.editions} editions of {n // args.editions} articles)")
    print(f"raw _bulk:     {n / raw_s:8.1f} docs/s ({raw_s:.2f} s)")
    print(f"full pipeline: {n / pipeline_s:8.1f} docs/s ({pipeline_s:.2f} s)")
    print(f"pipeline / raw: {pipeline_s and (n / pipeline_s) / (n / raw_s):.3f}")


if __name__ == "__main__":
    main()

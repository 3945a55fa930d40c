"""What the search service adds to a search: the library call vs the same search over HTTP, side by side.

    .venv/bin/python bench/serve_latency.py [--editions N] [--rounds N]

Builds an index the worker's way (the sample page under N dates, so collapsed groups of N copies), starts
`ingest serve` over it as its own process on a free port of 127.0.0.1, then runs the judged queries of
bench/data/search_queries.json alternately through `ingest.search.search` in this process and through
GET /search on one keep-alive connection, the same request each time. Prints median and p95 of each and
the difference, which the service must keep at 10 ms or less.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx

from ingest import pipeline
from ingest.archive import Archive
from ingest.config import settings
from ingest.index import client
from ingest.search import SearchRequest, search

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "fixtures" / "zjgrrb-2020-06-25" / "page01.txt"
QUERIES = REPO / "bench" / "data" / "search_queries.json"
TARGET_MS = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, round(0.95 * len(xs)) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--editions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=5, help="passes over the judged queries")
    args = ap.parse_args()
    run = f"bench-serve-{uuid.uuid4().hex[:8]}"
    s = settings().model_copy(update={"index": run, "ledger_index": f"{run}-ledger"})
    es = client(s)
    archive = Archive(Path(tempfile.mkdtemp(prefix="bench-archive-")))
    queries = [q["query"] for q in json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]]
    proc = None
    try:
        for i in range(args.editions):
            source = pipeline.archive_bytes(SAMPLE.read_bytes(), archive, "file", f"{SAMPLE.as_uri()}#{i}")
            payload = pipeline.dedup_step(pipeline.normalize_step(pipeline.parse_step(
                source.to_dict(), pipeline.make_hints(SAMPLE.name, paper="zjgrrb"), archive)))
            payload["edition"]["date"] = (date(2020, 6, 25) + timedelta(days=i)).isoformat()
            pipeline.index_step(payload, s)
        port = free_port()
        env = os.environ | {"INGEST_INDEX": run, "INGEST_LEDGER_INDEX": f"{run}-ledger"}
        proc = subprocess.Popen([sys.executable, "-m", "ingest", "serve", "--port", str(port)], cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        for _ in range(300):
            try:
                if http.get("/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit("ingest serve did not come up")

        lib_ms: list[float] = []
        http_ms: list[float] = []
        for round_no in range(args.rounds + 1):  # round 0 warms both up (connections, caches) untimed
            for q in queries:
                req = SearchRequest(query=q, limit=10)
                t0 = time.perf_counter()
                lib = search(es, run, req)
                t1 = time.perf_counter()
                resp = http.get("/search", params={"q": q, "size": 10})
                t2 = time.perf_counter()
                assert resp.status_code == 200, resp.text
                assert [h["id"] for h in resp.json()["hits"]] == [h["id"] for h in lib["hits"]], q
                if round_no:
                    lib_ms.append((t1 - t0) * 1000)
                    http_ms.append((t2 - t1) * 1000)
    finally:
        if proc:
            proc.terminate()
            proc.wait(15)
        es.indices.delete(index=f"{run}*", allow_no_indices=True)
    docs = args.editions * 7
    print(f"index: {docs} documents ({args.editions} editions of the sample page), {len(lib_ms)} searches each way")
    print(f"{'':22}{'median':>9}{'p95':>9}  (ms)")
    lm, hm = statistics.median(lib_ms), statistics.median(http_ms)
    print(f"{'library call':22}{lm:9.2f}{p95(lib_ms):9.2f}")
    print(f"{'GET /search':22}{hm:9.2f}{p95(http_ms):9.2f}")
    added = [h - lb for h, lb in zip(http_ms, lib_ms, strict=True)]
    print(f"{'added by the service':22}{hm - lm:9.2f}{p95(http_ms) - p95(lib_ms):9.2f}   "
          f"per-query median {statistics.median(added):.2f}; ratio {hm / lm:.2f}")
    print(f"target: ≤ {TARGET_MS:.0f} ms added — {'met' if hm - lm <= TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()

"""A worker SIGKILLed (main process and pool children) at random moments of a run of batched inputs, again and
again, loses nothing on RabbitMQ: its unacknowledged messages go back to the queue at once, the restarted
worker finishes the run, nothing is written twice, and the ledger has one outcome per input."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from ingest.config import settings
from ingest.pipeline import make_hints
from ingest.queue import chunks, enqueue, files_flow, is_amqp, make_celery
from tests.conftest import SAMPLE_PAGE
from tests.integration.conftest import start_worker, stop_worker

pytestmark = pytest.mark.integration

# Editions of 7 articles each; each kill comes before a share of them is written (below), so the kills fall
# inside the batch however fast the machine is.
INPUTS = 72
ARTICLES_PER_INPUT = 7
KILLS = 3
PER_TASK = 4  # files a task: a kill interrupts a batch, whose redelivery must not write its finished inputs again


def _process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants, from /proc (the pool children and any of theirs)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(c) for c in children)
    return found


def _kill_tree(proc: subprocess.Popen) -> int:
    pids = _process_tree(proc.pid)
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(10)
    return len(pids)


def _searchable(es: Elasticsearch, index: str) -> int:
    if not es.indices.exists(index=index):
        return 0
    es.indices.refresh(index=index)
    return int(es.count(index=index)["count"])


def test_sigkilled_workers_lose_nothing_and_write_nothing_twice(service_env, tmp_path):
    s = settings()
    if not is_amqp(s.broker_url):
        pytest.skip("on the Redis broker a killed worker's messages return after the visibility timeout (README)")
    celery = make_celery(s)
    first_day = date(2019, 1, 1)
    inputs, files = [], []
    for i in range(INPUTS):
        path = tmp_path / f"edition-{i:02d}.txt"
        shutil.copy(SAMPLE_PAGE, path)
        # A different date per input (40 days apart: no near-duplicate candidates between them).
        day = (first_day + timedelta(days=40 * i)).isoformat()
        inputs.append(path)
        files.append({"path": str(path), "hints": make_hints(path.name, paper="zjgrrb", day=day, url=path.as_uri())})
    for batch in chunks(files, PER_TASK):  # as `ingest add` of a folder queues them
        enqueue(files_flow(celery, batch), s.broker_url)

    log = tmp_path / "worker.log"
    es = Elasticsearch(service_env["INGEST_ES_URL"])
    rng = random.Random(os.environ.get("INGEST_CRASH_SEED"))
    expected = INPUTS * ARTICLES_PER_INPUT
    index = service_env["INGEST_INDEX"]
    worker = start_worker(service_env, "crash", log)
    try:
        for k in range(KILLS):
            # A random moment of the batch, but before the share (k + 1) / (KILLS + 1) of it is written.
            cap, deadline = expected * (k + 1) // (KILLS + 1), time.monotonic() + rng.uniform(0.3, 2.0)
            while time.monotonic() < deadline and _searchable(es, index) < cap:
                time.sleep(0.1)
            assert worker.poll() is None, log.read_text(errors="replace")[-2000:]
            assert _kill_tree(worker) >= 3  # the main process and its two pool children
            worker = start_worker(service_env, "crash", log)
        # The kills fell inside the batch: it was not done when the last worker was killed.
        assert _searchable(es, index) < expected
        restarted = time.monotonic()
        while (count := _searchable(es, index)) < expected and time.monotonic() - restarted < 60:
            time.sleep(1)
        assert count == expected, f"{count} of {expected} documents searchable 60 s after the last restart"
    finally:
        stop_worker(worker)

    hits = es.search(index=index, size=1000, version=True, _source=["date"])["hits"]["hits"]
    assert len({h["_id"] for h in hits}) == expected
    assert {h["_source"]["date"] for h in hits} == {(first_day + timedelta(days=40 * i)).isoformat()
                                                    for i in range(INPUTS)}
    rewritten = [h["_id"] for h in hits if h["_version"] != 1]
    assert not rewritten, f"written more than once: {rewritten}"

    ledger = service_env["INGEST_LEDGER_INDEX"]
    es.indices.refresh(index=ledger)
    entries = es.search(index=ledger, size=1000, query={"terms": {"subject": [p.as_uri() for p in inputs]}})
    outcomes = [(h["_source"]["subject"], h["_source"]["step"], h["_source"]["status"]) for h in entries["hits"]["hits"]]
    assert sorted(outcomes) == sorted((p.as_uri(), "index", "ok") for p in inputs)

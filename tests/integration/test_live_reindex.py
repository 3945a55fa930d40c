"""A live reindex on the real services: a real worker ingests a batch (new articles, and new sources of
stored ones) while the reindex copies, and the new index ends with every document once, as the workers
last wrote it; an interrupted reindex resumes; --from-archive parses the archived inputs again."""

from __future__ import annotations

import json
import shutil
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import redis
from elasticsearch import Elasticsearch

from ingest import live_reindex
from ingest.config import settings
from ingest.index import concrete_indices
from ingest.pipeline import make_hints
from ingest.queue import enqueue, file_flow, make_celery
from ingest.reindex_mirror import Board
from ingest.reindex_mirror import status as reindex_status
from tests.conftest import FIXTURES
from tests.integration.conftest import run_cli

pytestmark = pytest.mark.integration

# A real page's article (an inner page with no header: paper, date and page come from the hints), ingested
# under many dates from a file of its own each (one input is one file): each date is another document.
PAGE = FIXTURES / "page_text" / "inner_no_header.txt"


def _day(n: int) -> str:
    return (date(2020, 7, 1) + timedelta(days=n)).isoformat()


def _queue(celery, folder: Path, day: str, name: str = "page"):
    path = folder / f"{name}-{day}.txt"
    shutil.copy(PAGE, path)
    hints = make_hints(path.name, paper="zjgrrb", day=day, page=3, url=path.resolve().as_uri())
    return enqueue(file_flow(celery, str(path.resolve()), hints), settings().broker_url)


def _ids_of(results) -> set[str]:
    return {i for res in results for i in res.get(timeout=600)["ids"]}


def _stored(es: Elasticsearch, alias: str) -> dict[str, dict]:
    es.indices.refresh(index=alias)
    return {h["_id"]: h["_source"] for h in es.search(index=alias, size=1000)["hits"]["hits"]}


@pytest.fixture(scope="module")
def celery(service_env, worker):
    return make_celery(settings())


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("inputs")


@pytest.fixture(scope="module")
def baseline(celery, inputs) -> set[str]:
    return _ids_of([_queue(celery, inputs, _day(n)) for n in range(12)])


def test_a_reindex_while_a_worker_ingests_a_batch_keeps_every_write_once(celery, baseline, inputs, es):
    s = settings()
    r = redis.Redis.from_url(s.redis_url)
    board = Board(r, s.redis_prefix, s.index)
    old = concrete_indices(es, s.index)
    touched_seen: list[int] = []
    shown: list[dict | None] = []

    def slow_progress(done: int, total: int) -> None:
        touched_seen.append(int(r.scard(board.key("touched"))))
        shown.append(reindex_status(board))
        time.sleep(0.7)  # a big index takes long to copy: the batch below lands while it does

    outcome: list[live_reindex.Outcome] = []
    reindexer = threading.Thread(target=lambda: outcome.append(
        live_reindex.run(es, r, s, progress=slow_progress, batch=2, grace_s=2)))
    reindexer.start()
    while board.read() is None:
        time.sleep(0.05)
    # New articles, and the stored ones of two dates from a second file each (each gains a source).
    results = [_queue(celery, inputs, _day(n)) for n in range(12, 24)] + \
        [_queue(celery, inputs, _day(n), name="again") for n in (0, 1)]
    written = _ids_of(results)
    reindexer.join(300)
    assert outcome, "the reindex did not finish"
    assert max(touched_seen) > 0, "no write happened while the reindex copied: the test proved nothing"
    # What `ingest status` shows meanwhile: running, its indices and its progress.
    assert all(x and x["running"] and x["phase"] == "copying" and x["new"] == outcome[0].new for x in shown)
    # The copy counts what the old index held when it began: the baseline, and what the batch wrote by then.
    last = shown[-1]
    assert last["done"] == last["total"] >= 12 and f"{last['total']}/{last['total']} documents copied" in last["summary"]

    assert concrete_indices(es, s.index) == [outcome[0].new] != old
    stored = _stored(es, s.index)
    expected = baseline | written
    assert len(expected) == 24 and set(stored) == expected
    assert es.count(index=s.index)["count"] == 24  # none doubled
    for n, res in zip((0, 1), results[-2:]):
        (doc_id,) = res.get()["ids"]
        assert {x["uri"] for x in stored[doc_id]["sources"]} == {
            (inputs / f"{name}-{_day(n)}.txt").resolve().as_uri() for name in ("page", "again")}
    assert board.read() is None


def test_an_interrupted_reindex_shows_in_status_and_resumes(baseline, es):
    s = settings()
    r = redis.Redis.from_url(s.redis_url)
    before = _stored(es, s.index)

    def crash(done: int, total: int) -> None:
        if done:
            raise RuntimeError("the reindexer died")

    with pytest.raises(RuntimeError):
        live_reindex.run(es, r, s, progress=crash, batch=5)
    report = json.loads(run_cli("status", "--json").stdout)["reindex"]
    assert report["phase"] == "copying" and report["done"] == 5 and report["total"] == len(before)
    assert not report["running"]
    assert "interrupted — run `ingest reindex` to resume it" in run_cli("status").stdout

    # While a reindexer holds the reindex, a second one is refused, naming it.
    lock = r.lock(Board(r, s.redis_prefix, s.index).key("lock"), timeout=30)
    assert lock.acquire(blocking=False)
    try:
        refused = run_cli("reindex")
    finally:
        lock.release()
    assert refused.returncode == 1
    assert f"reindex of {s.index}: another reindex is running ({report['old']} → {report['new']}" in refused.stderr

    resumed = run_cli("reindex")
    assert resumed.returncode == 0, resumed.stderr
    assert "(resumed)" in resumed.stdout and "alias switched" in resumed.stdout
    assert concrete_indices(es, s.index) == [report["new"]]
    assert _stored(es, s.index).keys() == before.keys()
    assert json.loads(run_cli("status", "--json").stdout)["reindex"] is None


def test_a_reindex_from_the_archive_parses_every_input_again(baseline, es):
    s = settings()
    before = _stored(es, s.index)
    victim = min(before)
    es.update(index=s.index, id=victim, doc={"title": "a title no parser gave"}, refresh=True)
    r = run_cli("reindex", "--from-archive", "--delete-old")
    assert r.returncode == 0, r.stderr
    assert "inputs rebuilt from the archive" in r.stdout
    after = _stored(es, s.index)
    assert after.keys() == before.keys()
    assert after[victim]["title"] == before[victim]["title"] == "省内扶贫开发加快“造血”"
    def sources(docs: dict[str, dict]) -> dict[str, set[str]]:
        return {k: {x["uri"] for x in d["sources"]} for k, d in docs.items()}

    assert sources(after) == sources(before)

"""A page list's articles indexed as one batch (ingest.pipeline.index_archived, the `ingest.index_archived`
task): one source per article, the same documents, groups and ledger entries as indexing them one by one,
each source's stale documents retired on its own, a broken article recorded while the rest land; and the
`fetch_articles` task that queues the batch, through a real worker, when the site asks it to come back later.
The founder-gbk fixture site over real HTTP, the real Redis, RabbitMQ and Elasticsearch."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import redis
from elasticsearch import Elasticsearch

from ingest.config import Settings, settings
from ingest.model import Edition
from ingest.papers import Paper
from ingest.sources.epaper.runner import SiteRunner
from tests.integration.conftest import ES_URL, start_worker, stop_worker

pytestmark = pytest.mark.integration

DAY = date(2020, 6, 25)
HTML = "founder-gbk/html/2020-06/25/"
SITE_KEYS = {"family": "founder", "allowed_hosts": ["127.0.0.1"], "allow_private": ["127.0.0.1/32"], "rate": 100,
             "burst": 100, "backoff": 0.05}
VOLATILE = ("ingested_at",)


@pytest.fixture
def prefix(service_env, monkeypatch) -> Iterator[str]:
    p = f"test-batch-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("INGEST_REDIS_PREFIX", p)
    yield p
    state = redis.Redis.from_url(service_env["INGEST_REDIS_URL"])
    for key in state.scan_iter(f"{p}:*"):
        state.delete(key)


@pytest.fixture
def runner(site, prefix) -> Iterator[SiteRunner]:
    paper = Paper(id="zjgrrb", name="浙江工人日报", site={"base_url": site.url("founder-gbk/"), **SITE_KEYS})
    r = SiteRunner(settings(), paper)
    yield r
    r.close()


@pytest.fixture
def index(service_env) -> Iterator[str]:
    name = f"{service_env['INGEST_INDEX']}-{uuid.uuid4().hex[:6]}"
    yield name
    Elasticsearch(ES_URL).indices.delete(index=f"{name}*", allow_no_indices=True, ignore_unavailable=True)


def settings_for(index: str) -> Settings:
    return settings().model_copy(update={"index": index, "ledger_index": f"{index}-ledger"})


def page_items(runner: SiteRunner, site, page_list: str, number: int) -> list[dict[str, Any]]:
    work = runner.page(DAY, site.url(HTML + page_list), number)
    return [runner.article(DAY, a["url"], a["page"], force=True) for a in work.articles]


def stored(index: str) -> dict[str, dict[str, Any]]:
    es = Elasticsearch(ES_URL)
    es.indices.refresh(index=index)
    hits = es.search(index=index, query={"match_all": {}}, size=200)["hits"]["hits"]
    return {h["_id"]: {k: v for k, v in h["_source"].items() if k not in VOLATILE} for h in hits}


def index_entries(index: str) -> dict[str, dict[str, Any]]:
    es = Elasticsearch(ES_URL)
    es.indices.refresh(index=f"{index}-ledger")
    hits = es.search(index=f"{index}-ledger", query={"term": {"step": "index"}}, size=200)["hits"]["hits"]
    return {h["_source"]["subject"]: h["_source"] for h in hits}


def edition_payload(uri: str, digest: str, titles: list[str]) -> dict[str, Any]:
    """A parsed input of one source (kind site) holding an article per title."""
    articles = [{"page": 1, "title": t, "body": f"{t}。这是一篇关于{t}的报道，记者在现场采访了多位职工代表。"}
                for t in titles]
    edition = {"paper": "zjgrrb", "paper_name": "浙江工人日报", "date": "2020-06-25", "issue_number": None,
               "pages": [], "articles": articles, "masthead": {}, "warnings": []}
    return {"source": {"kind": "site", "uri": uri, "archive_hash": digest}, "hints": {"name": uri},
            "edition": Edition.from_dict(edition)}


def test_a_page_lists_articles_batched_are_stored_as_one_by_one_stores_them(runner, site, index):
    from ingest.pipeline import index_archived, index_step, parse_step

    items = page_items(runner, site, "node_2.htm", 1)
    assert len(items) == 6
    out = index_archived(items, settings_for(index + "-batch"), runner.archive)
    assert out["failed"] == [] and [len(x["ids"]) for x in out["indexed"]] == [1] * 6
    for item in items:
        index_step(item | parse_step(item["source"], item["hints"], runner.archive), settings_for(index + "-single"))
    batch, single = stored(index + "-batch"), stored(index + "-single")
    assert len(batch) == 6 and batch == single  # ids, text, sources, groups: the same documents
    entries = index_entries(index + "-batch")
    assert set(entries) == {i["source"]["uri"] for i in items}
    for item in items:
        entry = entries[item["source"]["uri"]]
        assert entry["archive_hash"] == item["source"]["archive_hash"] and entry["counts"]["created"] == 1


def test_a_broken_article_of_a_batch_is_recorded_failed_and_the_rest_of_its_page_lands(runner, site, index):
    from ingest import ledger
    from ingest.pipeline import index_archived

    broken = HTML + "content_2713180.htm"
    site.serve(broken, b"\x00\x01 broken \xff" * 300)
    items = page_items(runner, site, "node_2.htm", 1)
    s = settings_for(index)
    out = index_archived(items, s, runner.archive)
    [failed] = out["failed"]
    assert failed["subject"] == site.url(broken) and "binary" in failed["error"]
    assert len(out["indexed"]) == 5 and len(stored(index)) == 5
    [entry] = ledger.entries(Elasticsearch(ES_URL), s.ledger_index, status="failed", limit=10)
    assert entry["subject"] == site.url(broken) and entry["step"] == "parse"
    # Replayable on its own, from its archived bytes.
    assert entry["replay"]["source"]["uri"] == site.url(broken)
    assert b"broken" in runner.archive.get(entry["replay"]["source"]["archive_hash"])


def test_each_source_of_a_batch_retires_only_what_its_own_new_parse_no_longer_has(index):
    from ingest.pipeline import index_parsed

    s = settings_for(index)
    first = index_parsed([edition_payload("http://p/a.htm", "a" * 64, ["职工疗休养", "工会送清凉"]),
                          edition_payload("http://p/b.htm", "b" * 64, ["劳模工匠宣讲", "技能比武"])], s)
    assert [x["counts"]["created"] for x in first] == [2, 2]
    again = index_parsed([edition_payload("http://p/a.htm", "c" * 64, ["职工疗休养"]),
                          edition_payload("http://p/b.htm", "d" * 64, ["劳模工匠宣讲", "夏季高温津贴"])], s)
    assert [(x["counts"]["removed"], x["counts"]["created"]) for x in again] == [(1, 0), (1, 1)]
    titles = sorted(d["title"] for d in stored(index).values())
    assert titles == ["劳模工匠宣讲", "夏季高温津贴", "职工疗休养"]
    entries = index_entries(index)
    assert entries["http://p/a.htm"]["counts"]["removed"] == 1 and entries["http://p/a.htm"]["archive_hash"] == "c" * 64
    # Each entry holds its own source's counts (linking is the batch's, so not in them).
    assert entries["http://p/b.htm"]["counts"] == {k: v for k, v in again[1]["counts"].items() if k != "linked"}


def test_one_article_linked_twice_in_a_batch_is_one_document_listing_both_urls(index):
    from ingest.pipeline import index_parsed

    out = index_parsed([edition_payload("http://p/a.htm", "a" * 64, ["职工疗休养"]),
                        edition_payload("http://p/a-copy.htm", "a" * 64, ["职工疗休养"])], settings_for(index))
    assert out[0]["ids"] == out[1]["ids"]
    [doc] = stored(index).values()
    assert [x["uri"] for x in doc["sources"]] == ["http://p/a.htm", "http://p/a-copy.htm"]


# ---------------------------------------------------------------- through a worker


PAPER_TOML = """
id = "zjgrrb"
name = "浙江工人日报"
timezone = "Asia/Shanghai"

[site]
family = "founder"
base_url = "{base}"
allowed_hosts = ["127.0.0.1"]
allow_private = ["127.0.0.1/32"]
rate = 100
burst = 100
backoff = 0.05
max_retry_after = 1
"""


@pytest.fixture(scope="module")
def batch_worker(service_env, fixture_site, tmp_path_factory) -> Iterator[dict[str, str]]:
    papers = tmp_path_factory.mktemp("papers")
    (papers / "zjgrrb.toml").write_text(PAPER_TOML.format(base=fixture_site.url("founder-gbk/")), encoding="utf-8")
    run = uuid.uuid4().hex[:8]
    env = service_env | {"INGEST_PAPERS_DIR": str(papers), "INGEST_REDIS_PREFIX": f"test-batch-worker-{run}",
                         "INGEST_INDEX": f"{service_env['INGEST_INDEX']}-worker",
                         "INGEST_LEDGER_INDEX": f"{service_env['INGEST_LEDGER_INDEX']}-worker"}
    proc = start_worker(env, "batch", tmp_path_factory.mktemp("logs") / "worker.log")
    yield env
    stop_worker(proc)
    Elasticsearch(ES_URL).indices.delete(index=env["INGEST_LEDGER_INDEX"], ignore_unavailable=True)


def test_a_site_asking_to_come_back_later_gets_the_rest_of_the_page_later_and_nothing_twice(batch_worker, site):
    from celery import signature

    from ingest.queue import enqueue, make_celery

    s = Settings.from_env(batch_worker)
    articles = [{"url": site.url(HTML + f"content_{n}.htm"), "page": 1} for n in (2713180, 2713181, 2713182)]
    # The second article answers 503 with a Retry-After beyond the paper's patience: the task queues the
    # first one's batch and retries the other two after the pause the site asked for.
    site.throttle(HTML + "content_2713181.htm", times=1, retry_after=2, status=503)
    celery = make_celery(s)
    enqueue(signature("ingest.site.fetch_articles", args=("zjgrrb", DAY.isoformat(), articles), app=celery),
            s.broker_url)
    es = Elasticsearch(ES_URL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if es.indices.exists(index=s.index):
            es.indices.refresh(index=s.index)
            if es.count(index=s.index)["count"] == 3:
                break
        time.sleep(0.5)
    hits = es.search(index=s.index, query={"match_all": {}}, size=10)["hits"]["hits"]
    assert sorted(h["_source"]["sources"][0]["uri"] for h in hits) == [a["url"] for a in articles]
    assert len(site.hits(HTML + "content_2713180.htm")) == 1  # fetched before the pause, not again
    throttled = site.hits(HTML + "content_2713181.htm")
    assert len(throttled) == 2 and throttled[1].at - throttled[0].at >= 1.9
    assert len(site.hits(HTML + "content_2713182.htm")) == 1  # not fetched until the pause was over
    assert site.hits(HTML + "content_2713182.htm")[0].at >= throttled[1].at

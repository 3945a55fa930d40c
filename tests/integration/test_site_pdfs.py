"""Page PDFs through the site runner: fetched politely under their own cap, archived, recorded in the
ledger, and handed to the pipeline only for a page without article links. Real HTTP (the fixture site),
the real Redis and Elasticsearch (the ledger)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import redis
from elasticsearch import Elasticsearch

from ingest.config import settings
from ingest.papers import Paper
from ingest.parse import ParseHints, parse_bytes
from ingest.sources.epaper.runner import SiteRunner

pytestmark = pytest.mark.integration

DAY = date(2020, 6, 25)
HTML = "founder-gbk/html/2020-06/25/"
PDFS = "founder-gbk/images/2020-06/25/"


@pytest.fixture
def make_runner(service_env, site, monkeypatch) -> Iterator:
    prefix = f"test-pdf-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("INGEST_REDIS_PREFIX", prefix)
    runners: list[SiteRunner] = []

    def make(**site_keys) -> SiteRunner:
        paper = Paper(id="zjgrrb", name="浙江工人日报", site={
            "family": "founder", "base_url": site.url("founder-gbk/"), "allowed_hosts": ["127.0.0.1"],
            "allow_private": ["127.0.0.1/32"], "rate": 100, "burst": 100, "backoff": 0.05, **site_keys})
        runners.append(SiteRunner(settings(), paper))
        return runners[-1]

    yield make
    for r in runners:
        r.close()
    state = redis.Redis.from_url(service_env["INGEST_REDIS_URL"])
    for key in state.scan_iter(f"{prefix}:*"):
        state.delete(key)


def fetch_entry(service_env, url: str) -> dict:
    es = Elasticsearch(service_env["INGEST_ES_URL"])
    es.indices.refresh(index=service_env["INGEST_LEDGER_INDEX"])
    hits = es.search(index=service_env["INGEST_LEDGER_INDEX"],
                     query={"bool": {"filter": [{"term": {"step": "fetch"}}, {"term": {"subject": f"GET {url}"}}]}})
    [hit] = hits["hits"]["hits"]
    return hit["_source"]


def test_a_page_with_articles_has_its_pdf_archived_and_recorded_but_not_parsed(make_runner, site, service_env):
    r = make_runner()
    work = r.page(DAY, site.url(HTML + "node_2.htm"), 1)
    assert len(work.articles) == 6
    assert work.pdf == {"url": site.url(PDFS + "z2020062500001.pdf"), "page": 1, "parse": False}
    assert r.pdf(DAY, work.pdf["url"], 1, work.pdf["parse"]) is None
    entry = fetch_entry(service_env, work.pdf["url"])
    assert entry["status"] == "ok" and "PDF of page 1" in entry["detail"]
    assert r.archive.get(entry["archive_hash"]) == (site.root / PDFS / "z2020062500001.pdf").read_bytes()
    assert site.hits(PDFS + "z2020062500001.pdf")[0].headers["User-Agent"] == r.fetcher.policy.user_agent


def test_a_pdf_only_page_hands_its_pdf_to_the_pipeline(make_runner, site):
    r = make_runner()
    work = r.page(DAY, site.url(HTML + "node_10.htm"), 9)
    assert work.articles == [] and work.pdf == {"url": site.url(PDFS + "z2020062500009.pdf"), "page": 9,
                                                 "parse": True}
    payload = r.pdf(DAY, work.pdf["url"], 9, True)
    assert payload["hints"] == {"name": work.pdf["url"], "paper": "zjgrrb", "date": "2020-06-25", "page": 9,
                                "url": work.pdf["url"]}
    edition = parse_bytes(r.archive.get(payload["source"]["archive_hash"]),
                          ParseHints(name=payload["hints"]["name"], page=9))
    assert [(a.page, a.title) for a in edition.articles] == [(9, "劳模创新工作室联盟成立"), (9, "夏季高温津贴发放提醒")]
    # The edition is complete only once the PDF-only page is indexed: it is expected like an article.
    assert r.expected(DAY)[1] == [work.pdf["url"]]


def test_pdfs_are_left_alone_when_the_paper_turns_them_off(make_runner, site):
    work = make_runner(fetch_pdfs=False).page(DAY, site.url(HTML + "node_2.htm"), 1)
    assert len(work.articles) == 6 and work.pdf is None
    assert not any(h.path.endswith(".pdf") for h in site.requests)


def test_a_pdf_has_its_own_larger_cap(make_runner, site, service_env):
    pdf = site.url(PDFS + "z2020062500001.pdf")  # 90 KB, while a page list is under 5 KB
    assert make_runner(max_bytes=20_000).pdf(DAY, pdf, 1, False) is None
    assert fetch_entry(service_env, pdf)["status"] == "ok"
    larger = site.url(PDFS + "z2020062500002.pdf")  # 53 KB
    r = make_runner(max_bytes=20_000, max_pdf_bytes=50_000)
    assert r.pdf(DAY, larger, 2, False) is None
    entry = fetch_entry(service_env, larger)
    assert entry["status"] == "refused" and "50000 bytes" in entry["detail"]
    assert r.redis.hget(f"{r._key(DAY)}:pdfs", larger) == b"refused"


def test_once_a_pdf_only_page_is_indexed_the_edition_is_complete_and_its_pdf_not_fetched_again(make_runner, site):
    from ingest.pipeline import index_step, parse_step

    r = make_runner()
    page_list = site.url(HTML + "node_10.htm")
    work = r.page(DAY, page_list, 9)
    assert not r.complete(DAY)  # the PDF is still to fetch
    payload = r.pdf(DAY, work.pdf["url"], 9, True)
    assert not r.complete(DAY)  # fetched, not yet indexed
    assert r.page(DAY, page_list, 9).pdf == work.pdf  # an unchanged page list still owes its PDF's articles
    parsed = parse_step(payload["source"], payload["hints"], r.archive)
    index_step(parsed, settings())
    r.es.indices.refresh(index=r.s.ledger_index)  # what the second or so before the next discovery does
    assert r.complete(DAY)
    pdf_requests = len(site.hits(PDFS + "z2020062500009.pdf"))
    again = r.page(DAY, page_list, 9)  # the page list answers 304 now
    assert again.articles == [] and again.pdf is None
    assert len(site.hits(PDFS + "z2020062500009.pdf")) == pdf_requests

"""Discovery and fetching of whole editions from the fixture sites, over real HTTP and the real Redis."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import redis

from ingest.archive import Archive
from ingest.papers import Paper
from ingest.sources.epaper.crawl import archiving_get, fetch_edition
from ingest.sources.epaper.discover import Site, edition_of, newest_edition
from ingest.sources.fetch import FetchPolicy, Fetcher
from tests.fixture_site import SITES, FixtureSite

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("INGEST_TEST_REDIS", "redis://127.0.0.1:6379") + "/8"
EDITION = json.loads((SITES / "zjgrrb-2020-06-25.json").read_text(encoding="utf-8"))
SHANGHAI_MORNING = datetime(2020, 6, 27, 0, 30, tzinfo=timezone.utc)  # 08:30 on the 27th in Shanghai


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(REDIS_URL)
    prefix = f"test-site-{uuid.uuid4().hex[:8]}"
    c.test_prefix = prefix  # type: ignore[attr-defined]
    yield c
    for key in c.scan_iter(f"{prefix}:*"):
        c.delete(key)
    c.close()


def paper(site: FixtureSite, root: str, family: str, **extra) -> Paper:
    return Paper(id="zjgrrb", name="浙江工人日报", site={
        "family": family, "base_url": site.url(root), "allowed_hosts": ["127.0.0.1"],
        "allow_private": ["127.0.0.1/32"], "rate": 100, "burst": 100, "backoff": 0.05, **extra})


def getter(client, p: Paper, archive: Archive):
    fetcher = Fetcher(FetchPolicy.for_paper(p.site), client, prefix=client.test_prefix)
    return archiving_get(fetcher, archive)


def test_newest_edition_falls_back_day_by_day_past_404s(site, client, tmp_path):
    p = paper(site, "founder-gbk/", "founder", use_index=False)
    found = newest_edition(Site.of(p), getter(client, p, Archive(tmp_path)), SHANGHAI_MORNING)
    assert found.date == date(2020, 6, 25)
    assert [u for u, _ in found.tried] == [site.url("founder-gbk/html/2020-06/27/node_2.htm"),
                                           site.url("founder-gbk/html/2020-06/26/node_2.htm")]
    assert [p.number for p in found.pages] == [1, 2, 3, 4, 5, 6, 8, 9]


def test_today_is_the_papers_today(site, client, tmp_path):
    # 17:00 UTC on the 24th is already the 25th in Shanghai: no fallback needed.
    p = paper(site, "founder-gbk/", "founder", use_index=False)
    found = newest_edition(Site.of(p), getter(client, p, Archive(tmp_path)),
                           datetime(2020, 6, 24, 17, 0, tzinfo=timezone.utc))
    assert found.date == date(2020, 6, 25) and found.tried == []
    assert site.requests[-1].path == "/founder-gbk/html/2020-06/25/node_2.htm"


def test_the_index_page_leads_to_the_current_edition(site, client, tmp_path):
    p = paper(site, "founder-gbk/", "founder")
    found = newest_edition(Site.of(p), getter(client, p, Archive(tmp_path)), SHANGHAI_MORNING)
    assert found.date == date(2020, 6, 25)
    assert site.hits("founder-gbk/index.htm")


def test_an_http_redirect_to_the_current_edition_is_followed(site, client, tmp_path):
    site.redirect("pclayout-utf8/pc/layout/index.html", "/pclayout-utf8/pc/layout/202006/25/node_01.html")
    p = paper(site, "pclayout-utf8/", "pclayout")
    found = newest_edition(Site.of(p), getter(client, p, Archive(tmp_path)), SHANGHAI_MORNING)
    assert found.date == date(2020, 6, 25)
    assert found.url == site.url("pclayout-utf8/pc/layout/202006/25/node_01.html")


def test_no_edition_within_the_lookback_is_none(site, client, tmp_path):
    p = paper(site, "founder-gbk/", "founder", use_index=False, lookback_days=3)
    assert newest_edition(Site.of(p), getter(client, p, Archive(tmp_path)),
                          datetime(2020, 7, 10, tzinfo=timezone.utc)) is None
    assert len(site.requests) == 1 + 4  # robots.txt, then today and three days back


# The Founder site has one page more: page 09, published as a PDF only (a page list without articles).
@pytest.mark.parametrize("root, family, pages", [("founder-gbk/", "founder", 8), ("pclayout-utf8/", "pclayout", 7)],
                         ids=["founder-gbk", "pclayout-utf8"])
def test_a_whole_edition_lands_with_the_sample_pages_articles(site, client, tmp_path, root, family, pages):
    p = paper(site, root, family)
    archive = Archive(tmp_path)
    s = Site.of(p)
    get = getter(client, p, archive)
    fetched = fetch_edition(s, get, edition_of(s, get, date(2020, 6, 25)))
    assert fetched.by_status("ok") == fetched.outcomes
    assert len(fetched.listings) == pages and len(fetched.editions) == 12
    page_one = [e.articles[0] for e in fetched.editions if e.articles[0].page == 1]
    expected = EDITION["pages"][0]["articles"]
    assert [a.title for a in page_one] == [a["title"] for a in expected]
    for got, want in zip(page_one, expected):
        if want["paragraphs"]:
            assert got.body == "\n".join(want["paragraphs"])
    assert all(e.paper == "zjgrrb" and e.date == date(2020, 6, 25) for e in fetched.editions)
    for o in fetched.outcomes:  # every fetched byte is in the archive
        assert archive.get(o.fetched.sha256) == (o.fetched.content or b"")


def test_missing_and_broken_pages_do_not_stop_the_edition(site, client, tmp_path):
    site.hold("founder-gbk/html/2020-06/25/node_5.htm")  # page 04 not up yet
    site.serve("founder-gbk/html/2020-06/25/content_2713190.htm", b"\x00\x01\x02 not html \xff" * 200)
    site.throttle("founder-gbk/html/2020-06/25/content_2713182.htm", times=1, retry_after=0)
    p = paper(site, "founder-gbk/", "founder")
    s = Site.of(p)
    get = getter(client, p, Archive(tmp_path))
    fetched = fetch_edition(s, get, edition_of(s, get, date(2020, 6, 25)))
    [missing] = fetched.by_status("missing")
    assert (missing.kind, missing.page) == ("page_list", 4)
    [failed] = fetched.by_status("failed")
    assert failed.url.endswith("content_2713190.htm") and "binary" in failed.detail
    titles = {e.articles[0].title for e in fetched.editions}
    assert "一条朋友圈信息 圆了困难学子上学梦" in titles  # after one 429
    assert len(fetched.editions) == 10  # 12, less page 04's article and the broken one


def test_rmrb_edition_with_pages_not_on_the_site(site, client, tmp_path):
    p = Paper(id="rmrb", name="人民日报", site={
        "family": "rmrb", "base_url": site.url("rmrb/"), "allowed_hosts": ["127.0.0.1"],
        "allow_private": ["127.0.0.1/32"], "rate": 100, "burst": 100})
    s = Site.of(p)
    get = getter(client, p, Archive(tmp_path))
    found = edition_of(s, get, date(2017, 10, 16))
    fetched = fetch_edition(s, get, found)
    assert len(fetched.by_status("missing")) == 23  # the real directory lists 24 pages; one is served
    assert [e.articles[0].title for e in fetched.editions] == [
        "《习近平关于社会主义文化建设论述摘编》出版发行", "中共中央召开党外人士座谈会", "党的十九大代表陆续抵京",
        "砥砺奋进 铸就辉煌", "党的十八大以来大事记"]
    assert fetched.editions[1].articles[0].subtitle == "征求对中共十九大报告的意见"


def test_a_newslist_edition_is_found_from_its_sectioned_first_page_and_fetched_page_by_page(site, client, tmp_path):
    # The real saved page A01 of 辽沈晚报 (tests/fixtures/real_pages/lswb/), served where its site keeps it; its
    # other pages and articles are not saved anywhere, so they answer 404 here and must end as "missing".
    real = Path(__file__).resolve().parents[1] / "fixtures" / "real_pages" / "lswb" / "node_A01.html"
    site.serve("lswb/pc/layout/202408/19/node_A01.html", real.read_bytes(),
               headers={"Content-Type": "text/html; charset=utf-8"})
    p = paper(site, "lswb/", "newslist", use_index=False)
    s = Site.of(p)
    get = getter(client, p, Archive(tmp_path))
    found = edition_of(s, get, date(2024, 8, 19))
    assert found.url == site.url("lswb/pc/layout/202408/19/node_A01.html")
    assert [(r.label, r.name) for r in found.pages] == [
        ("A01", "头版"), ("A02", "要闻"), ("A03", "城事"), ("A04", "专题"), ("A06", "县区"), ("A07", "县区"), ("A08", "社会")]
    assert found.pages[1].url == site.url("lswb/pc/layout/202408/19/node_A02.html")
    assert found.pages[1].pdf_url == site.url("lswb/pc/att/202408/19/b025a1f4-3be4-46a3-9913-57bb2b79e853.pdf")
    fetched = fetch_edition(s, get, found)
    assert [o.url for o in fetched.by_status("ok")] == [found.url]
    missing = fetched.by_status("missing")
    assert {o.url for o in missing if o.kind == "page_list"} == {r.url for r in found.pages[1:]}
    assert {o.url for o in missing if o.kind == "article"} == {
        site.url(f"lswb/pc/con/202408/19/content_{n}.html") for n in range(250414, 250421)}

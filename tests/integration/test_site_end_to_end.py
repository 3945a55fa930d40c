"""Beat → discovery → fetch → parse → index → search, on the fixture site, with a real beat, a real worker,
real Redis and Elasticsearch. The fixture edition is served under today's date (in the paper's time
zone), as a paper publishes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from elasticsearch import Elasticsearch

from tests.conftest import REPO
from tests.fixture_site import FixtureSite
from tests.integration.conftest import queue_name, run_cli, start_worker, stop_worker

pytestmark = pytest.mark.integration

# What lands at first: 12 HTML articles less the broken one and the one of the late page 04, and the two
# stories of page 09, a page published as a PDF only.
LANDED = 12
PDF_ONLY = "founder-gbk/images/2020-06/25/z2020062500009.pdf"

PAPER_TOML = """
id = "zjgrrb"
name = "浙江工人日报"
timezone = "Asia/Shanghai"
schedule = "* * * * *"

[site]
family = "founder"
base_url = "{base}"
allowed_hosts = ["127.0.0.1"]
allow_private = ["127.0.0.1/32"]
rate = 50
burst = 20
backoff = 0.1
lookback_days = 2
user_agent = "ingest-test/1.0"
"""


def wait_for(what, check, timeout=180.0, every=1.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(every)


def days():
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return (today, today - timedelta(days=1))


def on_every_day(action, name: str) -> None:
    for day in days():
        action(f"founder-gbk/html/{day:%Y-%m}/{day:%d}/{name}")


@pytest.fixture(scope="module")
def site():
    with FixtureSite() as s:
        for day in days():
            s.alias(f"founder-gbk/html/{day:%Y-%m}/{day:%d}", "founder-gbk/html/2020-06/25")
        yield s


@pytest.fixture(scope="module")
def env(service_env, site, tmp_path_factory):
    papers = tmp_path_factory.mktemp("papers")
    (papers / "zjgrrb.toml").write_text(PAPER_TOML.format(base=site.url("founder-gbk/")), encoding="utf-8")
    # Own broker, results and state databases, index and ledger: no other test's worker takes these tasks.
    run = uuid.uuid4().hex[:8]
    # Own queue, index, ledger and Redis key prefix: no other test's worker takes these tasks.
    e = service_env | {
        "INGEST_PAPERS_DIR": str(papers),
        "INGEST_QUEUE": queue_name("site", run),
        "INGEST_REDIS_PREFIX": f"test-site-{run}",
        "INGEST_INDEX": service_env["INGEST_INDEX"] + "-site",
        "INGEST_LEDGER_INDEX": service_env["INGEST_LEDGER_INDEX"] + "-site",
    }
    yield e
    Elasticsearch(e["INGEST_ES_URL"]).indices.delete(index=e["INGEST_LEDGER_INDEX"], ignore_unavailable=True)
    state = redis.Redis.from_url(e["INGEST_REDIS_URL"])
    for key in state.scan_iter(f"test-site-{run}:*"):
        state.delete(key)


@pytest.fixture(scope="module")
def running(env, site, tmp_path_factory):
    # Page 04 is published late; one article of page 02 is broken.
    on_every_day(site.hold, "node_5.htm")
    on_every_day(lambda path: site.serve(path, b"\x00\x01 broken \xff" * 300), "content_2713190.htm")
    logs = tmp_path_factory.mktemp("site-logs")
    worker = start_worker(env, "site", logs / "worker.log")
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tasks.app", "beat", "--loglevel", "INFO",
         "--schedule", str(logs / "beat-schedule")],
        cwd=REPO, env=os.environ | env, stdout=(logs / "beat.log").open("wb"), stderr=subprocess.STDOUT)
    yield {"worker": worker, "beat": beat, "logs": logs}
    beat.terminate()
    try:
        beat.wait(30)
    except subprocess.TimeoutExpired:
        beat.kill()
    stop_worker(worker)


def count(env, **terms) -> int:
    es = Elasticsearch(env["INGEST_ES_URL"])
    try:
        es.indices.refresh(index=env["INGEST_INDEX"])
    except Exception:  # noqa: BLE001 — not created yet
        return 0
    query = {"bool": {"filter": [{"term": {k: v}} for k, v in terms.items()]}}
    return es.count(index=env["INGEST_INDEX"], query=query)["count"]


def ledger(env, **terms) -> list[dict]:
    es = Elasticsearch(env["INGEST_ES_URL"])
    if not es.indices.exists(index=env["INGEST_LEDGER_INDEX"]):
        return []
    es.indices.refresh(index=env["INGEST_LEDGER_INDEX"])
    query = {"bool": {"filter": [{"term": {k: v}} for k, v in terms.items()]}}
    return [h["_source"] for h in es.search(index=env["INGEST_LEDGER_INDEX"], query=query, size=500)["hits"]["hits"]]


def search(env, query: str) -> dict:
    r = run_cli("search", query, "--json", "--paper", "zjgrrb", env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_beat_discovers_todays_edition_and_its_articles_become_searchable(env, site, running):
    wait_for(f"{LANDED} articles indexed", lambda: count(env, paper="zjgrrb") >= LANDED, timeout=240)
    hits = search(env, "疗休养")["hits"]
    assert hits and hits[0]["title"] == "小康路上“工”字闪亮"
    assert hits[0]["date"] in [d.isoformat() for d in days()]
    assert search(env, "一条朋友圈信息")["total"] >= 1
    assert all(r.headers.get("User-Agent") == "ingest-test/1.0" for r in site.requests)


def test_every_fetch_is_in_the_ledger_with_its_status(env, running):
    wait_for("the missing page in the ledger", lambda: ledger(env, step="fetch", status="missing"))
    fetches = ledger(env, step="fetch")
    [first] = [f for f in fetches if f["subject"].endswith("node_2.htm")]
    assert first["status"] == "ok" and first["subject"].startswith("GET http://127.0.0.1:")
    from ingest.archive import Archive

    assert b"node_3.htm" in Archive(Path(env["INGEST_ARCHIVE_DIR"])).get(first["archive_hash"])
    [missing] = [f for f in fetches if f["status"] == "missing"]
    assert missing["subject"].endswith("node_5.htm")


def test_a_broken_article_is_recorded_with_its_archived_bytes_and_the_rest_lands(env, running):
    failed = wait_for("the broken article in the ledger", lambda: ledger(env, status="failed"))
    [entry] = [f for f in failed if f["subject"].endswith("content_2713190.htm")]
    assert entry["archive_hash"] and "binary" in entry["detail"]
    from ingest.archive import Archive

    assert b"broken" in Archive(Path(env["INGEST_ARCHIVE_DIR"])).get(entry["archive_hash"])
    r = run_cli("failures", "--json", env=env)
    assert r.returncode == 0 and "content_2713190" in r.stdout


def test_a_late_page_is_picked_up_by_the_next_discovery_and_nothing_else_is_fetched_again(env, site, running):
    wait_for(f"{LANDED} articles indexed", lambda: count(env, paper="zjgrrb") >= LANDED, timeout=240)
    articles_before = len([r for r in site.requests if "content_" in r.path])
    on_every_day(site.release, "node_5.htm")
    r = run_cli("discover", "zjgrrb", "--wait", env=env)
    assert r.returncode == 0, r.stderr
    wait_for("page 04's article", lambda: count(env, paper="zjgrrb") >= LANDED + 1, timeout=120)
    assert search(env, "机关干部要把一周的体验")["total"] == 1
    time.sleep(3)  # let the other pages' tasks finish
    fetched_again = [r.path for r in site.requests if "content_" in r.path][articles_before:]
    # Only page 04's article, and the broken one (never indexed), are fetched again; beat may have run too.
    assert fetched_again
    assert {p.rsplit("/", 1)[-1] for p in fetched_again} <= {"content_2713200.htm", "content_2713190.htm"}


def test_papers_lists_the_last_edition(env, running):
    wait_for(f"{LANDED} articles indexed", lambda: count(env, paper="zjgrrb") >= LANDED, timeout=240)
    r = run_cli("papers", "--json", env=env)
    assert r.returncode == 0, r.stderr
    [paper] = [p for p in json.loads(r.stdout) if p["id"] == "zjgrrb"]
    assert paper["site"]["family"] == "founder"
    assert paper["last_edition"]["articles"] >= 10


def test_reingest_reuses_the_archive_and_refetch_asks_the_site_again(env, site, running):
    wait_for(f"{LANDED} articles indexed", lambda: count(env, paper="zjgrrb") >= LANDED, timeout=240)
    day = days()[0].isoformat()
    before = len(site.requests)
    r = run_cli("reingest", "zjgrrb", "--from", day, "--to", day, env=env)
    assert r.returncode == 0, r.stderr
    assert "1 editions" in r.stdout and "articles queued" in r.stdout
    reused = [q.path for q in site.requests[before:] if "content_" in q.path]
    assert reused == [p for p in reused if p.endswith("content_2713190.htm")]  # only what was never archived whole
    before = len(site.requests)
    r = run_cli("reingest", "zjgrrb", "--from", day, "--to", day, "--refetch", env=env)
    assert r.returncode == 0, r.stderr
    refetched = [q for q in site.requests[before:] if "content_" in q.path]
    assert len(refetched) >= 11 and all("If-None-Match" not in q.headers for q in refetched)


def test_reingest_refuses_a_backwards_range(env, running):
    r = run_cli("reingest", "zjgrrb", "--from", "2020-06-26", "--to", "2020-06-25", env=env)
    assert r.returncode == 1 and "after --to" in r.stderr


def pdf_fetches(env) -> list[dict]:
    return [f for f in ledger(env, step="fetch") if f["subject"].endswith(".pdf")]


def test_every_fetched_pages_pdf_is_archived_and_recorded(env, site, running):
    # Seven pages are up at first (page 04 is late); each one's PDF is fetched once its page list is.
    fetches = wait_for("seven PDFs in the ledger", lambda: len(pdf_fetches(env)) >= 7 and pdf_fetches(env))
    from ingest.archive import Archive

    archive = Archive(Path(env["INGEST_ARCHIVE_DIR"]))
    numbers = set()
    for f in fetches:
        assert f["status"] == "ok" and "PDF of page" in f["detail"], f
        name = f["subject"].rsplit("/", 1)[-1]
        served = (site.root / "founder-gbk/images/2020-06/25" / name).read_bytes()
        assert archive.get(f["archive_hash"]) == served and served.startswith(b"%PDF-")
        numbers.add(int(name[-6:-4]))
    # Page 04's PDF too once the late page is up (that test may have run first).
    assert {1, 2, 3, 5, 6, 8, 9} <= numbers <= {1, 2, 3, 4, 5, 6, 8, 9}


def test_a_pdf_only_pages_articles_become_searchable_and_no_other_pdf_is_parsed(env, running):
    wait_for(f"{LANDED} articles indexed", lambda: count(env, paper="zjgrrb") >= LANDED, timeout=240)
    hits = search(env, "创新工作室联盟")["hits"]
    assert hits and hits[0]["title"] == "劳模创新工作室联盟成立" and hits[0]["page"] == 9
    [heat] = [h for h in search(env, "高温津贴")["hits"] if h["title"] == "夏季高温津贴发放提醒"]
    assert heat["page"] == 9
    # Pages with article links keep their HTML articles: their PDFs are archived, never parsed.
    parsed = [e["subject"] for e in ledger(env, step="index") if e["subject"].endswith(".pdf")]
    assert [u.split("/", 3)[-1] for u in parsed] == [PDF_ONLY]

"""Deduplication on the real Elasticsearch: near-duplicate groups, collapsed search, versions, and two worker
processes indexing at the same moment. The index step is the one the Celery task runs (ingest.pipeline)."""

from __future__ import annotations

import json
import multiprocessing
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import opencc
import pytest
from elasticsearch import Elasticsearch

from tests.conftest import FIXTURES
from tests.integration.conftest import ES_URL, run_cli

pytestmark = pytest.mark.integration

TEXTS = FIXTURES / "neardup"
CAPTION = "爱心敬老 迎端午\n昨日，慈溪市钱海军志愿服务中心的志愿者来到慈溪市白"


def article(name: str, **changes: Any) -> dict[str, Any]:
    """An article dict (the payload form) from a fixture: heading lines, then the body paragraphs."""
    from ingest.model import Article

    lines = [ln for ln in (TEXTS / f"{name}.txt").read_text(encoding="utf-8").split("\n") if ln]
    heads = [ln for ln in lines if len(ln) < 40 and "。" not in ln]
    body = [ln for ln in lines if ln not in heads]
    a = Article(page=1, title=heads[0], subtitle=" ".join(heads[1:]), body="\n".join(body)).to_dict()
    return a | changes


def payload(paper: str, day: str, articles: list[dict[str, Any]], kind: str, uri: str, archive_hash: str) \
        -> dict[str, Any]:
    edition = {"paper": paper, "paper_name": paper, "date": day, "issue_number": None, "pages": [],
               "articles": articles, "masthead": {}, "warnings": []}
    return {"source": {"kind": kind, "uri": uri, "archive_hash": archive_hash},
            "hints": {"name": uri}, "edition": edition}


def settings_for(index: str) -> Any:
    from ingest.config import Settings

    return Settings.from_env({"INGEST_ES_URL": ES_URL, "INGEST_INDEX": index, "INGEST_LEDGER_INDEX": f"{index}-ledger"})


def run_index_step(index: str, p: dict[str, Any]) -> dict[str, Any]:
    from ingest.pipeline import index_step

    return index_step(p, settings_for(index))


@pytest.fixture
def index(service_env) -> Iterator[str]:
    name = f"test-neardup-{uuid.uuid4().hex[:8]}"
    yield name
    Elasticsearch(ES_URL).indices.delete(index=f"{name}-*", allow_no_indices=True, ignore_unavailable=True)


def docs(index: str, **term: str) -> dict[str, dict[str, Any]]:
    es = Elasticsearch(ES_URL)
    es.indices.refresh(index=index)
    query = {"term": term} if term else {"match_all": {}}
    return {h["_id"]: h["_source"] for h in es.search(index=index, query=query, size=100)["hits"]["hits"]}


def traditional_reprint(name: str, headline: str) -> dict[str, Any]:
    a = article(name)
    s2t = opencc.OpenCC("s2t")
    return a | {"title": headline, "subtitle": "", "body": s2t.convert(a["body"])}


# ---------------------------------------------------------------- groups and collapsed search

def test_a_reprint_in_another_paper_joins_the_group_of_the_original(index):
    run_index_step(index, payload("zjgrrb", "2020-06-25", [article("hongchuan")], "file", "file:///a/p1.txt", "a" * 64))
    run_index_step(index, payload("jxrb", "2020-06-26", [traditional_reprint("hongchuan", "嘉興百名勞模工匠進百企宣講")],
                                  "file", "file:///b/p3.txt", "b" * 64))
    stored = docs(index)
    assert len(stored) == 2
    original = next(i for i, d in stored.items() if d["paper"] == "zjgrrb")
    assert {d["dup_group"] for d in stored.values()} == {original}


def test_a_reprint_months_later_is_not_looked_up_as_a_candidate(index):
    from ingest.dup_groups import WINDOW_DAYS

    run_index_step(index, payload("zjgrrb", "2020-06-25", [article("hongchuan")], "file", "file:///a/p1.txt", "a" * 64))
    later = date.fromordinal(date(2020, 6, 25).toordinal() + WINDOW_DAYS + 1).isoformat()
    run_index_step(index, payload("jxrb", later, [traditional_reprint("hongchuan", "嘉興百名勞模工匠進百企宣講")],
                                  "file", "file:///b/p3.txt", "b" * 64))
    stored = docs(index)
    assert len(stored) == 2 and all(d["dup_group"] == i for i, d in stored.items())


def test_same_day_union_stories_stay_in_groups_of_their_own(index):
    names = ["hongchuan", "dangyizhou", "pengyouquan"]
    run_index_step(index, payload("zjgrrb", "2020-06-25", [article(n) for n in names], "file", "file:///a.txt", "a" * 64))
    stored = docs(index)
    assert len(stored) == 3
    assert all(d["dup_group"] == i for i, d in stored.items())


def test_a_photo_caption_never_joins_a_group_even_of_an_article_that_contains_it(index):
    long_with_caption = article("pengyouquan")
    long_with_caption["body"] += "\n" + CAPTION
    run_index_step(index, payload("zjgrrb", "2020-06-25", [long_with_caption], "file", "file:///a.txt", "a" * 64))
    caption = {"page": 1, "kind": "photo", "title": "", "body": CAPTION}
    run_index_step(index, payload("zjgrrb", "2020-06-25", [caption], "file", "file:///b.txt", "b" * 64))
    cap_id, cap = next((i, d) for i, d in docs(index).items() if d["kind"] == "photo")
    assert cap["dup_bands"] == [] and cap["dup_group"] == cap_id


def test_search_collapses_near_duplicates_and_no_collapse_shows_every_copy(index):
    run_index_step(index, payload("zjgrrb", "2020-06-25", [article("hongchuan"), article("dangyizhou")], "file",
                                  "file:///a.txt", "a" * 64))
    run_index_step(index, payload("jxrb", "2020-06-26", [traditional_reprint("hongchuan", "紅船精神進企業")], "file",
                                  "file:///b.txt", "b" * 64))
    Elasticsearch(ES_URL).indices.refresh(index=index)  # the index step forces none; `ingest add --wait` does this
    env = {"INGEST_INDEX": index}
    collapsed = run_cli("search", "红船精神", "--json", env=env)
    assert collapsed.returncode == 0, collapsed.stderr
    result = json.loads(collapsed.stdout)
    assert result["total"] == 2 and result["groups"] == 1 and len(result["hits"]) == 1
    every = json.loads(run_cli("search", "红船精神", "--json", "--no-collapse", env=env).stdout)
    assert len(every["hits"]) == 2 and {h["paper"] for h in every["hits"]} == {"zjgrrb", "jxrb"}
    text = run_cli("search", "红船精神", env=env).stdout
    assert "+1 near-duplicate(s)" in text


def test_an_index_of_two_shards_groups_a_reprint_and_collapses_it_into_one_hit(index, monkeypatch):
    from ingest.config import settings
    from ingest.search import SearchRequest, search

    monkeypatch.setenv("INGEST_ES_SHARDS", "2")
    run_index_step(index, payload("zjgrrb", "2020-06-25", [article("hongchuan"), article("dangyizhou")], "file",
                                  "file:///a.txt", "a" * 64))
    run_index_step(index, payload("jxrb", "2020-06-26", [traditional_reprint("hongchuan", "紅船精神進企業")], "file",
                                  "file:///b.txt", "b" * 64))
    es = Elasticsearch(ES_URL)
    (name,) = es.indices.get_alias(name=index)
    assert es.indices.get_settings(index=name)[name]["settings"]["index"]["number_of_shards"] == "2"
    assert settings().es_shards == 2
    es.indices.refresh(index=index)
    result = search(es, index, SearchRequest("红船精神"))
    assert (result["total"], result["groups"], len(result["hits"])) == (2, 1, 1)
    group = result["hits"][0]["group"]
    assert group is not None and group["size"] == 2 and [o["paper"] for o in group["others"]] == ["jxrb"]


def test_after_a_fingerprint_version_change_reindex_lets_a_new_reprint_join_an_older_articles_group(index):
    """An article stored by an older fingerprint version keeps its old keys, which no new key matches;
    `ingest reindex` computes them again, and a reprint indexed afterwards joins its group."""
    import redis

    from ingest import live_reindex, neardup
    from ingest.documents import Source, edition_documents
    from ingest.index import ensure_index
    from ingest.model import Edition

    es = Elasticsearch(ES_URL)
    ensure_index(es, index)
    p = payload("zjgrrb", "2020-06-25", [article("hongchuan")], "file", "file:///a/p1.txt", "a" * 64)
    ((doc_id, doc),) = edition_documents(Edition.from_dict(p["edition"]), Source(**p["source"]))
    old = neardup.VERSION - 1
    current_bands = doc["dup_bands"]
    doc |= {"dup_bands": [f"m{old}" + k.removeprefix(f"m{neardup.VERSION}") for k in current_bands],
            "dup_signature": f"{old}:" + doc["dup_signature"].split(":", 1)[1]}
    es.index(index=index, id=doc_id, document=doc, refresh=True)  # written directly: no recent-writes record

    s = settings_for(index)
    live_reindex.run(es, redis.Redis.from_url(s.redis_url), s, delete_old=True, grace_s=0)
    stored = docs(index)[doc_id]
    assert stored["dup_bands"] == current_bands and stored["dup_signature"].startswith(f"{neardup.VERSION}:")

    run_index_step(index, payload("jxrb", "2020-06-26", [traditional_reprint("hongchuan", "嘉興百名勞模工匠進百企宣講")],
                                  "file", "file:///b/p3.txt", "b" * 64))
    assert {d["dup_group"] for d in docs(index).values()} == {doc_id}


# ---------------------------------------------------------------- versions

def test_a_corrected_text_with_the_same_source_key_replaces_the_older_document_and_the_ledger_says_so(index):
    first = article("hongchuan", source_key="content_2712498")
    corrected = first | {"body": first["body"].replace("网下网互动融合", "网上网下互动融合")}
    run_index_step(index, payload("zjgrrb", "2020-06-25", [first], "site", "http://epaper/c.htm", "1" * 64))
    (old_id,) = docs(index)
    counts = run_index_step(index, payload("zjgrrb", "2020-06-25", [corrected], "site", "http://epaper/c.htm",
                                           "2" * 64))["counts"]
    stored = docs(index, source_key="content_2712498")
    assert len(stored) == 1 and old_id not in stored
    (new_id, new_doc), = stored.items()
    assert "网上网下互动融合" in "".join(new_doc["body"])
    assert counts["replaced"] == 1
    assert new_doc["dup_group"] == old_id, "the new version stays in the group of the old one"
    es = Elasticsearch(ES_URL)
    es.indices.refresh(index=f"{index}-ledger")
    entries = es.search(index=f"{index}-ledger", query={"term": {"step": "version"}})["hits"]["hits"]
    assert len(entries) == 1
    detail = entries[0]["_source"]["detail"]
    assert old_id in detail and new_id in detail and "1" * 64 in detail  # where the older text can be read


def test_reingesting_the_same_text_replaces_nothing(index):
    a = article("dangyizhou", source_key="content_1")
    p = payload("zjgrrb", "2020-06-25", [a], "site", "http://epaper/d.htm", "3" * 64)
    run_index_step(index, p)
    assert run_index_step(index, p)["counts"]["replaced"] == 0
    assert len(docs(index)) == 1


def test_with_a_refresh_interval_longer_than_the_test_writes_are_found_before_any_search_sees_them(index, monkeypatch):
    """Nothing the index step wrote is searchable yet (INGEST_ES_REFRESH_S=3600 and no forced refresh), and
    still a re-ingest changes nothing, a reprint joins the group and a corrected text replaces its older
    version: the recent writes in Redis stand in for the searches, and outlive the interval."""
    import redis

    from ingest.recent import ttl_for

    monkeypatch.setenv("INGEST_ES_REFRESH_S", "3600")
    s = settings_for(index).model_copy(update={"es_refresh_s": 3600})

    def step(p: dict[str, Any]) -> dict[str, Any]:
        from ingest.pipeline import index_step

        return index_step(p, s)

    original = payload("zjgrrb", "2020-06-25", [article("hongchuan"), article("dangyizhou", source_key="c1")],
                       "site", "http://epaper/p1.htm", "a" * 64)
    first = step(original)["ids"]
    es = Elasticsearch(ES_URL)
    (name,) = es.indices.get_alias(name=index)
    assert es.indices.get_settings(index=name)[name]["settings"]["index"]["refresh_interval"] == "3600s"
    assert es.count(index=index)["count"] == 0  # not searchable: only the registry knows them
    again = step(original)["counts"]
    assert (again["created"], again["updated"], again["unchanged"], again["replaced"]) == (0, 0, 2, 0)
    reprint = step(payload("jxrb", "2020-06-26", [traditional_reprint("hongchuan", "嘉興百名勞模工匠進百企宣講")],
                           "file", "file:///b/p3.txt", "b" * 64))["ids"]
    corrected = article("dangyizhou", source_key="c1")
    corrected["body"] = corrected["body"].replace("走进企业才更了解", "走进企业才能更了解", 1)
    out = step(payload("zjgrrb", "2020-06-25", [article("hongchuan"), corrected], "site", "http://epaper/p1.htm",
                       "c" * 64))
    assert es.count(index=index)["count"] == 0
    r = redis.Redis.from_url(s.redis_url)
    key = next(r.scan_iter(f"{s.redis_prefix}:recent:{index}:*"))
    assert 3600 < r.ttl(key) <= 2 * ttl_for(3600)  # a write stays one to two ttls (ingest.recent)
    stored = docs(index)  # refreshes
    (new_version,) = set(out["ids"]) - set(first)
    assert out["counts"]["replaced"] == 1 and sorted(stored) == sorted([first[0], reprint[0], new_version])
    assert stored[reprint[0]]["dup_group"] == stored[first[0]]["dup_group"] == first[0]
    assert stored[new_version]["dup_group"] == first[1], "the new version stays in the group of the old one"


def test_an_existing_index_takes_a_changed_refresh_interval_at_the_next_look(index, monkeypatch):
    from ingest import index as index_module

    es = Elasticsearch(ES_URL)
    monkeypatch.setenv("INGEST_ES_REFRESH_S", "5")
    name = index_module.ensure_index(es, index)
    assert es.indices.get_settings(index=name)[name]["settings"]["index"]["refresh_interval"] == "5s"
    monkeypatch.setenv("INGEST_ES_REFRESH_S", "20")
    assert index_module.ensure_index(es, index) == name  # within the minute: the looked-up index, no request
    assert es.indices.get_settings(index=name)[name]["settings"]["index"]["refresh_interval"] == "5s"
    index_module._known.clear()  # the minute is over
    assert index_module.ensure_index(es, index) == name
    assert es.indices.get_settings(index=name)[name]["settings"]["index"]["refresh_interval"] == "20s"


# ---------------------------------------------------------------- two worker processes at the same moment

def _worker(barrier: Any, index: str, p: dict[str, Any], results: Any) -> None:
    import ingest.pipeline  # noqa: F401  (imported before the barrier: the race is in the index step)

    barrier.wait(timeout=60)
    try:
        start = time.monotonic()
        ids = run_index_step(index, p)["ids"]
        results.put((start, time.monotonic(), ids))
    except Exception as e:  # reported by the test, not lost in a child's stderr
        results.put(f"{type(e).__name__}: {e}")
        raise


def _race(index: str, payloads: list[dict[str, Any]], create_first: bool) -> None:
    """Run the index step of each payload in its own process, all released at once. With create_first the
    index exists before (the lookups and writes race); without, creating the index races too."""
    if create_first:
        from ingest.index import ensure_index

        ensure_index(Elasticsearch(ES_URL), index)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(payloads)), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(barrier, index, p, results)) for p in payloads]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(60)
    assert all(isinstance(o, tuple) and o[2] for o in outcomes), outcomes
    assert all(proc.exitcode == 0 for proc in procs), [proc.exitcode for proc in procs]
    # time.monotonic is system-wide on Linux: the index steps really ran at the same time.
    assert max(o[0] for o in outcomes) < min(o[1] for o in outcomes), "the workers did not overlap"


ROUNDS = 3


def test_workers_indexing_the_same_articles_at_the_same_moment_make_one_document_listing_every_source(index):
    arts = [article("hongchuan"), article("dangyizhou"), article("pengyouquan")]
    for r in range(ROUNDS):
        idx = f"{index}-race{r}"
        site = payload("zjgrrb", "2020-06-25", arts, "site", "http://epaper.zjgrrb.com/html/2020-06/25/node_1.htm",
                       f"{r}a".ljust(64, "0"))
        mail = payload("zjgrrb", "2020-06-25", arts, "mail", "imap://inbox/4711", f"{r}b".ljust(64, "0"))
        pdf = payload("zjgrrb", "2020-06-25", arts, "file", "file:///inbox/zjgrrb/01.pdf", f"{r}c".ljust(64, "0"))
        _race(idx, [site, mail, pdf], create_first=r % 2 == 1)
        stored = docs(idx)
        assert len(stored) == 3, f"round {r}: {len(stored)} documents"
        for d in stored.values():
            assert {s["kind"] for s in d["sources"]} == {"site", "mail", "file"}, f"round {r}: {d['sources']}"


def test_two_workers_indexing_two_reprints_at_the_same_moment_put_them_in_one_group(index):
    for r in range(ROUNDS):
        idx = f"{index}-group{r}"
        original = payload("zjgrrb", "2020-06-25", [article("pengyouquan")], "site", "http://a/1.htm",
                           f"{r}e".ljust(64, "0"))
        reprint = payload("nbrb", "2020-06-25", [traditional_reprint("pengyouquan", "朋友圈一條信息")], "site",
                          "http://b/2.htm", f"{r}d".ljust(64, "0"))
        _race(idx, [original, reprint], create_first=True)
        stored = docs(idx)
        assert len(stored) == 2
        assert len({d["dup_group"] for d in stored.values()}) == 1, f"round {r}: {stored.keys()} split"


# ---------------------------------------------------------------- the site's HTML and the mailed PDF

def test_the_pdf_edition_and_the_site_html_of_the_same_articles_end_in_the_same_groups(index):
    """Real parsers on both sides: the fixture site's article pages (HTML, whole texts) and the mailed PDF
    of the same edition (text layer of generated pages, an article's page-1 part only where it jumps)."""
    from ingest.papers import get_paper
    from ingest.parse import ParseHints, parse_bytes, parse_file
    from tests.fixtures.mail import kit

    site_dir = FIXTURES / "sites" / "founder-gbk" / "html" / "2020-06" / "25"
    for n, page in enumerate(sorted(site_dir.glob("content_*.htm"))):
        edition = parse_file(page).to_dict()
        run_index_step(index, {"source": {"kind": "site", "uri": page.name, "archive_hash": f"{n:064x}"},
                               "hints": {"name": page.name}, "edition": edition})
    pdf, _ = kit.edition_pdf()
    pdf_edition = parse_bytes(pdf, ParseHints(name="zjgrrb-20200625.pdf", paper=get_paper("zjgrrb"),
                                              date=date(2020, 6, 25)))
    run_index_step(index, {"source": {"kind": "mail", "uri": "imap://inbox/1", "archive_hash": "f" * 64},
                           "hints": {"name": "zjgrrb-20200625.pdf"}, "edition": pdf_edition.to_dict()})
    # The PDF's page-1 小康 part and its page-2 continuation are also linked into a story document, which has
    # no sources of its own (ingest.stories): the groups are the articles'.
    stored = {k: d for k, d in docs(index).items() if d["sources"]}
    site_groups = {d["source_key"]: d["dup_group"] for d in stored.values() if d["sources"][0]["kind"] == "site"}
    mail_docs = [d for d in stored.values() if d["sources"][0]["kind"] == "mail"]
    assert len(mail_docs) == len(pdf_edition.articles)
    # Page 1 of the PDF sets four of the site's page-1 articles (the 小康 one only up to where it jumps).
    # Its page 2 sets two sections of the 小康 article as stories of their own: excerpts, not asserted.
    by_title = {"小康路上": "content_2713181", "朋友圈": "content_2713182", "红船精神": "content_2713183",
                "工厂味": "content_2713184"}
    page_one = [d for d in mail_docs if d["page"]["number"] == 1]
    assert len(page_one) == 4
    for d in page_one:
        key = next(k for t, k in by_title.items() if t in d["title"])
        assert d["dup_group"] == site_groups[key], f"PDF {d['title']!r} not grouped with its HTML"
    # The site's other articles (short stand-ins on other pages, a caption) stay apart from each other.
    assert len(set(site_groups.values())) == len(site_groups)


def test_an_edition_whose_candidates_overflow_one_search_still_finds_each_articles_group(index):
    # 45 stored reprints of one story fill the edition's single candidate search (20 a article, here two),
    # and the other article's one reprint, stored last, is not among the hits returned: the index step must
    # look again per article for it to join its group. The recent writes (which would also name it) are
    # cleared, as they are once they expire (ingest.recent.ttl_for).
    import redis

    from ingest.dup_groups import MAX_CANDIDATES

    for k in range(2 * MAX_CANDIDATES + 5):
        run_index_step(index, payload(f"paper{k}", "2020-06-25", [article("pengyouquan")], "file",
                                      f"file:///reprint-{k}.txt", f"{k:064x}"))
    run_index_step(index, payload("zjgrrb", "2020-06-25", [article("hongchuan")], "file", "file:///a/p1.txt", "a" * 64))
    s = settings_for(index)
    r = redis.Redis.from_url(s.redis_url)
    for key in r.scan_iter(f"{s.redis_prefix}:recent:{index}:*"):
        r.delete(key)
    stored = docs(index)
    wire = {d["dup_group"] for d in stored.values() if d["paper"].startswith("paper")}
    original = next(i for i, d in stored.items() if d["paper"] == "zjgrrb")
    assert len(wire) == 1
    out = run_index_step(index, payload("jxrb", "2020-06-26", [
        article("pengyouquan"), traditional_reprint("hongchuan", "嘉興百名勞模工匠進百企宣講")],
        "file", "file:///b/p3.txt", "b" * 64))
    new = docs(index)
    assert [new[i]["dup_group"] for i in out["ids"]] == [*wire, original]

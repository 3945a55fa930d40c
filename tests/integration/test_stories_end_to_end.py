"""Whole stories on the real services: the sample's page-1 story and its page-4 continuation, ingested by a
real worker (both pages at once, so two worker processes index them side by side), are one hit with both
pages, a phrase of each page finds it, and ingesting them again changes nothing."""

from __future__ import annotations

import json

import pytest
from elasticsearch import Elasticsearch

from tests.conftest import FIXTURES, SAMPLE_PAGE
from tests.integration.conftest import run_cli

pytestmark = pytest.mark.integration

PAGE4 = FIXTURES / "zjgrrb-2020-06-25" / "page04.txt"


def _search(*args: str) -> dict:
    r = run_cli("search", *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _documents(es: Elasticsearch, index: str) -> dict[str, dict]:
    es.indices.refresh(index=index)
    return {h["_id"]: h["_source"] for h in es.search(index=index, size=1000)["hits"]["hits"]}


@pytest.fixture(scope="module")
def ingested(service_env, worker):
    # One file a task: the two pages are indexed by two worker processes at once and meet in Redis.
    r = run_cli("add", str(PAGE4), str(SAMPLE_PAGE), "--paper", "zjgrrb", "--wait", env={"INGEST_BATCH_INPUTS": "1"})
    assert r.returncode == 0, r.stderr


def test_the_page_one_story_and_its_continuation_are_linked_into_one_story_document(ingested, es, service_env):
    docs = _documents(es, service_env["INGEST_INDEX"])
    stories = {i: d for i, d in docs.items() if (d.get("story") or {}).get("role") == "story"}
    assert len(stories) == 1
    (sid, story), = stories.items()
    assert story["story"]["pages"] == [1, 4] and story["title"] == "感受“工厂味”融入“工人情”"
    parts = [docs[p] for p in story["story"]["parts"]]
    assert [p["page"]["number"] for p in parts] == [1, 4]
    assert all(p["story"]["id"] == sid and p["story"]["role"] == "part" for p in parts)
    assert story["body"] == parts[0]["body"] + parts[1]["body"]


def test_words_from_both_pages_find_the_story_as_one_hit_naming_both_pages(ingested):
    result = _search("鲁一波 流水线")  # 鲁一波 is on page 1 only, 流水线 on page 4 only
    assert result["total"] == 1
    (hit,) = result["hits"]
    assert hit["pages"] == ["01", "04"] and hit["title"] == "感受“工厂味”融入“工人情”"
    # A phrase of the page-4 part alone is the story too, not a second hit.
    assert [h["id"] for h in _search("常态化开展")["hits"]] == [hit["id"]]
    assert [h["id"] for h in _search("常态化开展", "--page", "4")["hits"]] == [hit["id"]]


def test_ingesting_both_pages_again_leaves_every_document_as_it_was(ingested, es, service_env):
    before = _documents(es, service_env["INGEST_INDEX"])
    for page in (SAMPLE_PAGE, PAGE4):  # one after the other this time: the second finds the first
        r = run_cli("add", str(page), "--paper", "zjgrrb", "--wait")
        assert r.returncode == 0, r.stderr
    assert _documents(es, service_env["INGEST_INDEX"]) == before


def test_a_story_document_its_parts_no_longer_make_is_deleted_when_the_edition_is_linked_again(ingested, es,
                                                                                            service_env):
    index = service_env["INGEST_INDEX"]
    docs = _documents(es, index)
    (story,) = (d for d in docs.values() if (d.get("story") or {}).get("role") == "story")
    # A story an earlier parse made of parts that no longer chain that way: same edition, another id.
    es.index(index=index, id="stale-story", document=story | {"story": story["story"] | {"id": "stale-story"}},
             refresh=True)
    r = run_cli("add", str(SAMPLE_PAGE), "--paper", "zjgrrb", "--wait")
    assert r.returncode == 0, r.stderr
    after = _documents(es, index)
    assert "stale-story" not in after
    assert after == docs


def test_one_batch_of_two_editions_links_the_story_of_each(ingested, es, service_env, tmp_path):
    # Both pages of the sample and both again as another day's edition, queued as one task (`ingest add` of a
    # folder): each edition's story is linked, in the one set of round trips the batch makes.
    for page in (SAMPLE_PAGE, PAGE4):
        for day, line in (("2020-06-25", "2020年6月25日"), ("2019-06-25", "2019年6月25日")):
            (tmp_path / f"{day}-{page.name}").write_bytes(page.read_bytes().replace("2020年6月25日".encode(),
                                                                                    line.encode(), 1))
    index = service_env["INGEST_INDEX"]
    before = _documents(es, index)
    r = run_cli("add", str(tmp_path), "--paper", "zjgrrb", "--wait")
    assert r.returncode == 0, r.stderr
    assert "from 4 of 4 file(s)" in r.stderr
    docs = _documents(es, index)
    stories = {d["date"]: d for d in docs.values() if (d.get("story") or {}).get("role") == "story"}
    assert sorted(stories) == ["2019-06-25", "2020-06-25"]
    assert stories["2019-06-25"]["story"]["pages"] == [1, 4]
    assert stories["2019-06-25"]["body"] == stories["2020-06-25"]["body"]
    old_story = next(i for i, d in before.items() if (d.get("story") or {}).get("role") == "story")
    assert docs[old_story]["story"] == before[old_story]["story"], "the stored edition's story is unchanged"

"""The search service's JSON API, as a real `ingest serve` process over an index the pipeline built from
the real sample page (and a corrected reprint of one of its articles in another paper)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from tests.integration.conftest import run_cli
from tests.integration.search_service import (
    PRETITLE,
    REPRINT,
    TITLE,
    Service,
    build_index,
    running_service,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def ids(service_env) -> dict[str, str]:
    return build_index(service_env)


@pytest.fixture(scope="module")
def service(service_env, ids, tmp_path_factory) -> Iterator[Service]:
    with running_service(service_env, tmp_path_factory.mktemp("serve") / "serve.log") as s:
        yield s


def get(service: Service, path: str, **params: Any) -> httpx.Response:
    return httpx.get(service.url + path, params=params, timeout=30)


def test_a_hit_carries_the_whole_headline_stack_byline_and_its_near_duplicate_group(service, ids):
    r = get(service, "/search", q="朋友圈 学子")
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["total"] == 2 and result["groups"] == 1 and len(result["hits"]) == 1
    h = result["hits"][0]
    member_ids = {h["id"]} | {m["id"] for m in h["group"]["others"]}
    assert member_ids == {ids["article"], ids["reprint"]}
    assert h["group"]["size"] == 2
    r = get(service, "/search", q="朋友圈 学子", paper="zjgrrb")
    h = r.json()["hits"][0]
    assert (h["id"], h["paper"], h["paper_name"], h["date"], h["page"]) == \
        (ids["article"], "zjgrrb", "浙江工人日报", "2020-06-25", 1)
    assert (h["pretitle"], h["title"], h["subtitle"]) == (PRETITLE, TITLE, "")
    assert {"name": "张浩呈", "role": "记者"} in h["authors"]
    assert "<em>朋友圈</em>" in h["highlight"]["title"] and h["highlight"]["body"]
    assert h["score"] > 0


def test_without_collapse_every_copy_is_a_hit_of_its_own(service, ids):
    result = get(service, "/search", q="朋友圈", collapse="false").json()
    assert {h["id"] for h in result["hits"]} == {ids["article"], ids["reprint"]}
    assert result["groups"] is None and all(h["group"] is None for h in result["hits"])
    reprint = next(h for h in result["hits"] if h["id"] == ids["reprint"])
    assert (reprint["paper_name"], reprint["date"], reprint["page"], reprint["page_name"]) == \
        (REPRINT["paper_name"], REPRINT["date"], 3, "城市")


def test_filters_by_paper_dates_page_and_author(service, ids):
    def found(**params: str) -> set[str]:
        return {h["id"] for h in get(service, "/search", q="朋友圈", collapse="false", **params).json()["hits"]}

    assert found(paper="hzrb") == {ids["reprint"]}
    assert found(since="2020-06-26") == {ids["reprint"]}
    assert found(until="2020-06-25") == {ids["article"]}
    assert found(page="1") == {ids["article"]} and found(page="03") == {ids["reprint"]}
    assert found(author="张浩呈") == {ids["article"], ids["reprint"]} and found(author="阮向民") == set()
    # Neither paper has sectioned pages: a label with a section letter finds nothing (and is no error).
    assert found(page="A03") == set()


def test_from_and_size_page_through_the_hits_without_repeating_one(service):
    every = [h["id"] for h in get(service, "/search", q="工会", size=50).json()["hits"]]
    assert len(every) >= 4
    pages = [h["id"] for start in range(0, len(every), 2)
             for h in get(service, "/search", q="工会", size=2, **{"from": start}).json()["hits"]]
    assert pages == every


def test_search_json_of_the_cli_gives_the_same_hits_as_the_api(service, service_env):
    cli = run_cli("search", "朋友圈 学子", "--json", env=service_env)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout) == get(service, "/search", q="朋友圈 学子").json()


def test_an_article_comes_whole_with_its_sources_versions_and_group(service, ids):
    r = get(service, f"/articles/{ids['reprint']}")
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["title"] == REPRINT["title"] and len(a["paragraphs"]) > 3 and "學子" in "".join(a["paragraphs"])
    assert [s["uri"] for s in a["sources"]] == ["file:///reprint/hzrb-2020-06-26-03-v1.txt"]
    assert len(a["versions"]) == 1 and "content_42" in a["versions"][0]["detail"]
    assert [m["id"] for m in a["group"]] == [ids["article"]]
    original = get(service, f"/articles/{ids['article']}").json()
    assert original["pretitle"] == PRETITLE and original["sources"][0]["kind"] == "file"
    assert original["versions"] == [] and [m["id"] for m in original["group"]] == [ids["reprint"]]


def test_papers_lists_the_configured_papers_with_their_last_edition(service):
    papers = {p["id"]: p for p in get(service, "/papers").json()}
    assert papers["zjgrrb"]["name"] == "浙江工人日报"
    assert papers["zjgrrb"]["last_edition"] == {"date": "2020-06-25", "articles": 7}
    assert "config" not in papers["zjgrrb"]  # no path of the server's disk


def test_health_says_elasticsearch_is_reachable_and_the_index_is_there(service, service_env):
    r = get(service, "/health")
    assert r.status_code == 200 and r.json()["ok"] and r.json()["index"] == service_env["INGEST_INDEX"]


@pytest.mark.parametrize("path, params, message", [
    ("/search", {}, "q (the query) is missing"),
    ("/search", {"q": "“”"}, "has no terms"),
    ("/search", {"q": "工会", "index": "ingest-ledger"}, "unknown parameter 'index'"),
    ("/search", {"q": "工会", "size": "51"}, "size"),
    ("/search", {"q": "工会", "from": "20000"}, "from"),
    ("/search", {"q": "工" * 201}, "characters long"),
    ("/search", {"q": "工会", "since": "yesterday"}, "not a date"),
    ("/search", {"q": "工会", "since": "2020-07-01", "until": "2020-06-01"}, "after the last date"),
    ("/search", {"q": "工会", "page": "头版"}, "page '头版'"),
    ("/search", {"q": "工会 {\"query\": 1} \\ * ? ~ AND OR ("}, None),
    ("/articles/_search", {}, "not an article id"),
    ("/articles/zjgrrb-2020-06-25-x", {"pretty": "true"}, "takes no parameters"),
    ("/papers", {"index": "x"}, "takes no parameters"),
])
def test_bad_input_is_a_400_with_a_message_never_a_500(service, path, params, message):
    r = get(service, path, **params)
    if message is None:  # query syntax of other engines is text here: searched for, not an error
        assert r.status_code == 200, r.text
        return
    assert r.status_code == 400, r.text
    assert message in r.json()["error"]


@pytest.mark.parametrize("path", ["/_cluster/health", "/_cat/indices", "/articles/..%2F_cluster%2Fhealth",
                                  "/articles/%2E%2E", "/articles/_doc", "/ingest-ledger/_search", "/_search"])
def test_nothing_of_the_cluster_but_the_articles_is_reachable(service, path):
    r = httpx.get(service.url + path, timeout=30)
    assert r.status_code in (400, 404), r.text
    assert "cluster_name" not in r.text and "ingest-ledger" not in r.text.replace(path, "")


def test_the_service_is_read_only(service):
    for method in ("POST", "PUT", "DELETE"):
        assert httpx.request(method, service.url + "/search?q=工会", timeout=30).status_code == 405


def test_the_openapi_schema_documents_every_route_and_search_parameter(service):
    schema = get(service, "/openapi.json").json()
    assert {"/search", "/articles/{article_id}", "/papers", "/health"} <= set(schema["paths"])
    params = {p["name"] for p in schema["paths"]["/search"]["get"]["parameters"]}
    assert params == {"q", "paper", "since", "until", "page", "author", "collapse", "from", "size"}
    hit = schema["components"]["schemas"]["Hit"]["properties"]
    assert {"pretitle", "subtitle", "column", "authors", "url", "group", "highlight"} <= set(hit)


def test_without_an_index_health_is_503_and_a_search_finds_nothing(service_env):
    from ingest.config import Settings
    from ingest.web.app import create_app

    s = Settings.from_env(service_env | {"INGEST_INDEX": "test-serve-no-such-index"})
    with TestClient(create_app(s)) as c:
        r = c.get("/health")
        assert r.status_code == 503 and r.json()["elasticsearch"] and not r.json()["index_exists"]
        assert c.get("/search", params={"q": "工会"}).json()["total"] == 0


def test_with_elasticsearch_unreachable_search_is_a_503_with_the_reason(service_env):
    from ingest.config import Settings
    from ingest.web.app import create_app

    s = Settings.from_env(service_env)
    dead = Elasticsearch("http://127.0.0.1:9", request_timeout=2, max_retries=0)
    with TestClient(create_app(s, es=dead)) as c:
        r = c.get("/search", params={"q": "工会"})
        assert r.status_code == 503 and "unreachable" in r.json()["error"]
        assert c.get("/health").status_code == 503 and not c.get("/health").json()["elasticsearch"]
        assert c.get("/articles/zjgrrb-2020-06-25-x").status_code == 503
        page = c.get("/", params={"q": "工会"})
        assert page.status_code == 503 and "检索服务暂时不可用" in page.text

"""Analyzer profiles (ingest/analysis.py) on the real Elasticsearch: the node started by deploy/es.sh has
the zh-analysis plugin, so the default profile is zh-analysis, and the bare profile can be forced. The
same articles are indexed through the pipeline's own index code under both profiles and searched with the
pipeline's own query builder."""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
from elasticsearch import Elasticsearch

from ingest import analysis
from ingest.documents import Source, edition_documents
from ingest.errors import ConfigError
from ingest.index import concrete_indices, ensure_index, index_meta, load_template, write_documents
from ingest.model import Article, Edition
from ingest.search import RANKING_SIGNALS, SearchRequest, index_word_fields, search

pytestmark = pytest.mark.integration

ARTICLES = [
    Article(page=1, title="省内扶贫开发加快造血",
            body="把工会疗休养与村红色旅游结合，打造红色经济，是一条可行的扶贫开发路径。\n"
                 "在仙居县上张乡姚岸村，省总工会派驻的村第一书记杨惠荣说起了他的致富经。"),
    Article(page=1, title="困难职工全部解困脱困",
            body="全省共筹集帮扶资金2.35亿元，帮扶各级各类困难职工41.9万人次。"),
    Article(page=2, title="医疗与休养", body="职工医疗救助和休养服务，困难时期互相帮扶。"),
]


@pytest.fixture(scope="module")
def es() -> Elasticsearch:
    client = Elasticsearch(os.environ.get("INGEST_ES_URL", "http://127.0.0.1:9200"), request_timeout=30)
    client.cluster.health(wait_for_status="yellow", timeout="30s")
    return client


def indexed_under(es: Elasticsearch, profile: str) -> str:
    """A fresh alias whose index was created under `profile`, holding ARTICLES; returns the alias."""
    alias = f"test-profile-{profile}-{uuid.uuid4().hex[:8]}"
    old = os.environ.get("INGEST_ANALYSIS_PROFILE")
    os.environ["INGEST_ANALYSIS_PROFILE"] = profile
    try:
        ensure_index(es, alias)
    finally:
        if old is None:
            os.environ.pop("INGEST_ANALYSIS_PROFILE")
        else:
            os.environ["INGEST_ANALYSIS_PROFILE"] = old
    edition = Edition(paper="zjgrrb", paper_name="浙江工人日报", date=date(2020, 6, 25), articles=ARTICLES)
    write_documents(es, alias, edition_documents(edition, Source("file", f"test://{alias}", "0" * 64)))
    return alias


@pytest.fixture(scope="module", params=["zh-analysis", "bare"])
def profile_alias(request, es):
    alias = indexed_under(es, request.param)
    yield request.param, alias
    es.indices.delete(index=",".join(concrete_indices(es, alias)))


def titles(es: Elasticsearch, alias: str, query: str, **options) -> list[str]:
    return [h["title"] for h in search(es, alias, SearchRequest(query=query, **options))["hits"]]


def test_cluster_with_the_plugin_gets_the_plugin_profile_by_default(es):
    components = analysis.cluster_components(es)
    assert "zh-analysis" in components
    assert analysis.choose(components).name == "zh-analysis"


def test_new_index_records_its_profile_in_the_metadata_that_status_shows(es, profile_alias):
    profile, alias = profile_alias
    meta = index_meta(es, alias)
    assert meta["analysis_profile"] == profile
    assert meta["analysis"]["plugins"] == ["zh-analysis"]
    assert bool(meta["analysis"]["word_fields"]) == (profile != "bare")


def test_search_finds_the_article_by_a_word_smartcn_splits(es, profile_alias):
    _, alias = profile_alias
    assert titles(es, alias, "疗休养") == ["省内扶贫开发加快造血"]


def test_search_finds_the_federation_inside_the_provincial_federation(es, profile_alias):
    _, alias = profile_alias
    assert titles(es, alias, "总工会") == ["省内扶贫开发加快造血"]


def test_exact_term_search_skips_articles_with_the_characters_apart(es, profile_alias):
    _, alias = profile_alias
    assert set(titles(es, alias, "困难职工")) == {"困难职工全部解困脱困"}


def test_full_width_query_finds_half_width_digits(es, profile_alias):
    _, alias = profile_alias
    assert titles(es, alias, "２.３５亿元") == ["困难职工全部解困脱困"]


def test_words_subfield_matches_whole_words_on_the_plugin_profile_only(es, profile_alias):
    profile, alias = profile_alias
    query = {"match": {"body.words": {"query": "休养", "operator": "and"}}}
    hits = {h["_source"]["title"] for h in es.search(index=alias, query=query)["hits"]["hits"]}
    if profile == "bare":
        assert hits == set(), "bare has no words sub-field"
    else:
        # smartcn splits 疗休养 into 疗 / 休养, so the word 休养 is found in both articles.
        assert hits == {"省内扶贫开发加快造血", "医疗与休养"}


def test_words_subfield_uses_one_analyzer_at_index_and_search_time(es, profile_alias):
    profile, alias = profile_alias
    mapping = next(iter(es.indices.get_mapping(index=alias).values()))["mappings"]["properties"]["body"]
    words = mapping.get("fields", {}).get("words")
    if profile == "bare":
        assert words is None
    else:
        assert words["analyzer"] == "zh_words_es" and "search_analyzer" not in words


def test_forcing_a_profile_the_cluster_lacks_is_refused_naming_what_it_offers(es):
    with pytest.raises(ConfigError, match="offers zh-analysis, bare"):
        analysis.apply_best_profile(load_template(), es, wanted="ik")


def test_full_width_decimal_point_in_a_query_finds_the_number(es, profile_alias):
    _, alias = profile_alias
    assert titles(es, alias, "２．３５亿元") == ["困难职工全部解困脱困"]


def test_traditional_query_with_several_terms_finds_the_simplified_article(es, profile_alias):
    _, alias = profile_alias
    assert titles(es, alias, "省總工會 楊惠榮") == ["省内扶贫开发加快造血"]


def test_search_reads_the_word_sub_fields_from_the_index_metadata(es, profile_alias):
    profile, alias = profile_alias
    fields = index_word_fields(es, alias)
    assert fields == sorted(index_meta(es, alias)["analysis"]["word_fields"])
    assert ("body.words" in fields) == (profile != "bare")


def test_ranking_signals_change_scores_but_never_what_matches(es, profile_alias):
    _, alias = profile_alias
    for query in ("困难职工", "疗休养 扶贫", "職工"):
        matched = [set(titles(es, alias, query, ranking=frozenset(s), collapse=False))
                   for s in ((), *((x,) for x in RANKING_SIGNALS), RANKING_SIGNALS)]
        assert matched[0] and all(m == matched[0] for m in matched), query


def test_word_sub_fields_add_to_the_score_on_the_plugin_profile_only(es, profile_alias):
    profile, alias = profile_alias

    def scores(ranking):
        hits = search(es, alias, SearchRequest(query="困难职工", ranking=frozenset(ranking)))["hits"]
        return {h["id"]: h["score"] for h in hits}

    without, with_words = scores(()), scores({"index_words"})
    assert without.keys() == with_words.keys()
    if profile == "bare":
        assert with_words == without
    else:
        assert all(with_words[i] > without[i] for i in without)


def test_a_request_naming_no_ranking_ranks_by_words_on_the_plugin_profile_and_by_bigrams_on_bare(es, profile_alias):
    profile, alias = profile_alias

    def scores(**options):
        return {h["id"]: h["score"] for h in search(es, alias, SearchRequest(query="疗休养", **options))["hits"]}

    expected = {"index_words"} if profile != "bare" else {"bigrams"}
    assert scores() == scores(ranking=frozenset(expected))
    assert scores() != scores(ranking=frozenset())

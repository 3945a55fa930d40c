import json

from ingest import analysis
from ingest.index import MAPPINGS_DIR, load_template
from ingest.search import SearchRequest, build_query


def test_the_query_dsl_example_is_what_the_builder_produces_for_the_plugin_profile():
    example = json.loads((MAPPINGS_DIR / "search-example.json").read_text(encoding="utf-8"))
    body = analysis.apply_profile(load_template(), analysis.profile_named("zh-analysis"), frozenset({"zh-analysis"}))
    word_fields = body["mappings"]["_meta"]["analysis"]["word_fields"]
    assert example == build_query(SearchRequest(query="疗休养 困难职工", paper="zjgrrb", limit=5), word_fields)


def test_the_template_maps_every_field_a_document_has():
    from datetime import date

    from ingest.documents import Source, article_document
    from ingest.model import Article, Edition

    props = load_template()["mappings"]["properties"]
    ed = Edition(paper="p", date=date(2020, 1, 1), articles=[Article(page=1, title="職工", body="職工")])
    _, doc = article_document(ed, ed.articles[0], Source("file", "u", "0" * 64))
    assert set(doc) <= set(props)


def test_a_new_index_refreshes_every_ten_seconds_unless_configured_otherwise(monkeypatch):
    from ingest.index import index_body

    monkeypatch.delenv("INGEST_ES_REFRESH_S", raising=False)
    assert index_body()["settings"]["refresh_interval"] == "10s"
    monkeypatch.setenv("INGEST_ES_REFRESH_S", "30")
    assert index_body()["settings"]["refresh_interval"] == "30s"


def test_recent_writes_outlive_the_refresh_interval_several_times_over():
    from ingest.recent import ttl_for

    assert ttl_for(1) >= 30
    assert all(ttl_for(n) >= 3 * n + 30 for n in (1, 10, 60, 3600))

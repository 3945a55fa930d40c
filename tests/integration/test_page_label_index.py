"""Sectioned pages in the index: an index made before page labels takes the field on first use, and a search
by label finds that section's page alone while a search by number still finds unsectioned pages."""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
from elasticsearch import Elasticsearch

from ingest.documents import Source, edition_documents
from ingest.index import ensure_index, load_template, write_documents
from ingest.model import Article, Edition, Page
from ingest.search import SearchRequest, search

pytestmark = pytest.mark.integration


@pytest.fixture
def es() -> Elasticsearch:
    client = Elasticsearch(os.environ.get("INGEST_ES_URL", "http://127.0.0.1:9200"), request_timeout=30)
    client.cluster.health(wait_for_status="yellow", timeout="30s")
    return client


@pytest.fixture
def label_less_alias(es):
    """An alias over an index whose strict mapping has page.number and page.name only (the older template)."""
    alias = f"test-labels-{uuid.uuid4().hex[:8]}"
    body = load_template()
    del body["mappings"]["properties"]["page"]["properties"]["label"]
    es.indices.create(index=f"{alias}-v1-001", settings=body["settings"], mappings=body["mappings"],
                      aliases={alias: {"is_write_index": True}})
    yield alias
    es.indices.delete(index=f"{alias}-*", allow_no_indices=True)


def test_an_older_index_takes_labelled_documents_and_search_tells_sections_apart(es, label_less_alias):
    alias = label_less_alias
    edition = Edition(paper="jxrb", date=date(2023, 2, 10),
                      pages=[Page(3, "要闻", label="A03"), Page(3, "体育", label="B03")],
                      articles=[Article(page=3, page_label="A03", title="春耕备耕忙", body="春耕备耕正当时。"),
                                Article(page=3, page_label="B03", title="春耕时节赛事多", body="春耕时节赛事多。")])
    docs = edition_documents(edition, Source("file", f"test://{alias}", "0" * 64))
    write_documents(es, alias, docs)
    es.indices.refresh(index=alias)
    hits = search(es, alias, SearchRequest(query="春耕", page="A03"))["hits"]
    assert [(h["title"], h["page"], h["page_label"]) for h in hits] == [("春耕备耕忙", 3, "A03")]
    assert search(es, alias, SearchRequest(query="春耕", page="b3"))["hits"][0]["page_label"] == "B03"
    unsectioned = Edition(paper="zjgrrb", date=date(2020, 6, 25), pages=[Page(3)],
                          articles=[Article(page=3, title="春耕一线", body="春耕一线见闻。")])
    write_documents(es, alias, edition_documents(unsectioned, Source("file", f"test://{alias}/2", "1" * 64)))
    es.indices.refresh(index=alias)
    assert [h["title"] for h in search(es, alias, SearchRequest(query="春耕", page="3"))["hits"]] == ["春耕一线"]
    assert ensure_index(es, alias) == f"{alias}-v1-001"

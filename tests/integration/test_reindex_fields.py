"""Reindex into the current template from an index an older template made: fields the template no longer
maps (the client-side word fields title_words/body_words) are left behind, everything else is copied."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import redis

from ingest import live_reindex
from ingest.config import settings
from ingest.documents import Source, edition_documents
from ingest.index import concrete_indices, ensure_index
from ingest.model import Article, Edition
from ingest.search import SearchRequest, search

pytestmark = pytest.mark.integration


@pytest.fixture
def older_index(es, service_env):
    """An alias whose index maps and holds the client-side word fields, as indices of the older template do."""
    alias = f"test-reindex-{uuid.uuid4().hex[:8]}"
    ensure_index(es, alias)
    es.indices.put_mapping(index=alias, properties={"title_words": {"type": "text", "analyzer": "whitespace"},
                                                    "body_words": {"type": "text", "analyzer": "whitespace"}})
    edition = Edition(paper="zjgrrb", paper_name="浙江工人日报", date=date(2020, 6, 25), articles=[
        Article(page=1, title="省内扶贫开发加快造血", body="把工会疗休养与村红色旅游结合。")])
    ((doc_id, doc),) = edition_documents(edition, Source("file", f"test://{alias}", "0" * 64))
    es.index(index=alias, id=doc_id, document=doc | {"title_words": "省内 扶贫 开发", "body_words": ["把 工会 疗休养"]},
             refresh=True)
    yield alias, doc_id
    es.indices.delete(index=f"{alias}-*", allow_no_indices=True)


def test_reindex_leaves_the_fields_the_template_no_longer_maps_behind(es, older_index):
    alias, doc_id = older_index
    s = settings().model_copy(update={"index": alias})
    done = live_reindex.run(es, redis.Redis.from_url(s.redis_url), s, delete_old=True, grace_s=0)
    new_name = done.new
    assert done.done == 1 and concrete_indices(es, alias) == [new_name] != [done.old]
    properties = es.indices.get_mapping(index=new_name)[new_name]["mappings"]["properties"]
    assert "title_words" not in properties and "body_words" not in properties
    source = es.get(index=alias, id=doc_id)["_source"]
    assert "title_words" not in source and source["title"] == "省内扶贫开发加快造血"
    assert [h["id"] for h in search(es, alias, SearchRequest(query="疗休养"))["hits"]] == [doc_id]

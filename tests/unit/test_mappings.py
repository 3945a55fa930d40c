import json

from ingest.index import MAPPINGS_DIR, load_template
from ingest.search import SearchRequest, build_query


def test_the_query_dsl_example_is_what_the_builder_produces():
    example = json.loads((MAPPINGS_DIR / "search-example.json").read_text(encoding="utf-8"))
    assert example == build_query(SearchRequest(query="疗休养 困难职工", paper="zjgrrb", limit=5))


def test_the_template_maps_every_field_a_document_has():
    from datetime import date

    from ingest.documents import Source, article_document
    from ingest.model import Article, Edition

    props = load_template()["mappings"]["properties"]
    ed = Edition(paper="p", date=date(2020, 1, 1), articles=[Article(page=1, title="職工", body="職工")])
    _, doc = article_document(ed, ed.articles[0], Source("file", "u", "0" * 64))
    assert set(doc) <= set(props)

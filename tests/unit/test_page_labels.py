"""Sectioned page identity: A01, B01 and C01 are three pages, through the edition, the documents and search."""

from datetime import date

import pytest

from ingest.documents import Source, article_document
from ingest.errors import InputError
from ingest.model import Article, Edition, Page, page_order, parse_page_label
from ingest.parse.html import listing_edition
from ingest.search import SearchRequest, build_query
from ingest.sources.epaper.extract import parse_page_list
from ingest.sources.epaper.families import get_family

SECTIONED = """<html><body><strong id=currentPage>第B01版：城市</strong>
<table id=pagelist>
<tr><td><a id=pageLink href=node_9.htm>第B01版：城市</a></td></tr>
<tr><td><a id=pageLink href=node_2.htm>第A01版：头版</a></td></tr>
<tr><td><a id=pageLink href=node_3.htm>第A02版：要闻</a></td></tr></table>
<table id=articlelist><tr><td class=default><a href=content_1.htm?div=-1>城市新闻</a></td></tr></table></body></html>"""


@pytest.mark.parametrize(("text", "label"), [("A3", "A03"), ("a03", "A03"), ("3", "03"), ("03", "03"),
                                             ("B12", "B12"), ("第3版", None), ("", None)])
def test_page_labels_keep_the_section_letter_and_pad_the_number(text, label):
    assert parse_page_label(text) == label


def test_pages_order_by_section_then_number():
    assert sorted(["B01", "A08", "C01", "A01", "A10"], key=page_order) == ["A01", "A08", "A10", "B01", "C01"]


def test_a_sectioned_page_list_keeps_each_page_and_its_articles_page_label():
    listing = parse_page_list(SECTIONED, "http://e/html/2023-09/21/node_9.htm", get_family("founder"))
    edition = listing_edition(listing, None)
    assert [(p.label, p.number, p.name) for p in edition.pages] == [("A01", 1, "头版"), ("A02", 2, "要闻"),
                                                                    ("B01", 1, "城市")]
    assert [(a.page, a.page_label) for a in edition.articles] == [(1, "B01")]
    assert edition.to_dict()["articles"][0]["page_label"] == "B01"


def test_an_unsectioned_page_gets_its_number_as_label():
    assert Page(3, "要闻").label == "03"
    assert Article(page=3).page_label == "03"
    assert Article(page=None).page_label is None


def _doc(label):
    art = Article(page=1, page_label=label, title="城市新闻", body="正文")
    pages = [Page(1, "头版", label="A01"), Page(1, "城市", label="B01")]
    edition = Edition(paper="p", date=date(2023, 9, 21), pages=pages, articles=[art])
    return article_document(edition, art, Source("site", "http://e/x", "ab" * 32))


def test_documents_of_two_sections_page_one_are_two_pages():
    (id_a, doc_a), (id_b, doc_b) = _doc("A01"), _doc("B01")
    assert doc_a["page"] == {"number": 1, "label": "A01", "name": "头版"}
    assert doc_b["page"] == {"number": 1, "label": "B01", "name": "城市"}
    assert id_a != id_b


def test_an_unsectioned_label_keeps_the_article_id_given_by_the_number():
    art = Article(page=1, title="t", body="b")
    edition = Edition(paper="p", date=date(2023, 9, 21), pages=[Page(1)], articles=[art])
    from ingest.dedup import article_id, content_hash

    doc_id, _ = article_document(edition, art, Source("site", "http://e/x", "ab" * 32))
    assert doc_id == article_id("p", date(2023, 9, 21), 1, content_hash(art))


def _page_clause(query):
    """The page filter's clause for articles (its other clause finds stories with a part on the page)."""
    (clause,) = query["query"]["bool"]["filter"]
    articles, stories = clause["bool"]["should"]
    assert stories["term"].keys() == {"story.page_labels"}
    return articles


def test_search_by_a_sectioned_label_filters_on_the_label():
    assert _page_clause(build_query(SearchRequest(query="城市", page="A3"))) == {"term": {"page.label": "A03"}}


@pytest.mark.parametrize("page", ["3", "03", 3])
def test_search_by_a_number_is_that_unsectioned_page_or_a_document_older_than_labels(page):
    labelled, older = _page_clause(build_query(SearchRequest(query="城市", page=page)))["bool"]["should"]
    assert labelled == {"term": {"page.label": "03"}}
    assert older["bool"]["filter"] == [{"term": {"page.number": 3}}]


def test_search_by_a_page_that_is_no_label_is_refused_naming_it():
    with pytest.raises(InputError, match="page '第三版'"):
        build_query(SearchRequest(query="城市", page="第三版"))

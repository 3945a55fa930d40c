from datetime import date

from ingest.documents import Source, article_document, derived_fields
from ingest.model import Article, Author, Edition, Page


def _edition(body="省总工会开展疗休养活动"):
    art = Article(page=1, title="小康路上", body=body, authors=[Author("杜成敏", "记者")])
    return Edition(paper="zjgrrb", paper_name="浙江工人日报", date=date(2020, 6, 25), issue_number=11557,
                   pages=[Page(1, "要闻")], articles=[art]), art


def test_document_has_the_fields_the_index_expects_and_a_deterministic_id():
    ed, art = _edition()
    src = Source("file", "file:///x/page01.txt", "ab" * 32)
    doc_id, doc = article_document(ed, art, src)
    assert doc_id == article_document(ed, art, src)[0]
    assert doc["page"] == {"number": 1, "label": "01", "name": "要闻"}
    assert doc["sources"] == [src.to_dict()]
    assert doc["date"] == "2020-06-25" and doc["issue_number"] == 11557
    assert doc["authors"] == [{"name": "杜成敏", "role": "记者"}]


def test_simplified_copy_only_for_traditional_text():
    assert "zhs" not in derived_fields("小康路上", "职工")
    assert derived_fields("小康路上", "職工")["zhs"] == {"title": "小康路上", "body": ["职工"]}


def test_body_is_stored_one_paragraph_per_value():
    ed, art = _edition(body="第一段。\n第二段。")
    assert article_document(ed, art, Source("file", "u", "0" * 64))[1]["body"] == ["第一段。", "第二段。"]

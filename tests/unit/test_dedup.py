from datetime import date

from ingest.dedup import article_id, content_hash, drop_exact_duplicates, merge_sources
from ingest.model import Article


def test_content_hash_ignores_width_punctuation_whitespace_and_traditional_characters():
    a = Article(page=1, title="省总工会帮扶职工", body="２０２０年，全省共筹集帮扶资金。")
    b = Article(page=1, title="省總工會 幫扶職工", body="2020年 全省共籌集幫扶資金")
    assert content_hash(a) == content_hash(b)


def test_content_hash_differs_when_the_text_differs():
    a = Article(page=1, title="省总工会帮扶职工", body="全省共筹集帮扶资金2.35亿元")
    b = Article(page=1, title="省总工会帮扶职工", body="全省共筹集帮扶资金3.35亿元")
    assert content_hash(a) != content_hash(b)


def test_article_id_is_deterministic_and_depends_on_paper_date_page_and_content():
    d = date(2020, 6, 25)
    first = article_id("zjgrrb", d, 1, "abc")
    assert first == article_id("zjgrrb", d, 1, "abc")
    assert first.startswith("zjgrrb-2020-06-25-")
    assert len({first, article_id("zjgrrb", d, 2, "abc"), article_id("zjgrrb", date(2020, 6, 26), 1, "abc"),
                article_id("other", d, 1, "abc"), article_id("zjgrrb", d, 1, "abd")}) == 5


def test_drop_exact_duplicates_keeps_the_first_copy_and_counts_the_rest():
    a = Article(page=1, title="甲", body="正文一")
    b = Article(page=1, title="乙", body="正文二")
    kept, dropped = drop_exact_duplicates([a, b, Article(page=1, title="甲", body="正文一。")])
    assert kept == [a, b]
    assert dropped == 1


def test_merge_sources_unions_by_kind_uri_and_hash_in_order():
    s1 = {"kind": "file", "uri": "file:///a", "archive_hash": "1"}
    s2 = {"kind": "mail", "uri": "imap://x/1", "archive_hash": "2"}
    assert merge_sources([s1], [s1, s2]) == [s1, s2]
    assert merge_sources([s1, s2], [s2]) == [s1, s2]

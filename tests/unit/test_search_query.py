from datetime import date

import pytest

from ingest.errors import InputError
from ingest.search import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    MAX_WINDOW,
    SearchRequest,
    _join_marks,
    build_query,
    default_ranking,
    query_terms,
)


def test_query_terms_fold_width_and_split_on_ascii_and_ideographic_spaces():
    assert query_terms("疗休养\u3000 “困难职工”  ２０２０") == ["疗休养", "困难职工", "2020"]


def test_every_term_must_match_as_a_phrase_somewhere():
    body = build_query(SearchRequest(query="疗休养 困难职工"))
    must = body["query"]["bool"]["must"]
    assert len(must) == 2
    phrases = {c["match_phrase"][f]["query"] for c in must[0]["bool"]["should"] for f in c["match_phrase"]}
    assert phrases == {"疗休养"}
    assert must[0]["bool"]["minimum_should_match"] == 1


def test_title_phrases_weigh_more_than_body_phrases():
    clause = build_query(SearchRequest(query="红船"))["query"]["bool"]["must"][0]["bool"]["should"]
    boosts = {f: v["boost"] for c in clause for f, v in c["match_phrase"].items()}
    assert boosts["title"] > boosts["body"]


def test_traditional_query_also_searches_its_simplified_form():
    clause = build_query(SearchRequest(query="職工"))["query"]["bool"]["must"][0]["bool"]["should"]
    assert {v["query"] for c in clause for v in c["match_phrase"].values()} == {"職工", "职工"}


def test_filters_for_paper_dates_and_page():
    q = build_query(SearchRequest(query="工会", paper="zjgrrb", since=date(2020, 6, 1), until=date(2020, 6, 30),
                                  page=1, limit=5))
    filters = q["query"]["bool"]["filter"]
    assert {"term": {"paper": "zjgrrb"}} in filters
    assert {"range": {"date": {"gte": "2020-06-01", "lte": "2020-06-30"}}} in filters
    # Page 1 of an article, or of a story with a part on page 1.
    page, story = filters[-1]["bool"]["should"]
    assert {"term": {"page.label": "01"}} in page["bool"]["should"]
    assert story == {"term": {"story.page_labels": "01"}}
    assert q["size"] == 5


def test_an_empty_query_or_a_silly_limit_is_refused():
    with pytest.raises(InputError, match="no terms"):
        build_query(SearchRequest(query="  “” "))
    with pytest.raises(InputError, match="number of hits"):
        build_query(SearchRequest(query="工会", limit=0))


def test_adjacent_character_marks_merge_into_one():
    assert _join_marks("在<em>疗</em><em>休</em><em>养</em>中") == "在<em>疗休养</em>中"


def _ranking_fields(body) -> list[list[str]]:
    return [c["multi_match"]["fields"] for c in body["query"]["bool"]["should"]]


def test_ranking_signals_choose_the_should_clauses_and_never_the_must_clauses():
    full = build_query(SearchRequest(query="疗休养", ranking=frozenset({"bigrams", "index_words"})),
                       index_word_fields=["title.words", "body.words"])
    bare = build_query(SearchRequest(query="疗休养", ranking=frozenset()))
    assert full["query"]["bool"]["must"] == bare["query"]["bool"]["must"]
    assert bare["query"]["bool"]["should"] == []
    assert [fields[0].split("^")[0] for fields in _ranking_fields(full)] == ["title.bigrams", "title.words"]


def test_index_words_rank_as_a_phrase_over_the_word_sub_fields_the_index_has():
    body = build_query(SearchRequest(query="困难职工", ranking=frozenset({"index_words"})),
                       index_word_fields=["title.words", "zhs.body.words"])
    (clause,) = body["query"]["bool"]["should"]
    assert clause["multi_match"]["type"] == "phrase"
    assert clause["multi_match"]["fields"] == ["title.words^2.0", "zhs.body.words^0.5"]


def test_index_words_add_nothing_where_the_index_has_no_word_sub_fields():
    body = build_query(SearchRequest(query="困难职工", ranking=frozenset({"index_words"})))
    assert body["query"]["bool"]["should"] == []


def test_an_unknown_ranking_signal_is_refused_naming_the_known_ones():
    with pytest.raises(InputError, match="unknown ranking signals.*bigrams"):
        build_query(SearchRequest(query="工会", ranking=frozenset({"tfidf"})))


def test_default_ranking_is_the_word_sub_fields_where_the_index_has_them_else_bigrams():
    assert default_ranking(["title.words", "body.words"]) == {"index_words"}
    assert default_ranking([]) == {"bigrams"}
    assert default_ranking(["author.words"]) == {"bigrams"}  # no boost known for it: nothing would rank
    with_words = build_query(SearchRequest(query="疗休养"), ["title.words"])["query"]["bool"]["should"]
    without = build_query(SearchRequest(query="疗休养"))["query"]["bool"]["should"]
    assert [c["multi_match"]["fields"] for c in with_words] == [["title.words^2.0"]]
    assert [c["multi_match"]["fields"][0] for c in without] == ["title.bigrams^3.0"]


def test_each_term_ranks_as_a_phrase_of_its_own_words():
    should = build_query(SearchRequest(query="疗休养 困难职工"), ["body.words"])["query"]["bool"]["should"]
    assert [(c["multi_match"]["query"], c["multi_match"]["type"]) for c in should] == \
        [("疗休养", "phrase"), ("困难职工", "phrase")]


def test_parts_linked_into_a_story_are_found_through_the_story():
    q = build_query(SearchRequest(query="工会"))
    assert q["query"]["bool"]["must_not"] == [{"term": {"story.role": "part"}}]


@pytest.mark.parametrize("bad", ["A", "3A", "ABC3", "要闻", "1234"])
def test_a_page_that_is_not_a_page_label_is_refused_naming_it(bad):
    with pytest.raises(InputError, match=f"page {bad!r}"):
        build_query(SearchRequest(query="工会", page=bad))


def test_an_author_filter_matches_the_byline_name():
    filters = build_query(SearchRequest(query="工会", author="张浩呈"))["query"]["bool"]["filter"]
    assert {"term": {"authors.name": "张浩呈"}} in filters


def test_paging_sets_from_and_stops_at_the_window_elasticsearch_can_page():
    assert build_query(SearchRequest(query="工会", offset=20, limit=10))["from"] == 20
    with pytest.raises(InputError, match="out of reach"):
        build_query(SearchRequest(query="工会", offset=MAX_WINDOW - 5, limit=10))


def test_a_query_too_long_or_with_too_many_terms_is_refused():
    with pytest.raises(InputError, match="characters long"):
        build_query(SearchRequest(query="工" * (MAX_QUERY_CHARS + 1)))
    with pytest.raises(InputError, match="terms"):
        build_query(SearchRequest(query=" ".join(["工会"] * (MAX_TERMS + 1))))


def test_dates_in_the_wrong_order_are_refused():
    with pytest.raises(InputError, match="after the last date"):
        build_query(SearchRequest(query="工会", since=date(2020, 7, 1), until=date(2020, 6, 1)))


def test_highlights_come_back_html_escaped_for_the_headline_stack_and_the_body():
    hl = build_query(SearchRequest(query="工会"))["highlight"]
    assert hl["encoder"] == "html"
    assert {"pretitle", "title", "subtitle", "body"} <= set(hl["fields"])

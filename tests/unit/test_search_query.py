from datetime import date

import pytest

from ingest.errors import InputError
from ingest.search import SearchRequest, _join_marks, build_query, query_terms


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
    assert {"term": {"page.number": 1}} in filters
    assert q["size"] == 5


def test_an_empty_query_or_a_silly_limit_is_refused():
    with pytest.raises(InputError, match="no terms"):
        build_query(SearchRequest(query="  “” "))
    with pytest.raises(InputError, match="limit"):
        build_query(SearchRequest(query="工会", limit=0))


def test_adjacent_character_marks_merge_into_one():
    assert _join_marks("在<em>疗</em><em>休</em><em>养</em>中") == "在<em>疗休养</em>中"

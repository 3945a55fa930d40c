"""The one hit shape every front-end gets (ingest.search.hit), from Elasticsearch hits of a collapsed
search and the bucket of its group in the members query, as the server returns them."""

from ingest.search import DUPLICATES_SHOWN, Hit, SearchRequest, build_query, group_of, hit, members_query

# A collapsed hit as Elasticsearch 9 answers the build_query body (trimmed to what hit() reads); the text is
# the sample page's article (浙江工人日报 2020-06-25, page 1) and a reprint of it.
ES_HIT = {
    "_id": "zjgrrb-2020-06-25-ca3de10e38a5c0e6", "_score": 12.5,
    "_source": {"paper": "zjgrrb", "paper_name": "浙江工人日报", "date": "2020-06-25",
                "page": {"number": 1, "name": "要闻"}, "kind": "article", "pretitle": "16个结对名额10小时被“抢”完",
                "title": "一条朋友圈信息圆了困难学子上学梦", "subtitle": "", "column": "",
                "authors": [{"name": "张浩呈", "role": "记者"}], "url": None,
                "dup_group": "zjgrrb-2020-06-25-ca3de10e38a5c0e6"},
    "highlight": {"title": ["一条<em>朋</em><em>友</em><em>圈</em>信息圆了困难学子上学梦"],
                  "body": ["一条<em>朋友圈</em>信息，一天之内让16名贫困学子找到求学的希望。"]},
    "fields": {"dup_group": ["zjgrrb-2020-06-25-ca3de10e38a5c0e6"]},
}

# Its group's bucket in the members query (ingest.search.members_query): the hit itself and a reprint.
BUCKET = {"key": "zjgrrb-2020-06-25-ca3de10e38a5c0e6", "doc_count": 2, "members": {"hits": {"hits": [
    {"_id": "zjgrrb-2020-06-25-ca3de10e38a5c0e6", "_source": {"paper": "zjgrrb"}},
    {"_id": "hzrb-2020-06-26-cf7996ecc4c62c19",
     "_source": {"paper": "hzrb", "paper_name": "杭州日报", "date": "2020-06-26",
                 "page": {"number": 3, "label": "A03"}, "title": "一條朋友圈信息圓夢"}}]}}}


def test_a_hit_carries_the_headline_stack_byline_page_and_every_documented_field():
    h = hit(ES_HIT, BUCKET)
    assert set(h) == set(Hit.__annotations__)
    assert (h["pretitle"], h["title"]) == ("16个结对名额10小时被“抢”完", "一条朋友圈信息圆了困难学子上学梦")
    # Indexed before page labels: the label comes from the number.
    assert (h["page"], h["page_name"], h["page_label"]) == (1, "要闻", "01")
    assert h["authors"] == [{"name": "张浩呈", "role": "记者"}]
    assert h["highlight"]["title"] == "一条<em>朋友圈</em>信息圆了困难学子上学梦"
    assert h["highlight"]["pretitle"] is None and h["highlight"]["body"][0].startswith("一条<em>朋友圈</em>")


def test_a_collapsed_hit_names_its_group_size_and_the_other_members_not_itself():
    group = hit(ES_HIT, BUCKET)["group"]
    assert group is not None and group["size"] == 2 and group["id"] == group_of(ES_HIT) == BUCKET["key"]
    assert [(m["paper_name"], m["date"], m["page"], m["page_label"]) for m in group["others"]] == \
        [("杭州日报", "2020-06-26", 3, "A03")]


def test_a_hit_of_a_search_without_collapse_has_no_group():
    plain = {k: v for k, v in ES_HIT.items() if k != "fields"}
    assert hit(plain)["group"] is None


def test_a_hit_whose_group_the_members_query_missed_stands_alone():
    # Moved to another group between the two queries: the hit is still shown, as a group of one.
    group = hit(ES_HIT, {})["group"]
    assert group is not None and (group["size"], group["others"]) == (1, [])


def test_a_large_group_lists_only_the_first_members_but_counts_them_all():
    members = [{"_id": f"p{i}-2020-06-2{i}-x", "_source": {"paper": f"p{i}", "date": f"2020-06-2{i}"}}
               for i in range(DUPLICATES_SHOWN + 1)]
    group = hit(ES_HIT, {"key": BUCKET["key"], "doc_count": 40, "members": {"hits": {"hits": members}}})["group"]
    assert group is not None and group["size"] == 40 and len(group["others"]) == DUPLICATES_SHOWN


def test_the_members_query_keeps_the_searchs_terms_filters_and_exclusions_for_the_pages_groups_only():
    body = build_query(SearchRequest("朋友圈", paper="zjgrrb"))
    q = members_query(body, ["g1", "g2"])
    bool_q = q["query"]["bool"]
    assert bool_q["filter"] == [*body["query"]["bool"]["must"], *body["query"]["bool"]["filter"],
                                {"terms": {"dup_group": ["g1", "g2"]}}]
    assert bool_q["must_not"] == body["query"]["bool"]["must_not"]
    # One bucket per group, each with its first members (the hit itself among them) and its size.
    assert q["size"] == 0 and q["aggs"]["groups"]["terms"]["size"] == 2
    assert q["aggs"]["groups"]["aggs"]["members"]["top_hits"]["size"] == DUPLICATES_SHOWN + 1


def test_a_collapsed_search_asks_no_inner_hits_and_counts_groups_only_when_asked():
    body = build_query(SearchRequest("朋友圈"))
    assert body["collapse"] == {"field": "dup_group"} and "cardinality" in body["aggs"]["groups"]
    assert "aggs" not in build_query(SearchRequest("朋友圈", count_groups=False))
    assert "collapse" not in build_query(SearchRequest("朋友圈", collapse=False))

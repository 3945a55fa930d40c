"""Jump linking (ingest.stories): which parts of one edition are one story, and the story's body."""

from __future__ import annotations

import random
from datetime import date

import pytest

from ingest.documents import Source, edition_documents
from ingest.papers import get_paper
from ingest.parse import ParseHints, parse_file
from ingest.stories import Part, assemble, headline_match, link_score, names_page, story_document, story_paragraphs
from tests.conftest import FIXTURES, SAMPLE_PAGE

PAGE4 = FIXTURES / "zjgrrb-2020-06-25" / "page04.txt"


def _parts_of(path, page=None):
    hints = ParseHints(name=str(path), paper=get_paper("zjgrrb"), date=date(2020, 6, 25), page=page)
    docs = edition_documents(parse_file(path, hints), Source("file", path.as_uri(), "0" * 64))
    return [Part.from_document(i, d) for i, d in docs if d.get("continues_on") or d.get("continued_from")], docs


def _part(pid, label, title="", on=None, came_from=None, paras=("正文。",), day="2020-06-25", paper="zjgrrb"):
    number = int(label.lstrip("ABCDEFGH"))
    return Part(id=pid, paper=paper, date=day, page=number, label=label, headlines=(title,) if title else (),
                paragraphs=tuple(paras), continues_on=on, continued_from=came_from)


def test_the_samples_page_one_story_and_its_page_four_continuation_are_one_story():
    first, docs1 = _parts_of(SAMPLE_PAGE)
    rest, _ = _parts_of(PAGE4, page=4)
    assert [p.headlines for p in first] == [("感受“工厂味” 融入“工人情”", "宁波市总工会举行“当一周工人、体工会初心”总结会")]
    assert [(p.label, p.continued_from, p.headlines) for p in rest] == [("04", "01", ("融入“工人情”",))]
    (chain,) = assemble(first + rest)
    assert [p.label for p in chain] == ["01", "04"]
    sid, doc = story_document(chain, dict(docs1)[chain[0].id])
    assert doc["body"][0] == first[0].paragraphs[0] and doc["body"][-1] == rest[0].paragraphs[-1]
    assert doc["story"] == {"id": sid, "role": "story", "parts": [first[0].id, rest[0].id], "pages": [1, 4],
                            "page_labels": ["01", "04"]}
    assert doc["title"] == "感受“工厂味” 融入“工人情”" and doc["sources"] == []
    assert "dup_bands" not in doc


def test_the_story_is_the_same_whichever_part_is_found_first():
    parts = _parts_of(SAMPLE_PAGE)[0] + _parts_of(PAGE4, page=4)[0]
    expected = [[p.id for p in c] for c in assemble(parts)]
    for seed in range(5):
        random.Random(seed).shuffle(parts)
        assert [[p.id for p in c] for c in assemble(parts)] == expected


@pytest.mark.parametrize("jump,source,target,same", [
    ("04", "01", "04", True),
    ("A04", "A01", "A04", True),
    ("04", "A01", "A04", True),  # 下转第4版 on A01 stays in section A
    ("04", "A01", "B04", False),
    ("B04", "A01", "B04", True),  # 下转B4版 crosses sections
    ("B04", "A01", "A04", False),
    ("05", "01", "04", False),
    ("A04", "01", "04", True),  # a paper that labels its pages without letters
])
def test_a_jump_names_a_page_by_number_and_by_section_where_both_are_known(jump, source, target, same):
    assert names_page(jump, source, target) is same


def test_a_shortened_continuation_headline_matches_and_another_headline_does_not():
    first = _part("a", "01", "小康路上“工”字闪亮", on="04")
    assert headline_match(first, _part("b", "04", "小康路上“工”字闪亮", came_from="01")) == 2
    assert headline_match(first, _part("b", "04", "小康路上工字", came_from="01")) == 1
    assert headline_match(first, _part("b", "04", "医疗互助保障覆盖千万职工", came_from="01")) == 0
    assert headline_match(first, _part("b", "04", "小康", came_from="01")) == 0  # too short to tell


def test_an_article_on_the_named_page_with_another_headline_is_not_the_continuation():
    first = _part("a", "01", "小康路上“工”字闪亮", on="04")
    other = _part("b", "04", "医疗互助保障覆盖千万职工", came_from="01")
    assert link_score(first, other) == 0
    assert assemble([first, other]) == []


def test_parts_of_two_editions_or_naming_a_third_page_are_not_linked():
    first = _part("a", "01", "小康路上", on="04")
    assert link_score(first, _part("b", "04", "小康路上", came_from="01", day="2020-06-26")) == 0
    assert link_score(first, _part("b", "04", "小康路上", came_from="01", paper="other")) == 0
    assert link_score(first, _part("b", "04", "小康路上", came_from="02")) == 0
    assert link_score(_part("a", "01", "小康路上", on="05"), _part("b", "04", "小康路上", came_from="01")) == 0


def test_one_jump_line_is_enough_when_the_other_part_does_not_print_one():
    first = _part("a", "A01", "融入工人情", on="A04")
    assert link_score(first, _part("b", "A04", "融入工人情")) > 0
    assert link_score(_part("a", "A01", "融入工人情"), _part("b", "A04", "融入工人情", came_from="A01")) > 0


def test_an_untitled_part_continued_from_the_page_is_the_rest_of_the_article():
    first = _part("a", "01", "小康路上", on="04", paras=("他说，这是",))
    assert link_score(first, _part("b", "04", "", came_from="01", paras=("一条路。",))) > 0


def test_the_better_match_wins_when_two_parts_on_the_page_jump_back():
    first = _part("a", "01", "感受工厂味 融入工人情", on="04")
    exact = _part("x", "04", "感受工厂味 融入工人情", came_from="01")
    untitled = _part("y", "04", "", came_from="01")
    (chain,) = assemble([untitled, first, exact])
    assert [p.id for p in chain] == ["a", "x"]


def test_a_story_over_three_pages_is_read_in_order():
    parts = [_part("c", "05", "小康", came_from="04"), _part("a", "01", "小康路上", on="04"),
             _part("b", "04", "小康路上", came_from="01", on="05")]
    # 小康 is too short to match a headline, but the jump lines of both name each other.
    parts[0] = _part("c", "05", "", came_from="04")
    (chain,) = assemble(parts)
    assert [p.id for p in chain] == ["a", "b", "c"]


def test_a_paragraph_cut_by_the_jump_is_joined_so_a_phrase_across_it_is_one_phrase():
    chain = [_part("a", "01", "小康", on="04", paras=("第一段。", "全省开始全面推")),
             _part("b", "04", "小康", came_from="01", paras=("行职工医疗互助保障制度。", "末段。"))]
    assert story_paragraphs(chain) == ["第一段。", "全省开始全面推行职工医疗互助保障制度。", "末段。"]
    chain[0] = _part("a", "01", "小康", on="04", paras=("第一段。",))
    assert story_paragraphs(chain) == ["第一段。", "行职工医疗互助保障制度。", "末段。"]

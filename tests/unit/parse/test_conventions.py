"""Newspaper conventions shared by the page-text parser and the e-paper reader (ingest.parse.conventions)."""

from datetime import date

import pytest

from ingest.parse.conventions import byline_authors, dateline, jump_at_end, jump_at_start, jump_labels, jump_lines, \
    parse_credit, \
    parse_date


@pytest.mark.parametrize("text", ["2020年6月25日", "2020-06-25", "2020.6.25", "2020/06/25 星期四", "2020年 6月 25日",
                                  "二〇二〇年六月二十五日", "发布时间：2020-06-25 08:00"])
def test_dates_as_mastheads_and_markup_print_them(text):
    assert parse_date(text) == date(2020, 6, 25)


@pytest.mark.parametrize("body, pages", [
    ("正文\n（下转第A4版）", (4, None)),
    ("正文\n（接第一版）", (None, 1)),
    ("更接地气。下转第4版", (4, None)),
    ("上接第1版 鲁一波说。\n正文", (None, 1)),
    ("（上接第1版）\n正文\n（下转第3版）", (3, 1)),
    ("机器运转第4版", (None, None)),
    ("他说详见第3版", (None, None)),
])
def test_jump_lines_of_a_body(body, pages):
    assert jump_lines(body) == pages


def test_bare_jump_words_are_cut_from_a_paragraph():
    assert jump_at_end("更接地气。下转第4版") == ("更接地气。", 4)
    assert jump_at_start("上接第1版鲁一波说。") == ("鲁一波说。", 1)
    assert jump_at_end("他说见第4版") == ("他说见第4版", None)


@pytest.mark.parametrize("paragraph, expected", [
    ("本报北京10月15日电 由中共中央党史和文献研究院编辑", "本报北京10月15日电"),
    ("新华社北京10月15日电 中共中央召开党外人士座谈会", "新华社北京10月15日电"),
    ("本报讯 记者张浩呈报道 一条朋友圈信息", "本报讯"),
    ("本报太原11月5日讯（记者 翟步庭）“千村示范、万村整治”工程", "本报太原11月5日讯"),
    ("本报太原讯息员说", ""),
    ("本报 记者阮向民 通讯员李理报道 今年", "本报"),
    ("记者杜成敏报道 今年是收官之年。", ""),
])
def test_datelines_that_open_a_paragraph(paragraph, expected):
    assert dateline(paragraph) == expected


@pytest.mark.parametrize("byline, expected", [
    ("记者 张三，李四", [("张三", "记者"), ("李四", "记者")]),
    ("本报记者 张三 整理", [("张三", "记者")]),
    ("记者 张三 撰文", [("张三", "记者")]),
    ("特约通讯员 王五", [("王五", "特约通讯员")]),
    ("首席记者 王五", [("王五", "记者")]),
    ("記者 張三", [("張三", "记者")]),
    ("杜成敏 李理", [("杜成敏", "作者"), ("李理", "作者")]),
    ("文/张三", [("张三", "作者")]),
    ("图/李四", [("李四", "摄影")]),
    ("本报评论员", [("本报评论员", "评论员")]),
    ("2020年06月25日 第01版：要闻", []),
])
def test_byline_fields_give_names_with_roles(byline, expected):
    assert [(a.name, a.role) for a in byline_authors(byline)] == expected


@pytest.mark.parametrize("body,jumps", [
    ("正文。\n(下转A4版)", {"on": (4, "A04")}),
    ("正文。\n(下转第A4版)", {"on": (4, "A04")}),
    ("(上接第1版)\n正文。", {"from": (1, "01")}),
    ("(上接第B2版)正文。下转第十二版", {"from": (2, "B02"), "on": (12, "12")}),
])
def test_jump_lines_keep_the_label_they_print(body, jumps):
    assert jump_labels(body) == jumps


def test_the_spaced_form_keeps_every_character_but_white_space() -> None:
    # parse_credit turns long paragraphs away by their characters other than white space, without making
    # the spaced form: that holds only while the form drops white space and nothing else.
    from pathlib import Path

    from ingest.parse.chars import spaced_form

    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    texts = {t for p in fixtures.rglob("*") if p.suffix in {".txt", ".html", ".eml"}
             for t in p.read_text(encoding="utf-8", errors="replace").splitlines()}
    texts |= {"新 华 社 记 者 徐 昱 摄", "１０．１３万\u3000元", "图/本报记者 张 三\u00a0摄", " \t "}
    assert len(texts) > 1000
    for t in texts:
        assert len(spaced_form(t)) >= sum(map(len, t.split())), t


def test_a_credit_longer_than_forty_characters_with_its_spaces_is_still_a_credit() -> None:
    line = "新      华      社      记      者      徐      昱      摄"
    assert len(line) > 40
    assert [a.name for a in parse_credit(line) or []] == ["徐昱"]
    assert parse_credit("本报记者 张大伟 通讯员 李明亮 摄" + "，" * 30) is None  # over 40 without spaces

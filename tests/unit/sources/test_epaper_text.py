"""Bylines, page labels, dates and jump lines as e-paper pages spell them."""

import pytest

from ingest.parse.conventions import byline_authors, jump_lines, parse_date
from ingest.sources.epaper.text import page_label


@pytest.mark.parametrize("byline, expected", [
    ("本报记者 杜成敏", [("杜成敏", "记者")]),
    ("记者 张浩呈 通讯员 李理", [("张浩呈", "记者"), ("李理", "通讯员")]),
    ("新华社记者 徐昱 摄", [("徐昱", "摄影")]),
    ("记者杜成敏报道", [("杜成敏", "记者")]),
    ("本报特约记者 王五、赵六", [("王五", "特约记者"), ("赵六", "特约记者")]),
    ("杜成敏", [("杜成敏", "作者")]),
    ("", []),
])
def test_bylines_give_names_with_roles(byline, expected):
    assert [(a.name, a.role) for a in byline_authors(byline)] == expected


@pytest.mark.parametrize("label, expected", [
    ("第A01版：头版", ("A", 1, "头版")),
    ("01版:要闻", ("", 1, "要闻")),
    ("第08版：广告", ("", 8, "广告")),
    ("（ 2017年10月16日   01 版）", ("", 1, "")),
    ("版次：A02", ("A", 2, "")),
    ("版次: 12 来源：深圳晚报", ("", 12, "")),
    ("版次：", None),
])
def test_page_labels(label, expected):
    assert page_label(label) == expected


def test_dates_and_jump_lines():
    assert parse_date("2020年6月25日 星期四").isoformat() == "2020-06-25"
    assert parse_date("2020年2月30日") is None
    assert jump_lines("正文\n(下转第4版)") == (4, None)
    assert jump_lines("（上接第1版）\n正文") == (None, 1)

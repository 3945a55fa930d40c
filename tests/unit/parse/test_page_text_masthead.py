"""Masthead and page-header rules (ingest.parse.page_text.masthead)."""

from datetime import date
from pathlib import Path

import pytest

from ingest.parse.chars import key
from ingest.parse.conventions import cn_number, parse_date
from ingest.parse.page_text.masthead import (
    check_lunar, check_weekday, field_names, lunar_day, read_masthead, read_page_header,
)

PAPERS = {"浙江工人日报"}


@pytest.mark.parametrize("line, fields", [
    ("2020年6月25日", ["date"]),
    ("星期四", ["weekday"]),
    ("庚子年五月初五", ["lunar_date"]),
    ("农历五月初五", ["lunar_date"]),
    ("邮发代号: 31-2 第11557号", ["issue", "distribution_code"]),
    ("国内统一刊号：ＣＮ３３－００１８", ["cn_number"]),
    ("國內統一刊號:CN33-0018", ["cn_number"]),
    ("电子版: www.zjgrrb.com", ["site"]),
    ("电子信箱: zjgrxw@163.com", ["email"]),
    ("社址: 杭州市学院路107号 邮编: 310012", ["postcode", "address"]),
    ("浙江工人日报", ["paper_name"]),
    ("小康路上“工”字闪亮", []),
    ("五月的风吹过田野", []),
])
def test_field_names_of_masthead_lines(line, fields):
    assert field_names(line) == tuple(fields)


def test_the_fields_skipped_for_a_line_without_digits_never_match_one():
    # field_names skips six of its patterns on a line whose key holds no digit: on no line (nor half line) of
    # the real pages does one of them match without a digit.
    from ingest.parse.page_text.masthead import _DIGIT, _DIGITLESS_FIELD_PATTERNS, _FIELD_PATTERNS
    fixtures = Path(__file__).resolve().parents[2] / "fixtures"
    pages = [p for p in fixtures.rglob("*") if p.suffix in {".txt", ".html", ".htm", ".eml"}]
    lines = {ln for p in pages for ln in p.read_bytes().decode("utf-8", "replace").splitlines()}
    lines |= {ln[: len(ln) // 2] for ln in lines} | {ln[len(ln) // 2:] for ln in lines}
    skipped = [rx for _, rx in _FIELD_PATTERNS if (_, rx) not in _DIGITLESS_FIELD_PATTERNS]
    assert len(skipped) == 6 and len(lines) > 2000
    digitless = [k for ln in lines if not _DIGIT.search(k := key(ln))]
    assert digitless and not [k for k in digitless if any(rx.search(k) for rx in skipped)]
    assert all(any(rx.search(key(ln)) for rx in skipped) for ln in ("2020年6月25日", "第11557号", "邮编: 310012"))


def test_read_masthead_collects_fields_and_slogans():
    m = read_masthead(["2020年6月25日 星期四", "第11557号", "浙江工人日报", "倾情关注劳动群体 全心服务工会组织"], PAPERS)
    assert (m.paper_name, m.date, m.issue_number, m.weekday) == ("浙江工人日报", date(2020, 6, 25), 11557, 3)
    assert m.fields["slogans"] == "倾情关注劳动群体 全心服务工会组织"
    assert m.front


def test_spaced_out_paper_name_is_read():
    assert read_masthead(["浙 江 工 人 日 報", "2020年6月25日"], PAPERS).paper_name == "浙江工人日报"


@pytest.mark.parametrize("k, expected", [
    ("2020年6月25日", date(2020, 6, 25)),
    ("二〇二〇年六月二十五日", date(2020, 6, 25)),
    ("二〇二〇年十二月三十一日", date(2020, 12, 31)),
    ("2020年2月30日", None),
    ("六月二十五日", None),
])
def test_parse_date_accepts_arabic_and_chinese_numerals_and_refuses_impossible_dates(k, expected):
    assert parse_date(key(k)) == expected


def test_chinese_numbers_and_lunar_days():
    assert [cn_number(s) for s in ("五", "十", "十二", "二十", "二十五", "廿三", "三十")] == [5, 10, 12, 20, 25, 23, 30]
    assert [lunar_day(s) for s in ("初五", "初十", "十五", "廿三", "三十")] == [5, 10, 15, 23, 30]


def test_matching_lunar_date_gives_no_warning():
    assert check_lunar(date(2020, 6, 25), ("庚子", False, 5, 5)) is None
    assert check_lunar(date(2020, 6, 25), ("", False, 5, 5)) is None


def test_lunar_day_or_year_off_is_a_warning_naming_both():
    w = check_lunar(date(2020, 6, 25), ("庚子", False, 5, 6))
    assert w is not None and "五月初六" in w and "2020-06-25" in w and "庚子年五月初五" in w
    assert check_lunar(date(2020, 6, 25), ("辛丑", False, 5, 5)) is not None


def test_leap_month_is_checked():
    # 2020-05-23 is the first day of the leap fourth month (闰四月初一) of 庚子.
    assert check_lunar(date(2020, 5, 23), ("庚子", True, 4, 1)) is None
    assert check_lunar(date(2020, 5, 23), ("庚子", False, 4, 1)) is not None


def test_weekday_mismatch_is_a_warning():
    assert check_weekday(date(2020, 6, 25), 3) is None
    assert "星期五" in check_weekday(date(2020, 6, 25), 4)


def test_page_header_gives_number_and_name():
    assert read_page_header("2 浙江工人日报 2020年6月25日 星期四 要闻 责任编辑:张三", PAPERS) == (2, "要闻")
    assert read_page_header("第03版：综合   2020年6月25日  星期四  责编：王五", PAPERS) == (3, "综合")
    assert read_page_header("小康路上 2020年", PAPERS) == (None, "")


def test_inner_page_header_is_not_a_front_masthead():
    m = read_masthead(["4 浙江工人日报 2020年6月25日 星期四 综合 责任编辑:张三 美编:李四"], PAPERS)
    assert (m.page, m.fields["page_name"], m.fields["editor"], m.fields["art_editor"]) == (4, "综合", "张三", "李四")
    assert not m.front

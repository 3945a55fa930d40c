"""Variant pages built from real text: the rules hold beyond the sample page."""

from datetime import date
from pathlib import Path

import pytest

from ingest.model import Author, Edition
from ingest.papers import get_paper
from ingest.parse import ParseHints, parse_bytes

VARIANTS = Path(__file__).resolve().parents[2] / "fixtures" / "page_text"


def parse(name: str, **hints) -> Edition:
    path = VARIANTS / name
    return parse_bytes(path.read_bytes(), ParseHints(name=name, **hints))


def test_other_masthead_style_gives_paper_issue_lunar_date_and_serial_number():
    e = parse("front_other_masthead.txt")
    assert (e.paper, e.paper_name, e.date, e.issue_number) == ("rmrb", "人民日报", date(2020, 6, 25), 25847)
    assert e.masthead["cn_number"] == "CN11-0065"
    assert e.masthead["distribution_code"] == "1-1"
    assert e.masthead["editions_today"] == "20"
    assert e.masthead["lunar_date"] == "农历庚子年五月初五"
    assert not any("lunar" in w or "not a configured paper" in w for w in e.warnings)


def test_masthead_of_an_unconfigured_paper_is_a_warning_not_an_error():
    # The same front page under the masthead of 大众日报, a paper with no config.
    text = (VARIANTS / "front_other_masthead.txt").read_text(encoding="utf-8").replace("人民日报", "大众日报", 1)
    e = parse_bytes(text.encode("utf-8"), ParseHints(name="front_dzrb.txt"))
    assert (e.paper, e.paper_name, e.date) == ("", "大众日报", date(2020, 6, 25))
    assert any("大众日报, which is not a configured paper" in w for w in e.warnings)


def test_pretitle_with_colon_dashed_subtitle_and_wire_dateline():
    a = parse("front_other_masthead.txt").articles[0]
    assert (a.pretitle, a.title, a.subtitle) == ("全省工会部署消费扶贫：", "优先采购扶贫产品", "预留份额不低于当年发放总额的20%")
    assert a.dateline == "新华社杭州6月24日电"
    assert a.authors == [Author("杜成敏", "记者"), Author("李理", "通讯员")]
    assert a.paragraphs[0].startswith("省总工会与省对口办")
    assert "优先采购对口帮扶县扶贫产品。同时" in a.body  # spliced around the photo caption
    assert a.continues_on is None


def test_caption_with_inline_credit_is_a_photo_item():
    e = parse("front_other_masthead.txt")
    photo = [a for a in e.articles if a.kind == "photo"]
    assert len(photo) == 1
    assert photo[0].body == "据统计，2019年全省各级工会认定或命名对口协作地区疗休养基地69家。"
    assert photo[0].authors == [Author("阮向民", "摄影")]


def test_bracketed_byline_after_dateline():
    e = parse("front_other_masthead.txt")
    a = [a for a in e.articles if a.title == "一条朋友圈信息 圆了困难学子上学梦"][0]
    assert (a.dateline, a.authors) == ("本报讯", [Author("张浩呈", "记者")])
    assert a.paragraphs[0] == "一条朋友圈信息，一天之内让16名贫困学子找到求学的希望。"


def test_lunar_date_that_does_not_match_is_a_warning():
    e = parse("front_wrong_lunar.txt")
    assert e.date == date(2020, 6, 25)
    assert any("五月初六 does not match" in w and "庚子年五月初五" in w for w in e.warnings)


def test_inner_page_header_gives_page_number_name_and_editors():
    e = parse("inner_page_header.txt")
    assert (e.paper, e.date, e.issue_number) == ("zjgrrb", date(2020, 6, 25), None)
    assert [(p.number, p.name) for p in e.pages] == [(4, "综合新闻")]
    assert (e.masthead["editor"], e.masthead["art_editor"]) == ("张浩呈", "李理")
    assert all(a.page == 4 for a in e.articles)


def test_continued_article_with_trailing_bracketed_byline():
    first = parse("inner_page_header.txt").articles[0]
    assert first.continued_from == 1
    assert first.authors == [Author("杜成敏", "记者"), Author("阮向民", "通讯员")]
    assert first.body.endswith("活动将常态化开展。")


def test_byline_on_lines_of_its_own_is_one_byline():
    a = parse("inner_page_header.txt").articles[1]
    assert a.title == "医疗互助保障覆盖千万职工"
    assert a.authors == [Author("杜成敏", "记者"), Author("李理", "通讯员")]
    assert len(a.paragraphs) == 2
    assert a.paragraphs[1].startswith("截至2019年底")


def test_inner_page_without_header_takes_paper_and_date_from_the_caller():
    e = parse("inner_no_header.txt", paper=get_paper("zjgrrb"), date=date(2020, 6, 25), page=3)
    assert (e.paper, e.paper_name, e.date) == ("zjgrrb", "浙江工人日报", date(2020, 6, 25))
    assert e.warnings == []
    [a] = e.articles
    assert (a.page, a.title, a.authors) == (3, "省内扶贫开发加快“造血”", [Author("杜成敏", "记者")])


def test_inner_page_without_header_or_hints_warns_and_has_no_page():
    e = parse("inner_no_header.txt")
    assert e.paper == "" and e.date is None and e.pages == []
    assert e.articles[0].page is None
    assert any("--paper" in w for w in e.warnings) and any("--date" in w for w in e.warnings)


def test_interleaved_articles_come_out_whole():
    e = parse("interleaved.txt")
    red, friends = e.articles
    assert red.title == "“红船精神”进企业"  # printed after its first paragraphs
    assert red.subtitle == "嘉兴工会开展主题教育实践活动"
    assert "所理解、所接受，充分彰显" in red.body
    assert red.body.endswith("应当坚决扛起政治责任和使命担当。")
    assert "海曙" not in red.body
    assert (friends.pretitle, friends.title) == ("16个结对名额10小时被“抢”完", "一条朋友圈信息 圆了困难学子上学梦")
    assert "工匠品牌工作室28个" in friends.body
    assert friends.paragraphs[-1].startswith("事实上")
    assert "嘉兴" not in friends.body


def test_hard_wrapped_lines_are_joined_into_paragraphs():
    [a] = parse("hard_wrapped.txt").articles
    assert (a.pretitle, a.title) == ("宁波市总工会举行总结会", "感受“工厂味” 融入“工人情”")
    assert a.authors == [Author("杜成敏", "记者"), Author("阮向民", "通讯员")]
    assert len(a.paragraphs) == 3
    assert "下发《关于开展“当一周工人、体工会初心”活动的实施意见》。" in a.paragraphs[0]
    assert "与一线工人同吃同劳动" in a.paragraphs[1]


def test_traditional_spaced_out_full_width_page():
    e = parse("spaced_traditional.txt")
    assert (e.paper, e.date, e.issue_number) == ("zjgrrb", date(2020, 6, 25), 11557)
    article, photo = e.articles
    assert article.title == "一條朋友圈信息 圓了困難學子上學夢"  # characters as printed; search folds 繁/简
    assert (article.dateline, article.authors) == ("本報訊", [Author("張浩呈", "记者")])
    assert "讓16名貧困學子" in article.body  # full-width digits narrowed
    assert article.continues_on == 3
    assert "下轉" not in article.body
    assert (photo.kind, photo.authors) == ("photo", [Author("徐昱", "摄影")])


def test_ads_only_page_is_notices_and_a_warning():
    e = parse("ads_only.txt")
    assert {a.kind for a in e.articles} == {"notice"}
    assert [a.title for a in e.articles] == ["欢迎订阅2021年度浙江工人日报", "订阅热线", "广告", "招商热线", "遗失声明"]
    assert any("no article text" in w for w in e.warnings)


@pytest.mark.parametrize("name", sorted(p.name for p in VARIANTS.glob("*.txt")))
def test_every_variant_parses_into_items_with_text(name):
    e = parse(name)
    assert e.articles
    assert all(a.title or a.body or a.authors for a in e.articles)

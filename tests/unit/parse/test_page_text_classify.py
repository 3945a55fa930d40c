"""Block classes and the rule behind each (ingest.parse.page_text.classify)."""

import pytest

from ingest.parse.conventions import jump_at_end, jump_at_start
from ingest.parse.page_text.blocks import Block
from ingest.parse.page_text.classify import (
    classify_block, classify_blocks, heading_reason, looks_like_notice, masthead_zone, starts_like_paragraph,
)

PAPERS = {"浙江工人日报"}


def cls(text: str) -> str:
    return classify_block(Block(text)).cls


@pytest.mark.parametrize("text, expected", [
    ("(下转第4版)", "jump"),
    ("（上接第一版）", "jump"),
    ("新华社记者徐昱 摄", "credit"),
    ("88851111\n新闻服务热线", "notice"),
    ("订阅热线：0571-88851111", "notice"),
    ("遗失声明\n某公司遗失公章一枚，声明作废。", "notice"),
    ("开栏的话", "label"),
    ("编者按", "label"),
    ("編 者 按", "label"),  # traditional, spaced out as wide-tracked type extracts
    ("本报讯 记者张浩呈报道 一条朋友圈信息，一天之内。", "byline"),
    ("小康路上“工”字闪亮", "headline"),
    ("坚持新发展理念，推动高质量发展", "headline"),
    ("“您家有几口人？主要经济来源是什么？”", "body"),
    ("在决胜全面小康、决战脱贫攻坚的伟大征程中，我省“娘家人”携起困难职", "body"),
    ("2013年，全省开始全面推行", "body"),
    ("昨日，慈溪市志愿者来到慈溪市白", "body"),
    ("图为志愿者在包粽子。本报记者 王五 摄", "caption"),
    ("■", "noise"),
    ("A1", "noise"),
])
def test_block_classes(text, expected):
    assert cls(text) == expected


def test_every_class_comes_with_a_reason():
    c = classify_block(Block("本报讯 记者张浩呈报道 一条朋友圈信息。"))
    assert "本报讯" in c.reason and c.byline is not None and c.byline.rest == "一条朋友圈信息。"


def test_headline_may_end_with_question_or_colon_but_not_with_a_comma():
    assert heading_reason(Block("谁来守护城市的夜？")) is not None
    assert heading_reason(Block("习近平在浙江考察时强调：")) is not None
    assert heading_reason(Block("今年以来，")) is None


def test_font_size_decides_when_the_extractor_gives_it():
    assert heading_reason(Block("这是一行很长的标题，但字号更大", font_size=20), body_size=10) is not None
    assert heading_reason(Block("短行", font_size=10), body_size=10) is None


def test_paragraph_openers():
    for text in ("昨日，志愿者来到", "6月24日上午，会议", "据统计，全省", "截至2019年底，全省", "2018年底，扶贫"):
        assert starts_like_paragraph(text), text
    for text in ("受，充分彰显", "放工会会员节日", "小康路上"):
        assert not starts_like_paragraph(text), text


def test_notice_needs_a_phone_or_notice_heading_and_no_prose():
    assert looks_like_notice("招商热线 0571-87654321")
    assert not looks_like_notice("市民可拨打热线88851111咨询，工作人员将耐心解答，并做好记录。")
    assert not looks_like_notice("小康路上“工”字闪亮")


def test_masthead_zone_runs_to_the_last_field_and_keeps_slogans():
    blocks = [Block(t, index=i) for i, t in enumerate(
        ["2020年6月25日\n星期四", "浙江工人日报", "倾情关注劳动群体", "第11557号", "小康路上“工”字闪亮"])]
    reasons = masthead_zone(blocks, PAPERS)
    assert len(reasons) == 4
    assert reasons[2].startswith("slogan")


def test_no_masthead_zone_without_a_date():
    blocks = [Block("欢迎订阅浙江工人日报"), Block("邮发代号 31-2")]
    assert masthead_zone(blocks, PAPERS) == []


def test_masthead_zone_stops_at_prose():
    blocks = [Block("本报讯 今天，会议召开。"), Block("2020年6月25日 星期四")]
    assert masthead_zone(blocks, PAPERS) == []


def test_stray_masthead_line_outside_the_zone_is_not_article_text():
    blocks = [Block("小康路上“工”字闪亮", index=0), Block("2020年6月25日 星期四", index=1)]
    assert [c.cls for c in classify_blocks(blocks, PAPERS)] == ["headline", "masthead"]


def test_jumps_inside_paragraphs():
    assert jump_at_end("更接地气。（下转第４版）") == ("更接地气。", 4)
    assert jump_at_start("(上接第1版)鲁一波说。") == ("鲁一波说。", 1)
    assert jump_at_end("第4版刊登了通知。") == ("第4版刊登了通知。", None)


def test_caption_openers_make_a_caption_even_without_credit():
    c = classify_block(Block("图为志愿者在敬老院为老人包粽子。"))
    assert c.cls == "caption" and c.data["authors"] == []

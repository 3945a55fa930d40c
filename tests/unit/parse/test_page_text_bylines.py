"""Datelines, bylines and credits (ingest.parse.page_text.bylines)."""

import pytest

from ingest.model import Author
from ingest.parse.conventions import parse_credit
from ingest.parse.page_text.bylines import parse_byline, split_trailing_byline, split_trailing_credit

J, T, S = "记者", "通讯员", "摄影"


@pytest.mark.parametrize("text, dateline, authors, rest", [
    ("记者杜成敏报道 今年是收官之年。", "", [("杜成敏", J)], "今年是收官之年。"),
    ("本报 记者阮向民 通讯员李理报道 今年是15周年。", "本报", [("阮向民", J), ("李理", T)], "今年是15周年。"),
    ("本报讯 记者张浩呈报道 一条朋友圈信息。", "本报讯", [("张浩呈", J)], "一条朋友圈信息。"),
    ("本报讯 一条朋友圈信息，一天之内。", "本报讯", [], "一条朋友圈信息，一天之内。"),
    ("本报讯（记者 张三 通讯员 李四）6月24日，会议召开。", "本报讯", [("张三", J), ("李四", T)], "6月24日，会议召开。"),
    ("新华社北京6月24日电（记者张三、李四）今天上午，", "新华社北京6月24日电", [("张三", J), ("李四", J)], "今天上午，"),
    ("本报杭州6月24日电 记者王五报道 今天，", "本报杭州6月24日电", [("王五", J)], "今天，"),
    ("本報訊 記者張三報道 今年……", "本報訊", [("張三", J)], "今年……"),
    ("本 报 讯 记者王五报道 今年", "本报讯", [("王五", J)], "今年"),
    ("本报记者 张三 李四", "本报", [("张三", J), ("李四", J)], ""),
    ("通讯员 李理", "", [("李理", T)], ""),
    ("记者 阿依古丽·买买提 报道 近日，", "", [("阿依古丽·买买提", J)], "近日，"),
])
def test_byline_forms(text, dateline, authors, rest):
    b = parse_byline(text)
    assert b is not None
    assert (b.dateline, [(a.name, a.role) for a in b.authors], b.rest) == (dateline, authors, rest)


@pytest.mark.parametrize("text", [
    "今年是脱贫攻坚战的收官之年。",
    "据统计，2016年全总提出。",
    "记者是什么样的人，大家都知道。",
    "记者张三说，今年很好。",  # a name run into the sentence is never guessed apart
])
def test_prose_is_not_a_byline(text):
    b = parse_byline(text)
    assert b is None or (not b.authors and not b.dateline)


@pytest.mark.parametrize("text, names", [
    ("新华社记者徐昱 摄", ["徐昱"]),
    ("新華社記者 徐昱 攝", ["徐昱"]),
    ("通讯员柳庭和 记者孟万成 摄", ["柳庭和", "孟万成"]),
    ("本报记者 王五 摄", ["王五"]),
    ("张三/摄", ["张三"]),
    ("图/李四", ["李四"]),
    ("张三 李四 摄影", ["张三", "李四"]),
])
def test_credit_forms_give_photographers(text, names):
    assert parse_credit(text) == [Author(n, S) for n in names]


@pytest.mark.parametrize("text", ["今天是个好日子 摄", "新华社发", "昨日，志愿者来到慈溪市。", "摄"])
def test_not_a_credit(text):
    assert parse_credit(text) is None


def test_caption_ending_with_its_credit_is_split():
    assert split_trailing_credit("职工宣讲十八大精神。记者邹伟锋 摄") == ("职工宣讲十八大精神。", [Author("邹伟锋", S)])
    assert split_trailing_credit("他说：“这张照片是我摄") == ("他说：“这张照片是我摄", [])


def test_bracketed_byline_at_the_end_of_a_paragraph_is_split():
    text, authors = split_trailing_byline("活动将常态化开展。（记者 杜成敏 通讯员 阮向民）")
    assert text == "活动将常态化开展。"
    assert authors == [Author("杜成敏", J), Author("阮向民", T)]


def test_ordinary_brackets_at_the_end_are_kept():
    assert split_trailing_byline("覆盖各县(市、区)") == ("覆盖各县(市、区)", [])
    assert split_trailing_byline("他说（记者会上）") == ("他说（记者会上）", [])

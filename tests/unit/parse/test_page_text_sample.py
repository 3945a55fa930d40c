"""The sample page (浙江工人日报 2020-06-25, page 1) parsed as an editor would split it."""

from datetime import date
from pathlib import Path

import pytest

from ingest.model import Author, Edition
from ingest.parse import ParseHints, parse_bytes


@pytest.fixture(scope="module")
def edition(sample_page: Path) -> Edition:
    return parse_bytes(sample_page.read_bytes(), ParseHints(name=sample_page.name))


def by_title(edition: Edition, title: str):
    found = [a for a in edition.articles if a.title == title]
    assert len(found) == 1, [a.title for a in edition.articles]
    return found[0]


def test_masthead_gives_the_edition_facts(edition):
    assert (edition.paper, edition.paper_name) == ("zjgrrb", "浙江工人日报")
    assert edition.date == date(2020, 6, 25)
    assert edition.issue_number == 11557
    m = edition.masthead
    assert m["lunar_date"] == "庚子年五月初五"
    assert m["weekday"] == "星期四"
    assert m["cn_number"] == "CN33-0018"
    assert m["distribution_code"] == "31-2"
    assert m["site"] == "www.zjgrrb.com"
    assert m["email"] == "zjgrxw@163.com"
    assert m["address"] == "杭州市学院路107号"
    assert m["postcode"] == "310012"
    assert "倾情关注劳动群体 全心服务工会组织" in m["slogans"]


def test_no_masthead_line_reaches_an_article(edition):
    text = "\n".join(a.pretitle + a.title + a.subtitle + a.column + a.body for a in edition.articles)
    for line in ("庚子年五月初五", "CN33-0018", "31-2", "倾情关注劳动群体", "浙工之家", "社址", "zjgrxw@163.com"):
        assert line not in text


def test_items_in_reading_order_with_their_kinds(edition):
    assert [(a.kind, a.title) for a in edition.articles] == [
        ("article", "小康路上“工”字闪亮"),
        ("article", "开栏的话"),
        ("article", "一条朋友圈信息 圆了困难学子上学梦"),
        ("article", "“红船精神”进企业"),
        ("photo", "爱心敬老 迎端午"),
        ("notice", "新闻服务热线"),
        ("article", "感受“工厂味” 融入“工人情”"),
    ]
    assert all(a.page == 1 for a in edition.articles)
    assert [p.number for p in edition.pages] == [1]


def test_series_name_is_the_column_of_the_article_and_of_its_opening_box(edition):
    lead = by_title(edition, "小康路上“工”字闪亮")
    box = by_title(edition, "开栏的话")
    assert lead.subtitle == "全省脱贫攻坚帮扶工作中的工会力量"
    assert lead.column == box.column == "走向我们的小康生活 “娘家人”在行动"
    assert len(box.paragraphs) == 3
    assert "携起困难职工的手" in box.body
    assert "共克时艰、决战决胜" in box.body


def test_long_article_joins_column_breaks_and_keeps_subheadings(edition):
    lead = by_title(edition, "小康路上“工”字闪亮")
    assert lead.authors == [Author("杜成敏", "记者")]
    assert lead.paragraphs[0].startswith("今年是脱贫攻坚战的收官之年")
    for joined in ("所辖基层工会在发放工会会员节日慰问品时", "姚岸村红色旅游和工会疗休养", "全面推行职工医疗互助保障制度",
                   "为208869名职工", "提出了《关于加强和完善社会救助的建议》"):
        assert any(joined in p for p in lead.paragraphs), joined
    for sub in ("省内扶贫开发加快“造血”", "省外扶贫协作消费发力", "医疗、求学、就业确保“兜底”", "政府、工会、社会三方聚力"):
        assert sub in lead.paragraphs
    assert len(lead.paragraphs) == 29


def test_run_together_headline_becomes_pretitle_and_parallel_title(edition):
    a = by_title(edition, "一条朋友圈信息 圆了困难学子上学梦")
    assert a.pretitle == "16个结对名额10小时被“抢”完"
    assert (a.dateline, a.authors) == ("本报讯", [Author("张浩呈", "记者")])
    assert a.paragraphs[0] == "一条朋友圈信息，一天之内让16名贫困学子找到求学的希望。"
    assert any("工匠品牌工作室28个" in p for p in a.paragraphs)


def test_interrupted_article_is_spliced_and_gets_the_headline_printed_inside_it(edition):
    a = by_title(edition, "“红船精神”进企业")
    assert a.subtitle == "嘉兴工会开展主题教育实践活动"
    assert (a.dateline, a.authors) == ("本报", [Author("阮向民", "记者"), Author("李理", "通讯员")])
    assert any("所理解、所接受，充分彰显" in p for p in a.paragraphs)
    assert "扛起政治责任" in a.body and "为参加进企宣讲，他" in a.body
    assert "慈溪" not in a.body and "88851111" not in a.body and "嘉兴工会开展" not in a.body


def test_photo_gets_caption_and_the_credit_printed_apart(edition):
    photo = by_title(edition, "爱心敬老 迎端午")
    assert photo.kind == "photo"
    assert photo.body.startswith("昨日，慈溪市钱海军志愿服务中心")
    assert photo.authors == [Author("徐昱", "摄影")]
    assert any("慈溪市白" in w for w in edition.warnings)  # the caption is cut short on the page


def test_hotline_box_is_a_notice(edition):
    notice = by_title(edition, "新闻服务热线")
    assert (notice.kind, notice.body) == ("notice", "88851111")


def test_last_article_takes_its_column_label_and_jump(edition):
    a = by_title(edition, "感受“工厂味” 融入“工人情”")
    assert a.subtitle == "宁波市总工会举行“当一周工人、体工会初心”总结会"
    assert a.column == "当一周工人 体工会初心"
    assert a.continues_on == 4
    assert "深入一线才能感同身受" in a.paragraphs
    assert any("与一线工人同吃同劳动，听职工声音" in p for p in a.paragraphs)
    assert "下转" not in a.body and "徐昱" not in a.body
    # Its opening (…鲁 + 一波等7名…) is not in the page text: an editor is told to check.
    assert any("感受“工厂味”" in w and "no dateline or byline" in w for w in edition.warnings)


def test_same_edition_when_the_extractor_leaves_no_blank_lines(sample_page: Path, edition):
    text = sample_page.read_text(encoding="utf-8")
    packed = "\n".join(line for line in text.splitlines() if line.strip())
    again = parse_bytes(packed.encode(), ParseHints(name=sample_page.name))
    assert again.to_dict() == edition.to_dict()


def test_same_articles_when_the_hotline_label_comes_before_its_number(sample_page: Path, edition):
    text = sample_page.read_text(encoding="utf-8").replace("88851111\n新闻服务热线", "新闻服务热线\n\n88851111")
    again = parse_bytes(text.encode(), ParseHints(name=sample_page.name))
    assert [(a.kind, a.title, a.body) for a in again.articles] == [(a.kind, a.title, a.body) for a in edition.articles]

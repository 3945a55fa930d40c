"""Article pages of the three families: titles, byline, body paragraphs, pictures, date, page."""

import re

import pytest
from epaper_sites import (
    FOUNDER,
    FOUNDER_URL,
    PCLAYOUT,
    RMRB,
    RMRB_URL,
    data_article,
    text_of,
)

from ingest.errors import InputError
from ingest.sources.epaper.evidence import enpproperty
from ingest.sources.epaper.extract import parse_article
from ingest.sources.epaper.families import get_family

NAV_WORDS = ("分享到", "评论", "返回版面", "首页", "放大", "浙工之家 掌上娘家", "版面导航", "留言须知", "人民微博")


def founder(article_id: int, html: str | None = None):
    path = FOUNDER / f"html/2020-06/25/content_{article_id}.htm"
    url = FOUNDER_URL + f"html/2020-06/25/content_{article_id}.htm?div=-1"
    return parse_article(html if html is not None else text_of(path), url, get_family("founder"))


def pclayout(content_id: int):
    path = PCLAYOUT / f"pc/content/202006/25/content_{content_id}.html"
    return parse_article(text_of(path), f"http://e/pc/content/202006/25/content_{content_id}.html",
                         get_family("pclayout"))


def rmrb(k: int):
    name = f"nw.D110000renmrb_20171016_{k}-01.htm"
    return parse_article(text_of(RMRB / "html/2017-10/16" / name), RMRB_URL + "html/2017-10/16/" + name,
                         get_family("rmrb"))


def assert_same_as_data(page, article_id):
    data = data_article(article_id)
    assert page.title == data["title"]
    assert page.pretitle == data.get("pretitle", "")
    assert page.subtitle == data.get("subtitle", "")
    assert page.paragraphs == data["paragraphs"]


def test_founder_article_gives_titles_byline_and_every_paragraph():
    page = founder(2713181)
    assert_same_as_data(page, 2713181)
    assert [(a.name, a.role) for a in page.authors] == [("杜成敏", "记者")]
    assert page.key == "content_2713181"
    assert page.date.isoformat() == "2020-06-25"
    assert (page.page.number, page.page.name) == (1, "要闻")
    assert page.paper_name == "浙江工人日报"


def test_founder_article_without_the_enpproperty_comment_reads_the_tables():
    html = re.sub(r"<!--enpproperty.*?/enpproperty-->", "", text_of(FOUNDER / "html/2020-06/25/content_2713183.htm"),
                  flags=re.S)
    page = founder(2713183, html)
    assert_same_as_data(page, 2713183)
    assert [(a.name, a.role) for a in page.authors] == [("阮向民", "记者"), ("李理", "通讯员")]
    assert (page.page.number, page.page.name) == (1, "要闻")


@pytest.mark.parametrize("page", [founder(2713182), pclayout(30003), rmrb(4)], ids=["founder", "pclayout", "rmrb"])
def test_navigation_comments_and_ads_never_enter_a_body(page):
    body = "\n".join(page.paragraphs)
    assert body
    for word in NAV_WORDS:
        assert word not in body


def test_pclayout_article_in_utf8_gives_the_same_article():
    page = pclayout(30002)
    assert_same_as_data(page, 2713181)
    assert [(a.name, a.role) for a in page.authors] == [("杜成敏", "记者")]
    assert page.key == "content_30002"
    assert page.date.isoformat() == "2020-06-25"
    assert (page.page.number, page.page.name) == (1, "要闻")


def test_photo_page_gives_its_picture_with_caption():
    for page in (founder(2713185), pclayout(30006)):
        assert page.paragraphs == []
        assert len(page.pictures) == 1
        assert page.pictures[0].url.endswith("/25/01/p1_aixin.jpg")
        assert page.pictures[0].caption == data_article(2713185)["pictures"][0]["caption"]
        article = page.to_article()
        assert article.kind == "photo"
        assert article.body == data_article(2713185)["pictures"][0]["caption"]


def test_rmrb_article_gives_titles_page_and_picture_caption_outside_the_body():
    page = rmrb(4)
    assert (page.pretitle, page.title) == ("砥砺奋进的5年", "砥砺奋进 铸就辉煌")
    assert page.key == "nw.D110000renmrb_20171016_4-01"
    assert (page.page.number, page.page.name) == (1, "要闻")
    assert page.pictures[0].caption == "图为航拍的城市新貌。"
    assert page.pictures[0].url.startswith(RMRB_URL + "res/1/20171016/")
    assert page.paragraphs == ["这是一组反映五年来发展成就的图片。"]
    assert page.paper_name == "人民日报"


def test_rmrb_article_with_title_and_subtitle():
    page = rmrb(2)
    assert (page.title, page.subtitle) == ("中共中央召开党外人士座谈会", "征求对中共十九大报告的意见")
    assert page.to_article().dateline == "新华社北京10月15日电"


def test_jump_lines_and_dateline_reach_the_article():
    assert founder(2713184).to_article().continues_on == 4
    assert founder(2713200).to_article().continued_from == 1
    assert founder(2713182).to_article().dateline == "本报讯"


def test_enpproperty_fields_are_read():
    fields = enpproperty(text_of(FOUNDER / "html/2020-06/25/content_2713182.htm"))
    assert fields["articleid"] == "2713182"
    assert fields["introtitle"] == "16个结对名额10小时被“抢”完"
    assert fields["nodename"] == "第01版：要闻"


def test_a_page_that_is_no_article_is_refused_naming_the_url():
    with pytest.raises(InputError, match="content_9.htm"):
        parse_article("<html><body><p>404 页面不存在</p></body></html>", "http://e/html/2020-06/25/content_9.htm",
                      get_family("founder"))


def test_a_truncated_article_keeps_what_arrived():
    text = text_of(FOUNDER / "html/2020-06/25/content_2713181.htm")
    cut = text[: text.index("从送温暖到医疗救助") + 20]
    page = founder(2713181, cut)
    assert page.title == "小康路上“工”字闪亮"
    assert page.paragraphs[0].startswith("记者杜成敏报道")
    assert len(page.paragraphs) == 2

"""The generic evidence an e-paper page offers, as the real markup of the issue's list spells it: dates,
page lines, this page's own articles, canonical article URLs, PDFs, and article bodies' bylines.

The page-level cases use tests/fixtures/epaper_traps (invented: traps no saved real page shows yet; each is
named in its README); the real pages are checked in test_real_pages.py."""

from datetime import date
from pathlib import Path

import pytest

from ingest.model import Author
from ingest.parse import ParseHints, parse_bytes
from ingest.sources.epaper.evidence import canonical_url, enp_date, enpproperty, url_date, visible_date
from ingest.sources.epaper.extract import parse_article, soup_of
from ingest.sources.epaper.families import get_family
from ingest.sources.epaper.text import page_label

TRAPS = Path(__file__).resolve().parents[2] / "fixtures" / "epaper_traps"
BASE = "http://epaper.example.cn/html/2023-02/10/"


@pytest.mark.parametrize(("url", "day"), [
    ("http://e/html/2023-02/10/node_2.htm", date(2023, 2, 10)),
    ("http://paper.people.com.cn/rmrb/pc/layout/202603/10/node_01.html", date(2026, 3, 10)),
    ("http://e/html/2017-10/16/nw.D110000renmrb_20171016_1-01.htm", date(2017, 10, 16)),
    ("file:///saved/2023-02-10-node_01.html", None),  # a file renamed on saving says nothing of its date
    ("http://e/html/2023-02/30/node_2.htm", None),
])
def test_edition_date_from_the_url_path(url, day):
    assert url_date(url) == day


@pytest.mark.parametrize(("html", "day"), [
    ("<p>2023年02月10日 星期五</p>", date(2023, 2, 10)),
    ("<p class=rq>2017年7月22日\u3000星期<font class=weekday>六</font></p>", date(2017, 7, 22)),
    ("<p>本报2023年2月9日讯 记者</p>", None),  # a date in text without its weekday is no date line
])
def test_edition_date_from_the_visible_date_line(html, day):
    assert visible_date(soup_of(html)) == day


def test_edition_date_from_the_founder_comment():
    enp = enpproperty("<!--enpproperty <founder-date>2017-07-22 23:59:59</founder-date><founder-pagenum>1"
                      "</founder-pagenum><founder-papername>中国纪检监察报</founder-papername>/enpproperty-->")
    assert enp_date(enp) == date(2017, 7, 22)
    assert enp["founder-pagenum"] == "1" and enp["founder-papername"] == "中国纪检监察报"


@pytest.mark.parametrize(("line", "label"), [
    ("第01版：今日要闻", ("", 1, "今日要闻")),
    ("01版：要闻", ("", 1, "要闻")),
    ("第1版\u3000要闻", ("", 1, "要闻")),
    ("第03版：综 合", ("", 3, "综合")),
    ("第A01版：头版", ("A", 1, "头版")),
    ("B1版 体育", ("B", 1, "体育")),
    ("版权所有", None),
])
def test_page_lines_in_every_form(line, label):
    assert page_label(line) == label


def test_one_article_linked_by_a_hotspot_and_the_list_is_one_url():
    assert canonical_url("http://e/content_1.htm?div=0") == canonical_url("http://e/content_1.htm?div=-1") \
        == "http://e/content_1.htm"
    assert canonical_url("http://e/a.htm?id=3&div=0") == "http://e/a.htm?id=3"


@pytest.fixture(scope="module")
def trap_page():
    data = (TRAPS / "node_2.htm").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    return parse_bytes(data, ParseHints(name="node_2.htm", url=BASE + "node_2.htm"))


def test_trap_page_gives_only_its_own_articles_each_once_with_titles(trap_page):
    assert [(a.url, a.title) for a in trap_page.articles] == [
        (BASE + "content_101.htm", "春耕备耕 正当时"),
        (BASE + "content_102.htm", "只在图上的稿件"),
        (BASE + "content_103.htm", "春耕备耕正当时"),
    ]
    assert {a.page_label for a in trap_page.articles} == {"A01"}


def test_trap_page_keeps_sections_names_and_pdfs(trap_page):
    assert [(p.label, p.name) for p in trap_page.pages] == [("A01", "今日要闻"), ("A02", "综合"), ("B01", "体育")]
    assert trap_page.pages[0].pdf_url == "http://epaper.example.cn/images/2023-02/10/01/XXXX2023021001.pdf"
    assert trap_page.date == date(2023, 2, 10)


def test_trap_page_saved_without_its_url_still_has_its_date():
    data = (TRAPS / "node_2.htm").read_bytes()
    edition = parse_bytes(data, ParseHints(name="node_2.htm", url=(TRAPS / "node_2.htm").as_uri()))
    assert edition.date == date(2023, 2, 10)
    assert len(edition.articles) == 3


def test_pc_content_article_page_date_page_byline_and_title():
    html = (TRAPS / "content_101.html").read_text(encoding="utf-8")
    page = parse_article(html, "http://epaper.example.cn/pc/content/202603/10/content_101.html",
                         get_family("pclayout"))
    article = page.to_article()
    assert (article.pretitle, article.title, article.subtitle) == ("聚焦春耕", "春耕备耕 正当时", "各地抢抓农时")
    assert article.authors == [Author("王强", "记者"), Author("赵敏", "通讯员")]
    assert article.body.startswith("眼下正值春耕备耕关键时期") and "本报全媒记者" not in article.body
    assert article.page_label == "01"
    assert page.date == date(2026, 3, 10)


def test_pc_content_article_saved_without_url_takes_its_date_from_the_author_element():
    html = (TRAPS / "content_101.html").read_text(encoding="utf-8")
    page = parse_article(html, "file:///saved/content_101.html", get_family("pclayout"))
    assert page.date == date(2026, 3, 10) and page.byline == ""


@pytest.mark.parametrize(("first", "authors", "kept"), [
    ("本报讯 （记者张明、通讯员李华）近日，全市春耕工作会议召开。", [("张明", "记者"), ("李华", "通讯员")], True),
    ("□ 本报评论员", [("本报评论员", "评论员")], False),
    ("本报全媒记者 王强 通讯员 赵敏", [("王强", "记者"), ("赵敏", "通讯员")], False),
    # Signed with the paper's own name instead of 本报 (湖北日报 of 2023-02-11, tests/fixtures/real_pages/hbrb).
    ("□ 湖北日报评论员", [("湖北日报评论员", "评论员")], False),
    ("湖北日报全媒记者 戴文辉 通讯员 刘涛", [("戴文辉", "记者"), ("刘涛", "通讯员")], False),
    ("人民网记者 王强", [("王强", "记者")], False),
    ("近日，全市春耕工作会议召开。", [], True),
    ("湖北日报记者节前夕，全省表彰优秀新闻工作者。", [], True),
])
def test_bylines_the_body_prints_become_authors(first, authors, kept):
    html = f"<html><body><div id=ozoom><p>{first}</p><p>会议指出，要抓好春耕。</p></div>" \
           "<table><tr><td class=font01>标题</td></tr></table></body></html>"
    page = parse_article(html, "http://e/html/2023-02/10/content_1.htm", get_family("founder"))
    assert [(a.name, a.role) for a in page.authors] == authors
    assert (page.paragraphs[0] == first) is kept


@pytest.mark.parametrize(("last", "authors", "kept"), [
    ("（湖北日报全媒记者 薛婷 通讯员 肖江涛 张成 摄）", [("薛婷", "摄影"), ("肖江涛", "摄影"), ("张成", "摄影")], False),
    ("(新华社记者 徐昱 摄)", [("徐昱", "摄影")], False),
    # A closing source line is not a credit: it stays, and names no one.
    ("（新华社北京2月10日电 载2月11日《人民日报》）", [], True),
    ("会议要求，各地要在春耕前完成农资储备（见下图）。", [], True),
])
def test_a_last_paragraph_that_is_only_a_photo_credit_gives_the_photographers(last, authors, kept):
    html = f"<html><body><div id=ozoom><p>大冶湖高新区，员工加紧赶制订单。</p><p>{last}</p></div>" \
           "<table><tr><td class=font01>东贝电机产销两旺</td></tr></table></body></html>"
    page = parse_article(html, "http://e/html/2023-02/10/content_1.htm", get_family("founder"))
    assert [(a.name, a.role) for a in page.authors] == authors
    assert (page.paragraphs[-1] == last) is kept


def test_a_list_whose_items_link_each_article_twice_is_one_list():
    html = """<html><body><a href=content_9.htm>图片库</a><ul>
    <li><a href=content_1.htm>春耕</a> <a href=content_1.htm><img src=v.gif></a></li>
    <li><a href=content_2.htm>备耕</a> <a href=content_2.htm><img src=v.gif></a></li></ul></body></html>"""
    edition = parse_bytes(html.encode(), ParseHints(name="node_2.htm", url=BASE + "node_2.htm"))
    assert [(a.url, a.title) for a in edition.articles] == [(BASE + "content_1.htm", "春耕"),
                                                           (BASE + "content_2.htm", "备耕")]


def test_a_map_of_one_picture_keeps_the_pages_own_list_beside_it():
    html = """<html><body><map name=m><area shape=rect coords=1,1,9,9 href=content_3.htm?div=0></map>
    <table class=list><tr><td><a href=content_1.htm>春耕</a></td></tr>
    <tr><td><a href=content_2.htm>备耕</a></td></tr>
    <tr><td><a href=content_3.htm>图片新闻</a></td></tr></table></body></html>"""
    edition = parse_bytes(html.encode(), ParseHints(name="node_2.htm", url=BASE + "node_2.htm"))
    assert sorted(a.title for a in edition.articles) == ["图片新闻", "备耕", "春耕"]


def test_a_portal_article_linking_content_pages_is_one_article_not_a_page_list():
    body = "".join(f"<p>第{i}段：各地抢抓农时推进春耕备耕，确保粮食生产开好局、起好步，农业农村部门加强指导服务。</p>"
                   for i in range(1, 6))
    html = (f"<html><head><title>春耕备耕正当时_新闻网</title></head><body><h1>春耕备耕正当时</h1>"
            f"<div class=content>{body}</div><div class=related><h2>相关新闻</h2>"
            "<a href=content_1.htm>另一篇稿件</a> <a href=content_2.htm>又一篇稿件</a></div></body></html>")
    edition = parse_bytes(html.encode(), ParseHints(name="a.html", url="http://news.example.cn/a.html"))
    assert edition.masthead["family"] == "general"
    [article] = edition.articles
    assert article.title == "春耕备耕正当时" and article.body.startswith("第1段：各地抢抓农时")
    assert "另一篇稿件" not in article.body


def test_pc_layout_page_list_of_2026_with_plain_directory_links_and_a_pdf_three_levels_up():
    # Markup as public crawlers of 人民日报's pc/layout pages read it (paper-bot, swiper-slide, news-list).
    url = "http://paper.people.com.cn/rmrb/pc/layout/202603/10/node_03.html"
    html = """<html><head><title>人民日报-人民网</title></head><body>
    <div class="date-box"><p class="date left">2026年03月10日 星期二</p></div>
    <div class="paper-box"><img src="../../../pic/202603/10/p3.jpg" usemap="#PagePicMap">
    <map name="PagePicMap"><area shape="poly" coords="1,1,2,2,3,3"
      href="../../../content/202603/10/content_30012345.html?div=-1"></map></div>
    <div class="paper-bot"><p class="left ban">03版：特别报道</p>
      <p class="right btn"><a href="../../../attachement/202603/10/0b1f2c3d-4e5f.pdf">PDF下载</a></p></div>
    <div class="swiper-box"><div class="swiper-slide"><a href="node_01.html">01版：要闻</a></div>
      <div class="swiper-slide"><a href="node_02.html">02版：要闻</a></div>
      <div class="swiper-slide"><a href="node_03.html">03版：特别报道</a></div></div>
    <ul class="news-list"><li><a href="../../../content/202603/10/content_30012345.html">
      春耕时节
      看新农人</a></li><li><a href="../../../content/202603/10/content_30012346.html">田间地头的新技术</a></li></ul>
    </body></html>"""
    edition = parse_bytes(html.encode(), ParseHints(name="node_03.html", url=url))
    base = "http://paper.people.com.cn/rmrb/pc/"
    assert [(p.label, p.name) for p in edition.pages] == [("01", "要闻"), ("02", "要闻"), ("03", "特别报道")]
    assert edition.pages[2].pdf_url == base + "attachement/202603/10/0b1f2c3d-4e5f.pdf"
    assert [(a.url, a.title, a.page_label) for a in edition.articles] == [
        (base + "content/202603/10/content_30012345.html", "春耕时节 看新农人", "03"),
        (base + "content/202603/10/content_30012346.html", "田间地头的新技术", "03")]
    assert edition.date == date(2026, 3, 10)
    saved = parse_bytes(html.encode(), ParseHints(name="node_03.html", url="file:///saved/node_03.html"))
    assert saved.date == date(2026, 3, 10)

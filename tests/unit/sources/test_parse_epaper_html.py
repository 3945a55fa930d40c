"""`ingest parse FILE.htm`: a saved page list or article page gives an Edition in the usual contract."""

from pathlib import Path

import pytest

from ingest.errors import ConfigError, InputError
from ingest.papers import get_paper
from ingest.parse import ParseHints, parse_bytes, parse_file
from ingest.sources.epaper.families import family_of, get_family
from epaper_sites import FOUNDER, PCLAYOUT, RMRB, data_article, page_one_titles

CONTRACT = {"paper", "paper_name", "date", "issue_number", "pages", "articles", "masthead", "warnings"}


def test_saved_founder_page_list_gives_pages_and_article_links():
    edition = parse_file(FOUNDER / "html/2020-06/25/node_2.htm")
    d = edition.to_dict()
    assert set(d) == CONTRACT
    assert (d["paper"], d["date"], d["issue_number"]) == ("zjgrrb", "2020-06-25", 11557)
    assert [p["number"] for p in d["pages"]] == [1, 2, 3, 4, 5, 6, 8, 9]
    assert [a["title"] for a in d["articles"]] == page_one_titles()
    assert all(a["url"] and a["page"] == 1 for a in d["articles"])


def test_saved_article_page_gives_the_full_article():
    edition = parse_file(PCLAYOUT / "pc/content/202006/25/content_30003.html")
    [article] = edition.articles
    data = data_article(2713182)
    assert article.title == data["title"] and article.pretitle == data["pretitle"]
    assert article.body == "\n".join(data["paragraphs"])
    assert article.source_key == "content_30003"
    assert edition.paper == "zjgrrb"
    assert [(p.number, p.name) for p in edition.pages] == [(1, "要闻")]


def test_lying_meta_is_reported_in_the_edition_warnings():
    edition = parse_file(PCLAYOUT / "pc/layout/202006/25/node_02.html")
    assert edition.articles[0].title == "全省职工技能大赛启动"
    assert any("declares gb2312 but the bytes are UTF-8" in w for w in edition.warnings)


def test_a_paper_in_the_hints_decides_family_and_paper():
    data = (RMRB / "html/2017-10/16/nbs.D110000renmrb_01.htm").read_bytes()
    edition = parse_bytes(data, ParseHints(name="saved.htm", paper=get_paper("zjgrrb")))
    assert edition.paper == "zjgrrb"
    # The founder family reads the 人民日报 directory (same pageLink anchors) but not its titles' script.
    assert len(edition.pages) == 24


def test_unknown_paper_is_a_warning_not_an_error():
    # The 人民日报-template page list under the name of 大众日报, a paper with no config.
    data = (RMRB / "html/2017-10/16/nbs.D110000renmrb_01.htm").read_bytes()
    edition = parse_bytes(data.replace("人民日报".encode(), "大众日报".encode()), ParseHints(name="dzrb.htm"))
    assert edition.paper == "" and edition.paper_name == "大众日报"
    assert any("no configured paper" in w for w in edition.warnings)
    assert len(edition.articles) == 5


def test_a_configured_paper_is_recognised_by_the_name_its_page_prints():
    edition = parse_file(RMRB / "html/2017-10/16/nbs.D110000renmrb_01.htm")
    assert (edition.paper, edition.paper_name) == ("rmrb", "人民日报")
    assert not any("no configured paper" in w for w in edition.warnings)


def test_html_that_is_no_epaper_page_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "other.htm"
    path.write_text("<html><body><p>hello</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="other.htm"):
        parse_file(path)


def test_family_is_recognised_from_url_or_markup():
    assert family_of("html/2020-06/15/content_2712498.htm?div=-1").name == "founder"
    assert family_of("http://e/html/2023-09/21/node_2.htm").name == "founder"
    assert family_of("nw.D110000renmrb_20171016_1-01.htm").name == "rmrb"
    assert family_of("http://e/pc/layout/202006/25/node_01.html").name == "pclayout"
    assert family_of("saved.htm", '<ul class="news-list"><div class="swiper-slide">').name == "pclayout"
    assert family_of("saved.htm", "<p>nothing</p>") is None


def test_a_url_two_families_share_is_told_apart_by_the_markup():
    # node_01.html and content_N.html are pclayout's and newslist's shapes alike.
    url = "http://e/pc/layout/202408/19/node_01.html"
    assert family_of(url).name == "pclayout"
    assert family_of(url, '<ul class="news-list"><div class="swiper-slide">').name == "pclayout"
    assert family_of(url, '<div class="Chunkiconlist"><div class="newslisttit">').name == "newslist"
    assert family_of("http://e/PC/content/202408/30/content_1.html", '<div class="newsdetatit">').name == "newslist"
    assert family_of("http://e/pc/layout/202408/19/node_A01.html").name == "newslist"


def test_a_saved_newslist_article_page_is_told_from_founders_classic_by_its_markup():
    # The real 深圳晚报 article page (real_pages/szwb/) saved under another name: it carries founder-content and
    # enpproperty like a classic Founder article, and the newslist template's title block and scrolling pane.
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "fixtures" / "real_pages" / "szwb" / "content_3251363.html"
    assert family_of("/saved/article.html", page.read_text(encoding="utf-8-sig")).name == "newslist"


def test_family_templates_address_the_first_page_of_a_date():
    from datetime import date

    day = date(2020, 6, 25)
    assert get_family("founder").page_list_url("http://e/", day) == "http://e/html/2020-06/25/node_2.htm"
    assert get_family("rmrb").page_list_url("http://e/rmrb/", day, 3) == \
        "http://e/rmrb/html/2020-06/25/nbs.D110000renmrb_03.htm"
    assert get_family("pclayout").page_list_url("http://e/", day, 8) == "http://e/pc/layout/202006/25/node_08.html"
    assert get_family("founder").page_list_url("http://e/", day, params={"first_page": "node_81.htm"}) == \
        "http://e/html/2020-06/25/node_81.htm"


def test_unknown_family_is_a_config_error_naming_it():
    with pytest.raises(ConfigError, match="'newsml'"):
        get_family("newsml")

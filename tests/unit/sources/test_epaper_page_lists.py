"""Page lists of the three families: page, PDF, articles with titles, image map, other pages."""

import pytest

from ingest.sources.epaper.extract import parse_page_list
from ingest.sources.epaper.families import get_family
from epaper_sites import FOUNDER, FOUNDER_URL, PCLAYOUT, RMRB, RMRB_URL, page_one_titles, text_of

RMRB_P01 = RMRB / "html/2017-10/16/nbs.D110000renmrb_01.htm"
RMRB_P07 = RMRB / "html/2017-10/18/nbs.D110000renmrb_07.htm"


def rmrb_listing(path, day="2017-10/16", page="01"):
    url = f"{RMRB_URL}html/{day}/nbs.D110000renmrb_{page}.htm"
    return parse_page_list(text_of(path), url, get_family("rmrb"))


def test_real_rmrb_page_list_gives_page_pdf_and_titles_written_by_script():
    listing = rmrb_listing(RMRB_P01)
    assert (listing.page.number, listing.page.name) == (1, "要闻")
    assert listing.page.pdf_url == f"{RMRB_URL}page/2017-10/16/01/rmrb2017101601.pdf"
    assert listing.date.isoformat() == "2017-10-16"
    assert listing.paper_name == "人民日报"
    assert [a.title for a in listing.articles] == [
        "《习近平关于社会主义文化建设论述摘编》出版发行",
        "中共中央召开党外人士座谈会 征求对中共十九大报告的意见",
        "党的十九大代表陆续抵京", "砥砺奋进 铸就辉煌", "党的十八大以来大事记"]
    assert listing.articles[0].url == f"{RMRB_URL}html/2017-10/16/nw.D110000renmrb_20171016_1-01.htm"
    assert listing.articles[0].key == "nw.D110000renmrb_20171016_1-01"


def test_real_rmrb_page_list_gives_the_whole_page_directory_with_pdfs():
    listing = rmrb_listing(RMRB_P01)
    assert [p.number for p in listing.pages] == list(range(1, 25))
    assert listing.pages[7].name == "广告"
    assert listing.pages[8].name == "砥砺奋进的5年·迎接党的十九大特别报道·历史性变革⑧"
    assert listing.pages[23].pdf_url == f"{RMRB_URL}page/2017-10/16/24/rmrb2017101624.pdf"
    assert listing.next_url == f"{RMRB_URL}html/2017-10/16/nbs.D110000renmrb_02.htm"
    assert listing.previous_url is None


def test_real_rmrb_page_list_gives_image_map_hotspots():
    listing = rmrb_listing(RMRB_P01)
    assert len(listing.hotspots) == 5
    first = listing.hotspots[0]
    assert first.shape == "polygon"
    assert first.coords == (397, 31, 397, 2, 204, 2, 204, 31, 204, 111, 397, 111)
    assert first.url.endswith("nw.D110000renmrb_20171016_1-01.htm")
    assert listing.image_url == f"{RMRB_URL}page/2017-10/16/01/rmrb2017101601_b.jpg"


def test_real_rmrb_inner_page_with_video_icons_lists_each_article_once():
    listing = rmrb_listing(RMRB_P07, "2017-10/18", "07")
    assert listing.page.number == 7
    assert listing.page.name == "决胜全面小康 开启新的征程·党的十九大特别报道"
    assert len(listing.articles) == 9
    assert listing.articles[2].title == "就业好了一切好"
    assert listing.previous_url.endswith("nbs.D110000renmrb_06.htm")
    assert listing.next_url.endswith("nbs.D110000renmrb_08.htm")


def test_founder_page_list_in_gbk_gives_page_one_of_zjgrrb():
    url = FOUNDER_URL + "html/2020-06/25/node_2.htm"
    listing = parse_page_list(text_of(FOUNDER / "html/2020-06/25/node_2.htm"), url, get_family("founder"))
    assert (listing.page.number, listing.page.label, listing.page.name) == (1, "01", "要闻")
    assert listing.page.pdf_url == FOUNDER_URL + "images/2020-06/25/z2020062500001.pdf"
    assert [a.title for a in listing.articles] == page_one_titles()
    assert listing.articles[1].url == FOUNDER_URL + "html/2020-06/25/content_2713181.htm"
    assert listing.articles[1].key == "content_2713181"
    assert len(listing.hotspots) == 6


def test_founder_page_directory_tolerates_a_missing_page():
    url = FOUNDER_URL + "html/2020-06/25/node_2.htm"
    listing = parse_page_list(text_of(FOUNDER / "html/2020-06/25/node_2.htm"), url, get_family("founder"))
    assert [p.number for p in listing.pages] == [1, 2, 3, 4, 5, 6, 8, 9]
    assert listing.pages[-1].url == FOUNDER_URL + "html/2020-06/25/node_10.htm"
    assert listing.pages[-1].pdf_url == FOUNDER_URL + "images/2020-06/25/z2020062500009.pdf"


def test_pclayout_page_list_gives_the_same_edition():
    url = "http://e/pc/layout/202006/25/node_01.html"
    listing = parse_page_list(text_of(PCLAYOUT / "pc/layout/202006/25/node_01.html"), url, get_family("pclayout"))
    assert (listing.page.number, listing.page.name) == (1, "要闻")
    assert listing.page.pdf_url == "http://e/pc/attachement/202006/25/zjgr2020062501.pdf"
    assert [a.title for a in listing.articles] == page_one_titles()
    assert listing.articles[0].url == "http://e/pc/content/202006/25/content_30001.html"
    assert [p.number for p in listing.pages] == [1, 2, 3, 4, 5, 6, 8]
    assert listing.next_url == "http://e/pc/layout/202006/25/node_02.html"


def test_section_letters_are_kept_in_the_label():
    html = """<html><body><strong id=currentPage>第A01版：头版</strong>
    <table id=pagelist><tr><td><a id=pageLink href=node_2.htm>第A01版：头版</a></td></tr>
    <tr><td><a id=pageLink href=node_3.htm>第B01版：城市</a></td></tr></table>
    <table id=articlelist><tr><td class=default><a href=content_1.htm?div=-1>标题</a></td></tr></table></body></html>"""
    listing = parse_page_list(html, "http://e/html/2023-09/21/node_2.htm", get_family("founder"))
    assert (listing.page.label, listing.page.number, listing.page.name) == ("A01", 1, "头版")
    assert [p.label for p in listing.pages] == ["A01", "B01"]


def test_page_list_without_articles_says_so():
    listing = parse_page_list("<html><body><p>维护中</p></body></html>", "http://e/pc/layout/202006/25/node_03.html",
                              get_family("pclayout"))
    assert listing.articles == []
    assert listing.page.number == 3
    assert any("no article" in w for w in listing.warnings)


@pytest.mark.parametrize("family", ["founder", "rmrb", "pclayout"])
def test_broken_markup_does_not_stop_a_page_list(family):
    # A page cut off in the middle of a tag still gives what it holds.
    path = {"founder": FOUNDER / "html/2020-06/25/node_2.htm", "rmrb": RMRB_P01,
            "pclayout": PCLAYOUT / "pc/layout/202006/25/node_01.html"}[family]
    text = text_of(path)
    cut = text[: text.index(page_one_titles()[2] if family != "rmrb" else "党的十九大代表陆续抵京") + 4]
    url = {"founder": FOUNDER_URL + "html/2020-06/25/node_2.htm",
           "rmrb": RMRB_URL + "html/2017-10/16/nbs.D110000renmrb_01.htm",
           "pclayout": "http://e/pc/layout/202006/25/node_01.html"}[family]
    listing = parse_page_list(cut, url, get_family(family))
    assert len(listing.articles) >= 2
    assert listing.page.number == 1

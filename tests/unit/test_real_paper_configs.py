"""Each bundled real paper's family builds the page-list URL the paper really uses.

The expected URLs come from the real-page corpus (tests/fixtures/real_pages) or from the public crawler
that each config cites in its comment; a family that does not exist yet is an expected failure that must
start passing once the family lands (strict xfail).
"""

from datetime import date

import pytest

from ingest.papers import get_paper
from ingest.sources.epaper.families import families, get_family

# paper id, edition date, page number, the real page-list URL.
REAL_PAGE_LISTS = [
    # 人民日报 pc/layout: the URL the cited crawler builds for page 01 (caspiankexin/people-daily-crawler-date).
    ("rmrb", date(2026, 3, 10), 1, "http://paper.people.com.cn/rmrb/pc/layout/202603/10/node_01.html"),
    ("rmrb", date(2026, 3, 10), 12, "http://paper.people.com.cn/rmrb/pc/layout/202603/10/node_12.html"),
    # 人民日报: the saved page 01 in the corpus, tests/fixtures/real_pages/rmrb/node_01.html.
    ("rmrb", date(2024, 12, 25), 1, "http://paper.people.com.cn/rmrb/pc/layout/202412/25/node_01.html"),
    # 光明日报, 经济日报, 北京日报: the start pages of hudie8655/baozhi (gmrb/spiders/{gmw,jjrb,bjrb}.py).
    ("gmrb", date(2016, 10, 29), 1, "http://epaper.gmw.cn/gmrb/html/2016-10/29/nbs.D110000gmrb_01.htm"),
    ("jjrb", date(2016, 10, 28), 1, "http://paper.ce.cn/jjrb/html/2016-10/28/node_2.htm"),
    ("bjrb", date(2016, 10, 31), 1, "http://bjrb.bjd.com.cn/html/2016-10/31/node_1.htm"),
    # 江西日报: the saved A01 page in the corpus, tests/fixtures/real_pages/jxrb/node_187.htm.
    ("jxrb", date(2017, 10, 9), 1, "http://epaper.jxnews.com.cn/jxrb/html/2017-10/09/node_187.htm"),
    # 中国旅游报: the saved page 1 in the corpus, tests/fixtures/real_pages/zglyb/node_1.htm.
    ("zglyb", date(2017, 10, 13), 1, "http://news.ctnews.com.cn/zglyb/html/2017-10/13/node_1.htm"),
    # 中国纪检监察报: the saved page 1 in the corpus, tests/fixtures/real_pages/jjjcb/node_2.htm.
    ("jjjcb", date(2017, 7, 22), 1, "http://csr.mos.gov.cn/content/2017-07/22/node_2.htm"),
    # 科技日报: the saved page 1 in the corpus, tests/fixtures/real_pages/kjrb/node_2.htm.
    ("kjrb", date(2023, 2, 10), 1, "http://digitalpaper.stdaily.com/http_www.kjrb.com/kjrb/html/2023-02/10/node_2.htm"),
    # Founder's div.newslist template: the saved pages in the corpus (lswb/, yicai/, ahncb/) and, for 深圳晚报, the
    # page-list URL the crawler beside its saved article builds (szwb/SOURCE.md). Later pages come from the
    # first page's directory (their file names carry section letters).
    ("lswb", date(2024, 8, 19), 1, "https://epaper.lnd.com.cn/lswbepaper/pc/layout/202408/19/node_A01.html"),
    ("yicai", date(2024, 8, 22), 1, "https://www.yicai.com/epaper/pc/202408/22/node_A01.html"),
    ("ahncb", date(2024, 9, 20), 1, "https://szb.ahnews.com.cn/ncb/pc/layout/202409/20/node_1.html"),
    ("szwb", date(2024, 8, 30), 1, "https://wb.sznews.com/PC/layout/202408/30/node_A01.html"),
    # 新华日报 since 2021-11-01: page 1 as weblearngit/spider_xhby (app/spiders/xhby.py) starts it.
    ("xhrb", date(2024, 8, 19), 1, "http://xh.xhby.net/pc/layout/202408/19/node_1.html"),
]

# Papers whose URL scheme needs what no family offers yet (tests/fixtures/real_pages/FAMILIES.md).
PENDING: dict[str, str] = {}


def _page_list_url(paper_id: str, day: date, page: int) -> str:
    site = get_paper(paper_id).site
    assert site is not None
    return get_family(site.family).page_list_url(site.base_url, day, page, site.params)


@pytest.mark.parametrize(
    ("paper_id", "day", "page", "real_url"),
    [pytest.param(*row, id=f"{row[0]}-{row[2]}",
                  marks=[pytest.mark.xfail(strict=True, reason=PENDING[row[0]])] if row[0] in PENDING else [])
     for row in REAL_PAGE_LISTS])
def test_family_builds_the_real_page_list_url_of_the_paper(paper_id, day, page, real_url):
    assert _page_list_url(paper_id, day, page) == real_url



def test_the_xhby_family_builds_新华日报s_archive_of_before_2021_11():
    # The page 1 URL ixuuux/ChinaNews_parse (cn_spider.py, class XinhuaRibao) fetches from the mp3/ archive.
    assert get_family("xhby").page_list_url("http://xh.xhby.net/mp3/", date(2018, 7, 25), 1) == \
        "http://xh.xhby.net/mp3/pc/layout/201807/25/l1.html"

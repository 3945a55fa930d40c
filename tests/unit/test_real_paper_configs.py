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
    # 中国纪检监察报: the saved page 1 in the corpus, tests/fixtures/real_pages/jjjcb/node_2.htm.
    ("jjjcb", date(2017, 7, 22), 1, "http://csr.mos.gov.cn/content/2017-07/22/node_2.htm"),
    # 新华日报: page 1 as ixuuux/ChinaNews_parse (cn_spider.py) fetches it.
    ("xhrb", date(2018, 7, 25), 1, "http://xh.xhby.net/mp3/pc/layout/201807/25/l1.html"),
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


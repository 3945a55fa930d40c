"""新华报业's template (新华日报, xh.xhby.net): page lists `pc/layout/YYYYMM/DD/lN.html` addressed by page
number, articles `pc/c/YYYYMM/DD/cN.html`, both linked relative to `pc/` (`../../../`).

Evidence: a public crawler (ixuuux/ChinaNews_parse, cn_spider.py, class XinhuaRibao) fetches
`mp3/pc/layout/YYYYMM/DD/l1.html` and reads `ul.page-num li` and `ul#articlelist li`; an article of the
site is cited as `http://xh.xhby.net/mp3/pc/c/201709/01/c370976.html` (Ballwang/tugo, an indexing example).
"""

from ingest.sources.epaper.families import ArticleSelectors, Family, PageListSelectors, UrlScheme

FAMILY = Family(
    name="xhby",
    description="新华报业: pc/layout/YYYYMM/DD/lN.html, pc/c/YYYYMM/DD/cN.html",
    urls=UrlScheme(
        page_list="pc/layout/{yyyy}{mm}/{dd}/l{page}.html",
        page_list_pattern=r"(?:(?P<y>\d{4})(?P<m>\d{2})/(?P<d>\d{2})/)?(?<![\w-])l(?P<page>\d+)\.html(?:$|[?#])",
        article_pattern=r"(?:(?P<y>\d{4})(?P<m>\d{2})/(?P<d>\d{2})/)?(?<![\w-])(?P<key>c\d+)\.html(?:$|[?#])",
    ),
    page_list=PageListSelectors(
        heading=(".page-num li.active a", ".page-num li.on a"),
        page_links=("ul.page-num li a",),
        pdf=("a[href$='.pdf']",),
        titles=("ul#articlelist li a",),
        paper_name=("title",),
    ),
    article=ArticleSelectors(
        pretitle=("#ozoom ~ h3", ".article h3", "h3"),
        title=(".article h1", "h1"),
        subtitle=(".article h2", "h2"),
        author=(".article .author", ".author"),
        body=("#ozoom",),
        images=("#ozoom table", ".article table"),
        caption=("td p", "td:not(:has(img))"),
        paper_name=("title",),
    ),
    markers=("page-num", "articlelist", "xhby"),
)

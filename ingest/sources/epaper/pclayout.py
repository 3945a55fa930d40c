"""The newer Founder template: `pc/layout/YYYYMM/DD/node_NN.html` and `pc/content/YYYYMM/DD/content_N.html`.

Page lists and article pages are both addressed by page number and date; PDFs live under
`pc/attachement/YYYYMM/DD/` and page images under `pc/pic/`.
"""

from ingest.sources.epaper.families import ArticleSelectors, Family, PageListSelectors, UrlScheme

FAMILY = Family(
    name="pclayout",
    description="pc/layout/YYYYMM/DD/node_NN.html, pc/content/YYYYMM/DD/content_N.html",
    urls=UrlScheme(
        page_list="pc/layout/{yyyy}{mm}/{dd}/node_{page:02d}.html",
        page_list_pattern=r"(?:(?P<y>\d{4})(?P<m>\d{2})/(?P<d>\d{2})/)?node_(?P<page>\d+)\.html",
        article_pattern=r"(?:(?P<y>\d{4})(?P<m>\d{2})/(?P<d>\d{2})/)?(?P<key>content_\d+)\.html",
        index="pc/layout/index.html",
    ),
    page_list=PageListSelectors(
        heading=(".paper-bot .ban", ".paper-bot p.left"),
        page_links=(".swiper-slide a#pageLink", "a#pageLink"),
        pdf=(".paper-bot .btn a[href$='.pdf']", "a[href$='.pdf']"),
        titles=("ul.news-list a[href*='content_']",),
        date=(".date-box .date", "p.date"),
        paper_name=("title",),
    ),
    article=ArticleSelectors(
        pretitle=(".article h3",),
        title=(".article h1",),
        subtitle=(".article h2",),
        author=(".article p.sec .author", ".article p.sec"),
        body=("#ozoom",),
        images=(".article table.pci_c", ".attachment table"),
        caption=("td p", "td:not(:has(img))"),
        page=(".article p.sec .date",),
        date=(".article p.sec .date",),
        paper_name=("title",),
        drop=("script", "style", "iframe", "form", "input", "button", "select", "noscript", "table",
              ".share", ".comment", ".ad"),
    ),
    markers=("news-list", "swiper-slide", "paper-bot", "pc/layout", "pci_c", "article-box"),
)

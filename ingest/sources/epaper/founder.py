"""Founder's classic e-paper template (方正数字报刊), e.g. epaper.zjgrrb.com.

Page lists `html/YYYY-MM/DD/node_N.htm` (some sites keep them in another folder: `html_dir`; N is a node
id, not the page number: only the first page is known in advance), articles `html/YYYY-MM/DD/content_N.htm`
(linked with `?div=-1`, or `?div=0` from the page picture), page PDFs under `images/` or `page/`.
Article pages carry their facts twice: in the `enpproperty` comment and in the layout tables.
"""

from ingest.sources.epaper.families import ArticleSelectors, Family, PageListSelectors, UrlScheme

FAMILY = Family(
    name="founder",
    description="Founder classic: html/YYYY-MM/DD/node_N.htm, content_N.htm",
    urls=UrlScheme(
        page_list="{html_dir}/{yyyy}-{mm}/{dd}/{first_page}",
        page_list_pattern=r"(?:(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/)?node_(?P<node>\d+)\.htm(?:$|[?#])",
        article_pattern=r"(?:(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/)?(?P<key>content_\d+)\.htm(?:$|[?#])",
        first_page="node_2.htm",
        index="index.htm",
        numbered_pages=False,
    ),
    page_list=PageListSelectors(
        heading=("#currentPage", "td.px12 strong", ".l_t"),
        page_links=("a#pageLink", "#pagelist a[href*='node_']"),
        pdf=("#currentPdf", "a[href$='.pdf']"),
        titles=("#articlelist a[href*='content_']", "td.default a[href*='content_']"),
        date=("#paperdate",),
        paper_name=("title",),
    ),
    article=ArticleSelectors(
        pretitle=("td.font02.pretitle", "#introtitle"),
        title=("td.font01", "#title"),
        subtitle=("td.font02.subtitle", "#subtitle"),
        author=("td.font03", "#author"),
        body=("founder-content", "#ozoom"),
        images=("table.picture",),
        caption=("td.font06", "td.caption"),
        page=("td.px12.pagename",),
        date=("#paperdate",),
        paper_name=("title",),
        drop=("script", "style", "iframe", "form", "input", "button", "select", "noscript", "table.picture",
              ".share", ".comment", ".ad"),
    ),
    markers=("founder-content", "enpproperty", "node_2.htm", "content_", "PagePicMap", "div=-1"),
    # html_dir: the folder of the dated page lists; 中国纪检监察报 keeps them under content/ (its config).
    params={"first_page": "node_2.htm", "html_dir": "html"},
)

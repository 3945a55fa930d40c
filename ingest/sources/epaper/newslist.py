"""Founder's other PC template, named here for its article list `div.newslist`: page lists
`…/YYYYMM/DD/node_A01.html` (sectioned labels in the file name; 第一财经日报, 辽沈晚报, 深圳晚报, 安徽日报农村版),
articles `content_N.html` (安徽日报农村版: `cN.html`) under a sibling folder (`con/`, `content/`) or beside the
page list.

What tells it from `pclayout` (same URL shapes) is the markup: the page directory in `div.Chunkiconlist`
(each `<p>` a page link and its PDF), the page line and date in `div.newslisttit`, the titles in
`div.newslist li h3 a`; an article's title, subtitle and page line (`版次：A02`) in `div.newsdetatit`, its body
in `div.newsdetatext founder-content`. Pages are reached through the first page's directory, not by number:
the file names carry section letters.
"""

from ingest.sources.epaper.families import ArticleSelectors, Family, PageListSelectors, UrlScheme

FAMILY = Family(
    name="newslist",
    description="Founder PC, div.newslist: {html_dir}/YYYYMM/DD/node_A01.html, content_N.html",
    urls=UrlScheme(
        page_list="{html_dir}/{yyyy}{mm}/{dd}/{first_page}",
        page_list_pattern=r"(?:(?P<y>\d{4})(?P<m>\d{2})/(?P<d>\d{2})/)?node_[A-Za-z]?(?P<page>\d+)\.html",
        article_pattern=r"(?:(?P<y>\d{4})(?P<m>\d{2})/(?P<d>\d{2})/)?(?<![\w-])(?P<key>content_\d+|c\d+)\.html",
        first_page="node_A01.html",
        numbered_pages=False,
    ),
    page_list=PageListSelectors(
        heading=(".newslisttit em", ".newslisttit"),
        page_links=(".Chunkiconlist a",),
        pdf=(".Chunkiconlist a[href$='.pdf']",),
        titles=(".newslist li h3 a", ".newslist a"),
        date=(".newslisttit .newstime", ".newstime"),
        paper_name=("title",),
    ),
    article=ArticleSelectors(
        # The title block prints an empty <p> where there is no pretitle, then <h3>, then the subtitle.
        pretitle=(".newsdetatit > p:first-child:not(:has(span))",),
        title=(".newsdetatit h3",),
        subtitle=(".newsdetatit > h3 + p:not(:has(span))",),
        author=(".newsdetatit .author",),
        body=(".newsdetatext founder-content", ".newsdetatext"),
        images=(".newsdetatext table", ".newsdetatext img"),
        caption=("td p", "td:not(:has(img))"),
        page=(".newsdetatit p span",),
        date=(".newsdetatit p span",),
        paper_name=("title",),
    ),
    # The scrolling pane (div.newsshow#ScroLeft) holds the list and the article alike; an article page shares
    # founder-content, enpproperty and content_ with Founder's classic template, so it needs more than its title block.
    markers=("Chunkiconlist", "newslisttit", "newsdetatit", "newsdetatext", "class=\"newslist\"", "newsshow",
             "ScroLeft"),
    # html_dir: the folder of the dated page lists (pc/layout; 深圳晚报 PC/layout, 第一财经日报 pc).
    params={"first_page": "node_A01.html", "html_dir": "pc/layout"},
)

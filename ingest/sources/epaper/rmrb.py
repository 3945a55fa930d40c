"""人民日报's classic e-paper template (paper.people.com.cn/rmrb, 2009–2020), modelled on real pages.

Page lists `html/YYYY-MM/DD/nbs.D110000renmrb_NN.htm`, articles
`html/YYYY-MM/DD/nw.D110000renmrb_YYYYMMDD_K-NN.htm`, PDFs `page/YYYY-MM/DD/NN/rmrbYYYYMMDDNN.pdf`.
The article list writes its titles with `document.write(view("…"))`; a hidden copy of the list
(`div#mp_nw…`) holds the same titles as text. Other papers of the platform differ in `code`.
"""

from ingest.sources.epaper.families import ArticleSelectors, Family, PageListSelectors, UrlScheme

FAMILY = Family(
    name="rmrb",
    description="人民日报 classic: nbs.D110000renmrb_NN.htm, nw.D110000renmrb_YYYYMMDD_K-NN.htm",
    urls=UrlScheme(
        page_list="html/{yyyy}-{mm}/{dd}/nbs.{code}_{page:02d}.htm",
        page_list_pattern=r"(?:(?P<y>\d{4})-(?P<m>\d{2})/(?P<d>\d{2})/)?nbs\.(?P<code>D\d+[A-Za-z]+)_(?P<page>\d+)\.htm",
        article_pattern=r"(?P<key>nw\.(?P<code>D\d+[A-Za-z]+)_(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+-(?P<page>\d+))\.htm",
        index="paperindex.htm",
    ),
    page_list=PageListSelectors(
        heading=(".list_l .l_t", ".ban_t li"),
        page_links=("#pageList a#pageLink", "a#pageLink"),
        pdf=(".ban_t a[href$='.pdf']", "#pageList a[href$='.pdf']"),
        titles=("#titleList a[href*='nw.']", "div[style*='none'] a[href*='nw.']"),
        date=("#riqi_",),
        paper_name=("input[name=channelname]",),
    ),
    article=ArticleSelectors(
        pretitle=(".text_c h3",),
        title=(".text_c h1",),
        subtitle=(".text_c h2",),
        author=(".text_c h4",),
        body=("#ozoom founder-content", "#ozoom", ".c_c"),
        images=("#ozoom table.pci_c", ".c_c table"),
        caption=("td.pci_c", "td:not(:has(img))"),
        page=(".ban_t li", ".text_c .lai", ".sha_left span"),
        date=("#riqi_",),
        paper_name=("input[name=channelname]",),
        drop=("script", "style", "iframe", "form", "input", "button", "select", "noscript", "table"),
    ),
    markers=("nbs.D110000", "nw.D110000", "renmrb", "titleList", "pageList", "ozoom"),
    params={"code": "D110000renmrb"},
)

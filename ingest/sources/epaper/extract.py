"""Reading page lists and article pages: the generic evidence of `evidence.py` first, a family's selectors as
hints. Pure: text in, dataclasses out."""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from datetime import date

from bs4 import BeautifulSoup, Comment, Tag

from ingest.errors import InputError
from ingest.model import page_label_of
from ingest.parse.conventions import body_byline, byline_authors, parse_date
from ingest.sources.epaper.evidence import (
    PAGE_ELEMENTS,
    PAGE_LIST_URL,
    Link,
    article_links,
    attr,
    compact_date,
    date_element,
    enp_date,
    enpproperty,
    first_date,
    href_of,
    links_date,
    list_groups,
    pdf_links,
    picture_fields,
    url_date,
    visible_date,
)
from ingest.sources.epaper.families import Family
from ingest.sources.epaper.pages import (
    ArticleLink,
    ArticlePage,
    Hotspot,
    PageListing,
    PageRef,
    Picture,
)
from ingest.sources.epaper.text import clean, page_label, page_name

# document.write(view("中共中央召开党外人士座谈会<br>征求对中共十九大报告的意见  "))
_VIEW_CALL = re.compile(r"""view\(\s*(["'])(?P<s>(?:\\.|(?!\1).)*)\1\s*\)""", re.DOTALL)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_ENP_CONTENT = re.compile(r"<!--\s*enpcontent\s*-->(?P<body>.*?)<!--\s*/enpcontent\s*-->", re.DOTALL | re.IGNORECASE)


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def page_kind(family: Family, url: str, soup: BeautifulSoup, html: str = "") -> str | None:
    """"page_list" or "article" by the URL, else by what the markup holds; None when it is neither."""
    if family.is_article(url):
        return "article"
    if family.is_page_list(url):
        return "page_list"
    # A page list's enpproperty names its page (founder-pagenum); an article's names the article.
    enp = enpproperty(html)
    if enp.get("articleid") or enp.get("title") or enp.get("founder-title"):
        return "article"
    # A page list links its articles from an image map or beside a page directory; a portal page that
    # merely links a few content_N pages is neither.
    links = article_links(soup, url, family.is_article)
    mapped = any(link.hotspot for link in links)
    listed = len({link.url for link in links}) >= 2 and bool(_directory(soup, url, family))
    title = _first(soup, family.article.title)
    # An element shaped like the family's title on a page that maps and lists articles beside a page
    # directory (岳阳日报's `<h2 id=title>` of a reader poll) makes it an article page only with a body
    # (Founder's article pages carry their page's map, list and directory too).
    if title is not None and (not (mapped and listed) or _first(soup, family.article.body) is not None):
        return "article"
    if enp.get("founder-pagenum") or mapped or listed:
        return "page_list"
    return None


# ---- page lists ---------------------------------------------------------------------------------

def parse_page_list(html: str, url: str, family: Family, soup: BeautifulSoup | None = None) -> PageListing:
    """A page list from the generic evidence first (links matching the article pattern, the image map, the
    page directory, date lines, the enpproperty comment), the family's selectors as hints. `soup` is `html`
    parsed already, when the caller has it."""
    soup = soup if soup is not None else soup_of(html)
    enp = enpproperty(html)
    warnings: list[str] = []
    directory = _directory(soup, url, family)
    picture = picture_fields(soup)
    current = _current_page(soup, url, family, directory, enp, picture)
    if current.number is None:
        warnings.append(f"{url}: the page list names no page number")
    links = article_links(soup, url, family.is_article)
    hotspots = [Hotspot(link.url, (attr(link.tag, "shape") or "rect").lower(), _coords(attr(link.tag, "coords")))
                for link in links if link.hotspot]
    articles = _own_articles(soup, url, family, links)
    if not articles:
        warnings.append(f"{url}: the page list links to no article")
    image = soup.select_one(family.page_list.image)
    return PageListing(
        url=url,
        family=family.name,
        page=current,
        date=first_date(lambda: url_date(url), lambda: enp_date(enp), lambda: visible_date(soup),
                        lambda: _date_from(soup, family.page_list.date), lambda: date_element(soup),
                        lambda: compact_date(picture.get("日期", "")),
                        lambda: links_date([a.url for a in articles])),
        paper_name=enp.get("founder-papername") or picture.get("报名") or _paper_name(soup, family.page_list.paper_name),
        issue_number=_issue_number(soup, family.page_list.date),
        articles=articles,
        hotspots=hotspots,
        pages=directory,
        image_url=href_of(image, url, "src") if image is not None else None,
        previous_url=_neighbour(soup, url, "上一版"),
        next_url=_neighbour(soup, url, "下一版"),
        warnings=warnings,
    )


def _own_articles(soup: BeautifulSoup, url: str, family: Family, links: list[Link]) -> list[ArticleLink]:
    """This page's own articles: those its image map links, and the lists that are mostly of those; without a
    map (or beside one that covers little), the family's list, else the longest list. A box of other pages'
    articles (今日关注), a header link or a sister paper's menu is not a list of this page."""
    mapped = {link.url for link in links if link.hotspot}
    groups = list(list_groups(links))
    hinted_ids = {id(a) for selector in family.page_list.titles for a in soup.select(selector)}
    hinted = [g for g in groups if any(id(link.tag) in hinted_ids for link in g)]
    longest = sorted(groups, key=lambda g: -len({link.url for link in g}))[:1]

    def mostly_mapped(group: list[Link]) -> bool:
        urls = {link.url for link in group}
        return len(urls) > 1 and len(urls & mapped) * 2 >= len(urls)

    if mapped:
        # A map of a picture or two beside the page's list: the family's list, else the longest, if it shares one.
        chosen = [g for g in groups if mostly_mapped(g)] or \
            [g for g in hinted or longest if {x.url for x in g} & mapped]
    else:
        chosen = hinted or longest
    own = mapped | {link.url for g in chosen for link in g}
    titles: dict[str, str] = {}
    for link in links:
        if link.url in own and not titles.get(link.url):
            titles[link.url] = _script_title(link.tag) or link.title
    # A title shown in the page's own list wins over a box's or a hotspot's wording.
    for link in (link for g in chosen for link in g):
        if title := _script_title(link.tag) or link.title:
            titles[link.url] = title
    return [ArticleLink(u, titles[u], _key(family, u)) for u in titles]


def _directory(soup: BeautifulSoup, url: str, family: Family) -> list[PageRef]:
    """The page directory: anchors to a page list whose text is a page line (第01版：要闻, 01版, 第A01版)."""
    pages: list[PageRef] = []
    seen: set[str] = set()
    hinted = _select_first(soup, family.page_list.page_links)
    for a in hinted or soup.find_all("a"):
        page_url = href_of(a, url)
        label = page_label(" ".join(a.stripped_strings))
        if page_url is None or label is None or not (family.is_page_list(page_url) or PAGE_LIST_URL.search(page_url)):
            continue
        page_url = page_url.split("#")[0]
        if page_url in seen:
            continue
        seen.add(page_url)
        sec, num, name = label
        pages.append(PageRef(num, page_label_of(sec, num), name, page_url, _pdf_beside(a, url)))
    return pages


def _pdf_beside(anchor: Tag, url: str) -> str | None:
    """The PDF link in the same row of the directory as a page link: its parent (`<p>` of link and PDF) or
    its parent's parent (a table row), whichever is the nearest to hold a PDF and no other page's link."""
    row = anchor.parent
    for _ in range(2):
        if row is None or sum(1 for a in row.find_all("a") if (h := href_of(a, url)) and PAGE_LIST_URL.search(h)) > 1:
            return None
        if pdfs := pdf_links(row, url):
            return pdfs[0][1]
        row = row.parent
    return None


def _current_page(soup: BeautifulSoup, url: str, family: Family, directory: list[PageRef],
                  enp: dict[str, str], picture: dict[str, str]) -> PageRef:
    own = url.split("#")[0]
    ref = next((r for r in directory if r.url == own), None)
    heading = _first(soup, family.page_list.heading)
    label = page_label(" ".join(heading.stripped_strings)) if heading else None
    if label is None and (number := _pagenum(enp.get("founder-pagenum", ""))):
        label = (*number, page_name(enp.get("nodename", "")))
    if label is None and (found := page_label(picture.get("版次", ""))):
        label = (found[0], found[1], found[2] or page_name(picture.get("版名", "")))
    m = family.page_list_re.search(url)
    url_number = int(m.group("page")) if m and m.groupdict().get("page") else None
    pdf_url = (ref.pdf_url if ref else None) or _hinted_pdf(soup, url, family, directory)
    if ref:
        return PageRef(ref.number, ref.label, ref.name or (label[2] if label else ""), url, pdf_url)
    if label:
        return PageRef(label[1], page_label_of(label[0], label[1]), label[2], url, pdf_url)
    return PageRef(url_number, page_label_of("", url_number) if url_number is not None else "", "", url, pdf_url)


def _hinted_pdf(soup: BeautifulSoup, url: str, family: Family, directory: list[PageRef]) -> str | None:
    """This page's PDF outside the directory: the family's PDF element, else the first PDF link that is not
    another page's (a directory row's)."""
    found = _first(soup, family.page_list.pdf)
    if found is not None and (target := href_of(found, url)):
        return target
    others = {r.pdf_url for r in directory if r.url != url.split("#")[0]}
    return next((target for _, target in pdf_links(soup, url) if target not in others), None)


def _script_title(a: Tag) -> str:
    script = a.find("script")
    if script is not None:
        m = _VIEW_CALL.search(script.get_text())
        if m:
            return clean(_TAGS.sub("", _BR.sub(" ", m.group("s").replace('\\"', '"'))))
    return ""


def _neighbour(soup: BeautifulSoup, url: str, word: str) -> str | None:
    for a in soup.find_all("a", href=True):
        if word in a.get_text() and (target := href_of(a, url)):
            return target
    return None


def _coords(text: str) -> tuple[int, ...]:
    return tuple(int(float(c)) for c in re.findall(r"-?\d+(?:\.\d+)?", text))


# ---- article pages ------------------------------------------------------------------------------

def parse_article(html: str, url: str, family: Family, soup: BeautifulSoup | None = None) -> ArticlePage:
    """An article page from the enpproperty comment and the family's selectors, with the generic evidence
    for what those leave out: the date (URL, comment, an author element that holds it, the date line), the
    page (`#nowLayout`, page lines) and the byline (a dateline's parentheses, a byline paragraph)."""
    soup = soup if soup is not None else soup_of(html)
    sel = family.article
    enp = enpproperty(html)
    meta = {attr(m, "name").lower(): clean(attr(m, "content")) for m in soup.find_all("meta") if attr(m, "name")}
    warnings: list[str] = []

    # Some Founder sites prefix every field: founder-title, founder-introtitle, founder-pagenum.
    enp = {**{k.removeprefix("founder-"): v for k, v in enp.items() if k.startswith("founder-")}, **enp}
    title = enp.get("title") or _text_of(soup, sel.title) or meta.get("title", "")
    if not title:
        raise InputError(f"{url}: no article title found (neither the enpproperty comment nor "
                         f"{' / '.join(sel.title)} in the markup)")
    pretitle = enp.get("introtitle") or _text_of(soup, sel.pretitle)
    subtitle = enp.get("subtitle") or _text_of(soup, sel.subtitle)
    byline = enp.get("author") or _text_of(soup, sel.author) or meta.get("author", "")
    # Some templates fill their author element with the date (2026年03月10日 星期二): a date, not a byline.
    byline_date = parse_date(byline) if byline and not byline_authors(byline) else None
    if byline_date:
        byline = ""
    paragraphs = _paragraphs(soup, html, sel.body, sel.drop)
    authors = byline_authors(byline)
    printed, rest = body_byline(paragraphs)
    if not authors:
        authors, paragraphs = printed, rest
    elif {a.name for a in authors} == {a.name for a in printed}:
        # An author field of bare names (赵伟君) beside the dateline's （记者 赵伟君）: the body says the roles.
        authors, paragraphs = printed, rest
    pictures = _pictures(soup, url, family)
    if not paragraphs and not pictures:
        warnings.append(f"{url}: the article has no body text")

    m = family.article_re.search(url)
    key = (m.group("key") if m else None) or (f"content_{enp['articleid']}" if enp.get("articleid") else None) \
        or meta.get("contentid")
    return ArticlePage(
        url=url,
        family=family.name,
        key=key,
        date=first_date(lambda: url_date(url), lambda: enp_date(enp), lambda: byline_date,
                        lambda: _date_from(soup, sel.date), lambda: visible_date(soup),
                        lambda: parse_date(meta.get("publishdate", ""))),
        page=_article_page(soup, url, family, enp),
        paper_name=enp.get("founder-papername") or _paper_name(soup, sel.paper_name, title),
        pretitle=pretitle if pretitle != title else "",
        title=title,
        subtitle=subtitle if subtitle != title else "",
        byline=byline,
        authors=authors,
        paragraphs=paragraphs,
        pictures=pictures,
        warnings=warnings,
    )


def _paragraphs(soup: BeautifulSoup, html: str, body_selectors: tuple[str, ...], drop: tuple[str, ...]) -> list[str]:
    container = _first(soup, body_selectors)
    if container is None:
        m = _ENP_CONTENT.search(html)
        if not m:
            return []
        container = soup_of(m.group("body"))
    container = copy.copy(container)
    for selector in drop:
        for junk in container.select(selector):
            junk.decompose()
    for comment in container.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    blocks = container.find_all(["p", "li"])
    texts: list[str] = []
    if blocks:
        for block in blocks:
            if block.find(["p", "li"]):
                continue  # the inner blocks carry the text
            texts.extend(_lines(block))
    else:
        texts = _lines(container)
    return [t for t in texts if t]


def _lines(tag: Tag) -> list[str]:
    for br in tag.find_all("br"):
        br.replace_with("\n")
    return [clean(line) for line in tag.get_text().split("\n")]


def _pictures(soup: BeautifulSoup, url: str, family: Family) -> list[Picture]:
    pictures: list[Picture] = []
    seen: set[str] = set()
    for box in _select_first(soup, family.article.images):
        img = box if box.name == "img" else box.find("img")
        src = href_of(img, url, "src") if img is not None else None
        if src is None:
            continue
        if src in seen:
            continue
        seen.add(src)
        caption = ""
        for selector in family.article.caption:
            found = box.select_one(selector)
            if found is not None and clean(found.get_text(" ")):
                caption = clean(found.get_text(" "))
                break
        pictures.append(Picture(src, caption))
    return pictures


def _article_page(soup: BeautifulSoup, url: str, family: Family, enp: dict[str, str]) -> PageRef | None:
    """The article's page: the URL's number, Founder's `#nowLayout` element and page lines (the comment's
    nodename, the family's page elements); a line that names the page wins over a bare number."""
    m = family.article_re.search(url)
    url_page = int(m.group("page")) if m and m.groupdict().get("page") else None
    found: list[PageRef] = []
    own_texts = (clean(" ".join(t for t in found.find_all(string=True, recursive=False) if not isinstance(t, Comment)))
                 for selector in (*family.article.page, *PAGE_ELEMENTS) for found in soup.select(selector))
    for text in (enp.get("nodename", ""), *own_texts):
        label = page_label(text)
        if label:
            found.append(PageRef(url_page or label[1], page_label_of(label[0], label[1]), label[2]))
        elif re.fullmatch(r"[A-Za-z]?\d{1,3}", text):
            number = int(re.sub(r"\D", "", text))
            found.append(PageRef(number, page_label_of(text[0] if text[0].isalpha() else "", number)))
    if not any(p.name for p in found) and (line := _page_line(soup)):
        found.append(PageRef(url_page or line[1], page_label_of(line[0], line[1]), line[2]))
    named = [p for p in found if p.name]
    enp_page = _pagenum(enp.get("pagenum", "")) if url_page is None else None  # the comment's founder-pagenum
    page = (named or found)[0] if found else \
        PageRef(url_page, page_label_of("", url_page)) if url_page is not None else \
        PageRef(enp_page[1], page_label_of(*enp_page)) if enp_page else None
    if page is None:
        return None
    # Founder's classic article pages link their page's PDF beside the page line, and every page's in
    # their page directory: the one PDF the page links, else the directory's entry for this page (the
    # directory is read only then: it costs a pass over every anchor).
    pdfs = {target for _, target in pdf_links(soup, url)}
    if len(pdfs) > 1:
        entry = next((r for r in _directory(soup, url, family) if r.label == page.label and r.pdf_url), None)
        pdfs = {entry.pdf_url} if entry and entry.pdf_url else set()
    return replace(page, pdf_url=pdfs.pop()) if len(pdfs) == 1 else page


def _pagenum(value: str) -> tuple[str, int] | None:
    """(section letter, number) of Founder's `founder-pagenum`: 01, A01, or 01B (a version letter after the
    number, as in the page's PDF 2024081201B_pdf.pdf)."""
    m = re.fullmatch(r"([A-Za-z]?)(\d{1,3})[A-Za-z]?", value)
    return (m.group(1).upper(), int(m.group(2))) if m else None


def _page_line(soup: BeautifulSoup) -> tuple[str, int, str] | None:
    """The page line an article page prints on its own, outside any link (`<td>第01版：<STRONG>要闻</STRONG></td>`
    of Founder's classic article pages): the page's name, where no element of the family gives it. The
    page directory's lines are links, and are not this page's."""
    for tag in soup.find_all(["td", "span", "p", "div", "li"]):
        text = clean(" ".join(tag.stripped_strings))
        if len(text) > 24 or tag.find("a") is not None or tag.find_parent("a") is not None:
            continue
        if (label := page_label(text)) and label[2] and text.startswith("第"):
            return label
    return None


# ---- shared ---------------------------------------------------------------------------------------

def _select_first(soup: BeautifulSoup, selectors: tuple[str, ...]) -> list[Tag]:
    """The elements of the first selector that matches anything."""
    for selector in selectors:
        found = soup.select(selector)
        if found:
            return found
    return []


def _first(soup: BeautifulSoup, selectors: tuple[str, ...]) -> Tag | None:
    for selector in selectors:
        found = soup.select_one(selector)
        if found is not None:
            return found
    return None


def _text_of(soup: BeautifulSoup, selectors: tuple[str, ...]) -> str:
    for selector in selectors:
        for found in soup.select(selector):
            tag = copy.copy(found)
            for br in tag.find_all("br"):
                br.replace_with(" ")
            text = clean(tag.get_text(" "))
            if text:
                return text
    return ""


def _key(family: Family, url: str) -> str | None:
    m = family.article_re.search(url)
    return m.group("key") if m else None


def _date_from(soup: BeautifulSoup, selectors: tuple[str, ...]) -> date | None:
    for selector in selectors:
        for found in soup.select(selector):
            d = parse_date(found.get_text(" "))
            if d:
                return d
    return None


def _issue_number(soup: BeautifulSoup, selectors: tuple[str, ...]) -> int | None:
    for selector in selectors:
        for found in soup.select(selector):
            m = re.search(r"第\s*(\d+)\s*号", found.get_text(" "))
            if m:
                return int(m.group(1))
    return None


# What a site appends to the paper's name in its <title>: 深圳晚报数字报, 洛阳晚报电子版.
_EDITION_SUFFIX = re.compile(r"(?<=报)(?:数字报刊?|电子报|电子版|数字版)$")


def _paper_name(soup: BeautifulSoup, selectors: tuple[str, ...], title: str = "") -> str:
    """The paper's name from its element (a <title>, a select's value): "人民日报-人民网", "浙江工人日报 - 小康路上…"
    give their first part; an article page's "“金鹏之夜”盛典昨晚举行_深圳晚报数字报" the part after its title."""
    for selector in selectors:
        found = soup.select_one(selector)
        if found is None:
            continue
        text = clean(attr(found, "value") or found.get_text(" "))
        parts = [p for p in re.split(r"\s*[-—|｜_]+\s*", text) if p and clean(p) != clean(title)]
        if parts:
            return _EDITION_SUFFIX.sub("", parts[0])
    return ""

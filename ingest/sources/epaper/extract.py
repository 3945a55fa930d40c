"""Reading page lists and article pages with a family's selectors. Pure: text in, dataclasses out."""

from __future__ import annotations

import copy
import re
from datetime import date
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, Tag

from ingest.errors import InputError
from ingest.parse.conventions import byline_authors, parse_date
from ingest.sources.epaper.families import Family
from ingest.sources.epaper.pages import ArticleLink, ArticlePage, Hotspot, PageListing, PageRef, Picture
from ingest.sources.epaper.text import clean, page_label

# document.write(view("中共中央召开党外人士座谈会<br>征求对中共十九大报告的意见  "))
_VIEW_CALL = re.compile(r"""view\(\s*(["'])(?P<s>(?:\\.|(?!\1).)*)\1\s*\)""", re.DOTALL)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_ENP = re.compile(r"<!--\s*enpproperty(?P<body>.*?)/enpproperty\s*-->", re.DOTALL | re.IGNORECASE)
_ENP_FIELD = re.compile(r"<(?P<k>[a-zA-Z]+)>(?P<v>.*?)</(?P=k)>", re.DOTALL)
_ENP_CONTENT = re.compile(r"<!--\s*enpcontent\s*-->(?P<body>.*?)<!--\s*/enpcontent\s*-->", re.DOTALL | re.IGNORECASE)


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def page_kind(family: Family, url: str, soup: BeautifulSoup) -> str | None:
    """"page_list" or "article" by the URL, else by what the markup holds; None when it is neither."""
    if family.is_article(url):
        return "article"
    if family.is_page_list(url):
        return "page_list"
    if _ENP.search(str(soup)[:200000]) or _first(soup, family.article.title):
        return "article"
    if soup.select(family.page_list.hotspots) or _first(soup, family.page_list.titles):
        return "page_list"
    return None


# ---- page lists ---------------------------------------------------------------------------------

def parse_page_list(html: str, url: str, family: Family) -> PageListing:
    soup = soup_of(html)
    warnings: list[str] = []
    directory = _directory(soup, url, family)
    current = _current_page(soup, url, family, directory)
    if current.number is None:
        warnings.append(f"{url}: the page list names no page number")
    articles = _article_links(soup, url, family)
    hotspots = [
        Hotspot(urljoin(url, a["href"].strip()), (a.get("shape") or "rect").lower(), _coords(a.get("coords", "")))
        for a in soup.select(family.page_list.hotspots)
        if family.is_article(urljoin(url, a["href"].strip()))
    ]
    # A picture or a box linked only from the image map is an article too.
    listed = {a.url for a in articles}
    for h in hotspots:
        if h.url not in listed:
            listed.add(h.url)
            articles.append(ArticleLink(h.url, "", _key(family, h.url)))
    if not articles:
        warnings.append(f"{url}: the page list links to no article")
    image = soup.select_one(family.page_list.image)
    return PageListing(
        url=url,
        family=family.name,
        page=current,
        date=_url_date(family, url) or _date_from(soup, family.page_list.date),
        paper_name=_paper_name(soup, family.page_list.paper_name),
        issue_number=_issue_number(soup, family.page_list.date),
        articles=articles,
        hotspots=hotspots,
        pages=directory,
        image_url=urljoin(url, image["src"]) if image and image.get("src") else None,
        previous_url=_neighbour(soup, url, "上一版"),
        next_url=_neighbour(soup, url, "下一版"),
        warnings=warnings,
    )


def _directory(soup: BeautifulSoup, url: str, family: Family) -> list[PageRef]:
    pages: list[PageRef] = []
    seen: set[str] = set()
    for a in _select_first(soup, family.page_list.page_links):
        href = (a.get("href") or "").strip()
        label = page_label(clean(a.get_text(" ")))
        if not href or label is None:
            continue
        page_url = urljoin(url, href)
        if page_url in seen:
            continue
        seen.add(page_url)
        sec, num, name = label
        pages.append(PageRef(num, f"{sec}{num:02d}", name, page_url, _pdf_beside(a, url)))
    return pages


def _pdf_beside(anchor: Tag, url: str) -> str | None:
    """The PDF link in the same row of the directory as a page link (its parent's parent)."""
    row = anchor.parent.parent if anchor.parent is not None else None
    if row is None or len(row.select("a#pageLink, a[href*='node_'], a[href*='nbs.']")) > 1:
        return None
    pdf = row.select_one("a[href$='.pdf']")
    return urljoin(url, pdf["href"].strip()) if pdf else None


def _current_page(soup: BeautifulSoup, url: str, family: Family, directory: list[PageRef]) -> PageRef:
    for ref in directory:
        if ref.url == url.split("#")[0]:
            break
    else:
        ref = None
    heading = _first(soup, family.page_list.heading)
    label = page_label(clean(heading.get_text(" "))) if heading else None
    m = family.page_list_re.search(url)
    number = ref.number if ref else (label[1] if label else (int(m.group("page")) if m and "page" in
                                                                   m.groupdict() and m.group("page") else None))
    pdf = _first(soup, family.page_list.pdf)
    pdf_url = urljoin(url, pdf["href"].strip()) if pdf and pdf.get("href") else (ref.pdf_url if ref else None)
    if label:
        return PageRef(number, f"{label[0]}{label[1]:02d}", label[2], url, pdf_url)
    if ref:
        return PageRef(ref.number, ref.label, ref.name, url, pdf_url)
    return PageRef(number, f"{number:02d}" if number is not None else "", "", url, pdf_url)


def _article_links(soup: BeautifulSoup, url: str, family: Family) -> list[ArticleLink]:
    links: dict[str, ArticleLink] = {}
    for selector in family.page_list.titles:
        for a in soup.select(selector):
            href = (a.get("href") or "").strip()
            if not href:
                continue
            target = urljoin(url, href)
            if not family.is_article(target):
                continue
            title = _link_title(a)
            known = links.get(target)
            if known is None or (not known.title and title):
                links[target] = ArticleLink(target, title, _key(family, target))
    return list(links.values())


def _link_title(a: Tag) -> str:
    script = a.find("script")
    if script is not None:
        m = _VIEW_CALL.search(script.get_text())
        if m:
            return clean(_TAGS.sub("", _BR.sub(" ", m.group("s").replace('\\"', '"'))))
    for br in a.find_all("br"):
        br.replace_with(" ")
    return clean(a.get_text(" "))


def _neighbour(soup: BeautifulSoup, url: str, word: str) -> str | None:
    for a in soup.find_all("a", href=True):
        if word in a.get_text() and not a["href"].startswith(("#", "javascript")):
            return urljoin(url, a["href"].strip())
    return None


def _coords(text: str) -> tuple[int, ...]:
    return tuple(int(float(c)) for c in re.findall(r"-?\d+(?:\.\d+)?", text))


# ---- article pages ------------------------------------------------------------------------------

def enpproperty(html: str) -> dict[str, str]:
    """The fields of Founder's `<!--enpproperty <articleid>…</articleid>… /enpproperty-->` comment."""
    m = _ENP.search(html)
    if not m:
        return {}
    return {f.group("k").lower(): clean(_TAGS.sub("", f.group("v"))) for f in _ENP_FIELD.finditer(m.group("body"))}


def parse_article(html: str, url: str, family: Family) -> ArticlePage:
    soup = soup_of(html)
    sel = family.article
    enp = enpproperty(html)
    meta = {(m.get("name") or "").lower(): clean(m.get("content") or "") for m in soup.find_all("meta") if m.get("name")}
    warnings: list[str] = []

    title = enp.get("title") or _text_of(soup, sel.title) or meta.get("title", "")
    if not title:
        raise InputError(f"{url}: no article title found (neither the enpproperty comment nor "
                         f"{' / '.join(sel.title)} in the markup)")
    pretitle = enp.get("introtitle") or _text_of(soup, sel.pretitle)
    subtitle = enp.get("subtitle") or _text_of(soup, sel.subtitle)
    byline = enp.get("author") or _text_of(soup, sel.author) or meta.get("author", "")
    paragraphs = _paragraphs(soup, html, sel.body, sel.drop)
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
        date=_url_date(family, url) or parse_date(enp.get("date", "")) or _date_from(soup, sel.date)
        or parse_date(meta.get("publishdate", "")),
        page=_article_page(soup, url, family, enp),
        paper_name=_paper_name(soup, sel.paper_name),
        pretitle=pretitle if pretitle != title else "",
        title=title,
        subtitle=subtitle if subtitle != title else "",
        byline=byline,
        authors=byline_authors(byline),
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
        if img is None or not img.get("src"):
            continue
        src = urljoin(url, img["src"].strip())
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
    m = family.article_re.search(url)
    url_page = int(m.group("page")) if m and "page" in m.groupdict() and m.group("page") else None
    found: list[PageRef] = []
    own_texts = (clean(" ".join(t for t in found.find_all(string=True, recursive=False) if not isinstance(t, Comment)))
                 for selector in family.article.page for found in soup.select(selector))
    for text in (enp.get("nodename", ""), *own_texts):
        label = page_label(text)
        if label:
            found.append(PageRef(url_page or label[1], f"{label[0]}{label[1]:02d}", label[2]))
        elif text.isdigit():
            found.append(PageRef(int(text), f"{int(text):02d}"))
    named = [p for p in found if p.name]
    if named or found:
        return (named or found)[0]
    return PageRef(url_page, f"{url_page:02d}") if url_page is not None else None


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


def _url_date(family: Family, url: str) -> date | None:
    for pattern in (family.article_re, family.page_list_re):
        m = pattern.search(url)
        if m and m.groupdict().get("y"):
            try:
                return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                return None
    return None


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


def _paper_name(soup: BeautifulSoup, selectors: tuple[str, ...]) -> str:
    for selector in selectors:
        found = soup.select_one(selector)
        if found is None:
            continue
        text = clean(found.get("value") or found.get_text(" "))
        if text:
            # "人民日报-人民网", "浙江工人日报 - 小康路上…": the paper comes first.
            return re.split(r"\s*[-—|｜_]\s*", text, maxsplit=1)[0]
    return ""

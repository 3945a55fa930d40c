"""What any e-paper page says about itself, whatever its template: the generic signals read before a family's
selectors are consulted (URL dates, the Founder `enpproperty` comment, visible date and page lines, article
links of lists and image maps, PDF links). Pure functions over text and parsed markup.

Hand-written because no extraction library knows these conventions of Chinese e-paper platforms: the
layout of a 版面 page (page directory, article list, image-map hotspots) is not an article to extract.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from ingest.parse.conventions import parse_date
from ingest.sources.epaper.text import clean, page_label

_TAGS = re.compile(r"<[^>]+>")
_ENP = re.compile(r"<!--\s*enpproperty(?P<body>.*?)/enpproperty\s*-->", re.DOTALL | re.IGNORECASE)
_ENP_FIELD = re.compile(r"<(?P<k>[a-zA-Z][\w-]*)>(?P<v>.*?)</(?P=k)>", re.DOTALL)
# Edition dates in URL paths: html/2023-02/10/, layout/202603/10/, nw.D110000renmrb_20171016_1-01.htm
_URL_DATES = (
    re.compile(r"/(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})/(?P<d>\d{2})/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>\d{2})/(?P<d>\d{2})/"),
    re.compile(r"[/_](?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})[/_]"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})/"),
)
# A visible date line: 2023年02月10日 星期五 · 2017年7月22日　星期六 (the weekday may sit in its own element).
_DATE_LINE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*"
                        r"(?:星期|周|礼拜)\s*[一二三四五六日天]")
# The same date alone, as an element named for dates holds it: 2007年07月08日.
_DATE_ALONE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# Elements that hold the page of an article page: Founder's pc/content `<p id="nowLayout">01</p>`.
PAGE_ELEMENTS = ("#nowLayout",)
_PDF = re.compile(r"\.pdf(?:$|[?#])", re.IGNORECASE)
# Article and page-list URLs of the known platforms, beside each family's own patterns.
ARTICLE_URL = re.compile(r"(?:content_\d+\.s?html?|nw\.D\d+[A-Za-z]+_\d{8}_\d+-\d+\.htm)(?:$|[?#])", re.IGNORECASE)
PAGE_LIST_URL = re.compile(r"(?:node_[A-Za-z]?\d+\.s?html?|nbs\.D\d+[A-Za-z]+_\d+\.htm)(?:$|[?#])", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """One URL per article: `content_1.htm?div=0` (a picture hotspot) and `?div=-1` are the same article."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != "div"]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def attr(tag: Tag, name: str) -> str:
    """An attribute's text ("" when absent; a multi-valued one such as class joined by spaces)."""
    value = tag.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def href_of(tag: Tag, base: str, name: str = "href") -> str | None:
    """The absolute target of a link (or of `src` etc.), None for none, a script or an in-page anchor."""
    href = attr(tag, name).strip()
    if not href or href.lower().startswith(("javascript", "#", "mailto")):
        return None
    return urljoin(base, href)


# ---- dates ------------------------------------------------------------------------------------------

def url_date(url: str) -> date | None:
    """The edition date a URL path spells (not a file's own name, which a saved copy may have renamed)."""
    path = urlsplit(url).path.rsplit("/", 1)[0] + "/" + _key_part(url)
    for pattern in _URL_DATES:
        for m in pattern.finditer(path):
            try:
                return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                continue
    return None


def _key_part(url: str) -> str:
    # The date inside a 人民日报 article key (nw.D110000renmrb_20171016_1-01.htm) is the URL's, not a rename.
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name if name.startswith("nw.") else ""


def enpproperty(html: str) -> dict[str, str]:
    """The fields of Founder's `<!--enpproperty <founder-date>…</founder-date>… /enpproperty-->` comment,
    keys lower-cased (articleid, date, founder-date, founder-pagenum, founder-papername, nodename, title …)."""
    m = _ENP.search(html)
    if not m:
        return {}
    return {f.group("k").lower(): clean(_TAGS.sub("", f.group("v"))) for f in _ENP_FIELD.finditer(m.group("body"))}


def enp_date(enp: dict[str, str]) -> date | None:
    return parse_date(enp.get("founder-date") or enp.get("date") or "")


def visible_date(soup: BeautifulSoup) -> date | None:
    """The date line a reader sees (year, month, day and weekday), wherever the template puts it."""
    for m in _DATE_LINE.finditer(clean(soup.get_text(" "))):
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def date_element(soup: BeautifulSoup) -> date | None:
    """The date of an element named for it (`<span id="cur_dates">2007年07月08日</span>`, `class="newstime"`) whose
    text is that date alone: a date line with no weekday, which `visible_date` does not trust in running text."""
    for tag in soup.select("[id*=date i], [class*=date i], [class*=time i]"):
        text = clean(tag.get_text(" "))
        if len(text) <= 16 and _DATE_ALONE.fullmatch(text) and (found := parse_date(text)):
            return found
    return None


def directory_lines(soup: BeautifulSoup) -> list[str]:
    """The page lines of a page directory, whatever the platform: the texts of anchors that name a page
    (01版:头版, 第2版 综合, 第A01版：要闻), one per page, in the page's order."""
    lines: dict[tuple[str, int], str] = {}
    for a in soup.find_all("a", href=True):
        text = clean(" ".join(a.stripped_strings))
        if len(text) <= 24 and (label := page_label(text)) is not None:
            lines.setdefault(label[:2], text)
    return list(lines.values())


_PICTURE_KEYS = re.compile(r"(报名|版次|版名|日期)\s*[:：]\s*")


def picture_fields(soup: BeautifulSoup) -> dict[str, str]:
    """The facts some platforms put in the title of the page's picture (the image of the map):
    `报名：农民日报 版次：第001版：版名：要闻 日期：20240909` → {报名: 农民日报, 版次: 第001版, 版名: 要闻, 日期: 20240909}."""
    img = soup.select_one("img[usemap]")
    text = clean(attr(img, "title") or attr(img, "alt")) if img is not None else ""
    parts = _PICTURE_KEYS.split(text)
    return {k: v.strip(" ：:") for k, v in zip(parts[1::2], parts[2::2]) if v.strip(" ：:")}


def compact_date(text: str) -> date | None:
    """A date written as eight digits, 20240909."""
    if not re.fullmatch(r"(?:19|20)\d{6}", text.strip()):
        return None
    try:
        return datetime.strptime(text.strip(), "%Y%m%d").date()
    except ValueError:
        return None


def links_date(urls: list[str]) -> date | None:
    """The date every one of these article URLs spells (../20240909_001/20240909_001_1.htm), when they agree."""
    dates = {url_date(u) for u in urls}
    return dates.pop() if len(dates) == 1 else None


def first_date(*candidates: Callable[[], date | None]) -> date | None:
    """The first piece of evidence that gives a date, tried in order (each only when the earlier gave none)."""
    for candidate in candidates:
        if found := candidate():
            return found
    return None


# ---- links -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    url: str  # canonical (ingest.sources.epaper.evidence.canonical_url)
    title: str
    tag: Tag
    hotspot: bool  # an image-map area rather than an anchor


def article_links(soup: BeautifulSoup, base: str, is_article: Callable[[str], bool]) -> list[Link]:
    """Every anchor and image-map area whose target is an article, in document order (sister-paper
    `<select>` menus hold options, not links, and are left alone)."""
    links: list[Link] = []
    for tag in soup.find_all(["a", "area"]):
        target = href_of(tag, base)
        if target is None or not (is_article(target) or ARTICLE_URL.search(target)):
            continue
        links.append(Link(canonical_url(target), link_title(tag), tag, tag.name == "area"))
    return links


def link_title(tag: Tag) -> str:
    """The title an anchor shows (text over several lines or elements joined by a space), else its
    title or alt attribute (image-map areas)."""
    if tag.name == "a":
        text = clean(" ".join(tag.stripped_strings))
        if text:
            return text
    for attr in ("title", "alt"):
        value = tag.get(attr)
        if isinstance(value, str) and clean(value):
            return clean(value)
    return ""


def list_groups(links: list[Link]) -> Iterator[list[Link]]:
    """Anchors grouped by the list that holds them: the nearest ancestor whose anchors reach two articles or
    more (a ul, a table, a div; an item linking one article twice, title and icon, is not a list). A box of
    other pages' articles is a group of its own."""
    anchors = [link for link in links if not link.hotspot]
    url_of = {id(link.tag): link.url for link in anchors}
    groups: dict[int, list[Link]] = {}
    for link in anchors:
        container = _list_container(link.tag, url_of)
        groups.setdefault(id(container) if container is not None else id(link.tag), []).append(link)
    yield from groups.values()


def _list_container(tag: Tag, url_of: dict[int, str]) -> Tag | None:
    for parent in tag.parents:
        if parent.name in ("html", "body", "[document]"):
            return None
        if len({url_of[id(a)] for a in parent.find_all("a") if id(a) in url_of}) >= 2:
            return parent
    return None


def pdf_links(soup: Tag, base: str) -> list[tuple[Tag, str]]:
    return [(a, target) for a in soup.find_all("a") if (target := href_of(a, base)) and _PDF.search(target)]

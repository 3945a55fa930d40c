"""What a site family is: URL templates and selectors, as data.

A family is one e-paper platform (Founder's classic template, 人民日报's classic template, the newer
pc/layout template and its `div.newslist` sibling, 新华报业's template). Every paper on a platform differs only in its base URL and a few parameters
(`[site]` keys of its config), so a new paper is a config file, not code. The family modules
(`founder.py`, `rmrb.py`, `pclayout.py`, `newslist.py`, `xhby.py`) hold nothing but one `Family` each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from urllib.parse import urljoin

from ingest.errors import ConfigError


@dataclass(frozen=True)
class UrlScheme:
    """Where a family keeps its pages. Templates are relative to the paper's base URL.

    Template fields: {yyyy} {mm} {dd} (the edition date), {page} (a page number, zero-padded by the
    template: {page:02d}), {first_page} and {code} (paper parameters from the `[site]` config).
    """

    page_list: str  # the page list of one page number (or of the first page when pages have no number in the URL)
    page_list_pattern: str  # regex with groups y, m, d and optionally page, matching any page-list URL
    article_pattern: str  # regex with groups y, m, d and key, matching any article URL
    first_page: str = ""  # default of the `first_page` parameter
    index: str = ""  # a page that leads to the newest edition (redirect or link), when the site has one
    numbered_pages: bool = True  # whether page_list can address page N directly


@dataclass(frozen=True)
class PageListSelectors:
    """CSS selectors (soupsieve) into a page list; the first that matches wins."""

    heading: tuple[str, ...]  # the current page's label: "01版:要闻", "第A01版：头版"
    page_links: tuple[str, ...]  # anchors of the page directory (all pages of the edition)
    pdf: tuple[str, ...]  # the anchor of this page's PDF
    titles: tuple[str, ...]  # anchors of the article list, with the titles
    hotspots: str = "map area[href]"
    image: str = "img[usemap]"
    date: tuple[str, ...] = ()  # an element whose text holds the date 2020年6月25日
    paper_name: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleSelectors:
    pretitle: tuple[str, ...]
    title: tuple[str, ...]
    subtitle: tuple[str, ...]
    author: tuple[str, ...]
    body: tuple[str, ...]  # the container of the body paragraphs
    images: tuple[str, ...]  # containers of one picture and its caption, or bare <img>
    caption: tuple[str, ...]  # inside an image container: the caption element
    page: tuple[str, ...] = ()  # an element whose text names the page: 第01版：要闻, （ 2017年10月16日 01 版）
    date: tuple[str, ...] = ()
    paper_name: tuple[str, ...] = ()
    # Inside the body: things that are never text of the article (navigation, sharing, comments, ads).
    drop: tuple[str, ...] = ("script", "style", "iframe", "form", "input", "button", "select", "noscript")


@dataclass(frozen=True)
class Family:
    name: str
    description: str
    urls: UrlScheme
    page_list: PageListSelectors
    article: ArticleSelectors
    # Substrings of the markup that tell this family from the others when the URL does not.
    markers: tuple[str, ...] = ()
    # Parameters a paper may set under [site]; values here are the defaults.
    params: dict[str, str] = field(default_factory=dict)

    @cached_property
    def page_list_re(self) -> re.Pattern[str]:
        return re.compile(self.urls.page_list_pattern)

    @cached_property
    def article_re(self) -> re.Pattern[str]:
        return re.compile(self.urls.article_pattern)

    def is_page_list(self, url: str) -> bool:
        return bool(self.page_list_re.search(url))

    def is_article(self, url: str) -> bool:
        return bool(self.article_re.search(url))

    def page_list_url(self, base_url: str, day: date, page: int = 1, params: dict[str, str] | None = None) -> str:
        values = {**self.params, **{k: str(v) for k, v in (params or {}).items()}}
        path = self.urls.page_list.format(yyyy=f"{day.year:04d}", mm=f"{day.month:02d}", dd=f"{day.day:02d}",
                                          page=page, **values)
        return urljoin(base_url, path)

    def index_url(self, base_url: str, params: dict[str, str] | None = None) -> str | None:
        index = (params or {}).get("index", self.urls.index)
        return urljoin(base_url, index) if index else None


def _all() -> dict[str, Family]:
    from ingest.sources.epaper import founder, newslist, pclayout, rmrb, xhby

    return {f.name: f for f in (founder.FAMILY, rmrb.FAMILY, pclayout.FAMILY, newslist.FAMILY, xhby.FAMILY)}


def families() -> dict[str, Family]:
    return _all()


def get_family(name: str) -> Family:
    known = _all()
    try:
        return known[name]
    except KeyError:
        raise ConfigError(f"unknown site family {name!r}; known families: {', '.join(sorted(known))}") from None


def family_of(url: str, html: str = "") -> Family | None:
    """The family whose URL patterns match `url`, else whose markers appear in `html`. Where several families
    share a URL shape (`pclayout` and `newslist` both name `node_01.html`, `content_N.html`), the markers
    choose among them; the first wins a tie."""
    by_url = [f for f in _all().values() if f.is_page_list(url) or f.is_article(url)]
    candidates = by_url or list(_all().values())
    # max() keeps the first of equal scores.
    best = max(candidates, key=lambda f: sum(marker in html for marker in f.markers))
    return best if by_url or any(marker in html for marker in best.markers) else None

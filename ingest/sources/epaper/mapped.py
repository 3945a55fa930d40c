"""A page list of a platform no family describes, read by what every e-paper page list has: a picture of
the page whose image-map hotspots link the page's articles.

The family is made for the page at hand: its article pattern is the shape of the URLs the hotspots link
(`20240909_001_1.htm` → `\\d+_\\d+_\\d+\\.htm`), so the generic evidence of `extract.py` (hotspot titles, the lists
that share their links, page lines, date lines, PDF links) reads it as it reads a known family's page. No URL
template: such a paper cannot be crawled until it has a family of its own, but a saved page of it parses.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString

from ingest.sources.epaper.evidence import href_of
from ingest.sources.epaper.families import ArticleSelectors, Family, PageListSelectors, UrlScheme

NAME = "mapped"
# Text outside links at least this long is an article's paragraph: the page is an article page with a
# picture map of its page beside it, not a page list.
_PARAGRAPH = 150
_DIGITS = re.compile(r"\d+")
_PAGE_FILE = re.compile(r"\.s?html?$", re.IGNORECASE)


def mapped_family(soup: BeautifulSoup, url: str) -> Family | None:
    """A family for this page when its image map links two or more pages of one URL shape and the page
    carries no article text of its own; else None."""
    own = url.split("#")[0]
    targets = {t.split("#")[0] for area in soup.select("map area[href]")
               if (t := href_of(area, url)) and _PAGE_FILE.search(urlsplit(t).path) and t.split("#")[0] != own}
    shapes = Counter(_shape(t) for t in targets)
    if not shapes:
        return None
    shape, count = shapes.most_common(1)[0]
    if count < 2 or re.search(shape, urlsplit(own).path.rsplit("/", 1)[-1]) or _has_paragraph(soup):
        return None
    return Family(
        name=NAME,
        description="a page list read by its image map alone",
        urls=UrlScheme(page_list="", page_list_pattern=r"(?!)", article_pattern=rf"(?P<key>{shape})(?:$|[?#])",
                       numbered_pages=False),
        page_list=PageListSelectors(heading=(), page_links=(), pdf=(), titles=(), paper_name=("title",)),
        article=ArticleSelectors(pretitle=(), title=(), subtitle=(), author=(), body=(), images=(), caption=()),
    )


def _shape(url: str) -> str:
    """The file name of a URL as a pattern, every run of digits any digits: 20240909_001_1.htm → \\d+_\\d+_\\d+\\.htm."""
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return r"\d+".join(re.escape(part) for part in _DIGITS.split(name))


def _has_paragraph(soup: BeautifulSoup) -> bool:
    body = soup.body or soup
    for text in body.find_all(string=True):
        # Text itself, not a comment (Founder's enpproperty) or a doctype, which are its subclasses.
        if type(text) is NavigableString and len(text.strip()) >= _PARAGRAPH and \
                not text.find_parent(["a", "script", "style", "option", "textarea"]):
            return True
    return False

"""E-paper HTML → `Edition`: a page list gives its pages and article links, an article page the article.

The family is the paper's configured one, else recognised from the URL or file name, else from the
markup; a page list of none is read by its image map alone (ingest.sources.epaper.mapped), a page
directory of none is refused, and any other page of none is read by the general extractor
(ingest.parse.general). The same function serves `ingest parse FILE.htm` and the site tasks, which pass the
URL and the Content-Type header in the hints.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from ingest.encoding import Decoded, decode_html
from ingest.errors import InputError
from ingest.model import Article, Edition, Page, page_order
from ingest.papers import Paper, all_papers, paper_by_name
from ingest.parse import ParseHints, register
from ingest.parse.general import general_article
from ingest.parse.markup import check_markup
from ingest.sources.epaper.evidence import directory_lines
from ingest.sources.epaper.extract import (
    page_kind,
    parse_article,
    parse_page_list,
    soup_of,
)
from ingest.sources.epaper.families import Family, family_of, get_family
from ingest.sources.epaper.mapped import mapped_family
from ingest.sources.epaper.pages import ArticlePage, PageListing, PageRef


@register("html")
def parse_html(data: bytes, hints: ParseHints) -> Edition:
    return parse_epaper_html(data, hints)


def parse_epaper_html(data: bytes, hints: ParseHints, content_type: str | None = None) -> Edition:
    page, decoded = _read_page(data, hints, content_type)
    paper = hints.paper or _paper_for(hints.url, page.paper_name)
    if isinstance(page, PageListing):
        edition = listing_edition(page, paper)
    else:
        edition = article_edition(page, paper)
    if hints.date and edition.date and hints.date != edition.date:
        edition.warnings.append(f"{hints.name}: the page says {edition.date}, the caller expected {hints.date}")
    edition.date = edition.date or hints.date
    edition.masthead["encoding"] = decoded.encoding
    return edition


def read_epaper_page(data: bytes, hints: ParseHints, content_type: str | None = None) -> PageListing | ArticlePage:
    """The page list or article page in `data`; a page of no known family (or of a family's site but neither
    a page list nor an article page of it) as a page list read by its image map, or as one article of the
    general extractor; else an InputError."""
    return _read_page(data, hints, content_type)[0]


def _read_page(data: bytes, hints: ParseHints, content_type: str | None) -> tuple[PageListing | ArticlePage, Decoded]:
    decoded = decode_html(data, hints.name, content_type)
    check_markup(decoded.text, hints.name, hints.limits)
    url = hints.url or hints.name
    family = _family(hints, url, decoded.text)
    soup = soup_of(decoded.text)
    kind = page_kind(family, url, soup, decoded.text) if family is not None else None
    page: PageListing | ArticlePage
    if family is None or kind is None:
        family = mapped_family(soup, url)
        kind = "page_list" if family is not None else None
    if family is None or kind is None:
        _refuse_unread_page_list(soup, hints.name)
        page = general_article(decoded.text, url, hints.name, soup)
    elif kind == "page_list":
        page = parse_page_list(decoded.text, url, family, soup)
    else:
        page = parse_article(decoded.text, url, family, soup)
    page.warnings[:0] = decoded.warnings
    return page, decoded


def _refuse_unread_page_list(soup: BeautifulSoup, name: str) -> None:
    """A page directory (anchors 01版:头版, 第2版 综合 to two or more pages) on a page no family reads: an
    e-paper page list of an unknown platform. The general extractor would make one "article" of its
    navigation and titles, so it is refused, naming what it is."""
    labels = directory_lines(soup)
    if len(labels) >= 2:
        raise InputError(f"{name}: an e-paper page list of a platform no site family reads (its page directory: "
                         f"{', '.join(labels[:3])}{' …' if len(labels) > 3 else ''}); not read as an article: "
                         "give the paper a [site] family that fits, or add one (ingest/sources/epaper/)")


def listing_edition(listing: PageListing, paper: Paper | None) -> Edition:
    """A page list as an Edition: the directory's pages (or this page alone) and this page's article links."""
    pages = [_page(p) for p in listing.pages if p.number is not None]
    current = listing.page
    label = current.label or None
    if current.number is not None:
        # The directory's own entry for this page: by URL, else by label (numbers repeat across sections).
        known = [p for p in pages if p.url == current.url] or [p for p in pages if p.label == current.label]
        if known:
            known[0].pdf_url = known[0].pdf_url or current.pdf_url
            known[0].name = known[0].name or current.name
            label = known[0].label
        else:
            pages.append(_page(current))
    articles = [Article(page=current.number, page_label=label, title=a.title, url=a.url, source_key=a.key)
                for a in listing.articles]
    edition = _edition(paper, listing.paper_name, listing)
    edition.issue_number = listing.issue_number
    edition.pages = sorted(pages, key=lambda p: page_order(p.label))
    edition.articles = articles
    return edition


def article_edition(page: ArticlePage, paper: Paper | None) -> Edition:
    edition = _edition(paper, page.paper_name, page)
    if page.page is not None and page.page.number is not None:
        edition.pages = [_page(page.page)]
    edition.articles = [page.to_article()]
    return edition


def _page(ref: PageRef) -> Page:
    assert ref.number is not None
    return Page(ref.number, ref.name, ref.url, ref.pdf_url, ref.label)


def _edition(paper: Paper | None, paper_name: str, page: PageListing | ArticlePage) -> Edition:
    warnings = list(page.warnings)
    if paper is None:
        warnings.append(f"{page.url}: no configured paper matches this page (name {paper_name!r}); "
                        "pass the paper to attach it")
    return Edition(
        paper=paper.id if paper else "",
        paper_name=paper.name if paper else paper_name,
        date=page.date,
        masthead={"family": page.family, "source_url": page.url},
        warnings=warnings,
    )


def _family(hints: ParseHints, url: str, text: str) -> Family | None:
    if hints.paper is not None and hints.paper.site is not None:
        return get_family(hints.paper.site.family)
    return family_of(url, text)


def _paper_for(url: str | None, paper_name: str) -> Paper | None:
    host = urlsplit(url).hostname if url and "://" in url else None
    if host:
        for paper in all_papers().values():
            if paper.site is not None and host in paper.site.hosts:
                return paper
    return paper_by_name(paper_name) if paper_name else None

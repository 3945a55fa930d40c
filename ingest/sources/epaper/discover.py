"""Finding editions on a paper's e-paper site: the newest one, or that of a given date, and its pages.

Discovery works on the paper's own calendar: "today" is today in the paper's time zone, and when
today's edition is not up yet (a 404 before publication) it falls back day by day, up to
`lookback_days`. A site with an index page (a redirect or a meta refresh to the current edition) is
asked first. Fetching goes through a `get` callable (the fetcher), so this module holds no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urljoin

from ingest.errors import ConfigError, InputError
from ingest.papers import Paper, SiteConfig
from ingest.parse import ParseHints
from ingest.sources.epaper.families import Family, get_family
from ingest.sources.epaper.pages import PageListing, PageRef
from ingest.sources.fetch import FetchResult, NotFound

_META_REFRESH = re.compile(r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']?\s*\d*\s*;?\s*"""
                           r"""url\s*=\s*([^"'>\s]+)""", re.IGNORECASE)
_JS_LOCATION = re.compile(r"""(?:window\.|document\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']""")

Get = Callable[[str], FetchResult]


@dataclass(frozen=True)
class Site:
    """A paper's e-paper site: its family, where it lives, and how far back discovery looks."""

    paper: Paper
    family: Family
    base_url: str
    params: dict[str, str] = field(default_factory=dict)
    lookback_days: int = 7
    use_index: bool = True

    @property
    def config(self) -> SiteConfig:
        assert self.paper.site is not None  # checked by Site.of
        return self.paper.site

    @classmethod
    def of(cls, paper: Paper) -> Site:
        site = paper.site
        if site is None:
            raise ConfigError(f"paper {paper.id} ({paper.config_path}) has no [site]")
        base = site.base_url if site.base_url.endswith("/") else site.base_url + "/"
        return cls(paper, get_family(site.family), base, site.params, site.lookback_days, site.use_index)

    def first_page_url(self, day: date) -> str:
        return self.family.page_list_url(self.base_url, day, 1, self.params)

    def index_url(self) -> str | None:
        return self.family.index_url(self.base_url, self.params) if self.use_index else None


@dataclass
class FoundEdition:
    date: date
    url: str  # the first page list
    fetched: FetchResult  # its bytes, to archive
    listing: PageListing
    tried: list[tuple[str, str]] = field(default_factory=list)  # (url, why it was passed over)

    @property
    def pages(self) -> list[PageRef]:
        """The pages to fetch: the directory's, or the first page alone when the list has no directory."""
        return list(self.listing.pages) or [self.listing.page]


def paper_today(paper: Paper, now: datetime | None = None) -> date:
    now = now or datetime.now(UTC)
    return now.astimezone(paper.tz).date()


def candidate_dates(today: date, lookback_days: int) -> list[date]:
    return [today - timedelta(days=i) for i in range(lookback_days + 1)]


def read_listing(site: Site, fetched: FetchResult) -> PageListing:
    from ingest.parse.html import read_epaper_page

    page = read_epaper_page(fetched.content or b"", ParseHints(name=fetched.final_url, paper=site.paper,
                                                                url=fetched.final_url), fetched.content_type)
    if not isinstance(page, PageListing):
        raise InputError(f"{fetched.final_url}: expected a page list, found an article page")
    return page


def edition_of(site: Site, get: Get, day: date) -> FoundEdition | None:
    """The edition of `day`, or None when the site has none (404, or a page list of another date)."""
    url = site.first_page_url(day)
    try:
        fetched = get(url)
    except NotFound:
        return None
    listing = read_listing(site, fetched)
    if listing.date is not None and listing.date != day:
        # Some sites answer a missing date with the newest edition instead of a 404.
        return None
    return FoundEdition(day, fetched.final_url, fetched, listing)


def newest_edition(site: Site, get: Get, now: datetime | None = None) -> FoundEdition | None:
    """Today's edition in the paper's time zone, else the most recent within `lookback_days`."""
    today = paper_today(site.paper, now)
    tried: list[tuple[str, str]] = []
    via_index = _from_index(site, get, tried)
    if via_index is not None and via_index.date <= today:
        candidates = [d for d in candidate_dates(today, site.lookback_days) if d > via_index.date]
        # The index may lag behind: a newer date that exists still wins.
        for day in candidates:
            found = edition_of(site, get, day)
            if found:
                found.tried = tried
                return found
            tried.append((site.first_page_url(day), "not published"))
        via_index.tried = tried
        return via_index
    for day in candidate_dates(today, site.lookback_days):
        found = edition_of(site, get, day)
        if found:
            found.tried = tried
            return found
        tried.append((site.first_page_url(day), "not published"))
    return None


def _from_index(site: Site, get: Get, tried: list[tuple[str, str]]) -> FoundEdition | None:
    index = site.index_url()
    if index is None:
        return None
    try:
        fetched = get(index)
    except NotFound:
        tried.append((index, "no index page"))
        return None
    target = fetched.final_url
    if not site.family.is_page_list(target):
        text = (fetched.content or b"")[:65536].decode("ascii", "replace")
        m = _META_REFRESH.search(text) or _JS_LOCATION.search(text)
        if not m:
            tried.append((index, "the index page leads to no page list"))
            return None
        target = urljoin(fetched.final_url, m.group(1))
        if not site.family.is_page_list(target):
            tried.append((index, f"the index page leads to {target}, not a page list"))
            return None
        try:
            fetched = get(target)
        except NotFound:
            tried.append((target, "the index page leads to a missing page"))
            return None
    listing = read_listing(site, fetched)
    if listing.date is None:
        tried.append((target, "the page list has no date"))
        return None
    return FoundEdition(listing.date, fetched.final_url, fetched, listing)

"""Fetching one edition in a single process: its page lists, then their articles.

The Celery tasks (tasks/site.py) do the same work spread over tasks; this sequential form serves
the CLI's dry runs and tests. Every fetch ends as an `Outcome`; one page or article that fails never
stops the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.errors import IngestError, InputError
from ingest.model import Edition
from ingest.parse import ParseHints
from ingest.sources.epaper.discover import FoundEdition, Get, Site, read_listing
from ingest.sources.epaper.pages import PageListing
from ingest.sources.fetch import FetchError, FetchResult, NotFound, Refused, RetryLater


@dataclass
class Outcome:
    """What became of one URL: ok, missing (404), refused, retry (busy site), failed (unparsable)."""

    url: str
    kind: str  # page_list, article
    status: str
    detail: str = ""
    fetched: FetchResult | None = None
    page: int | None = None


@dataclass
class EditionFetch:
    found: FoundEdition
    outcomes: list[Outcome] = field(default_factory=list)
    listings: list[PageListing] = field(default_factory=list)
    editions: list[Edition] = field(default_factory=list)  # one per article page

    def by_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]


def outcome_of_error(url: str, kind: str, error: Exception, page: int | None = None) -> Outcome:
    if isinstance(error, NotFound):
        return Outcome(url, kind, "missing", str(error), page=page)
    if isinstance(error, Refused):
        return Outcome(url, kind, "refused", str(error), page=page)
    if isinstance(error, RetryLater):
        return Outcome(url, kind, "retry", str(error), page=page)
    return Outcome(url, kind, "failed", str(error), page=page)


def fetch_edition(site: Site, get: Get, found: FoundEdition,
                  on_outcome: Callable[[Outcome], None] | None = None) -> EditionFetch:
    from ingest.parse.html import parse_epaper_html

    result = EditionFetch(found)

    def note(o: Outcome) -> None:
        result.outcomes.append(o)
        if on_outcome:
            on_outcome(o)

    for ref in found.pages:
        url = ref.url or found.url
        try:
            fetched = found.fetched if url == found.url else get(url)
            listing = found.listing if url == found.url else read_listing(site, fetched)
        except (FetchError, InputError) as e:
            note(outcome_of_error(url, "page_list", e, ref.number))
            continue
        note(Outcome(url, "page_list", "ok", f"{len(listing.articles)} articles", fetched, ref.number))
        result.listings.append(listing)
        for link in listing.articles:
            try:
                page = get(link.url)
                data = page.content or b""
                edition = parse_epaper_html(data, ParseHints(name=link.url, paper=site.paper, date=found.date,
                                                             page=listing.page.number, url=page.final_url),
                                            page.content_type)
            except (IngestError, ValueError) as e:
                note(outcome_of_error(link.url, "article", e, listing.page.number))
                continue
            note(Outcome(link.url, "article", "ok", edition.articles[0].title, page, listing.page.number))
            result.editions.append(edition)
    return result


def archiving_get(fetcher, archive, mode: str = "conditional", max_bytes: int | None = None) -> Get:
    """A `get` that keeps every fetched body in the archive; `max_bytes` replaces the fetcher's size cap.

    mode "conditional": conditional GETs; a 304 is answered with the archived bytes.
    mode "reuse": no request at all for a URL whose last body is in the archive (an operator re-ingest).
    mode "refetch": unconditional GETs.
    """
    from dataclasses import replace

    if mode not in ("conditional", "reuse", "refetch"):
        raise ValueError(f"archiving_get: unknown mode {mode!r}")

    def get(url: str) -> FetchResult:
        if mode == "reuse":
            digest = fetcher.remembered(url)
            if digest and digest in archive:
                return FetchResult(url, url, 304, archive.get(digest), None, digest)
        result = fetcher.get(url, conditional=mode != "refetch", max_bytes=max_bytes)
        if result.not_modified:
            if result.sha256 and result.sha256 in archive:
                return replace(result, content=archive.get(result.sha256))
            result = fetcher.get(url, conditional=False, max_bytes=max_bytes)  # the archive lost the bytes
        archive.put(result.content or b"")
        return result

    return get

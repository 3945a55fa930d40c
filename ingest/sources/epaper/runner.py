"""The site steps the Celery tasks and the operator CLI share: discover an edition, fetch a page list,
fetch an article or a page's PDF and hand it to the pipeline (archive → parse → normalize → dedup → index).

A page's PDF (when the paper's `fetch_pdfs` is on) is always fetched and archived, under its own size
cap; it goes to the pipeline only when the page list links no article, as on sites that publish some
pages as PDF only: otherwise its articles would duplicate the HTML ones.

Every fetch is archived and written to the ledger (step "fetch", the URL as subject, the archive hash
in the detail). What an edition is expected to hold (its pages and articles) is kept in Redis, so
that discovery can tell a complete edition (skip it) from one with pages still missing (fetch them).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import redis
from elasticsearch import Elasticsearch

from ingest import ledger
from ingest.archive import Archive
from ingest.config import Settings
from ingest.documents import Source
from ingest.errors import InputError, ServiceError
from ingest.index import client, service_errors, utcnow
from ingest.papers import Paper
from ingest.pipeline import make_hints
from ingest.sources.epaper.crawl import archiving_get, outcome_of_error
from ingest.sources.epaper.discover import FoundEdition, Site, edition_of, newest_edition, paper_today, read_listing
from ingest.sources.fetch import Fetcher, FetchError, FetchPolicy, FetchResult, RetryLater

MODES = ("conditional", "reuse", "refetch")


@dataclass
class Discovery:
    paper: str
    date: str | None
    status: str  # found, complete, none
    pages: list[dict[str, Any]] = field(default_factory=list)  # {"url", "number"} to fetch
    tried: list[tuple[str, str]] = field(default_factory=list)
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__ | {"tried": [list(t) for t in self.tried]}


@dataclass
class PageWork:
    """What a page list leaves to fetch: its articles as {"url", "page"}, and its PDF as
    {"url", "page", "parse"} ("parse": the page has no article links, so the PDF is its text)."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    pdf: dict[str, Any] | None = None


class SiteRunner:
    def __init__(self, s: Settings, paper: Paper, mode: str = "conditional",
                 redis_client: redis.Redis | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown fetch mode {mode!r} (one of {', '.join(MODES)})")
        self.s = s
        self.paper = paper
        self.site = Site.of(paper)
        self.mode = mode
        self.redis = redis_client or redis.Redis.from_url(s.redis_url)
        # Key prefix of the shared worker state in Redis (rate buckets, robots.txt, validators, editions).
        self.prefix = s.redis_prefix
        self.archive = Archive(s.archive_dir)
        self.fetcher = Fetcher(FetchPolicy.for_paper(self.site.config, s.user_agent), self.redis, prefix=self.prefix)
        self.get = archiving_get(self.fetcher, self.archive, mode)
        self.get_pdf = archiving_get(self.fetcher, self.archive, mode, self.fetcher.policy.max_pdf_bytes)
        self.fetch_pdfs = self.site.config.fetch_pdfs
        self._es: Elasticsearch | None = None

    @property
    def es(self):
        if self._es is None:
            self._es = client(self.s)
        return self._es

    def close(self) -> None:
        self.fetcher.close()

    # ---- discover -----------------------------------------------------------------------------

    def discover(self, day: date | None = None, now: datetime | None = None, force: bool = False) -> Discovery:
        """Find the edition (the newest, or that of `day`) and the pages to fetch."""
        try:
            found = edition_of(self.site, self.get, day) if day else newest_edition(self.site, self.get, now)
        except (FetchError, InputError) as e:
            url = self.site.first_page_url(day) if day else (self.site.index_url() or self.site.base_url)
            self._record_fetch(outcome_of_error(url, "page_list", e).status, url, None, str(e), day)
            raise
        if found is None:
            span = day.isoformat() if day else f"today and {self.site.lookback_days} days back"
            result = Discovery(self.paper.id, day.isoformat() if day else None, "none",
                               detail=f"no edition on the site for {span}")
            self._record("discover", "skipped", f"{self.paper.id}/{result.date or 'newest'}", result.detail, day)
            return result
        self._record_fetch("ok", found.url, found.fetched, f"page list of {found.date}", found.date)
        today = paper_today(self.paper, now)
        if not force and found.date != today and self.complete(found.date):
            result = Discovery(self.paper.id, found.date.isoformat(), "complete", tried=found.tried,
                               detail="every page and article is already indexed")
        else:
            pages = [{"url": p.url or found.url, "number": p.number} for p in found.pages]
            self._expect_pages(found, pages)
            result = Discovery(self.paper.id, found.date.isoformat(), "found", pages, found.tried,
                               f"{len(pages)} pages")
        self._record("discover", "ok" if result.status == "found" else "skipped",
                     f"{self.paper.id}/{result.date}", result.detail, found.date)
        return result

    # ---- one page list ---------------------------------------------------------------------------

    def page(self, day: date, url: str, number: int | None) -> PageWork:
        """Fetch one page list; the articles and the PDF still to fetch."""
        key = self._key(day)
        fetched = self._fetch(self.get, url, "page_list", day, f"page list of page {number}", f"{key}:pages")
        if fetched is None:
            return PageWork()
        try:
            listing = read_listing(self.site, fetched)
        except InputError as e:
            self._record("parse_page_list", "failed", url, str(e), day, fetched.sha256,
                         replay={"task": "ingest.site.fetch_page",
                                 "args": [self.paper.id, day.isoformat(), url, number]})
            self.redis.hset(f"{key}:pages", url, "failed")
            return PageWork()
        self.redis.hset(f"{key}:pages", url, "ok")
        page_no = listing.page.number if listing.page.number is not None else number
        articles = [{"url": a.url, "page": page_no} for a in listing.articles]
        pdf: dict[str, Any] | None = None
        if self.fetch_pdfs and listing.page.pdf_url:
            pdf = {"url": listing.page.pdf_url, "page": page_no, "parse": not articles}
        if fetched.not_modified and self.mode == "conditional" and self._page_done(key, articles, pdf):
            return PageWork()  # an unchanged page whose articles and PDF are all in: nothing to do
        if pdf and pdf["parse"]:
            # A PDF-only page's articles come from its PDF: the edition is complete once that is indexed.
            articles_expected = [{"url": pdf["url"], "page": page_no}]
        else:
            articles_expected = articles
        if articles_expected:
            self.redis.hset(f"{key}:articles", mapping={a["url"]: json.dumps(a) for a in articles_expected})
        if pdf and not self.redis.hexists(f"{key}:pdfs", pdf["url"]):
            self.redis.hset(f"{key}:pdfs", pdf["url"], "pending")
        for part in ("articles", "pages", "pdfs"):
            self.redis.expire(f"{key}:{part}", 400 * 86400)
        return PageWork(articles, pdf)

    def _page_done(self, key: str, articles: list[dict[str, Any]], pdf: dict[str, Any] | None) -> bool:
        if not all(self._indexed(a["url"], None) for a in articles):
            return False
        if pdf is None:
            return True
        if self.redis.hget(f"{key}:pdfs", pdf["url"]) not in (b"ok", b"refused"):
            return False  # a refused PDF (too large, robots.txt) would only be refused again
        return not pdf["parse"] or self._indexed(pdf["url"], None)

    # ---- one page's PDF ---------------------------------------------------------------------------

    def pdf(self, day: date, url: str, page: int | None, parse: bool, force: bool = False) -> dict[str, Any] | None:
        """Fetch and archive a page's PDF; when `parse` (a page without article links), the pipeline payload
        {"source", "hints"}, or None when these bytes are already indexed (unless `force`)."""
        key = self._key(day)
        fetched = self._fetch(self.get_pdf, url, "pdf", day, f"PDF of page {page}", f"{key}:pdfs")
        if fetched is None:
            return None
        self.redis.hset(f"{key}:pdfs", url, "ok")
        if not parse:
            return None
        return self._payload(day, url, page, fetched, force)

    # ---- one article ------------------------------------------------------------------------------

    def article(self, day: date, url: str, page: int | None, force: bool = False) -> dict[str, Any] | None:
        """Fetch one article page; the pipeline payload {"source", "hints"}, or None when these bytes are
        already indexed (unless `force`: an operator's re-ingest parses again)."""
        fetched = self._fetch(self.get, url, "article", day, f"article of page {page}")
        if fetched is None:
            return None
        return self._payload(day, url, page, fetched, force)

    # ---- shared by page lists, PDFs and articles -----------------------------------------------------

    def _fetch(self, get: Any, url: str, kind: str, day: date, what: str, state: str | None = None) -> Any:
        """`get(url)` with its outcome in the ledger (and, failed, in the edition's `state` hash): the fetched
        page, or None when it failed for good. RetryLater propagates: the task tries again later."""
        try:
            fetched = get(url)
        except FetchError as e:
            status = outcome_of_error(url, kind, e).status
            self._record_fetch(status, url, None, str(e), day)
            if state:
                self.redis.hset(state, url, status)
            if isinstance(e, RetryLater):
                raise
            return None
        self._record_fetch("ok", url, fetched, what, day)
        return fetched

    def _payload(self, day: date, url: str, page: int | None, fetched: Any, force: bool) -> dict[str, Any] | None:
        """The pipeline payload {"source", "hints"} of fetched bytes, or None when these very bytes are already
        indexed (unless `force`, or refetch mode: an operator's re-ingest parses again)."""
        if not force and self.mode != "refetch" and self._indexed(url, fetched.sha256):
            return None
        source = Source(kind="site", uri=url, archive_hash=fetched.sha256 or "")
        hints = make_hints(url, paper=self.paper.id, day=day.isoformat(), page=page, url=fetched.final_url)
        return {"source": source.to_dict(), "hints": hints}

    # ---- completeness -------------------------------------------------------------------------------

    def complete(self, day: date) -> bool:
        """Every page of the edition fetched, every article (and PDF-only page) indexed, and no PDF still
        to fetch (one the site does not have, or refuses, stays as it is)."""
        key = self._key(day)
        pages = self.redis.hgetall(f"{key}:pages")
        articles = self.redis.hgetall(f"{key}:articles")
        if not pages or not articles or any(v != b"ok" for v in pages.values()):
            return False
        if any(v in (b"pending", b"retry") for v in self.redis.hvals(f"{key}:pdfs")):
            return False
        return all(self._indexed(_text(u), None) for u in articles)

    def expected(self, day: date) -> tuple[dict[str, str], list[str]]:
        key = self._key(day)
        pages = {_text(k): _text(v) for k, v in self.redis.hgetall(f"{key}:pages").items()}
        return pages, [_text(k) for k in self.redis.hkeys(f"{key}:articles")]

    def _expect_pages(self, found: FoundEdition, pages: list[dict[str, Any]]) -> None:
        key = self._key(found.date)
        known = self.redis.hgetall(f"{key}:pages")
        fresh = {p["url"]: "pending" for p in pages if p["url"].encode() not in known}
        if fresh:
            self.redis.hset(f"{key}:pages", mapping=fresh)

    def _indexed(self, url: str, digest: str | None) -> bool:
        """Whether the ledger has `url` indexed (with these bytes, when `digest` is given)."""
        query: dict[str, Any] = {"bool": {"filter": [{"term": {"step": "index"}}, {"term": {"status": "ok"}},
                                                     {"term": {"subject": url}}]}}
        if digest:
            query["bool"]["filter"].append({"term": {"archive_hash": digest}})
        try:
            if not self.es.indices.exists(index=self.s.ledger_index):
                return False
            return self.es.count(index=self.s.ledger_index, query=query)["count"] > 0
        except Exception as e:  # noqa: BLE001 — any transport failure
            raise ServiceError(f"reading the ledger {self.s.ledger_index}: {e}") from e

    # ---- ledger -------------------------------------------------------------------------------------

    def _key(self, day: date) -> str:
        return f"{self.prefix}:site:{self.paper.id}:{day.isoformat()}"

    def _record_fetch(self, status: str, url: str, fetched: FetchResult | None, what: str, day: date | None) -> None:
        if fetched is not None:
            how = "from the archive" if fetched.not_modified else f"HTTP {fetched.status}"
            detail = f"{what}; {how}; {len(fetched.content or b'')} bytes; archived as {fetched.sha256}"
            if fetched.redirects:
                detail += f"; redirected to {fetched.final_url}"
        else:
            detail = what
        # The ledger keeps one entry per subject: "GET <url>" is the URL's latest fetch, apart from the
        # pipeline's entry of the same URL (parsed, indexed or failed).
        self._record("fetch", status, f"GET {url}", detail, day, fetched.sha256 if fetched else None)

    def _record(self, step: str, status: str, subject: str, detail: str, day: date | None,
                digest: str | None = None, replay: dict[str, Any] | None = None) -> None:
        entry = ledger.Entry(step=step, status=status, subject=subject, paper=self.paper.id,
                             date=day.isoformat() if day else None, archive_hash=digest, detail=detail,
                             replay=replay or {})
        ledger.ensure_ledger(self.es, self.s.ledger_index)
        # Not refresh=wait_for as ledger.record does: an edition makes dozens of fetch entries, and
        # none of them is read back at once.
        with service_errors(f"writing ledger entry for {subject}"):
            self.es.index(index=self.s.ledger_index, id=entry.id, document=asdict(entry) | {"at": utcnow()})


def _text(value: bytes | str) -> str:
    """A Redis reply as text (the client answers bytes unless told to decode)."""
    return value.decode() if isinstance(value, bytes) else value

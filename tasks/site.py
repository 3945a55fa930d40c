"""E-paper site tasks: discover (on each paper's beat schedule, in its time zone) → fetch_page →
fetch_articles (the page list's articles, parsed and indexed as one batch) and fetch_pdf (the page's PDF,
parsed and indexed on its own); the index step normalizes and dedups.

Each task is idempotent: fetches are conditional and archived by content, an article already indexed
with the same bytes is not sent again, and the pipeline itself overwrites by stable ids. A busy site
(429/503, timeouts) retries the task after the site's Retry-After; a page that does not exist yet is
recorded as missing and fetched again by the next discovery of today's edition.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache
from typing import Any

from celery import Task

from ingest.config import settings
from ingest.errors import ConfigError, InputError, ServiceError
from ingest.papers import get_paper
from ingest.queue import archive_flow, batch_flow
from ingest.sources.epaper.runner import SiteRunner
from ingest.sources.fetch import FetchError, RetryLater
from tasks.app import app

log = logging.getLogger(__name__)


class SiteTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (ServiceError,)
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 30
    throws = (InputError, FetchError, ConfigError)


@lru_cache(maxsize=64)
def _runner(paper_id: str, mode: str, env_key: tuple[str, str, str]) -> SiteRunner:
    # One runner (fetcher, HTTP connection pool) per paper and mode in each worker process; the key
    # carries the settings that locate the services, so a test that changes them gets a fresh one.
    return SiteRunner(settings(), get_paper(paper_id), mode)


def runner(paper_id: str, mode: str = "conditional") -> SiteRunner:
    s = settings()
    return _runner(paper_id, mode, (s.redis_url, s.es_url, str(s.archive_dir) + s.ledger_index))


def _retry_later(task: Task, e: RetryLater, args: tuple[Any, ...] | None = None) -> None:
    raise task.retry(args=args, exc=e, countdown=max(1.0, min(e.after, 3600.0)))


@app.task(name="ingest.site.discover", base=SiteTask, bind=True)
def discover(self: Task, paper: str, day: str | None = None, mode: str = "conditional",
             force: bool = False) -> dict[str, Any]:
    """Find the newest edition of `paper` (or that of `day`) and fetch the pages it still needs."""
    try:
        found = runner(paper, mode).discover(date.fromisoformat(day) if day else None, force=force)
    except RetryLater as e:
        _retry_later(self, e)
    for p in found.pages:
        fetch_page.delay(paper, found.date, p["url"], p["number"], mode)
    return found.to_dict()


@app.task(name="ingest.site.fetch_page", base=SiteTask, bind=True)
def fetch_page(self: Task, paper: str, day: str, url: str, number: int | None = None,
               mode: str = "conditional") -> int:
    try:
        work = runner(paper, mode).page(date.fromisoformat(day), url, number)
    except RetryLater as e:
        _retry_later(self, e)
    if work.articles:
        fetch_articles.delay(paper, day, work.articles, mode)
    if work.pdf:
        fetch_pdf.delay(paper, day, work.pdf["url"], work.pdf["page"], work.pdf["parse"], mode)
    return len(work.articles)


@app.task(name="ingest.site.fetch_articles", base=SiteTask, bind=True)
def fetch_articles(self: Task, paper: str, day: str, articles: list[dict[str, Any]],
                   mode: str = "conditional") -> int:
    """Fetch a page list's articles ({"url", "page"}) in turn and index those with new bytes as one batch,
    which costs a third of indexing them one by one. A busy site queues what was fetched and retries the
    rest later; a task run again fetches conditionally, so what it had already is not downloaded again."""
    run, items = runner(paper, mode), list[dict[str, Any]]()
    for k, a in enumerate(articles):
        try:
            payload = run.article(date.fromisoformat(day), a["url"], a["page"])
        except RetryLater as e:
            _queue(items)
            _retry_later(self, e, (paper, day, articles[k:], mode))
        if payload is not None:
            items.append(payload)
    _queue(items)
    return len(items)


def _queue(items: list[dict[str, Any]]) -> None:
    if items:
        batch_flow(app, items).apply_async()


@app.task(name="ingest.site.fetch_pdf", base=SiteTask, bind=True)
def fetch_pdf(self: Task, paper: str, day: str, url: str, page: int | None = None, parse: bool = False,
              mode: str = "conditional") -> bool:
    """Fetch and archive a page's PDF; parse it only for a page without article links."""
    try:
        payload = runner(paper, mode).pdf(date.fromisoformat(day), url, page, parse)
    except RetryLater as e:
        _retry_later(self, e)
    if payload is None:
        return False
    archive_flow(app, payload["source"], payload["hints"]).apply_async()
    return True

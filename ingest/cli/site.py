"""Commands of the e-paper sites: papers, discover, reingest."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ingest.cli.app import (
    EXIT_INPUT,
    EXIT_SERVICE,
    command,
    err,
    operator_errors,
    out,
    parse_date,
    print_json,
    settings,
)
from ingest.errors import ConfigError, IngestError, InputError, ServiceError

if TYPE_CHECKING:
    from rich.progress import Progress

DateOpt = Annotated[str | None, typer.Option("--date", help="Edition date YYYY-MM-DD (default: the newest).")]


@command
def papers(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The configured papers: source, schedule (in the paper's time zone) and last edition indexed."""
    from rich.table import Table

    from ingest.index import client, last_editions
    from ingest.papers import all_papers, describe

    with operator_errors():
        s = settings()
        try:
            last = last_editions(client(s), s.index)
        except ServiceError as e:  # the list of papers is still worth showing
            err.print(f"[yellow]warning:[/yellow] last editions unknown: {e}")
            last = None
        rows = [describe(p, (last or {}).get(p.id)) | {"config": p.config_path}
                for p in sorted(all_papers().values(), key=lambda p: p.id)]
        if as_json:
            print_json(rows)
            return
        table = Table("id", "name", "source", "schedule", "last edition")
        for r in rows:
            source = ", ".join(x for x in (
                f"site {r['site']['family']} {r['site']['base_url']}" if r["site"] else "",
                f"mail {r['mail']}" if r["mail"] else "") if x) or "files only"
            edition = r["last_edition"]
            table.add_row(r["id"], r["name"], source, f"{r['schedule']} ({r['timezone']})",
                          f"{edition['date']} ({edition['articles']} articles)" if edition else
                          ("?" if last is None else "none"))
        out.print(table)


def _site_paper(paper_id: str):
    from ingest.papers import get_paper

    paper = get_paper(paper_id)
    if paper.site is None:
        raise ConfigError(f"paper {paper_id} has no [site] in {paper.config_path}")
    return paper


@command
def discover(paper: Annotated[str, typer.Argument(help="Paper id (see `ingest papers`).")], date: DateOpt = None,
             dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what the site has; fetch no "
                                                                     "articles, queue nothing.")] = False,
             wait: Annotated[bool, typer.Option("--wait", help="Wait for the discovery task's answer.")] = False,
             timeout: Annotated[float, typer.Option(help="Seconds --wait waits.")] = 300) -> None:
    """Look for the newest edition of PAPER (or that of --date) and fetch what it still needs."""
    from celery import signature

    from ingest.queue import enqueue, producer

    with operator_errors():
        the_paper = _site_paper(paper)
        day = parse_date(date)
        if dry_run:
            _dry_run(the_paper, day)
            return
        s = settings()
        celery = producer(s)
        sig = signature("ingest.site.discover", args=(paper, day.isoformat() if day else None, "conditional",
                                                      day is not None), app=celery)
        result = enqueue(sig, s.broker_url)
        err.print(f"queued discovery of {the_paper.name} ({paper}) {day or 'newest edition'}")
        if wait:
            found = result.get(timeout=timeout, propagate=False)
            if isinstance(found, BaseException):
                err.print(f"[red]error:[/red] {found}")
                raise typer.Exit(EXIT_INPUT)
            _print_discovery(found)


def _print_discovery(found: dict[str, Any]) -> None:
    if found["status"] == "none":
        out.print(f"{found['paper']}: {found['detail']}")
    elif found["status"] == "complete":
        out.print(f"{found['paper']} {found['date']}: complete, nothing to fetch")
    else:
        out.print(f"{found['paper']} {found['date']}: {len(found['pages'])} pages queued")


def _dry_run(paper, day: date | None) -> None:
    import redis

    from ingest.sources.epaper.discover import Site, edition_of, newest_edition
    from ingest.sources.fetch import Fetcher, FetchError, FetchPolicy

    s = settings()
    site = Site.of(paper)
    with Fetcher(FetchPolicy.for_paper(paper.site, s.user_agent), redis.Redis.from_url(s.redis_url),
                 prefix=s.redis_prefix) as fetcher:
        try:
            found = edition_of(site, fetcher.get, day) if day else newest_edition(site, fetcher.get)
        except FetchError as e:
            err.print(f"[red]fetch error:[/red] {e}")
            raise typer.Exit(EXIT_SERVICE) from None
        if found is None:
            out.print(f"{paper.id}: no edition on the site for {day or f'the last {site.lookback_days} days'}")
            return
        for url, why in found.tried:
            out.print(f"[dim]{url}: {why}[/dim]")
        out.print(f"{paper.name} {found.date}: {len(found.pages)} pages")
        for p in found.pages:
            out.print(f"  {p.label or p.number} {p.name}  {p.url}" + (f"  PDF {p.pdf_url}" if p.pdf_url else ""))
        out.print(f"  page {found.listing.page.label}: {len(found.listing.articles)} articles")


@command
def reingest(paper: Annotated[str, typer.Argument(help="Paper id (see `ingest papers`).")],
             since: Annotated[str, typer.Option("--from", help="First edition date YYYY-MM-DD.")],
             until: Annotated[str, typer.Option("--to", help="Last edition date YYYY-MM-DD.")],
             refetch: Annotated[bool, typer.Option("--refetch", help="Fetch again instead of reusing the "
                                                                     "archived bytes.")] = False) -> None:
    """Ingest PAPER's editions of a date range again: pages and articles from the archive (or fetched again
    with --refetch), parsed anew and indexed over the old documents."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.queue import producer
    from ingest.sources.epaper.runner import SiteRunner

    with operator_errors():
        the_paper = _site_paper(paper)
        first, last = parse_date(since), parse_date(until)
        if first is None or last is None:
            raise InputError("reingest: --from and --to are both needed")
        if first > last:
            raise InputError(f"reingest: --from {first} is after --to {last}")
        if (last - first).days > 3660:
            raise InputError(f"reingest: {first}..{last} is more than ten years; split the range")
        s = settings()
        celery = producer(s)
        runner = SiteRunner(s, the_paper, "refetch" if refetch else "reuse")
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        counts = {"editions": 0, "absent": 0, "pages": 0, "articles": 0, "problems": 0}
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err.console) as progress:
                bar = progress.add_task(f"{paper} editions", total=len(days))
                for day in days:
                    progress.update(bar, description=f"{paper} {day}")
                    _reingest_day(runner, celery, s, day, counts, progress)
                    progress.advance(bar)
        finally:
            runner.close()
        out.print(f"{paper} {first}..{last}: {counts['editions']} editions ({counts['absent']} dates without one), "
                  f"{counts['pages']} pages, {counts['articles']} articles queued"
                  + (f", {counts['problems']} problems (see `ingest failures` and the ledger)"
                     if counts["problems"] else ""))


def _reingest_day(runner, celery, s, day: date, counts: dict[str, int], progress: Progress) -> None:
    from ingest.queue import batch_flow, enqueue
    from ingest.sources.epaper.runner import PageWork

    try:
        found = runner.discover(day, force=True)
    except IngestError as e:
        err.print(f"[yellow]{day}[/yellow]: {e}")
        counts["problems"] += 1
        return
    if found.status == "none":
        counts["absent"] += 1
        return
    counts["editions"] += 1
    pages = progress.add_task(f"  {day} pages", total=len(found.pages))
    for p in found.pages:
        try:
            work = runner.page(day, p["url"], p["number"])
        except IngestError as e:
            err.print(f"[yellow]{p['url']}[/yellow]: {e}")
            counts["problems"] += 1
            work = PageWork()
        counts["pages"] += 1
        jobs = [(a["url"], lambda a=a: runner.article(day, a["url"], a["page"], force=True)) for a in work.articles]
        if work.pdf:
            pdf = work.pdf
            jobs.append((pdf["url"], lambda pdf=pdf: runner.pdf(day, pdf["url"], pdf["page"], pdf["parse"], force=True)))
        items = []
        for url, fetch in jobs:
            try:
                payload = fetch()
            except IngestError as e:
                err.print(f"[yellow]{url}[/yellow]: {e}")
                counts["problems"] += 1
                continue
            if payload:
                items.append(payload)
        if items:  # the page's articles indexed together: a third of the cost of one by one
            enqueue(batch_flow(celery, items), s.broker_url)
            counts["articles"] += len(items)
        progress.advance(pages)
    progress.remove_task(pages)

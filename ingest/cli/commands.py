"""Core commands: add, parse, search, status, config, failures, replay, reindex."""

from __future__ import annotations

import html
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ingest.cli.app import (
    EXIT_INPUT,
    EXIT_SERVICE,
    command,
    err,
    escape,
    operator_errors,
    out,
    parse_date,
    print_json,
    settings,
)
from ingest.errors import InputError, ServiceError

if TYPE_CHECKING:
    from rich.progress import Progress

    from ingest.config import Settings
    from ingest.parse import ParseHints
    from ingest.workers import BrokerReport

# Each command imports the library modules it uses (Elasticsearch, Celery, Redis, the parsers, rich's widgets):
# importing them all here cost every command, `ingest --help` too, most of its start-up.

PaperOpt = Annotated[str | None, typer.Option("--paper", help="Paper id (see `ingest papers`).")]
DateOpt = Annotated[str | None, typer.Option("--date", help="Edition date YYYY-MM-DD, when the input lacks it.")]
PageOpt = Annotated[int | None, typer.Option("--page", help="Page number, when the input lacks it.")]


def _progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err.console, transient=True)


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")))
        else:
            files.append(p)
    return files


@command
def add(paths: Annotated[list[Path], typer.Argument(help="Edition files or folders.")],
        paper: Annotated[str, typer.Option("--paper", help="Paper id (see `ingest papers`).")],
        date: DateOpt = None, page: PageOpt = None,
        wait: Annotated[bool, typer.Option("--wait", help="Block until every article is searchable.")] = False,
        timeout: Annotated[float, typer.Option(help="Seconds --wait waits for each file.")] = 600) -> None:
    """Queue edition files for ingestion. Every file is checked first; if any is unusable nothing is queued."""
    from ingest.papers import get_paper
    from ingest.parse import ParseHints, parse_file
    from ingest.pipeline import make_hints, require_articles
    from ingest.queue import chunks, enqueue, files_flow, producer

    with operator_errors():
        the_paper = get_paper(paper)
        day = parse_date(date)
        files = _expand(paths)
        if not files:
            raise InputError(f"{', '.join(map(str, paths))}: no files to add")
        problems = []
        for f in files:  # parse locally: bad input is refused here, not discovered later by a worker
            try:
                require_articles(parse_file(f, ParseHints(name=str(f), paper=the_paper, date=day, page=page,
                                                          url=f.resolve().as_uri())), str(f))
            except InputError as e:
                problems.append(str(e))
        if problems:
            for p in problems:
                err.print(f"[red]error:[/red] {p}")
            err.print(f"nothing queued: {len(problems)} of {len(files)} files cannot be ingested")
            raise typer.Exit(EXIT_INPUT)
        s = settings()
        celery = producer(s)
        results = []
        # INGEST_BATCH_INPUTS files a task: archived, parsed and indexed together (ingest.batch).
        for batch in chunks(files, s.batch_inputs):
            results.append(([str(f) for f in batch], enqueue(files_flow(celery, [
                {"path": str(f.resolve()), "hints": make_hints(f.name, paper=paper, day=day.isoformat() if day else None,
                                                               page=page, url=f.resolve().as_uri())}
                for f in batch]), s.broker_url)))
        err.print(f"queued {len(files)} file(s) for {the_paper.name} ({paper})")
        if wait:
            _wait(results, timeout)


def _wait(results: list[tuple[list[str], Any]], timeout: float) -> None:
    """Wait for each result (the inputs it covers, by name, and its AsyncResult) and report every input."""
    failed, total_ids, inputs = [], 0, sum(len(names) for names, _ in results)
    with _progress() as progress:
        bar = progress.add_task("indexing", total=inputs)
        for names, res in results:
            try:
                value = res.get(timeout=timeout, propagate=False)
            except Exception as e:  # the result backend timed out or is unreachable
                failed += [f"{n}: no result after {timeout:.0f} s ({e.__class__.__name__}: {e})" for n in names]
            else:
                if res.failed():
                    failed += [f"{n}: {value}" for n in names]
                elif isinstance(value, dict):  # a pipeline's result; a source step's own result has no ids
                    total_ids += len(value.get("ids", []))
                    # The inputs of a batch that failed on their own (recorded, the rest landed).
                    failed += [f"{x['subject']}: {x['error']}" for x in value.get("failed", [])]
            progress.advance(bar, len(names))
    _searchable()
    for f in failed:
        err.print(f"[red]failed:[/red] {f}")
    err.print(f"indexed {total_ids} articles from {inputs - len(failed)} of {inputs} file(s)")
    if failed:
        raise typer.Exit(EXIT_INPUT)


@command
def parse(path: Path, paper: PaperOpt = None, date: DateOpt = None, page: PageOpt = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print the edition as JSON.")] = False,
          explain: Annotated[bool, typer.Option("--explain", help="Show every block, its class and why.")] = False
          ) -> None:
    """Parse one input offline (no services) and print the edition."""
    from ingest.papers import get_paper
    from ingest.parse import ParseHints, parse_file

    with operator_errors():
        # A saved page's relative links resolve against where it is saved.
        hints = ParseHints(name=str(path), paper=get_paper(paper) if paper else None, date=parse_date(date),
                           page=page, url=path.resolve().as_uri())
        if explain:
            _explain(path, hints)
            return
        edition = parse_file(path, hints)
        if as_json:
            print_json(edition.to_dict())
            return
        out.print(f"[bold]{edition.paper_name or edition.paper}[/bold] {edition.date or '(no date)'} "
                  f"第{edition.issue_number or '?'}号 — {len(edition.articles)} items")
        for w in edition.warnings:
            err.print(f"[yellow]warning:[/yellow] {w}")
        for a in edition.articles:
            head = " / ".join(x for x in (a.pretitle, a.title, a.subtitle) if x) or "(untitled)"
            by = "、".join(f"{x.role}{x.name}" for x in a.authors)
            out.print(f"[cyan]{a.page_label or '-'}[/cyan] {escape(f'[{a.kind}]')} [bold]{escape(head)}[/bold] {by} "
                      f"({len(a.body)} chars){f' → 第{a.continues_on}版' if a.continues_on else ''}")


def _explain(path: Path, hints: ParseHints) -> None:
    from rich.table import Table

    from ingest.parse import page_text, read_input

    explain_fn = getattr(page_text, "explain", None)
    if explain_fn is None:
        raise InputError(f"{path}: --explain is available for page text only")
    table = Table("#", "class", "why", "text", show_lines=False)
    for i, row in enumerate(explain_fn(read_input(path), hints), 1):
        block, cls, why = row
        text = getattr(block, "text", str(block))
        table.add_row(str(i), cls, why, text[:60].replace("\n", " ") + ("…" if len(text) > 60 else ""))
    out.print(table)


@command
def search(query: str, paper: PaperOpt = None,
           since: Annotated[str | None, typer.Option(help="First date, YYYY-MM-DD.")] = None,
           until: Annotated[str | None, typer.Option(help="Last date, YYYY-MM-DD.")] = None,
           page: Annotated[str | None, typer.Option(
               "--page", help="Only this page: its label (A03 in a sectioned edition) or number (3).")] = None,
           author: Annotated[str | None, typer.Option(help="Only articles with this author in the byline.")] = None,
           limit: Annotated[int, typer.Option(help="How many hits.")] = 10,
           offset: Annotated[int, typer.Option("--from", help="Skip this many hits (groups when collapsed).")] = 0,
           collapse: Annotated[bool, typer.Option(
               "--collapse/--no-collapse",
               help="One hit per group of near-duplicates (reprints, PDF and HTML copies); --no-collapse shows "
                    "every document.")] = True,
           as_json: Annotated[bool, typer.Option(
               "--json", help="Print {total, groups, offset, hits} as JSON, the hits as the HTTP API gives them."
           )] = False) -> None:
    """Search the indexed articles. Each term must occur as written; titles count more than bodies."""
    # A search-only client over the standard library: the official client's import took longer than the search.
    from ingest.es_client import search_client
    from ingest.search import SearchRequest, printed_page
    from ingest.search import search as run_search

    with operator_errors():
        s = settings()
        req = SearchRequest(query=query, paper=paper, since=parse_date(since), until=parse_date(until),
                            page=page, author=author, limit=limit, offset=offset, collapse=collapse)
        result = run_search(search_client(s), s.index, req)
        if as_json:
            print_json(result)
            return
        collapsed = result["groups"] is not None and result["groups"] < result["total"]
        groups = f" in {result['groups']} group(s) of near-duplicates" if collapsed else ""
        out.print(f"{result['total']} hit(s){groups} for [bold]{escape(query)}[/bold]")
        for h in result["hits"]:
            hl = h["highlight"]
            head = " / ".join(_mark(m) if m else escape(t) for t, m in (
                (h["pretitle"], hl["pretitle"]), (h["title"], hl["title"]), (h["subtitle"], hl["subtitle"])) if t)
            # A story names every page it is printed on (第1、4版).
            pages = printed_page(h["page_label"], h["page"]) if len(h["pages"]) < 2 else \
                "第" + "、".join(str(int(p)) if p.isdigit() else p for p in h["pages"]) + "版"
            where = f"{h['paper_name'] or h['paper'] or ''} {h['date']} {pages}"
            out.print(f"\n[cyan]{escape(where)}[/cyan]  [bold]{head or '(untitled)'}[/bold]  "
                      f"[dim]{h['score'] or 0:.2f}[/dim]")
            for frag in hl["body"]:
                out.print(f"  …{_mark(frag)}…")
            group = h["group"]
            if group and group["size"] > 1:
                seen = ", ".join(f"{d['paper_name'] or d['paper']} {d['date']} "
                                 f"{printed_page(d['page_label'], d['page'])}" for d in group["others"])
                more = group["size"] - 1 - len(group["others"])
                out.print(f"  [dim]+{group['size'] - 1} near-duplicate(s): {escape(seen)}"
                          f"{f' and {more} more' if more > 0 else ''}[/dim]")


def _mark(marked: str) -> str:
    """A search highlight (<em>…</em> around HTML-escaped text) as terminal text with emphasis."""
    from ingest.search import HIGHLIGHT_TAGS

    o, c = HIGHLIGHT_TAGS
    parts = []
    for i, piece in enumerate(marked.replace(c, o).split(o)):
        text = escape(html.unescape(piece))
        parts.append(f"[bold yellow]{text}[/bold yellow]" if i % 2 else text)
    return "".join(parts)


def _searchable() -> None:
    """Make what the workers wrote searchable now: they never force a refresh (it cost most of the index
    step), so the one caller that must see its articles at once asks for it, once."""
    from ingest.index import client, service_errors

    s = settings()
    with service_errors(f"refreshing {s.index}"):
        client(s).indices.refresh(index=s.index, ignore_unavailable=True, allow_no_indices=True)


@command
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Services reachable, the workers consuming the queue, queue depth, documents indexed, last edition of
    each paper, failures. Exits 3 when a service is down or no worker consumes the queue."""
    from ingest import ledger
    from ingest.config import mask_url
    from ingest.index import client, count, index_meta, last_editions, service_errors
    from ingest.queue import make_celery
    from ingest.sources.mail.mailbox import mail_status
    from ingest.workers import broker_report

    s = settings()
    report: dict[str, Any] = {"elasticsearch": mask_url(s.es_url), "index": s.index, "queue": s.queue}
    broker = broker_report(make_celery(s), s)
    report["broker"] = broker.to_dict()
    try:
        es = client(s)
        with service_errors("reading status"):
            es.cluster.health(timeout="3s")
            report["elasticsearch_ok"] = True
            report["documents"] = count(es, s.index)
            report["index_meta"] = index_meta(es, s.index)
            report["last_editions"] = last_editions(es, s.index)
            report["ledger"] = ledger.count_by_status(es, s.ledger_index)
    except Exception as e:  # status reports outages (and a wrong client setting) instead of failing on them
        report["elasticsearch_ok"], report["elasticsearch_error"] = False, str(e)
    report["mailbox"] = mail_status(s.redis_url)
    report["reindex"] = _reindex_status(s)
    if as_json:
        print_json(report)
    else:
        _print_status(report, broker, s)
    if not (broker.ok and broker.workers and report["elasticsearch_ok"]):
        raise typer.Exit(EXIT_SERVICE)


def _print_status(report: dict[str, Any], broker: BrokerReport, s: Settings) -> None:
    ok = {True: "[green]up[/green]", False: "[red]down[/red]"}
    out.print(f"Elasticsearch {report['elasticsearch']}: {ok[report['elasticsearch_ok']]}"
              + (f" — {report.get('elasticsearch_error')}" if not report["elasticsearch_ok"] else ""))
    if not broker.ok:
        out.print(f"Broker {broker.url}: {ok[False]} — {broker.error}")
    else:
        out.print(f"Broker {broker.url}: {ok[True]}, queue '{s.queue}': {broker.ready} waiting, "
                  f"{sum(w.unacknowledged for w in broker.workers)} taken by workers"
                  + (f", [red]{broker.dead_letters} dead letter(s)[/red] — see `ingest failures`"
                     if broker.dead_letters else ""))
        if not broker.workers:
            out.print(f"Workers: [red]none consuming '{s.queue}'[/red] — start them (deploy/celery.sh up)")
        for w in broker.workers:
            oldest = f", oldest unacknowledged {w.oldest_unacked_s:.0f} s" if w.oldest_unacked_s is not None else ""
            out.print(f"  worker {w.name} pid {w.pid}: {w.active} active of {w.concurrency or '?'}, "
                      f"{w.unacknowledged} unacknowledged{oldest}")
    if report["elasticsearch_ok"]:
        meta = report["index_meta"]
        out.print(f"Index {s.index}: {report['documents']} documents"
                  + (f" (template {meta.get('template')}, analysis {meta.get('analysis_profile')})" if meta else ""))
        for paper, last in report["last_editions"].items():
            out.print(f"  {paper}: last edition {last['date']} ({last['articles']} articles on that date)")
        failed = report["ledger"].get("failed", 0)
        out.print(f"Ledger: {', '.join(f'{k} {v}' for k, v in sorted(report['ledger'].items())) or 'empty'}"
                  + (" — see `ingest failures`" if failed else ""))
    if reindexing := report["reindex"]:
        state = "running" if reindexing["running"] else "interrupted — run `ingest reindex` to resume it"
        out.print(f"Reindex of {s.index}: {escape(reindexing['summary'])}" if "error" in reindexing else
                  f"Reindex of {s.index} {state}: {escape(reindexing['summary'])}")
    mail = report["mailbox"]
    if not mail["configured"]:
        out.print(f"Mailbox: not configured ({mail['error']})")
    elif mail["ok"]:
        out.print(f"Mailbox {mail['account']}: {ok[True]}, {mail['quarantined']} message(s) in quarantine"
                  + (" — see `ingest mail quarantine`" if mail["quarantined"] else ""))
    else:
        out.print(f"Mailbox {mail['account']}: {ok[False]} — {mail['error']}")


def _reindex_status(s: Settings) -> dict[str, Any] | None:
    import redis

    from ingest import reindex_mirror
    from ingest.pipeline import redis_client

    try:
        return reindex_mirror.status(reindex_mirror.Board(redis_client(s), s.redis_prefix, s.index))
    except (ServiceError, redis.RedisError) as e:  # status reports outages instead of failing on them
        return {"running": False, "summary": f"unknown (Redis: {e})", "error": str(e)}


@command
def config(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print the effective settings (environment over defaults), secrets masked."""
    from rich.table import Table

    with operator_errors():
        shown = settings().effective()
        if as_json:
            print_json(shown)
            return
        table = Table("variable", "value")
        for name, value in shown.items():
            table.add_row(name, escape(value))
        out.print(table)


@command
def metrics(serve: Annotated[bool, typer.Option("--serve", help="Serve /metrics on 127.0.0.1:$INGEST_METRICS_PORT.")]
            = False) -> None:
    """Print the Prometheus metrics of every worker, beat and watcher process, or serve them for scraping."""
    from ingest import metrics as m

    with operator_errors():
        s = settings()
        if not serve:
            sys.stdout.write(m.exposition(s).decode())
            return
        from prometheus_client import start_http_server

        start_http_server(s.metrics_port, addr="127.0.0.1", registry=m.registry(s))
        err.print(f"serving metrics on http://127.0.0.1:{s.metrics_port}/metrics")
        while True:
            time.sleep(3600)


@command
def failures(limit: Annotated[int, typer.Option(help="How many.")] = 50, paper: PaperOpt = None,
             as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List failed inputs with the reason: the ledger's failed steps, then the broker's dead letters
    (messages no worker could complete, ids dl-…); `ingest replay ID` re-runs one."""
    from rich.table import Table

    from ingest import deadletter, ledger
    from ingest.index import client
    from ingest.queue import broker_connection, make_celery

    with operator_errors():
        s = settings()
        rows = ledger.entries(client(s), s.ledger_index, status="failed", paper=paper, limit=limit)
        if paper is None:  # a dead letter's paper is unknown until it runs
            with broker_connection(make_celery(s), s) as conn:
                rows += [d.row() for d in deadletter.dead_letters(conn, s.queue, limit)]
        if as_json:
            print_json(rows)
            return
        if not rows:
            out.print("no failures")
            return
        table = Table("id", "when", "step", "paper", "input", "reason")
        for r in rows:
            table.add_row(r["id"], r["at"][:19], r["step"], r.get("paper") or "", r["subject"], r["detail"])
        out.print(table)


@command
def replay(entry_ids: Annotated[list[str] | None, typer.Argument(
               help="Ids from `ingest failures` (ledger entries, or dead letters dl-…).")] = None,
           all_failed: Annotated[bool, typer.Option("--all", help="Replay every failure and dead letter.")] = False,
           wait: Annotated[bool, typer.Option("--wait")] = False) -> None:
    """Run failed inputs again: from the archived bytes when there are any, else the step that failed; a
    dead letter goes back to the queue as it was."""
    from celery import signature

    from ingest import deadletter, ledger
    from ingest.index import client
    from ingest.queue import archive_flow, broker_connection, enqueue, file_flow, producer

    with operator_errors():
        s = settings()
        es = client(s)
        wanted = set(entry_ids or [])
        dead_ids = {i for i in wanted if i.startswith(deadletter.ID_PREFIX)}
        rows = ledger.entries(es, s.ledger_index, status="failed", limit=1000) if all_failed else \
            [r for i in sorted(wanted - dead_ids) if (r := ledger.get(es, s.ledger_index, i))]
        celery = producer(s)
        results = []
        for r in rows:
            rp = r.get("replay") or {}
            if rp.get("source"):
                sig = archive_flow(celery, rp["source"], rp["hints"])
            elif rp.get("path"):
                sig = file_flow(celery, rp["path"], rp["hints"])
            elif rp.get("task"):  # a source's own step (e.g. a page list to fetch and parse again)
                sig = signature(rp["task"], args=rp.get("args", []), app=celery)
            else:
                err.print(f"[yellow]skipped[/yellow] {r['id']}: nothing to replay from")
                continue
            results.append(([r["subject"]], enqueue(sig, s.broker_url)))
        if all_failed or dead_ids:
            with broker_connection(celery, s) as conn:
                replayed = deadletter.replay(conn, s.queue, None if all_failed else dead_ids)
            for dead, task_id in replayed:
                if task_id is None:
                    err.print(f"[yellow]skipped[/yellow] {dead.id}: cannot be run again ({dead.reason})")
                else:
                    results.append(([dead.subject], celery.AsyncResult(task_id)))
            missing = dead_ids - {d.id for d, _ in replayed}
            for i in sorted(missing):
                err.print(f"[yellow]skipped[/yellow] {i}: no such dead letter")
        if not results:
            raise InputError("replay: no such failed entries (see `ingest failures`)")
        err.print(f"replaying {len(results)} input(s)")
        if wait:
            _wait(results, 600)


@command
def reindex(delete_old: Annotated[bool, typer.Option("--delete-old", help="Delete the old index after.")] = False,
            from_archive: Annotated[bool, typer.Option(
                "--from-archive", help="Rebuild every document by parsing its archived input again (after a parser "
                                       "change) instead of copying it.")] = False) -> None:
    """Build a new index from the current template and analysis while workers keep writing, then switch the
    alias. Resumes an interrupted reindex (run it again after a crash)."""
    from ingest import live_reindex
    from ingest.index import client
    from ingest.pipeline import redis_client

    with operator_errors():
        s = settings()
        r = redis_client(s)
        with _progress() as progress:
            bar = progress.add_task("rebuilding from the archive" if from_archive else "copying", total=None)
            done = live_reindex.run(client(s), r, s, from_archive=from_archive, delete_old=delete_old,
                                    progress=lambda n, total: progress.update(bar, completed=n, total=total))
        what = "inputs rebuilt from the archive" if from_archive else "documents copied"
        out.print(f"{s.index}: {done.done} {what} from {done.old or '(none)'} to {done.new}"
                  + (" (resumed)" if done.resumed else "") + "; alias switched"
                  + (f"; {done.failed} inputs failed (see `ingest failures`)" if done.failed else "")
                  + ("; old index deleted" if delete_old and done.old else ""))

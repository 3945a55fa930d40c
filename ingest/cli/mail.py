"""Commands of the mailbox source: `ingest mail poll|watch|quarantine|requeue`."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ingest.cli.app import app, err, operator_errors, out, print_json, settings
from ingest.errors import InputError

if TYPE_CHECKING:
    from ingest.sources.mail import PollReport

# The mailbox, Celery and rich are imported by the commands that use them, so that other commands start fast.


def open_mailbox(redis_url: str) -> Any:
    from ingest.sources.mail import open_mailbox as open_it

    return open_it(redis_url)

mail = typer.Typer(help="Editions mailed to the IMAP mailbox: poll, watch (IDLE), quarantine, re-queue.",
                   no_args_is_help=True)
app.add_typer(mail, name="mail")


def _deliverer():
    from ingest.archive import Archive
    from ingest.queue import enqueue, make_celery, parsed_flow
    from ingest.sources.mail.deliver import pipeline_deliverer

    s = settings()
    celery = make_celery(s)
    return pipeline_deliverer(Archive(s.archive_dir),
                              lambda payload: enqueue(parsed_flow(celery, payload), s.broker_url))


def _report(report: PollReport) -> dict[str, Any]:
    return {"delivered": report.delivered, "quarantined": [{"message_id": m, "reason": r}
                                                           for m, r in report.quarantined],
            "deferred": [{"folder": f, "reason": r} for f, r in report.deferred], "busy": report.busy}


@mail.command()
def poll(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Take new mail now: parse each message here, queue its edition, quarantine what cannot be used."""
    with operator_errors():
        s = settings()
        report = open_mailbox(s.redis_url).poll(_deliverer())
        if as_json:
            print_json(_report(report))
            return
        if report.busy:
            out.print("another poll is running; nothing done")
            return
        out.print(f"queued {len(report.delivered)} edition mail(s), quarantined {len(report.quarantined)}")
        for message_id, reason in report.quarantined:
            err.print(f"[yellow]quarantined[/yellow] {message_id}: {reason}")
        for folder, reason in report.deferred:
            err.print(f"[red]deferred[/red] {folder}: {reason}")


@mail.command()
def watch(poll_seconds: Annotated[int, typer.Option(help="Poll interval when the server has no IDLE.")] = 60
          ) -> None:
    """Run until stopped: poll, then wait for new mail with IDLE (or sleep), and again."""
    with operator_errors():
        s = settings()
        mailbox = open_mailbox(s.redis_url)
        stopping = {"now": False}

        def stop(*_: object) -> None:
            stopping["now"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

        def show(report: PollReport) -> None:
            if report.delivered or report.quarantined or report.deferred:
                err.print(f"queued {len(report.delivered)}, quarantined {len(report.quarantined)}, "
                          f"deferred {len(report.deferred)}")

        err.print(f"watching {mailbox.s.account} (quarantine: {mailbox.s.quarantine})")
        mailbox.watch(_deliverer(), lambda: stopping["now"], on_poll=show, poll_seconds=poll_seconds)


@mail.command()
def quarantine(limit: Annotated[int, typer.Option(help="How many, newest first.")] = 100,
               as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the quarantined messages and why each is there; `ingest mail requeue UID` takes one back."""
    with operator_errors():
        rows: list[dict[str, Any]] = [{"uid": q.uid, "received": q.received, "sender": q.sender, "subject": q.subject,
                 "message_id": q.message_id, "size": q.size,
                 "reason": q.record.reason if q.record else "(no reason recorded: moved there by hand?)",
                 "folder": q.record.folder if q.record else None, "paper": q.record.paper if q.record else None,
                 "at": q.record.at if q.record else None}
                for q in open_mailbox(settings().redis_url).quarantined(limit)]
        if as_json:
            print_json(rows)
            return
        if not rows:
            out.print("quarantine is empty")
            return
        from rich.table import Table

        table = Table("uid", "received", "from", "subject", "reason")
        for r in rows:
            table.add_row(str(r["uid"]), r["received"][:19], r["sender"], r["subject"], r["reason"])
        out.print(table)


@mail.command()
def requeue(uids: Annotated[list[int] | None, typer.Argument(help="UIDs from `ingest mail quarantine`.")] = None,
            all_: Annotated[bool, typer.Option("--all", help="Every quarantined message.")] = False) -> None:
    """Move quarantined messages back where they came from; the next poll takes them as new mail."""
    with operator_errors():
        mailbox = open_mailbox(settings().redis_url)
        chosen = [q.uid for q in mailbox.quarantined(100_000)] if all_ else list(uids or [])
        if not chosen:
            raise InputError("requeue: name UIDs (see `ingest mail quarantine`) or pass --all")
        for uid, folder in mailbox.requeue(chosen):
            out.print(f"UID {uid} → {folder}")
        err.print("the next poll (`ingest mail poll`, the beat, or `ingest mail watch`) takes them")

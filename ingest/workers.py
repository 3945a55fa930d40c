"""What the broker says about the work queue: messages waiting, dead letters, and the workers consuming it
(asked over Celery's remote control with the `ingest_report` command the workers answer, tasks/control.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from celery import Celery
from kombu.exceptions import OperationalError

from ingest.config import Settings, mask_url
from ingest.queue import dead_letter_names, message_count

REPLY_TIMEOUT = 1.5  # seconds to collect the workers' answers: they answer within milliseconds when idle


@dataclass(frozen=True)
class Worker:
    name: str
    pid: int
    active: int  # tasks running
    unacknowledged: int  # messages taken and not finished (running or waiting for a free process)
    oldest_unacked_s: float | None  # age of the oldest of those
    concurrency: int | None


@dataclass
class BrokerReport:
    url: str
    ok: bool
    error: str | None = None
    ready: int | None = None  # messages waiting in the queue
    dead_letters: int | None = None
    workers: list[Worker] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _workers(app: Celery, queue: str) -> list[Worker]:
    replies = app.control.broadcast("ingest_report", reply=True, timeout=REPLY_TIMEOUT) or []
    found = []
    for reply in replies:
        for name, r in reply.items():
            if isinstance(r, dict) and queue in r.get("queues", []):
                found.append(Worker(name=name, pid=int(r["pid"]), active=int(r["active"]),
                                    unacknowledged=int(r["unacknowledged"]), oldest_unacked_s=r["oldest_unacked_s"],
                                    concurrency=r.get("concurrency")))
    return sorted(found, key=lambda w: w.name)


def broker_report(app: Celery, s: Settings) -> BrokerReport:
    report = BrokerReport(url=mask_url(s.broker_url), ok=False)
    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
            report.ready = message_count(conn, s.queue)
            report.dead_letters = message_count(conn, dead_letter_names(s.queue)[1])
        report.workers = _workers(app, s.queue)
        report.ok = True
    except (OperationalError, ConnectionError, OSError) as e:
        report.error = f"{e.__class__.__name__}: {e}"
    return report

"""Prometheus metrics of the workers, the beat and the mail watcher, and the exporter `ingest metrics` serves.

prometheus-client runs in multiprocess mode: every process (each prefork child of a worker, the beat, the
watcher) writes its samples to files in $INGEST_METRICS_DIR (default `$INGEST_VAR/metrics`) and the
exporter sums them. The client picks its storage when first imported, so this module points it at that
folder before importing it; import it before anything else that may import prometheus_client.
What is true of the index rather than of a process (the newest edition of each paper, queue depth) is
read at scrape time, so it survives restarts.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from datetime import time as day_start
from zoneinfo import ZoneInfo

from ingest.config import Settings, settings

_DIR = settings().metrics_dir
_DIR.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_DIR)  # read by prometheus_client at import, just below

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values  # noqa: E402
from prometheus_client.core import GaugeMetricFamily  # noqa: E402
from prometheus_client.multiprocess import MultiProcessCollector  # noqa: E402
from prometheus_client.registry import Collector  # noqa: E402

# The client may have been imported before (the celery command loads Flower's, which imports it): its value
# class was then chosen without the folder. Choose again now that the folder is set; metrics made below use it.
values.ValueClass = values.get_value_class()

TASKS = Counter("ingest_tasks_total", "Celery tasks finished, by task name and outcome", ["task", "outcome"])
TASK_SECONDS = Histogram("ingest_task_duration_seconds", "Run time of Celery tasks, by task name and outcome",
                         ["task", "outcome"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900))
RETRIES = Counter("ingest_task_retries_total", "Task retries (a service outage, a busy site), by task", ["task"])
DEAD_LETTERS = Counter("ingest_dead_letters_total", "Failures recorded in the ledger (ingest failures), by step",
                       ["step"])
DOCUMENTS = Counter("ingest_documents_total", "Articles written, by paper and result (created/updated/unchanged)",
                    ["paper", "result"])
EDITIONS = Counter("ingest_editions_indexed_total", "Edition inputs indexed, by paper", ["paper"])
FETCHES = Counter("ingest_fetches_total", "Site fetches by host and HTTP status (or error kind)", ["host", "status"])
SCHEDULED = Counter("ingest_beat_sent_total", "Tasks the beat sent, by task name", ["task"])
MAIL = Counter("ingest_mail_messages_total", "Mailbox messages taken, by outcome (delivered/quarantined)",
               ["outcome"])

DOCUMENT_RESULTS = ("created", "updated", "unchanged")


def task_finished(task: str, outcome: str, seconds: float) -> None:
    TASKS.labels(task, outcome).inc()
    TASK_SECONDS.labels(task, outcome).observe(seconds)


def indexed(paper: str, counts: Mapping[str, int]) -> None:
    """One edition input indexed, with its document counts."""
    EDITIONS.labels(paper).inc()
    for result in DOCUMENT_RESULTS:
        DOCUMENTS.labels(paper, result).inc(counts.get(result, 0))


def edition_timestamp(paper_tz: str, day: date) -> float:
    """Midnight at the start of the edition's day in its paper's time zone."""
    return datetime.combine(day, day_start(), ZoneInfo(paper_tz)).timestamp()


class StateCollector(Collector):
    """At scrape time: the newest edition of each configured paper (and its age) and the queue depth."""

    def __init__(self, s: Settings) -> None:
        self.s = s

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from ingest.errors import ServiceError
        from ingest.index import client, last_editions
        from ingest.papers import all_papers
        from ingest.queue import queue_depth

        newest = GaugeMetricFamily("ingest_newest_edition_timestamp_seconds",
                                   "Start of the day of the newest edition indexed, per paper", labels=["paper"])
        age = GaugeMetricFamily("ingest_newest_edition_age_seconds",
                                "Seconds since the start of the newest edition's day, per paper", labels=["paper"])
        up = GaugeMetricFamily("ingest_elasticsearch_up", "Whether the exporter could read the index")
        try:
            last = last_editions(client(self.s), self.s.index)
            up.add_metric([], 1)
        except ServiceError:
            last = None
            up.add_metric([], 0)
        now = time.time()
        for paper in all_papers().values():
            edition = (last or {}).get(paper.id)
            if edition:
                ts = edition_timestamp(paper.timezone, date.fromisoformat(edition["date"]))
                newest.add_metric([paper.id], ts)
                age.add_metric([paper.id], now - ts)
        yield from (newest, age, up)
        reachable, depth = queue_depth(self.s.broker_url, self.s.queue)
        broker = GaugeMetricFamily("ingest_broker_up", "Whether the exporter could reach the broker")
        broker.add_metric([], 1 if reachable else 0)
        yield broker
        if depth is not None:
            queued = GaugeMetricFamily("ingest_queue_depth", "Messages waiting in the queue", labels=["queue"])
            queued.add_metric([self.s.queue], depth)
            yield queued


def registry(s: Settings) -> CollectorRegistry:
    """What `ingest metrics` exposes: every process's samples summed, and the state read at scrape time."""
    reg = CollectorRegistry()
    MultiProcessCollector(reg, path=str(s.metrics_dir))
    reg.register(StateCollector(s))
    return reg


def exposition(s: Settings) -> bytes:
    return generate_latest(registry(s))

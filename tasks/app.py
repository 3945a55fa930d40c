"""The Celery app of the workers and the beat. Configuration is shared with the CLI (ingest.queue)."""

from __future__ import annotations

from typing import Any

from celery.signals import worker_init

from ingest import metrics  # noqa: F401  (first: it sets up the multiprocess metrics storage)
from ingest.config import settings
from ingest.queue import declare_queues, make_celery
from tasks import signals  # noqa: F401  (connects the metrics of every task)
from tasks.schedule import build_schedule

app = make_celery(settings(), include=["tasks.pipeline", "tasks.site", "tasks.mail", "tasks.control"])
app.conf.beat_schedule = build_schedule()
app.conf.worker_consumer = "tasks.consumer:DeadLetteringConsumer"


@worker_init.connect
def _declare_dead_letters(**_: Any) -> None:
    # Before the worker consumes: the dead-letter queue its work queue routes to must exist first.
    declare_queues(app)

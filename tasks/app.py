"""The Celery app of the workers and the beat. Configuration is shared with the CLI (ingest.queue)."""

from __future__ import annotations

from ingest import metrics  # noqa: F401  (first: it sets up the multiprocess metrics storage)
from ingest.config import settings
from ingest.queue import make_celery
from tasks import signals  # noqa: F401  (connects the metrics of every task)
from tasks.schedule import build_schedule

app = make_celery(settings(), include=["tasks.pipeline", "tasks.site", "tasks.mail"])
app.conf.beat_schedule = build_schedule()

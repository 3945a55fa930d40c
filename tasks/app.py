"""The Celery app of the workers and the beat. Configuration is shared with the CLI (ingest.queue)."""

from __future__ import annotations

from ingest.config import settings
from ingest.queue import make_celery
from tasks.schedule import build_schedule

app = make_celery(settings(), include=["tasks.pipeline", "tasks.site", "tasks.mail"])
app.conf.beat_schedule = build_schedule()

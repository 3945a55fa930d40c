"""The Celery app of the workers and the beat. Configuration is shared with the CLI (ingest.queue)."""

from __future__ import annotations

from ingest.config import settings
from ingest.queue import make_celery

app = make_celery(settings(), include=["tasks.pipeline", "tasks.site", "tasks.mail"])

# Imported once `app` exists: the schedule's modules define tasks on it.
from tasks.schedule import build_schedule  # noqa: E402

app.conf.beat_schedule = build_schedule()

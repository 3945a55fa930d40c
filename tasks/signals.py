"""Celery signal handlers: every task's outcome, duration and retries counted (ingest.metrics), and what
the beat sends. Connected by importing this module (tasks/app.py does)."""

from __future__ import annotations

import time
from typing import Any

from celery import signals

from ingest import metrics

_started: dict[str, float] = {}  # task id -> monotonic start, per process (a prefork child runs one at a time)


@signals.task_prerun.connect
def _prerun(task_id: str, **_: Any) -> None:
    _started[task_id] = time.monotonic()


@signals.task_postrun.connect
def _postrun(task_id: str, task: Any, state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id, None)
    outcome = {"SUCCESS": "success", "FAILURE": "failure", "RETRY": "retry"}.get(state or "", (state or "?").lower())
    metrics.task_finished(task.name, outcome, time.monotonic() - started if started is not None else 0.0)


@signals.task_retry.connect
def _retry(sender: Any = None, **_: Any) -> None:
    metrics.RETRIES.labels(getattr(sender, "name", "?")).inc()


@signals.before_task_publish.connect
def _published(sender: str | None = None, headers: dict[str, Any] | None = None, **_: Any) -> None:
    # Only the beat's own sends count as scheduled: workers also publish (chains, retries).
    if _in_beat:
        metrics.SCHEDULED.labels(sender or (headers or {}).get("task", "?")).inc()


_in_beat = False


@signals.beat_init.connect
def _beat_started(**_: Any) -> None:
    global _in_beat
    _in_beat = True

"""Celery signal handlers: every task's outcome logged as one structured event and counted with its
duration and retries (ingest.metrics), what the beat sends, and the logging of worker and beat set up
by ingest.logs. Connected by importing this module (tasks/app.py does)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from celery import signals

from ingest import logs, metrics
from ingest.pipeline import batch_inputs, input_subject

log = logs.get("ingest.task")

_started: dict[str, float] = {}  # task id -> monotonic start, per process (a prefork child runs one at a time)


@signals.task_prerun.connect
def _prerun(task_id: str, **_: Any) -> None:
    _started[task_id] = time.monotonic()


@signals.task_postrun.connect
def _postrun(task_id: str, task: Any, args: tuple[Any, ...] = (), retval: Any = None, state: str | None = None,
             **_: Any) -> None:
    started = _started.pop(task_id, None)
    seconds = time.monotonic() - started if started is not None else 0.0
    outcome = {"SUCCESS": "success", "FAILURE": "failure", "RETRY": "retry"}.get(state or "", (state or "?").lower())
    metrics.task_finished(task.name, outcome, seconds)
    log.log(40 if outcome == "failure" else 20, "task outcome", **outcome_fields(task.name, task_id, outcome, seconds,
                                                                                 args, retval))


def outcome_fields(name: str, task_id: str, outcome: str, seconds: float, args: tuple[Any, ...],
                   retval: Any) -> dict[str, Any]:
    """What one task did, as log fields: the input, its paper and edition date, and the counts. A batch (a
    page list's articles, a chunk of files) is named by its first input, with its counts summed."""
    payload = args[0] if args and isinstance(args[0], dict) else {}
    result = retval if isinstance(retval, dict) else {}
    items = batch_inputs(payload)
    first = items[0]
    hints = first.get("hints") or {}
    indexed = result.get("indexed") or [result]
    edition = result.get("edition") or payload.get("edition") or {}
    fields: dict[str, Any] = {"task": name, "task_id": task_id, "outcome": outcome, "seconds": round(seconds, 3)}
    if first:
        fields["subject"] = input_subject(first) + (f" and {len(items) - 1} more" if len(items) > 1 else "")
    paper = indexed[0].get("paper") or edition.get("paper") or hints.get("paper")
    day = indexed[0].get("date") or edition.get("date") or hints.get("date")
    fields |= {k: v for k, v in (("paper", paper), ("edition_date", day)) if v}
    if all("counts" in x for x in indexed):
        counts: Counter[str] = Counter()
        for x in indexed:
            counts.update({k: v for k, v in x["counts"].items() if k != "linked"})
        # Linking is the batch's: each input's result repeats it.
        fields["counts"] = dict(counts) | {"linked": indexed[0]["counts"].get("linked", 0)} \
            | ({"failed": len(result["failed"])} if result.get("failed") else {})
    elif edition.get("articles") is not None:
        fields["counts"] = {"articles": len(edition["articles"])}
    if isinstance(retval, BaseException):
        fields["error"] = str(retval)
    return fields


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


@signals.after_setup_logger.connect
def _setup_logging(logger: Any = None, **_: Any) -> None:
    logs.configure(list(logger.handlers) if logger is not None else None)


@signals.after_setup_task_logger.connect
def _setup_task_logging(logger: Any = None, **_: Any) -> None:
    if logger is not None and logger.handlers:
        logs.configure(list(logger.handlers))

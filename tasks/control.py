"""`ingest_report`, the remote-control command `ingest status` asks every worker: which queues it
consumes, its pid, and its unacknowledged messages (with late acks, every message it has received and
not finished) with the age of the oldest.

Celery's own inspect commands need four round trips for this and know no reception time of a message
that waits for a free process; the worker stamps each message as it arrives instead.
"""

from __future__ import annotations

import os
import time
from typing import Any

from celery.signals import task_received
from celery.worker import state as worker_state
from celery.worker.control import inspect_command

_received_at: dict[str, float] = {}  # task id → when this worker got its message (time.time())


def _forget_finished() -> dict[str, Any]:
    """The worker's unacknowledged requests by id; stamps of finished ones are dropped (bounded memory)."""
    unacked = {r.id: r for r in worker_state.reserved_requests}
    for task_id in [i for i in _received_at if i not in unacked]:
        del _received_at[task_id]
    return unacked


@task_received.connect
def _stamp(request: Any = None, **_: Any) -> None:
    if request is not None:
        _forget_finished()
        _received_at[request.id] = time.time()


@inspect_command()
def ingest_report(state: Any) -> dict[str, Any]:
    unacked = _forget_finished()
    now = time.time()
    oldest = min((_received_at.get(i) or r.time_start or now for i, r in unacked.items()), default=None)
    return {
        "pid": os.getpid(),
        "queues": [q.name for q in state.consumer.task_consumer.queues],
        "active": len(worker_state.active_requests),
        "unacknowledged": len(unacked),
        "oldest_unacked_s": round(now - oldest, 1) if oldest is not None else None,
        "concurrency": state.consumer.pool.num_processes if state.consumer.pool else None,
    }

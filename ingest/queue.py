"""The Celery configuration, and the pipeline flows by task name.

Both the worker (tasks/app.py) and the operator CLI build their Celery app here, so producer and
consumer always agree; flows name tasks instead of importing them, so the library never imports tasks/.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, chain, signature
from celery.result import AsyncResult
from kombu.exceptions import OperationalError

from ingest.config import Settings
from ingest.errors import ConfigError, ServiceError

FROM_FILE = ("ingest.archive_file", "ingest.parse", "ingest.normalize", "ingest.dedup", "ingest.index")
FROM_ARCHIVE = FROM_FILE[1:]
# How long `ingest add` keeps trying a broker that is down before it says so.
# How long a producer waits for the workers' answers about their target index.
WORKER_REPLY_S = 1.0
PUBLISH_RETRY = {"max_retries": 4, "interval_start": 0.5, "interval_step": 1.0, "interval_max": 3.0}


def make_celery(s: Settings, include: list[str] | None = None) -> Celery:
    app = Celery("ingest", broker=s.broker_url, backend=s.result_backend, include=include or [])
    app.conf.update(
        task_default_queue=s.queue,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # Late acks + reject on worker loss: a task whose worker dies is delivered again (tasks are idempotent).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # With the Redis broker an unacked task is redelivered after the visibility timeout: keep it above
        # the longest task plus the longest retry countdown.
        broker_transport_options={"visibility_timeout": 3600},
        broker_connection_retry_on_startup=True,
        result_expires=7 * 24 * 3600,
        result_extended=True,
        timezone="UTC",
        enable_utc=True,
        worker_hijack_root_logger=False,
        # Where this process's work lands; a worker shows it to `inspect conf`, so a producer can compare.
        ingest_target={"index": s.index, "ledger_index": s.ledger_index},
    )
    return app


def producer(s: Settings, timeout: float = WORKER_REPLY_S) -> Celery:
    """The Celery app of a command that queues work, after checking that the workers consuming `s.queue`
    write where this command expects (the same INGEST_INDEX and INGEST_LEDGER_INDEX): otherwise a
    `ConfigError`, before anything is queued. With no worker answering, the work waits in the queue."""
    app = make_celery(s)
    try:
        # The raw replies: two workers of one node name (on another queue) must not hide each other.
        replies = app.control.broadcast("conf", reply=True, timeout=timeout) or []
    except (OperationalError, ConnectionError, OSError) as e:
        raise _broker_down(s.broker_url, e) from e
    ours = app.conf.ingest_target
    for worker, conf in ((name, c) for reply in replies for name, c in reply.items() if isinstance(c, dict)):
        theirs = conf.get("ingest_target")
        if conf.get("task_default_queue") != s.queue or not isinstance(theirs, dict) or theirs == ours:
            continue
        raise ConfigError(f"the worker {worker} on queue {s.queue!r} writes to index {theirs.get('index')!r} "
                          f"(ledger {theirs.get('ledger_index')!r}), this command to {ours['index']!r} (ledger "
                          f"{ours['ledger_index']!r}): set INGEST_INDEX and INGEST_LEDGER_INDEX as the workers have "
                          "them, or use a queue of workers that have yours (INGEST_QUEUE); nothing was queued")
    return app


def flow(app: Celery, names: tuple[str, ...], payload: dict[str, Any]):
    first, *rest = names
    return chain(signature(first, args=(payload,), app=app), *(signature(n, app=app) for n in rest))


def file_flow(app: Celery, path: str, hints: dict[str, Any]):
    return flow(app, FROM_FILE, {"path": path, "hints": hints})


def archive_flow(app: Celery, source: dict[str, str], hints: dict[str, Any]):
    return flow(app, FROM_ARCHIVE, {"source": source, "hints": hints})


def enqueue(sig, broker_url: str) -> AsyncResult:
    try:
        return sig.apply_async(retry=True, retry_policy=PUBLISH_RETRY)
    except (OperationalError, ConnectionError, OSError) as e:
        raise _broker_down(broker_url, e) from e


def queue_depth(broker_url: str, queue: str) -> tuple[bool, int | None]:
    """(broker reachable, messages waiting); the depth only for a Redis broker (a list per queue)."""
    import redis

    if not broker_url.startswith(("redis://", "rediss://")):
        return True, None
    try:
        r = redis.Redis.from_url(broker_url, socket_connect_timeout=2, socket_timeout=2)
        return True, int(r.llen(queue))
    except redis.RedisError:
        return False, None


def _broker_down(broker_url: str, e: Exception) -> ServiceError:
    return ServiceError(f"cannot reach the broker at {broker_url}: {e}. Start it (deploy/local.sh up) and "
                        "run the command again; nothing was queued.")

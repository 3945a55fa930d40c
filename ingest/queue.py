"""The Celery configuration and the broker's queues, and the pipeline flows by task name.

Both the worker (tasks/app.py) and the operator CLI build their Celery app here, so producer and
consumer always agree on the queue's type and arguments (RabbitMQ refuses a declaration that differs);
flows name tasks instead of importing them, so the library never imports tasks/.

On RabbitMQ the work queue is a durable quorum queue: a worker's unacknowledged messages come back the
moment its connection drops, a message is delivered at most DELIVERY_LIMIT times before the broker
dead-letters it (a poison message cannot loop forever), and dead letters go to a queue of their own that
`ingest failures` lists and `ingest replay` re-runs (ingest.deadletter). On Redis the queue is a list:
unacknowledged messages return only after the visibility timeout, and there is no delivery limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from amqp.exceptions import NotFound
from celery import Celery, chain, signature
from celery.canvas import Signature
from celery.result import AsyncResult
from kombu import Connection, Exchange, Queue
from kombu.exceptions import OperationalError

from ingest.config import Settings, mask_url
from ingest.errors import ConfigError, ServiceError

# The tasks of an input. An archived input is parsed and indexed by one task (ingest.pipeline.index_archived,
# which also normalizes and drops exact duplicates: pure steps, not worth a broker hop): only its archive
# reference goes through the broker, never the parsed edition, which cost a hop and two JSON round trips of
# the whole edition (bench/bench_index.py). A page list's articles are one such task, as a batch.
BATCH_TASK = "ingest.index_archived"
FROM_FILE = ("ingest.archive_file", BATCH_TASK)
# An edition parsed already (a mail, parsed where it is read) goes to the index step alone.
INDEX_PARSED = "ingest.index"
# How long `ingest add` keeps trying a broker that is down before it says so.
# How long a producer waits for the workers' answers about their target index.
WORKER_REPLY_S = 1.0
PUBLISH_RETRY = {"max_retries": 4, "interval_start": 0.5, "interval_step": 1.0, "interval_max": 3.0}
# Deliveries of one message before RabbitMQ dead-letters it. Above the few redeliveries a crash or a
# restart causes, low enough that a message killing its worker every time stops within minutes. Part
# of the queue's declaration: changing it means deleting the queue (or overriding it by a policy).
DELIVERY_LIMIT = 5
# With the Redis broker an unacked task is redelivered after this: above the longest task plus the
# longest retry countdown.
REDIS_VISIBILITY_TIMEOUT = 3600


def is_amqp(broker_url: str) -> bool:
    return broker_url.split("://", 1)[0] in ("amqp", "amqps", "pyamqp")


def dead_letter_names(queue: str) -> tuple[str, str]:
    """The dead-letter exchange and queue of a work queue."""
    return f"{queue}.dead-letter", f"{queue}.dead"


def work_queue(name: str, broker_url: str) -> Queue:
    if not is_amqp(broker_url):
        return Queue(name)
    dlx, dlq = dead_letter_names(name)
    # A topic exchange, not a direct one: Celery sends countdowns and ETAs (the retries' backoff) on
    # quorum queues through RabbitMQ-side delay queues, which route back by topic.
    return Queue(name, Exchange(name, type="topic", durable=True), routing_key=name, durable=True,
                 queue_arguments={
                     "x-queue-type": "quorum",
                     "x-delivery-limit": DELIVERY_LIMIT,
                     "x-dead-letter-exchange": dlx,
                     "x-dead-letter-routing-key": dlq,
                     # At-least-once dead-lettering: the broker keeps a message until the dead-letter
                     # queue has confirmed it (needs reject-publish overflow).
                     "x-dead-letter-strategy": "at-least-once",
                     "x-overflow": "reject-publish",
                 })


def dead_letter_queue(name: str, broker_url: str) -> Queue:
    dlx, dlq = dead_letter_names(name)
    # A classic queue: listing dead letters takes them and gives them back, which on a quorum queue
    # counts as deliveries (and RabbitMQ 4 limits those by default).
    args = {"x-queue-type": "classic"} if is_amqp(broker_url) else {}
    return Queue(dlq, Exchange(dlx, type="direct", durable=True), routing_key=dlq, durable=True, queue_arguments=args)


def make_celery(s: Settings, include: list[str] | None = None) -> Celery:
    app = Celery("ingest", broker=s.broker_url, backend=s.result_backend, include=include or [])
    queue = work_queue(s.queue, s.broker_url)
    transport: dict[str, Any] = (
        # Publisher confirms: a publish returns only once the broker has the message.
        {"confirm_publish": True} if is_amqp(s.broker_url)
        else {"visibility_timeout": REDIS_VISIBILITY_TIMEOUT})
    app.conf.update(
        task_queues=[queue],
        task_default_queue=s.queue,
        task_default_exchange=queue.exchange.name or s.queue,
        task_default_exchange_type=queue.exchange.type or "direct",
        task_default_routing_key=queue.routing_key or s.queue,
        task_create_missing_queues=False,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # Late acks + reject on worker loss: a task whose worker dies is delivered again (tasks are idempotent).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Quorum queues have no global QoS: Celery must see them to set a per-consumer prefetch instead.
        worker_detect_quorum_queues=True,
        # A worker that lost its broker connection has had its messages handed to another: stop their
        # tasks rather than finish them a second time.
        worker_cancel_long_running_tasks_on_connection_loss=True,
        broker_transport_options=transport,
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


def declare_queues(app: Celery) -> None:
    """Declare the work queue and its dead-letter queue. The dead-letter queue must exist before the work
    queue takes a message: RabbitMQ drops what it dead-letters to an exchange that does not exist."""
    name, url = app.conf.task_default_queue, app.conf.broker_url
    with app.connection_for_write() as conn:
        conn.ensure_connection(**PUBLISH_RETRY)  # a broker that stays down is an OperationalError
        with conn.channel() as channel:
            dead_letter_queue(name, url).bind(channel).declare()
            work_queue(name, url).bind(channel).declare()


@contextmanager
def broker_connection(app: Celery, s: Settings) -> Iterator[Connection]:
    """A connection to the broker for an operator command, or a ServiceError saying it is unreachable."""
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=2, interval_start=0.5, timeout=5)
            yield conn
    except (OperationalError, ConnectionError, OSError) as e:
        raise ServiceError(f"cannot reach the broker at {mask_url(s.broker_url)}: {e}") from e


_declared: set[tuple[str, str]] = set()  # (broker, queue) pairs this process has declared


def flow(app: Celery, names: tuple[str, ...], payload: dict[str, Any]) -> Signature:
    first, *rest = names
    return chain(signature(first, args=(payload,), app=app), *(signature(n, app=app) for n in rest))


def file_flow(app: Celery, path: str, hints: dict[str, Any]) -> Signature:
    return files_flow(app, [{"path": path, "hints": hints}])


def files_flow(app: Celery, files: list[dict[str, Any]]) -> Signature:
    """Files ({"path", "hints"} each) archived by one task and parsed and indexed together by the next."""
    return flow(app, FROM_FILE, {"files": files})


def chunks(items: list[Any], size: int) -> list[list[Any]]:
    """`items` in runs of `size` (INGEST_BATCH_INPUTS: the inputs queued as one task)."""
    return [items[k:k + size] for k in range(0, len(items), size)]


def archive_flow(app: Celery, source: dict[str, str], hints: dict[str, Any]) -> Signature:
    return batch_flow(app, [{"source": source, "hints": hints}])


def batch_flow(app: Celery, items: list[dict[str, Any]]) -> Signature:
    """One task for archived inputs ({"source", "hints"} each): parsed and indexed together."""
    return signature(BATCH_TASK, args=({"items": items},), app=app)


def parsed_flow(app: Celery, payload: dict[str, Any]) -> Signature:
    """The index step of an edition parsed already ({"source", "hints", "edition"})."""
    return signature(INDEX_PARSED, args=(payload,), app=app)


def enqueue(sig: Signature, broker_url: str) -> AsyncResult:
    """Publish `sig` (confirmed by the broker) or raise a ServiceError saying that nothing was queued."""
    app = sig.app
    try:
        key = (broker_url, app.conf.task_default_queue)
        if key not in _declared:
            declare_queues(app)
            _declared.add(key)
        return sig.apply_async(retry=True, retry_policy=PUBLISH_RETRY)
    except (OperationalError, ConnectionError, OSError) as e:
        raise _broker_down(broker_url, e) from e


def message_count(conn: Connection, name: str) -> int:
    """Messages ready in queue `name` on `conn`'s broker (0 when it was never declared)."""
    if conn.transport.driver_type == "redis":
        return int(conn.default_channel.client.llen(name))  # type: ignore[attr-defined]  # kombu's Redis channel
    channel = conn.channel()
    try:
        _, count, _ = channel.queue_declare(queue=name, passive=True)
        return int(count)
    except NotFound:
        return 0
    finally:
        try:
            channel.close()
        except Exception:  # noqa: BLE001, S110 (a channel the broker closed on NOT_FOUND is already gone)
            pass


def queue_depth(broker_url: str, queue: str) -> tuple[bool, int | None]:
    """(broker reachable, messages waiting in `queue`), on RabbitMQ or Redis."""
    try:
        with Connection(broker_url, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
            return True, message_count(conn, queue)
    except (OperationalError, ConnectionError, OSError):
        return False, None


def _broker_down(broker_url: str, e: Exception) -> ServiceError:
    return ServiceError(f"cannot reach the broker at {mask_url(broker_url)}: {e}. Start it (deploy/local.sh up) "
                        "and run the command again; nothing was queued.")

"""The broker's dead letters: messages no worker could complete, kept in the work queue's dead-letter
queue (ingest.queue) with why, for `ingest failures` to list and `ingest replay` to run again.

A message gets there two ways: RabbitMQ moves it after DELIVERY_LIMIT deliveries that were never
acknowledged (its worker died each time: a poison message), and a worker sends it there itself, with the
reason in the x-ingest-reason header, when the message cannot be run at all (a body that does not decode,
an unknown task, a malformed task message) — acknowledging it afterwards, so it is neither lost nor retried.
Listing takes the messages without acknowledging them; closing the channel gives them all back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kombu import Connection, Producer
from kombu.message import Message

from ingest.pipeline import input_subject
from ingest.queue import DELIVERY_LIMIT, dead_letter_names, dead_letter_queue, work_queue

REASON_HEADER = "x-ingest-reason"
AT_HEADER = "x-ingest-dead-at"
ID_PREFIX = "dl-"  # dead-letter ids, apart from the ledger's hex ids in `ingest failures`
_BROKER_HEADERS = ("x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason",
                   "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason", "x-delivery-count",
                   REASON_HEADER, AT_HEADER)
_PROPERTIES = ("correlation_id", "reply_to", "priority", "expiration", "message_id", "timestamp", "type")


@dataclass(frozen=True)
class DeadLetter:
    id: str
    at: str  # ISO time it was dead-lettered ("" when the broker did not say)
    task: str | None  # the Celery task it would have run
    subject: str  # the input, as the ledger names it
    reason: str
    replayable: bool  # a well-formed task message: running it again can succeed

    def row(self) -> dict[str, Any]:
        """As a row of `ingest failures`, beside the ledger's failed entries."""
        return {"id": self.id, "at": self.at, "step": "broker", "status": "dead-lettered", "paper": None,
                "subject": self.subject, "detail": self.reason, "task": self.task, "replayable": self.replayable}


def publish(producer: Producer, queue: str, message: Message, reason: str) -> None:
    """Put `message` in the dead-letter queue of `queue` as it came, with `reason` (a confirmed publish)."""
    url = producer.connection.as_uri(include_password=True)
    dlx, dlq = dead_letter_names(queue)
    headers = dict(message.headers or {}) | {REASON_HEADER: reason[:1000],
                                             AT_HEADER: datetime.now(UTC).isoformat(timespec="seconds")}
    properties = {k: message.properties[k] for k in _PROPERTIES if message.properties.get(k) is not None}
    producer.publish(message.body, exchange=dlx, routing_key=dlq, headers=headers,
                     content_type=message.content_type or "application/octet-stream",
                     content_encoding=message.content_encoding or "binary", delivery_mode=2,
                     declare=[dead_letter_queue(queue, url)], retry=True, **properties)


def _raw(message: Message) -> bytes:
    body = message.body
    return body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")


def _message_id(message: Message) -> str:
    task_id = (message.headers or {}).get("id")
    if isinstance(task_id, str) and task_id:
        return ID_PREFIX + task_id
    return ID_PREFIX + hashlib.sha1(_raw(message)).hexdigest()[:20]


def _reason(headers: dict[str, Any]) -> str:
    if headers.get(REASON_HEADER):
        return str(headers[REASON_HEADER])
    deaths = headers.get("x-death") or []
    why = str(deaths[0].get("reason", "")) if deaths else str(headers.get("x-first-death-reason", ""))
    if why == "delivery_limit":
        return (f"delivered {DELIVERY_LIMIT + 1} times and never acknowledged: its worker died or lost the "
                "broker each time (a message that crashes the worker?)")
    if why == "rejected":
        return "rejected by a worker"
    return f"dead-lettered by the broker ({why or 'no reason given'})"


def _dead_at(headers: dict[str, Any]) -> str:
    if headers.get(AT_HEADER):
        return str(headers[AT_HEADER])
    deaths = headers.get("x-death") or []
    when = deaths[0].get("time") if deaths else None
    if isinstance(when, datetime):
        return when.astimezone(UTC).isoformat(timespec="seconds")
    return ""


def describe(message: Message) -> DeadLetter:
    headers = dict(message.headers or {})
    task = headers.get("task") if isinstance(headers.get("task"), str) else None
    subject, replayable = f"message {_message_id(message).removeprefix(ID_PREFIX)}", False
    if task and message.content_type == "application/json":
        try:
            args = json.loads(_raw(message).decode(message.content_encoding or "utf-8"))[0]
            replayable = True
            if args and isinstance(args[0], dict):
                subject = input_subject(args[0])
            else:
                subject = f"{task}{tuple(args)!r}"
        except (ValueError, TypeError, IndexError, KeyError, UnicodeDecodeError, LookupError):
            replayable = False
    return DeadLetter(id=_message_id(message), at=_dead_at(headers), task=task, subject=subject,
                      reason=_reason(headers), replayable=replayable)


def dead_letters(conn: Connection, queue: str, limit: int = 1000) -> list[DeadLetter]:
    """The dead letters of `queue`, oldest first (left in the queue)."""
    with conn.channel() as channel:
        dlq = dead_letter_queue(queue, conn.as_uri(include_password=True)).bind(channel)
        dlq.declare()
        found: list[DeadLetter] = []
        while len(found) < limit and (m := dlq.get(no_ack=False)) is not None:
            found.append(describe(m))
        return found  # closing the channel returns what was taken


def replay(conn: Connection, queue: str, ids: set[str] | None) -> list[tuple[DeadLetter, str | None]]:
    """Publish the dead letters named by `ids` (all replayable ones when None) to `queue` again and remove
    them from the dead letters. Returns each one handled with its task id (None: not replayable, left)."""
    url = conn.as_uri(include_password=True)
    done: list[tuple[DeadLetter, str | None]] = []
    with conn.channel() as channel:
        dlq = dead_letter_queue(queue, url).bind(channel)
        dlq.declare()
        target = work_queue(queue, url)
        producer = Producer(channel)
        # Only what is there now: a replayed message that fails again comes back behind these.
        for _ in range(dlq.queue_declare(passive=True).message_count):
            if (m := dlq.get(no_ack=False)) is None:
                break
            d = describe(m)
            if ids is not None and d.id not in ids:
                continue
            if not d.replayable:
                done.append((d, None))
                continue
            headers = {k: v for k, v in (m.headers or {}).items() if k not in _BROKER_HEADERS}
            properties = {k: m.properties[k] for k in _PROPERTIES if m.properties.get(k) is not None}
            producer.publish(m.body, exchange=target.exchange, routing_key=target.routing_key or queue,
                             headers=headers, content_type=m.content_type, content_encoding=m.content_encoding,
                             delivery_mode=2, declare=[target], **properties)
            m.ack()  # after the confirmed publish: a crash in between leaves a copy, never none
            done.append((d, headers.get("id")))
    return done

"""The worker's message consumer: a message that cannot be run goes to the dead letters with its reason.

Celery acknowledges (drops) a message whose body does not decode, and rejects one naming an unknown task
or malformed as a task, which on RabbitMQ dead-letters it as merely "rejected". Here each is sent to the
dead-letter queue with what was wrong (ingest.deadletter), then acknowledged: never lost, never retried,
and the worker goes on with the next message.
"""

from __future__ import annotations

import logging
from typing import Any

from celery.worker.consumer import Consumer
from kombu.message import Message

from ingest import deadletter

log = logging.getLogger(__name__)


class DeadLetteringConsumer(Consumer):
    def _dead_letter(self, message: Message, reason: str) -> None:
        queue = self.app.conf.task_default_queue  # a worker consumes the one queue of its settings
        log.error("dead-lettering a message of queue %s: %s", queue, reason)
        try:
            with self.app.producer_or_acquire() as producer:
                deadletter.publish(producer, queue, message, reason)
        except Exception as e:  # the broker's own dead-lettering still keeps it, with a vaguer reason
            log.error("could not publish the dead letter (%s); rejecting the message instead", e)
            message.reject_log_error(log, self.connection_errors)
            return
        message.ack_log_error(log, self.connection_errors)

    def on_decode_error(self, message: Message, exc: Exception) -> None:
        self._dead_letter(message, f"body cannot be decoded (content type {message.content_type!r}, "
                                   f"encoding {message.content_encoding!r}): {exc}")

    def on_unknown_message(self, body: Any, message: Message) -> None:
        self._dead_letter(message, "not a task message (no task name in its headers)")

    def on_unknown_task(self, body: Any, message: Message, exc: Exception) -> None:
        name = (message.headers or {}).get("task", "?")
        self._dead_letter(message, f"unknown task {name!r}: no worker of this version runs it")

    def on_invalid_task(self, body: Any, message: Message, exc: Exception) -> None:
        self._dead_letter(message, f"malformed task message: {exc}")

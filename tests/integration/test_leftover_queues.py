"""Test queues left by killed test sessions are deleted when a session starts; those of a session still
running, or still consumed, and every queue the tests do not name, stay."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest
from amqp.exceptions import NotFound
from kombu import Connection

from ingest.queue import dead_letter_queue, work_queue
from tests.integration.conftest import BROKER_URL, delete_queues, listed_queues, sweep_leftover_queues

pytestmark = pytest.mark.integration


def _dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def _exists(conn: Connection, name: str) -> bool:
    channel = conn.channel()
    try:
        channel.queue_declare(queue=name, passive=True)
        return True
    except NotFound:
        return False
    finally:
        channel.close()


def test_a_killed_sessions_queues_go_and_a_consumed_or_live_sessions_queues_stay():
    if listed_queues() is None:
        pytest.skip("the tests' broker is not the local RabbitMQ node that rabbitmqctl lists")
    run, dead = uuid.uuid4().hex[:8], _dead_pid()
    killed, consumed = f"test-ingest-pid{dead}-{run}", f"test-ingest-pid{dead}-{run}-consumed"
    live = f"test-ingest-pid{os.getpid()}-{run}"
    others = {f"ingest-pid{dead}-{run}", f"test-ingest-{run}-unconsumed"}  # not named by queue_name
    names = {killed, consumed, live, *others}
    with Connection(BROKER_URL) as conn, Connection(BROKER_URL) as reader:
        try:
            with conn.channel() as channel:
                for name in names:
                    dead_letter_queue(name, BROKER_URL).bind(channel).declare()
                    work_queue(name, BROKER_URL).bind(channel).declare()
            reading = reader.channel()
            reading.basic_consume(consumed, callback=lambda message: None)
            listed = listed_queues()
            assert listed is not None and names <= listed.keys()

            deleted = sweep_leftover_queues(BROKER_URL, listed)

            assert sorted(n for n in deleted if run in n) == [killed, f"{killed}.dead"]
            assert not _exists(conn, killed) and not _exists(conn, f"{killed}.dead")
            kept = {consumed, live, *others}
            assert all(_exists(conn, n) and _exists(conn, f"{n}.dead") for n in kept)
        finally:
            delete_queues(BROKER_URL, names)

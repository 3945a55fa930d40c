"""The RabbitMQ broker: messages that cannot run end as dead letters with their reason (never retried
forever, never stopping the worker), `ingest failures` lists them and `ingest replay` runs them again;
`ingest status` names the workers consuming the queue and fails without one."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from ingest.config import settings
from ingest.queue import DELIVERY_LIMIT, enqueue, is_amqp, make_celery, work_queue
from tests.integration.conftest import run_cli, start_worker, stop_worker

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def broker_worker(service_env, tmp_path_factory) -> Iterator[Any]:
    log = tmp_path_factory.mktemp("broker-logs") / "worker.log"
    proc = start_worker(service_env, "broker", log, include=("tests.integration.poison_tasks",))
    proc.log = log
    yield proc
    stop_worker(proc)


def _publish_raw(body: bytes, content_type: str, headers: dict[str, Any]) -> None:
    s = settings()
    queue = work_queue(s.queue, s.broker_url)
    with make_celery(s).connection_for_write() as conn:
        conn.Producer().publish(body, exchange=queue.exchange, routing_key=queue.routing_key,
                                content_type=content_type, content_encoding="utf-8", headers=headers,
                                declare=[queue])


def _dead_letter(dl_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = run_cli("failures", "--json")
        assert r.returncode == 0, r.stderr
        found = [f for f in json.loads(r.stdout) if f["id"] == dl_id]
        if found:
            return found[0]
        time.sleep(1)
    raise AssertionError(f"{dl_id} never reached the dead letters")


def test_a_malformed_message_is_dead_lettered_with_its_reason_and_the_worker_goes_on(broker_worker, tmp_path):
    _publish_raw(b'[[{"path": "/x"}], {}, {', "application/json", {"task": "ingest.index_archived", "id": "malformed-1"})
    dead = _dead_letter("dl-malformed-1")
    assert dead["step"] == "broker" and dead["status"] == "dead-lettered"
    assert dead["detail"].startswith("body cannot be decoded") and "application/json" in dead["detail"]
    assert dead["replayable"] is False
    # Taken once, not retried: the worker logged it a single time and still runs the next task.
    assert broker_worker.log.read_text(errors="replace").count("malformed-1") <= 2
    flag = tmp_path / "present"
    flag.touch()
    res = enqueue(make_celery(settings()).signature("test.crash_unless", args=(str(flag),)), settings().broker_url)
    assert res.get(timeout=60) == "survived"
    assert broker_worker.poll() is None
    r = run_cli("replay", "dl-malformed-1")
    assert "dl-malformed-1: cannot be run again" in r.stderr and r.returncode == 1


def test_a_message_naming_an_unknown_task_is_dead_lettered_as_such(broker_worker):
    _publish_raw(json.dumps([[{"path": "/nowhere.txt"}], {}, {}]).encode(), "application/json",
                 {"task": "ingest.no_such_step", "id": "unknown-task-1"})
    dead = _dead_letter("dl-unknown-task-1")
    assert "unknown task 'ingest.no_such_step'" in dead["detail"]
    assert dead["subject"] == "file:///nowhere.txt"


def test_a_message_that_kills_its_worker_is_dead_lettered_after_the_delivery_limit_and_replays(
        broker_worker, tmp_path):
    if not is_amqp(settings().broker_url):
        pytest.skip("a delivery limit is RabbitMQ's (the Redis broker has none: see the README)")
    flag = tmp_path / "fixed"
    s = settings()
    res = enqueue(make_celery(s).signature("test.crash_unless", args=(str(flag),)), s.broker_url)
    dead = _dead_letter(f"dl-{res.id}", timeout=120)
    assert "never acknowledged" in dead["detail"] and dead["replayable"] is True
    log = broker_worker.log.read_text(errors="replace")
    assert log.count("exited with 'exitcode 70'") >= DELIVERY_LIMIT  # delivered again and again, then stopped
    assert broker_worker.poll() is None
    flag.touch()  # the bug is fixed: replay runs it again, and it is gone from the dead letters
    r = run_cli("replay", dead["id"], "--wait")
    assert r.returncode == 0, r.stderr
    assert res.get(timeout=30) == "survived"
    assert dead["id"] not in {f["id"] for f in json.loads(run_cli("failures", "--json").stdout)}


def test_status_names_each_worker_consuming_the_queue_with_its_pid(broker_worker):
    r = run_cli("status", "--json")
    st = json.loads(r.stdout)
    [w] = st["broker"]["workers"]
    assert w["pid"] == broker_worker.pid and w["name"].startswith("broker@")
    assert w["concurrency"] == 2 and w["active"] == 0
    assert st["broker"]["ok"] and st["broker"]["ready"] == 0
    text = run_cli("status")
    assert f"worker {w['name']} pid {w['pid']}" in text.stdout


def test_status_shows_a_running_task_as_unacknowledged_with_its_age(broker_worker):
    s = settings()
    res = enqueue(make_celery(s).signature("test.sleep", args=(25,)), s.broker_url)
    started, w = time.monotonic(), {}
    while time.monotonic() - started < 20:  # a loaded machine takes seconds to start the CLI
        [w] = json.loads(run_cli("status", "--json").stdout)["broker"]["workers"]
        if w["active"] == 1 and (w["oldest_unacked_s"] or 0) >= 1:
            break
    assert w["active"] == 1 and w["unacknowledged"] == 1
    assert 1 <= w["oldest_unacked_s"] <= time.monotonic() - started + 1
    assert res.get(timeout=60) == 25


def test_status_exits_3_when_no_worker_consumes_the_queue(service_env):
    r = run_cli("status", env={"INGEST_QUEUE": service_env["INGEST_QUEUE"] + "-nobody"})
    assert r.returncode == 3
    assert "none consuming" in r.stdout

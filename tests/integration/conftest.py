"""Fixtures for the real services: Elasticsearch, RabbitMQ and Redis (started by deploy/test.sh), and a real
Celery worker started here, isolated from a developer's own (and from other test modules) by its own queue,
index, ledger and archive."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from amqp.exceptions import NotFound
from elasticsearch import Elasticsearch
from kombu import Connection

from ingest.config import DEFAULT_BROKER_URL, Settings
from ingest.es_client import client
from ingest.queue import dead_letter_names, is_amqp
from tests.conftest import REPO
from tests.fixture_site import FixtureSite

ES_URL = os.environ.get("INGEST_ES_URL", "http://127.0.0.1:9200")
REDIS_BASE = os.environ.get("INGEST_TEST_REDIS", "redis://127.0.0.1:6379")
BROKER_URL = os.environ.get("INGEST_TEST_BROKER", DEFAULT_BROKER_URL)
_queues_used: set[str] = set()  # work queues the tests' workers consumed: deleted with their module
# A test queue's name holds the pid of the test session that made it (queue_name): a later session tells the
# leftovers of a killed one from the queues of a session still running beside it.
TEST_QUEUE = re.compile(r"^test-[a-z]+-pid(?P<pid>\d+)-")


def queue_name(kind: str, run: str) -> str:
    """The name of a test work queue (its dead-letter queue and exchanges are named after it)."""
    return f"test-{kind}-pid{os.getpid()}-{run}"


def _check_services() -> None:
    try:
        Elasticsearch(ES_URL).cluster.health(wait_for_status="yellow", timeout="10s")
    except Exception as e:  # the suite cannot run: say how to fix it
        pytest.exit(f"Elasticsearch is not reachable at {ES_URL} ({e}); run the tests with deploy/test.sh", 3)
    try:
        redis.Redis.from_url(REDIS_BASE).ping()
    except Exception as e:
        pytest.exit(f"Redis is not reachable at {REDIS_BASE} ({e}); run the tests with deploy/test.sh", 3)
    try:
        with Connection(BROKER_URL, connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as e:
        pytest.exit(f"the broker is not reachable at {BROKER_URL} ({e}); run the tests with deploy/test.sh", 3)


def delete_queues(broker_url: str, names: set[str]) -> None:
    """Delete work queues and their dead-letter queues and exchanges: quorum queues outlive their users."""
    with Connection(broker_url) as conn, conn.channel() as channel:
        for name in names:
            dlx, dlq = dead_letter_names(name)
            for q in (name, dlq):
                channel.queue_delete(q)
            if is_amqp(broker_url):
                for ex in (name, dlx):
                    channel.exchange_delete(ex)


def _session_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def listed_queues() -> dict[str, int] | None:
    """Every queue of the local RabbitMQ node and its consumer count (deploy/rabbitmq.sh queues), or None
    when the tests' broker is not that node or rabbitmqctl cannot reach it."""
    url = urlsplit(BROKER_URL)
    local = (url.hostname in ("127.0.0.1", "localhost")
             and (url.port or 5672) == int(os.environ.get("INGEST_RABBITMQ_PORT", "5672")))
    if not (is_amqp(BROKER_URL) and local):
        return None
    r = subprocess.run(["bash", str(REPO / "deploy" / "rabbitmq.sh"), "queues"], capture_output=True, text=True,
                       timeout=90)
    if r.returncode != 0:
        warnings.warn(f"leftover test queues not swept: deploy/rabbitmq.sh queues failed: {r.stderr.strip()[-500:]}",
                      stacklevel=2)
        return None
    return {name: int(consumers) for name, consumers in (line.split("\t") for line in r.stdout.splitlines() if line)}


def sweep_leftover_queues(broker_url: str, queues: dict[str, int]) -> list[str]:
    """Delete the test queues (each work queue with its dead-letter queue and exchanges) of test sessions that
    are gone, from `queues` (name → consumers): a run killed midway leaves its quorum queues behind, and many
    of them make a RabbitMQ restart slow. A queue a consumer still reads (a worker that outlived its session)
    stays with its dead-letter queue, as does every queue not named by queue_name. Returns the queues deleted."""
    sessions = {name.removesuffix(".dead"): int(m["pid"]) for name in queues if (m := TEST_QUEUE.match(name))}
    deleted = []
    with Connection(broker_url) as conn:
        for work, pid in sorted(sessions.items()):
            mine = [q for q in (work, dead_letter_names(work)[1]) if q in queues]
            if _session_alive(pid) or any(queues[q] for q in mine) or _consumed(conn, mine):
                continue
            with conn.channel() as channel:
                for q in mine:
                    channel.queue_delete(q)
                for exchange in (work, dead_letter_names(work)[0]):
                    channel.exchange_delete(exchange)
            deleted += mine
    return deleted


def _consumed(conn: Connection, names: list[str]) -> bool:
    """Whether any of the queues has a consumer now (counted again just before deleting: quorum queues refuse
    queue.delete's if-unused flag)."""
    for name in names:
        channel = conn.channel()
        try:
            if channel.queue_declare(queue=name, passive=True)[2]:
                return True
        except NotFound:  # deleted meanwhile
            pass
        finally:
            try:
                channel.close()
            except Exception:  # noqa: BLE001 (a channel the broker closed on NOT_FOUND is already gone)
                pass
    return False


@pytest.fixture(scope="session", autouse=True)
def _delete_leftover_queues() -> Iterator[None]:
    """Test queues of earlier sessions that were killed go at the start; queues of modules that built their
    own environment go at the end of the session."""
    queues = listed_queues()
    if queues is not None:
        sweep_leftover_queues(BROKER_URL, queues)
    yield
    if _queues_used:
        delete_queues(BROKER_URL, set(_queues_used))


@pytest.fixture(scope="module")
def service_env(tmp_path_factory) -> Iterator[dict[str, str]]:
    """Environment of an isolated ingest installation on the shared services: one per test module, so a
    module's assertions on what is indexed never see another module's documents."""
    _check_services()
    run = uuid.uuid4().hex[:8]
    var = tmp_path_factory.mktemp("var")
    env = {
        "INGEST_ES_URL": ES_URL,
        "INGEST_BROKER_URL": BROKER_URL,
        "INGEST_RESULT_BACKEND": f"{REDIS_BASE}/6",
        "INGEST_REDIS_URL": f"{REDIS_BASE}/7",
        "INGEST_INDEX": f"test-articles-{run}",
        "INGEST_LEDGER_INDEX": f"test-ledger-{run}",
        # A queue of its own: test sessions running side by side never take each other's tasks.
        "INGEST_QUEUE": queue_name("ingest", run),
        "INGEST_VAR": str(var),
        "INGEST_ARCHIVE_DIR": str(var / "archive"),
        "INGEST_INBOX_DIR": str(var / "inbox"),
        "INGEST_METRICS_DIR": str(var / "metrics"),
        # Tests poll the index for what the workers wrote: a refresh every second keeps each wait short (the
        # default, longer interval is tested on its own in test_neardup_es).
        "INGEST_ES_REFRESH_S": "1",
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield env
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    es = Elasticsearch(ES_URL)
    es.indices.delete(index=f"test-articles-{run}-*,test-ledger-{run}", ignore_unavailable=True,
                      allow_no_indices=True)
    mine = {q for q in _queues_used if q.startswith(env["INGEST_QUEUE"])} | {env["INGEST_QUEUE"]}
    delete_queues(env["INGEST_BROKER_URL"], mine)
    _queues_used.difference_update(mine)


def start_worker(env: dict[str, str], name: str, log: Path, extra_env: dict[str, str] | None = None,
                 concurrency: int = 2, include: tuple[str, ...] = (), loglevel: str = "INFO") -> subprocess.Popen:
    full_env = os.environ | env | (extra_env or {})
    _queues_used.add(full_env["INGEST_QUEUE"])
    start = log.stat().st_size if log.exists() else 0  # a restarted worker appends to its log
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tasks.app", "worker", "--queues", full_env["INGEST_QUEUE"], "--loglevel", loglevel,
         "--concurrency", str(concurrency), "--hostname", f"{name}@%h", "--without-mingle", "--without-gossip",
         *(f"--include={m}" for m in include)],
        cwd=REPO, env=full_env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"worker {name} exited: {log.read_text(errors='replace')[-2000:]}")
        if b"ready." in log.read_bytes()[start:]:
            proc.log_path = log  # type: ignore[attr-defined]
            return proc
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"worker {name} not ready in 60 s: {log.read_text(errors='replace')[-2000:]}")


def stop_worker(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def worker(service_env, tmp_path_factory) -> Iterator[subprocess.Popen]:
    proc = start_worker(service_env, "test", tmp_path_factory.mktemp("logs") / "worker.log")
    yield proc
    stop_worker(proc)


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=REPO, env=os.environ | (env or {}),
                          capture_output=True, text=True, timeout=timeout)


def failure_of(path: Path, wait_s: float = 30) -> dict | None:
    """The ledger's failed entry for the file at `path`, waited for: a failure is recorded right after
    the task's result is."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        failures = json.loads(run_cli("failures", "--json").stdout)
        entry = next((f for f in failures if f["subject"] == path.resolve().as_uri()), None)
        if entry is not None:
            return entry
    return None


@pytest.fixture(scope="module")
def fixture_site() -> Iterator[FixtureSite]:
    """The fixture sites, served over real HTTP on 127.0.0.1: one server per test module."""
    with FixtureSite() as s:
        yield s


@pytest.fixture
def site(fixture_site: FixtureSite) -> FixtureSite:
    """The fixture site with nothing left programmed by an earlier test (a module may override this)."""
    fixture_site.reset()
    return fixture_site


@pytest.fixture
def es(service_env) -> Elasticsearch:
    return client(Settings.from_env(service_env))

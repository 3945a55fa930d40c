"""Fixtures for the real services: Elasticsearch and Redis (started by deploy/test.sh), and a real Celery
worker started here, isolated from a developer's own (and from other test modules) by its own queue,
index, ledger and archive."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from elasticsearch import Elasticsearch

from tests.conftest import REPO
from tests.fixture_site import FixtureSite

ES_URL = os.environ.get("INGEST_ES_URL", "http://127.0.0.1:9200")
REDIS_BASE = os.environ.get("INGEST_TEST_REDIS", "redis://127.0.0.1:6379")


def _check_services() -> None:
    try:
        Elasticsearch(ES_URL).cluster.health(wait_for_status="yellow", timeout="10s")
    except Exception as e:  # the suite cannot run: say how to fix it
        pytest.exit(f"Elasticsearch is not reachable at {ES_URL} ({e}); run the tests with deploy/test.sh", 3)
    try:
        redis.Redis.from_url(REDIS_BASE).ping()
    except Exception as e:
        pytest.exit(f"Redis is not reachable at {REDIS_BASE} ({e}); run the tests with deploy/test.sh", 3)


@pytest.fixture(scope="module")
def service_env(tmp_path_factory) -> Iterator[dict[str, str]]:
    """Environment of an isolated ingest installation on the shared services: one per test module, so a
    module's assertions on what is indexed never see another module's documents."""
    _check_services()
    run = uuid.uuid4().hex[:8]
    var = tmp_path_factory.mktemp("var")
    env = {
        "INGEST_ES_URL": ES_URL,
        "INGEST_BROKER_URL": f"{REDIS_BASE}/5",
        "INGEST_RESULT_BACKEND": f"{REDIS_BASE}/6",
        "INGEST_REDIS_URL": f"{REDIS_BASE}/7",
        "INGEST_INDEX": f"test-articles-{run}",
        "INGEST_LEDGER_INDEX": f"test-ledger-{run}",
        # A queue of its own: test sessions running side by side never take each other's tasks.
        "INGEST_QUEUE": f"test-ingest-{run}",
        "INGEST_VAR": str(var),
        "INGEST_ARCHIVE_DIR": str(var / "archive"),
        "INGEST_INBOX_DIR": str(var / "inbox"),
        "INGEST_METRICS_DIR": str(var / "metrics"),
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


def start_worker(env: dict[str, str], name: str, log: Path, extra_env: dict[str, str] | None = None,
                 concurrency: int = 2) -> subprocess.Popen:
    full_env = os.environ | env | (extra_env or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tasks.app", "worker", "--queues", full_env["INGEST_QUEUE"], "--loglevel", "INFO",
         "--concurrency", str(concurrency), "--hostname", f"{name}@%h", "--without-mingle", "--without-gossip"],
        cwd=REPO, env=full_env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"worker {name} exited: {log.read_text(errors='replace')[-2000:]}")
        if b"ready." in log.read_bytes():
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
    return Elasticsearch(service_env["INGEST_ES_URL"])

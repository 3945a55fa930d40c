"""Elasticsearch credentials (an API key, or a user with a password file) reach the client and nothing
else: not `ingest status`, not the worker's log even at DEBUG. The local node has security off, so it
accepts any credentials; what is checked here is where they must not show up."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from tests.conftest import SAMPLE_PAGE
from tests.integration.conftest import run_cli, start_worker, stop_worker

pytestmark = pytest.mark.integration


def _leaks(text: str, secret: str) -> bool:
    return secret in text or base64.b64encode(secret.encode()).decode() in text


def test_status_with_basic_auth_shows_neither_the_password_nor_its_file_contents(service_env, tmp_path):
    password = f"pw-{uuid.uuid4().hex}"
    pw_file = tmp_path / "es-password"
    pw_file.write_text(password + "\n")
    env = {"INGEST_ES_USER": "ingest", "INGEST_ES_PASSWORD_FILE": str(pw_file)}
    for args in (("status", "--json"), ("status",)):
        r = run_cli(*args, env=env)
        assert "Elasticsearch" in r.stdout or "elasticsearch" in r.stdout
        assert not _leaks(r.stdout + r.stderr, password)
    assert json.loads(run_cli("status", "--json", env=env).stdout)["elasticsearch_ok"] is True


def test_a_worker_with_an_api_key_indexes_and_logs_no_key(service_env, tmp_path):
    api_key = base64.b64encode(f"id-{uuid.uuid4().hex[:8]}:{uuid.uuid4().hex}".encode()).decode()
    env = {"INGEST_ES_API_KEY": api_key}
    log = tmp_path / "worker.log"
    worker = start_worker(service_env, "creds", log, extra_env=env, concurrency=1, loglevel="DEBUG")
    try:
        r = run_cli("add", str(SAMPLE_PAGE), "--paper", "zjgrrb", "--wait", env=env)
        assert r.returncode == 0, r.stderr
        status = run_cli("status", "--json", env=env)
    finally:
        stop_worker(worker)
    assert "indexed 7 articles" in r.stderr
    assert not _leaks(log.read_text(errors="replace"), api_key)
    assert not _leaks(r.stdout + r.stderr + status.stdout + status.stderr, api_key)


def test_a_password_file_that_cannot_be_read_is_a_one_line_config_error(service_env, tmp_path):
    r = run_cli("search", "小康", env={"INGEST_ES_USER": "ingest",
                                      "INGEST_ES_PASSWORD_FILE": str(tmp_path / "missing")})
    assert r.returncode == 2
    assert "INGEST_ES_PASSWORD_FILE: cannot read" in r.stderr and "Traceback" not in r.stderr

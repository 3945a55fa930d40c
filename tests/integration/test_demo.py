"""What a newcomer runs first, run as they run it: `bash deploy/local.sh demo`, twice.

The demo starts the worker, beat, mail watcher and demo e-paper site of the local stack (on the shared
Elasticsearch, Redis and IMAP server), asks for a discovery of the site, mails an edition, and waits until
both editions are searchable. This module gives it an installation of its own (var folder, queue, index,
ledger, Redis prefix, IMAP folder), and stops what the demo started — but not the shared services, which
the rest of the suite still uses.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import urllib.request
import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from tests.conftest import REPO
from tests.integration.test_mailbox import dovecot_env

pytestmark = pytest.mark.integration

# What the demo starts beyond the shared services.
STARTED = ("serve.sh", "celery.sh", "demo-site.sh")
MANIFEST = json.loads((REPO / "deploy" / "demo" / "edition.json").read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def local(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(REPO / "deploy" / "local.sh"), *args], cwd=REPO, env=os.environ | env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def demo_env(service_env, tmp_path_factory) -> Iterator[dict[str, str]]:
    run = uuid.uuid4().hex[:8]
    var = tmp_path_factory.mktemp("demo-var")
    env = service_env | dovecot_env(INGEST_IMAP_FOLDERS=f"demo{run}", INGEST_IMAP_QUARANTINE=f"demo{run}-quarantine") | {
        "INGEST_VAR": str(var), "INGEST_ARCHIVE_DIR": str(var / "archive"), "INGEST_INBOX_DIR": str(var / "inbox"),
        "INGEST_REDIS_PREFIX": f"demo{run}", "INGEST_DEMO_TIMEOUT": "240", "INGEST_SERVE_PORT": str(free_port())}
    yield env
    for script in STARTED:
        subprocess.run(["bash", str(REPO / "deploy" / script), "down"], env=os.environ | env, capture_output=True,
                       timeout=120)


@pytest.fixture(scope="module")
def first_run(demo_env) -> subprocess.CompletedProcess[str]:
    return local(demo_env, "demo")


@pytest.fixture(scope="module")
def second_run(first_run, demo_env) -> subprocess.CompletedProcess[str]:
    assert first_run.returncode == 0, first_run.stderr[-3000:]
    return local(demo_env, "demo")


def source_counts(es: Elasticsearch, index: str) -> dict[str, int]:
    es.indices.refresh(index=index)
    return {kind: es.count(index=index, query={"term": {"sources.kind": kind}})["count"] for kind in ("site", "mail")}


def test_demo_indexes_the_site_edition_and_the_mailed_edition_through_the_running_workers(first_run, demo_env):
    assert first_run.returncode == 0, first_run.stderr[-3000:]
    es = Elasticsearch(demo_env["INGEST_ES_URL"])
    counts = source_counts(es, demo_env["INGEST_INDEX"])
    assert counts == {"site": MANIFEST["site"]["articles"], "mail": MANIFEST["mail"]["articles"]}
    said = first_run.stdout + first_run.stderr
    assert "pages queued" in said  # the discovery task's own answer
    assert "the mail watcher takes it" in said


def test_demo_searches_show_a_collapsed_near_duplicate_a_mail_only_story_and_the_status(first_run):
    out = first_run.stdout
    collapsed, mail_only, _ = out.split("hit(s)")[1:4]
    assert "“红船精神”进企业" in collapsed and "near-duplicate" in collapsed
    assert "省外扶贫协作消费发力" in mail_only and "小康路上" not in mail_only
    assert "Ledger:" in out and "Mailbox" in out


def test_demo_ends_with_the_address_of_a_search_page_that_answers(first_run, demo_env):
    said = first_run.stdout + first_run.stderr
    page = f"http://127.0.0.1:{demo_env['INGEST_SERVE_PORT']}/"
    assert f"the search page: {page}" in said
    with urllib.request.urlopen(f"{page}?q=%E7%BA%A2%E8%88%B9%E7%B2%BE%E7%A5%9E", timeout=30) as r:
        assert "红船精神" in r.read().decode("utf-8")


def test_a_second_demo_run_indexes_nothing_twice_and_says_so(second_run, demo_env):
    assert second_run.returncode == 0, second_run.stderr[-3000:]
    said = second_run.stdout + second_run.stderr
    assert "complete, nothing to fetch" in said
    assert said.count("already indexed") >= 2
    es = Elasticsearch(demo_env["INGEST_ES_URL"])
    assert source_counts(es, demo_env["INGEST_INDEX"]) == {"site": MANIFEST["site"]["articles"],
                                                          "mail": MANIFEST["mail"]["articles"]}


def test_stopping_the_demo_leaves_neither_its_site_nor_its_workers_running(second_run, demo_env):
    for script in STARTED:
        subprocess.run(["bash", str(REPO / "deploy" / script), "down"], env=os.environ | demo_env,
                       capture_output=True, timeout=120, check=True)
    status = local(demo_env, "status")
    assert "demo site down" in status.stderr
    [celery] = [line for line in status.stderr.splitlines() if line.startswith("[celery]")]
    assert "worker" in celery and "down" in celery
    assert "search service down" in status.stderr

"""Mailbox → archive → parse → the shared flow on a real Celery worker → Elasticsearch → search, through the
operator's commands: `ingest mail poll`, `ingest search`, `ingest mail quarantine`, `ingest mail requeue`."""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
import time
import uuid

import pytest
from elasticsearch import Elasticsearch

from ingest.sources.mail import MailboxSettings
from ingest.sources.mail.mailbox import mail_status, session
from tests.fixtures.mail import kit
from tests.conftest import REPO
from tests.integration.conftest import run_cli
from tests.integration.test_mailbox import dovecot_env

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def mail_env(service_env) -> dict[str, str]:
    folder = f"e2e{uuid.uuid4().hex[:8]}"
    return dovecot_env(INGEST_IMAP_FOLDERS=folder, INGEST_IMAP_QUARANTINE=f"{folder}-quarantine")


def cli(env: dict[str, str], *args: str) -> dict | list:
    r = run_cli(*args, "--json", env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def mail_docs(es: Elasticsearch, index: str) -> list[dict]:
    es.indices.refresh(index=index)
    hits = es.search(index=index, size=100, query={"term": {"sources.kind": "mail"}})["hits"]["hits"]
    return [h["_source"] | {"_id": h["_id"]} for h in hits]


def wait_for_docs(es: Elasticsearch, index: str, count: int, timeout: float = 120) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        docs = mail_docs(es, index) if es.indices.exists(index=index) else []
        if len(docs) >= count or time.monotonic() > deadline:
            return docs
        time.sleep(0.5)


@pytest.fixture(scope="module")
def delivered(mail_env, service_env, worker) -> dict:
    es = Elasticsearch(service_env["INGEST_ES_URL"])
    p1, _ = kit.page_pdf(1)
    p2, _ = kit.page_pdf(2)
    edition = kit.edition_mail([("第1版.pdf", p1), ("第2版.pdf", p2)])
    corrupt = kit.edition_mail([("第1版.pdf", kit.corrupt_pdf())], subject="corrupt edition")
    with session(MailboxSettings.from_env(mail_env)) as c:
        folder = mail_env["INGEST_IMAP_FOLDERS"]
        c.create_folder(folder)
        for m in (edition, corrupt, edition):  # the same edition delivered twice, a bad message between
            c.append(folder, m)
    report = cli(mail_env, "mail", "poll")
    docs = wait_for_docs(es, service_env["INGEST_INDEX"], 6)
    return {"report": report, "docs": docs}


def test_poll_queues_good_mail_and_quarantines_the_bad_with_its_reason(delivered):
    report = delivered["report"]
    assert len(report["delivered"]) == 2
    [q] = report["quarantined"]
    assert "第1版.pdf: not a readable PDF" in q["reason"]


def test_every_article_of_the_mailed_pages_is_indexed_once_although_the_edition_came_twice(delivered, es,
                                                                                          service_env):
    time.sleep(2)  # let the second copy's flow finish too
    docs = mail_docs(es, service_env["INGEST_INDEX"])
    assert len(docs) == 6
    assert {(d["paper"], d["date"]) for d in docs} == {("zjgrrb", "2020-06-25")}
    assert sorted(d["page"]["number"] for d in docs) == [1, 1, 1, 1, 2, 2]
    assert all(d["sources"][0]["uri"].startswith("mail:") for d in docs)


def test_a_mailed_article_is_found_by_search(delivered, mail_env):
    hits = cli(mail_env, "search", "朋友圈", "--paper", "zjgrrb")["hits"]
    assert any(h["title"] == "一条朋友圈信息圆了困难学子上学梦" and h["page"] == 1 for h in hits)
    hits = cli(mail_env, "search", "兜底", "--page", "2")["hits"]
    assert [h["title"] for h in hits] == ["医疗、求学、就业确保“兜底”"]


def test_quarantine_is_listed_counted_and_requeued_by_the_operator(delivered, mail_env, service_env):
    rows = cli(mail_env, "mail", "quarantine")
    assert [r["subject"] for r in rows] == ["corrupt edition"]
    assert "not a readable PDF" in rows[0]["reason"]
    assert mail_status(service_env["INGEST_REDIS_URL"], mail_env)["quarantined"] == 1
    r = run_cli("mail", "requeue", str(rows[0]["uid"]), env=mail_env)
    assert r.returncode == 0, r.stderr
    # Still corrupt: the next poll puts it back, with the same reason, and ingests nothing.
    again = cli(mail_env, "mail", "poll")
    assert again["delivered"] == [] and len(again["quarantined"]) == 1
    assert mail_status(service_env["INGEST_REDIS_URL"], mail_env)["quarantined"] == 1


def test_a_poll_with_nothing_new_queues_nothing(delivered, mail_env):
    report = cli(mail_env, "mail", "poll")
    assert report["delivered"] == [] and report["quarantined"] == []


def test_the_scheduled_poll_task_feeds_the_same_flow(delivered, service_env):
    folder = f"beat{uuid.uuid4().hex[:8]}"
    env = dovecot_env(INGEST_IMAP_FOLDERS=folder, INGEST_IMAP_QUARANTINE=f"{folder}-quarantine")
    p2, _ = kit.page_pdf(2)
    resent = kit.edition_mail([("第2版.pdf", p2)], subject="浙江工人日报2020年6月25日 第2版重发")
    with session(MailboxSettings.from_env(env)) as c:
        c.create_folder(folder)
        c.append(folder, resent)
    # The task body as the beat would have a worker run it, in a process of its own with the mailbox's
    # settings; the flow it queues is indexed by the test worker.
    code = "import json; from tasks.mail import poll; print(json.dumps(poll.apply().get()))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=os.environ | env, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"delivered": 1, "quarantined": 0, "deferred": 0,
                                                                "busy": False}
    es = Elasticsearch(service_env["INGEST_ES_URL"])
    uri = "mail:" + email.message_from_bytes(resent)["Message-ID"].strip("<>")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        es.indices.refresh(index=service_env["INGEST_INDEX"])
        hits = es.search(index=service_env["INGEST_INDEX"], query={"term": {"sources.uri": uri}})["hits"]["hits"]
        if len(hits) == 2:
            break
        time.sleep(0.5)
    # The re-sent page's articles are the ones already indexed: the same documents, now naming both mails.
    assert sorted(h["_source"]["title"] for h in hits) == ["医疗、求学、就业确保“兜底”", "省外扶贫协作消费发力"]
    assert len(mail_docs(es, service_env["INGEST_INDEX"])) == 6

"""Bad input on the real services: `ingest add` of a batch with bad files stores and queues nothing, and an
input that passes the CLI's checks but fails in a worker is in the ledger with its reason and archived
bytes while the rest of its edition lands."""

from __future__ import annotations

import hashlib

import pytest
from elasticsearch import Elasticsearch

from ingest.queue import queue_depth
from tests.conftest import FIXTURES, SAMPLE_PAGE
from tests.fixtures.bad_inputs import corpus
from tests.integration.conftest import failure_of, run_cli, start_worker, stop_worker

pytestmark = pytest.mark.integration

INNER_PAGE = FIXTURES / "page_text" / "inner_page_header.txt"
BAD = {"stream-bomb.pdf": "pdf_max_stream_bytes", "deep.htm": "html_max_depth", "random.txt": "no encoding fits",
       "spam-gb2312.eml": "not an edition", "lying-bom.txt": "byte order mark", "empty.txt": "the file is empty"}


def _files(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


def test_add_of_a_batch_with_bad_files_names_each_and_stores_and_queues_nothing(service_env, tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "page01.txt").write_bytes(SAMPLE_PAGE.read_bytes())
    for name, data in corpus():
        if name in BAD:
            (batch / name).write_bytes(data)
    queue = service_env["INGEST_QUEUE"] + "-unconsumed"  # no worker takes from it: what is queued stays
    r = run_cli("add", str(batch), "--paper", "zjgrrb", env={"INGEST_QUEUE": queue})
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    for name, problem in BAD.items():
        line = next((ln for ln in r.stderr.splitlines() if name in ln), "")
        assert problem in line, (name, r.stderr)
    assert f"nothing queued: {len(BAD)} of {len(BAD) + 1} files cannot be ingested" in r.stderr
    assert queue_depth(service_env["INGEST_BROKER_URL"], queue) == (True, 0)
    assert not _files_in_archive(service_env)


def _files_in_archive(service_env) -> list:
    from pathlib import Path

    root = Path(service_env["INGEST_ARCHIVE_DIR"])
    return _files(root) if root.exists() else []


@pytest.fixture(scope="module")
def strict_worker(service_env, tmp_path_factory):
    """A worker whose operator set a lower bound than the CLI's: a page the CLI accepted fails there."""
    proc = start_worker(service_env, "strict", tmp_path_factory.mktemp("logs") / "worker.log",
                        extra_env={"INGEST_MAX_TEXT_BYTES": "8000"})
    yield proc
    stop_worker(proc)


def test_an_input_failing_in_the_worker_is_in_the_ledger_with_its_archived_bytes_and_the_rest_lands(
        service_env, strict_worker, tmp_path):
    from ingest.archive import Archive
    from ingest.config import settings

    front, inner = tmp_path / "page01.txt", tmp_path / "page04.txt"
    front.write_bytes(SAMPLE_PAGE.read_bytes())  # 16 kB: over the worker's 8000 bytes
    inner.write_bytes(INNER_PAGE.read_bytes())
    r = run_cli("add", str(front), str(inner), "--paper", "zjgrrb", "--date", "2020-06-25", "--wait", timeout=600)
    assert r.returncode == 1, r.stderr  # --wait reports the failure
    assert "page01.txt" in r.stderr and "max_text_bytes" in r.stderr and "Traceback" not in r.stderr
    entry = failure_of(front, 60)
    assert entry is not None
    assert entry["step"] == "parse" and "max_text_bytes" in entry["detail"]
    digest = hashlib.sha256(SAMPLE_PAGE.read_bytes()).hexdigest()
    assert entry["archive_hash"] == digest
    assert Archive(settings().archive_dir).get(digest) == SAMPLE_PAGE.read_bytes()
    es = Elasticsearch(service_env["INGEST_ES_URL"])
    es.indices.refresh(index=service_env["INGEST_INDEX"])
    hits = es.search(index=service_env["INGEST_INDEX"], size=100, query={"match_all": {}})["hits"]["hits"]
    pages = {h["_source"]["page"]["number"] for h in hits}
    assert hits and pages == {4}, pages  # the inner page's articles are searchable; page 1 is only in the ledger
    assert strict_worker.poll() is None

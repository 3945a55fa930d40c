"""The spine end to end on the real services: CLI → Celery worker → Elasticsearch → search."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from elasticsearch import Elasticsearch

from ingest.queue import queue_depth
from tests.conftest import REPO, SAMPLE_PAGE
from tests.integration.conftest import failure_of, run_cli, start_worker, stop_worker
from tests.integration.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration


def _search(query: str, *extra: str) -> dict:
    r = run_cli("search", query, "--json", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _ids(es: Elasticsearch, index: str) -> set[str]:
    es.indices.refresh(index=index)
    return {h["_id"] for h in es.search(index=index, size=1000, _source=False)["hits"]["hits"]}


@pytest.fixture(scope="module")
def ingested(service_env, worker):
    r = run_cli("add", str(SAMPLE_PAGE), "--paper", "zjgrrb", "--wait")
    assert r.returncode == 0, r.stderr
    return r


def test_add_wait_indexes_the_sample_page_and_reports_it(ingested, es, service_env):
    assert "indexed" in ingested.stderr
    docs = es.search(index=service_env["INGEST_INDEX"], size=100)["hits"]["hits"]
    titles = {d["_source"]["title"] for d in docs}
    assert len(docs) >= 5
    assert all(d["_source"]["paper"] == "zjgrrb" and d["_source"]["date"] == "2020-06-25" for d in docs)
    assert any("小康" in t for t in titles)
    assert all(d["_source"]["sources"][0]["kind"] == "file" for d in docs)


def test_a_multi_character_term_finds_only_documents_that_contain_it_as_written(ingested):
    hits = _search("疗休养")["hits"]
    assert hits, "疗休养 should be found"
    assert all("<em>疗休养</em>" in " ".join(h["highlight"]["body"]) for h in hits)
    # 养 and 休 and 疗 each occur elsewhere on the page, but never as 疗休养 outside the long article.
    assert {h["paper"] for h in hits} == {"zjgrrb"}
    assert _search("休疗养")["total"] == 0


def test_a_phrase_split_across_a_column_break_is_found_because_the_parser_joined_it(ingested):
    # Printed as "…所辖基层工会在发" | "放工会会员节日慰问品时…" in two columns.
    assert _search("基层工会在发放工会会员节日慰问品")["total"] == 1
    # Printed as "携起困难职" | "工的手".
    assert _search("携起困难职工的手")["total"] >= 1


def test_titles_weigh_more_than_bodies(ingested):
    hits = _search("红船精神")["hits"]
    assert hits and "红船精神" in hits[0]["title"]


def test_search_json_has_the_documented_shape_and_filters_work(ingested):
    result = _search("工会", "--paper", "zjgrrb", "--since", "2020-06-25", "--until", "2020-06-25", "--page", "1",
                     "--limit", "3")
    assert result["total"] >= 3 and len(result["hits"]) == 3
    from ingest.search import Hit

    assert set(result["hits"][0]) == set(Hit.__annotations__)
    scores = [h["score"] for h in result["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert _search("工会", "--since", "2020-06-26")["total"] == 0
    assert _search("工会", "--paper", "other")["total"] == 0
    assert _search("工会", "--page", "2")["total"] == 0


def test_search_prints_paper_date_page_title_and_a_marked_snippet(ingested):
    r = run_cli("search", "疗休养", "--limit", "1")
    assert r.returncode == 0, r.stderr
    assert "浙江工人日报 2020-06-25 第1版" in r.stdout
    assert "疗休养" in r.stdout and "…" in r.stdout


def test_adding_the_same_file_again_keeps_the_same_documents(ingested, es, service_env):
    index = service_env["INGEST_INDEX"]
    before = _ids(es, index)
    stamps = {h["_id"]: h["_source"]["ingested_at"] for h in es.search(index=index, size=100)["hits"]["hits"]}
    r = run_cli("add", str(SAMPLE_PAGE), "--paper", "zjgrrb", "--wait")
    assert r.returncode == 0, r.stderr
    assert _ids(es, index) == before
    after = {h["_id"]: h["_source"]["ingested_at"] for h in es.search(index=index, size=100)["hits"]["hits"]}
    assert after == stamps  # nothing changed, so nothing was rewritten


def test_the_same_article_from_another_file_is_one_document_listing_both_sources(ingested, es, service_env,
                                                                               tmp_path):
    copy = tmp_path / "page01-copy.txt"
    shutil.copy(SAMPLE_PAGE, copy)
    copy.write_bytes(SAMPLE_PAGE.read_bytes() + b"\n")  # other bytes, same articles
    index = service_env["INGEST_INDEX"]
    before = _ids(es, index)
    r = run_cli("add", str(copy), "--paper", "zjgrrb", "--wait")
    assert r.returncode == 0, r.stderr
    assert _ids(es, index) == before
    doc = es.search(index=index, size=1, query={"match_phrase": {"body": "疗休养"}})["hits"]["hits"][0]["_source"]
    assert {urlparse(s["uri"]).path.rsplit("/", 1)[-1] for s in doc["sources"]} == {"page01.txt", "page01-copy.txt"}


@pytest.mark.parametrize("name,content,problem", [
    ("empty.txt", b"", "the file is empty"),
    ("binary.txt", bytes(range(256)) * 4, "binary data"),
    ("gbk.txt", "浙江工人日报 第11557号 省总工会".encode("gbk") + b"\x80\xff", "no encoding fits"),
    ("masthead-only.txt", "浙江工人日报\n\n2020年6月25日 星期四\n\n第11557号\n".encode("gb18030"), "no articles found"),
])
def test_bad_files_are_refused_by_name_and_nothing_is_indexed(ingested, es, service_env, worker, tmp_path, name,
                                                             content, problem):
    bad = tmp_path / name
    bad.write_bytes(content)
    index = service_env["INGEST_INDEX"]
    before = _ids(es, index)
    r = run_cli("add", str(bad), "--paper", "zjgrrb", "--wait")
    assert r.returncode == 1
    assert name in r.stderr and problem in r.stderr and "nothing queued" in r.stderr
    assert "Traceback" not in r.stderr
    assert _ids(es, index) == before
    assert worker.poll() is None


def test_a_missing_file_is_named(service_env):
    r = run_cli("add", "no/such/page.txt", "--paper", "zjgrrb")
    assert r.returncode == 1 and "no/such/page.txt: no such file" in r.stderr


def test_parse_refuses_bad_input_without_a_traceback(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"\x00\x01\x02")
    r = run_cli("parse", str(bad), "--json")
    assert r.returncode == 1 and "x.txt: binary data" in r.stderr and "Traceback" not in r.stderr


def test_a_bad_file_that_reaches_the_worker_is_recorded_and_replayable_and_the_worker_lives(
        ingested, service_env, worker, tmp_path):
    from ingest.config import settings
    from ingest.pipeline import make_hints
    from ingest.queue import enqueue, file_flow, make_celery

    path = tmp_path / "late.txt"  # missing when the worker looks: the archive step fails
    s = settings()
    res = enqueue(file_flow(make_celery(s), str(path), make_hints("late.txt", paper="zjgrrb")), s.broker_url)
    with pytest.raises(Exception, match="late.txt: no such file"):
        res.get(timeout=60)
    entry = failure_of(path)
    assert entry is not None
    assert entry["step"] == "archive_file" and "no such file" in entry["detail"]
    assert worker.poll() is None
    shutil.copy(SAMPLE_PAGE, path)
    r = run_cli("replay", entry["id"], "--wait")
    assert r.returncode == 0, r.stderr
    assert path.resolve().as_uri() not in {f["subject"] for f in json.loads(run_cli("failures", "--json").stdout)}


def _edition_of(day: str, folder: Path) -> Path:
    """The sample page as the edition of another day (its masthead date changed): new articles."""
    y, m, d = (int(x) for x in day.split("-"))
    path = folder / f"page01-{day}.txt"
    path.write_bytes(SAMPLE_PAGE.read_bytes().replace("2020年6月25日".encode(), f"{y}年{m}月{d}日".encode(), 1))
    return path


def _days_indexed(es: Elasticsearch, index: str) -> dict[str, int]:
    es.indices.refresh(index=index)
    aggs = es.search(index=index, size=0, aggs={"d": {"terms": {"field": "date", "format": "yyyy-MM-dd"}}})
    return {b["key_as_string"]: b["doc_count"] for b in aggs["aggregations"]["d"]["buckets"]}


def test_a_folder_is_queued_in_batches_and_every_file_is_indexed_and_recorded(ingested, es, service_env, worker,
                                                                              tmp_path):
    from ingest import ledger

    days = ["2019-03-01", "2019-03-02", "2019-03-03"]
    paths = [_edition_of(d, tmp_path) for d in days]
    r = run_cli("add", str(tmp_path), "--paper", "zjgrrb", "--wait", env={"INGEST_BATCH_INPUTS": "2"})
    assert r.returncode == 0, r.stderr
    assert "queued 3 file(s)" in r.stderr and "from 3 of 3 file(s)" in r.stderr
    per_day = _days_indexed(es, service_env["INGEST_INDEX"])
    assert all(per_day.get(d, 0) >= 5 for d in days) and per_day[days[0]] == per_day[days[2]]
    es.indices.refresh(index=service_env["INGEST_LEDGER_INDEX"])
    for p in paths:  # one ledger outcome per file, not per batch
        (entry,) = ledger.entries(es, service_env["INGEST_LEDGER_INDEX"], subject=p.resolve().as_uri())
        assert entry["step"] == "index" and entry["status"] == "ok" and entry["date"] == days[paths.index(p)]
    lines = [json.loads(line) for line in worker.log_path.read_text(encoding="utf-8").splitlines()
             if line.startswith("{")]
    batches = [e["subject"] for e in lines if e.get("event") == "task outcome" and e["task"] == "ingest.index_archived"
               and e["subject"].startswith(paths[0].resolve().as_uri())]
    assert batches == [f"{paths[0].resolve().as_uri()} and 1 more"], "two files a task: the first task held two"


def test_a_file_of_a_batch_missing_when_the_worker_archives_it_is_recorded_and_the_rest_land(
        ingested, es, service_env, worker, tmp_path):
    from ingest.config import settings
    from ingest.pipeline import make_hints
    from ingest.queue import enqueue, files_flow, make_celery

    good = [_edition_of("2019-04-01", tmp_path), _edition_of("2019-04-02", tmp_path)]
    missing = tmp_path / "gone.txt"
    s = settings()
    files = [{"path": str(p), "hints": make_hints(p.name, paper="zjgrrb")} for p in (good[0], missing, good[1])]
    out = enqueue(files_flow(make_celery(s), files), s.broker_url).get(timeout=120)
    assert [f["subject"] for f in out["failed"]] == [missing.resolve().as_uri()]
    assert "gone.txt: no such file" in out["failed"][0]["error"]
    assert [x["date"] for x in out["indexed"]] == ["2019-04-01", "2019-04-02"] and len(out["ids"]) >= 10
    per_day = _days_indexed(es, service_env["INGEST_INDEX"])
    assert per_day.get("2019-04-01", 0) >= 5 and per_day.get("2019-04-02", 0) >= 5
    entry = failure_of(missing)
    assert entry is not None and entry["step"] == "archive_file" and entry["replay"]["path"] == str(missing)


def test_replay_of_a_failed_source_step_runs_that_step_again(service_env, worker, es):
    from ingest import ledger

    entry = ledger.Entry(step="parse_page_list", status="failed", subject="GET http://site.invalid/node_9.htm",
                         detail="broken page list", replay={"task": "ingest.scan_inbox", "args": []})
    ledger.record(es, service_env["INGEST_LEDGER_INDEX"], entry)
    es.indices.refresh(index=service_env["INGEST_LEDGER_INDEX"])
    r = run_cli("replay", entry.id, "--wait")
    assert r.returncode == 0, r.stderr
    assert "replaying 1 input(s)" in r.stderr and "from 1 of 1" in r.stderr


def test_status_reports_services_documents_and_the_last_edition(ingested):
    r = run_cli("status", "--json")
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert st["elasticsearch_ok"] and st["broker"]["ok"] and st["broker"]["workers"]
    assert st["documents"] >= 5
    assert st["last_editions"]["zjgrrb"]["date"] == "2020-06-25"
    assert st["index_meta"]["template"] == "articles-v1"
    assert st["index_meta"]["analysis_profile"] in {"zh-analysis", "bare"}
    assert set(st["mailbox"]) >= {"configured"}


def test_broker_down_add_says_so_and_queues_nothing(service_env):
    r = run_cli("add", str(SAMPLE_PAGE), "--paper", "zjgrrb", env={"INGEST_BROKER_URL": "redis://127.0.0.1:1/0"},
                timeout=120)
    assert r.returncode == 3
    assert "cannot reach the broker at redis://127.0.0.1:1/0" in r.stderr and "nothing was queued" in r.stderr


def test_an_elasticsearch_outage_during_ingest_is_retried_and_nothing_is_lost(service_env, tmp_path):
    """A worker whose Elasticsearch goes away keeps the task and finishes it when it is back."""
    env = dict(service_env, INGEST_QUEUE=service_env["INGEST_QUEUE"] + "-outage",
               INGEST_INDEX=service_env["INGEST_INDEX"] + "-outage")
    es_url = urlparse(service_env["INGEST_ES_URL"])
    proxy = TcpProxy(es_url.hostname, es_url.port)
    worker = start_worker(env, "outage", tmp_path / "worker.log", {"INGEST_ES_URL": proxy.url}, concurrency=1)
    try:
        cli = subprocess.Popen([sys.executable, "-m", "ingest", "add", str(SAMPLE_PAGE), "--paper", "zjgrrb", "--wait"],
                               cwd=REPO, env=os.environ | env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        deadline = time.monotonic() + 120  # the index step meets the outage and backs off
        while "Retry in" not in (tmp_path / "worker.log").read_text(errors="replace") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "Retry in" in (tmp_path / "worker.log").read_text(errors="replace")
        assert cli.poll() is None
        proxy.up()
        _, stderr = cli.communicate(timeout=240)
        assert cli.returncode == 0, stderr
        es = Elasticsearch(service_env["INGEST_ES_URL"])
        assert es.count(index=env["INGEST_INDEX"])["count"] >= 5
    finally:
        proxy.down()
        stop_worker(worker)
        Elasticsearch(service_env["INGEST_ES_URL"]).indices.delete(index=env["INGEST_INDEX"] + "-*",
                                                                   allow_no_indices=True)


def test_reindex_moves_the_alias_to_a_new_index_with_every_document(ingested, es, service_env):
    index = service_env["INGEST_INDEX"]
    before, old = _ids(es, index), set(es.indices.get_alias(name=index))
    r = run_cli("reindex", "--delete-old")
    assert r.returncode == 0, r.stderr
    new = set(es.indices.get_alias(name=index))
    assert new != old and len(new) == 1 and next(iter(new)).endswith("-002")
    assert _ids(es, index) == before
    assert not es.indices.exists(index=",".join(old))
    assert _search("疗休养")["total"] >= 1


def test_files_dropped_in_the_inbox_are_ingested_on_the_beat_schedule(service_env, worker, es, tmp_path):
    index = service_env["INGEST_INDEX"]
    folder = Path(service_env["INGEST_INBOX_DIR"]) / "zjgrrb"
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "page01.txt"
    page.write_bytes(SAMPLE_PAGE.read_bytes() + b"\n\n")  # new bytes: a new source of the same articles
    other = _edition_of("2019-05-01", folder)  # queued in the same batch
    beat = subprocess.Popen([sys.executable, "-m", "celery", "-A", "tasks.app", "beat", "--schedule",
                             str(tmp_path / "beat-schedule"), "--loglevel", "INFO"], cwd=REPO,
                            env=os.environ | {"INGEST_INBOX_INTERVAL": "1"},
                            stdout=(tmp_path / "beat.log").open("wb"), stderr=subprocess.STDOUT)
    try:
        uri, deadline = page.resolve().as_uri(), time.monotonic() + 90
        while time.monotonic() < deadline:
            es.indices.refresh(index=index)
            if es.count(index=index, query={"term": {"sources.uri": uri}})["count"] >= 5:
                break
            time.sleep(1)
        assert es.count(index=index, query={"term": {"sources.uri": uri}})["count"] >= 5, \
            (tmp_path / "beat.log").read_text(errors="replace")
        assert (folder / "done" / "page01.txt").exists() and not page.exists()
        assert _days_indexed(es, index).get("2019-05-01", 0) >= 5
        assert (folder / "done" / other.name).exists() and not other.exists()
    finally:
        beat.terminate()
        beat.wait(30)


def test_a_cli_whose_index_differs_from_the_workers_is_refused_before_anything_is_queued(service_env, worker, es):
    other = service_env["INGEST_INDEX"] + "-other"
    r = run_cli("add", str(SAMPLE_PAGE), "--paper", "zjgrrb", env={"INGEST_INDEX": other})
    assert r.returncode == 2, r.stderr
    assert f"on queue {service_env['INGEST_QUEUE']!r} writes to index {service_env['INGEST_INDEX']!r}" in r.stderr
    assert f"this command to {other!r}" in r.stderr and "nothing was queued" in r.stderr
    assert "queued 1 file" not in r.stderr
    assert queue_depth(service_env["INGEST_BROKER_URL"], service_env["INGEST_QUEUE"]) == (True, 0)
    assert not es.indices.exists(index=other)
    r = run_cli("discover", "zjgrrb", env={"INGEST_LEDGER_INDEX": service_env["INGEST_LEDGER_INDEX"] + "-x"})
    assert r.returncode == 2 and "ledger" in r.stderr and "nothing was queued" in r.stderr


def _samples(text: str) -> dict[str, float]:
    return {line.rpartition(" ")[0]: float(line.rpartition(" ")[2]) for line in text.splitlines()
            if line and not line.startswith("#")}


def test_metrics_count_the_workers_tasks_documents_and_the_newest_edition(ingested, service_env):
    r = run_cli("metrics")
    assert r.returncode == 0, r.stderr
    m = _samples(r.stdout)
    print(r.stdout)
    for task in ("ingest.archive_file", "ingest.index_archived"):
        assert m[f'ingest_tasks_total{{outcome="success",task="{task}"}}'] >= 1
        assert m[f'ingest_task_duration_seconds_count{{outcome="success",task="{task}"}}'] >= 1
    assert m['ingest_documents_total{paper="zjgrrb",result="created"}'] >= 5
    assert m['ingest_editions_indexed_total{paper="zjgrrb"}'] >= 1
    assert m['ingest_newest_edition_age_seconds{paper="zjgrrb"}'] > 86400 * 365  # the sample is of 2020-06-25
    assert m['ingest_newest_edition_timestamp_seconds{paper="zjgrrb"}'] == 1593014400.0  # 2020-06-25 00:00 +08:00
    assert m[f'ingest_queue_depth{{queue="{service_env["INGEST_QUEUE"]}"}}'] == 0
    assert m["ingest_elasticsearch_up"] == 1 and m["ingest_broker_up"] == 1


def test_the_worker_logs_one_json_event_per_task_outcome_and_no_elasticsearch_requests(ingested, worker):
    lines = [json.loads(line) for line in worker.log_path.read_text(encoding="utf-8").splitlines()
             if line.startswith("{")]
    outcomes = [e for e in lines if e.get("event") == "task outcome"]
    index = next(e for e in outcomes if e["task"] == "ingest.index_archived" and e["outcome"] == "success")
    assert index["paper"] == "zjgrrb" and index["edition_date"] == "2020-06-25"
    assert index["subject"] == SAMPLE_PAGE.resolve().as_uri() and index["counts"]["created"] >= 5
    assert index["task_id"] and index["level"] == "info" and index["timestamp"]
    archived = next(e for e in outcomes if e["task"] == "ingest.archive_file")
    assert archived["subject"] == SAMPLE_PAGE.resolve().as_uri() and archived["outcome"] == "success"
    # The transport's line per request (logger elastic_transport.transport, at INFO) is gone.
    assert not [e for e in lines if e.get("logger", "").startswith("elastic_transport")]


def test_the_worker_and_its_pool_processes_yield_the_cpu_at_the_configured_niceness(worker):
    # The fixture's worker runs with the default INGEST_WORKER_NICE (10) added to this process's niceness.
    expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    pool = [int(p) for p in Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()]
    assert len(pool) == 2  # --concurrency 2: the forked processes inherit it
    assert [os.getpriority(os.PRIO_PROCESS, p) for p in [worker.pid, *pool]] == [expected] * 3


def test_a_real_article_page_of_another_paper_is_found_by_a_sentence_of_it(ingested):
    # The real 深圳晚报 article page (tests/fixtures/real_pages/szwb/): its paper is configured on the newslist family.
    page = REPO / "tests" / "fixtures" / "real_pages" / "szwb" / "content_3251363.html"
    r = run_cli("add", str(page), "--paper", "szwb", "--wait")
    assert r.returncode == 0, r.stderr
    [hit] = _search("新媒体短片节", "--paper", "szwb")["hits"]
    assert (hit["paper"], hit["date"], hit["page_label"]) == ("szwb", "2024-08-30", "A02")
    assert hit["title"] == "“金鹏之夜”盛典昨晚举行" and hit["subtitle"] == "一年一度中国国际新媒体短片节开幕"
    assert hit["authors"] == [{"name": "赵伟君", "role": "记者"}]


def test_a_real_page_list_of_a_platform_no_family_reads_is_refused_and_nothing_is_indexed(ingested, es, service_env,
                                                                                          worker):
    # The real 桂林日报 page list (tests/fixtures/real_pages/glrb/): every page's titles, no map, no family.
    page = REPO / "tests" / "fixtures" / "real_pages" / "glrb" / "Page01BC.htm"
    index = service_env["INGEST_INDEX"]
    before = _ids(es, index)
    r = run_cli("add", str(page), "--paper", "zjgrrb", "--wait")
    assert r.returncode == 1
    assert "Page01BC.htm" in r.stderr and "page list of a platform no site family reads" in r.stderr
    assert "nothing queued" in r.stderr and "Traceback" not in r.stderr
    assert _ids(es, index) == before

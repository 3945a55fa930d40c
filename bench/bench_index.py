"""Raw `_bulk` throughput of article documents vs the full pipeline's through real Celery workers, into the
same template, in one run.

    .venv/bin/python bench/bench_index.py [--editions 960] [--rounds 4] [--concurrency N] [--batch N] [--nice N]
                                          [--steps 40] [--reprints 0.2] [--warmup 150] [--refresh-s 10]
                                          [--per-article 20]

Each edition is the sample page under another date with its text replaced (Texts: the layout and the
parser's cue words kept, the other characters permuted), so every edition is new bytes and new documents,
and a share of them (--reprints) are near-duplicates of an earlier one: grouping does real work, as on a
paper's archive, without every article matching every other (--reprints 1 is that worst case). The
pipeline figure is end to end: the editions' bytes archived, queued --batch editions a task as `ingest add`
and the inbox scan queue files (parse → index: normalize, exact dedup, near-duplicate groups, exact-duplicate
merge, versions and the ledger on) and every result waited for, through worker processes started here on a
queue of their own. The raw figure bulk-indexes the very documents the pipeline stored into a fresh index of
the same template (chunks of 500, one client). Each phase ends once its documents are searchable (a refresh
of its index) and Elasticsearch is idle again: the merges and flushes a phase sets off are its own work, and
left running they would be billed to the next phase, the other party's. The editions run in --rounds rounds,
each timed through the pipeline and then raw on the documents it stored, seconds apart: on a shared virtual
machine whose speed drifts with its neighbours' load (one run here measured raw at 183 docs/s, the next at
450), two runs minutes apart compare two machines, a pair of rounds compares the code. The ratio printed is
of the rounds' sums, with the median, lowest and highest of the rounds'. Once all rounds are done, the raw
run is repeated at an edition's worth per request, the size the pipeline writes in. Before the first round
--warmup editions go through the workers: a freshly started Elasticsearch spends tens of CPU seconds in its
JIT compiler, which would otherwise be counted against the pipeline (the CPU split prints what the compiler
still took).

The CPU split prints each party's CPU per document, and the ceiling the machine sets: all processes share
its cores, so the pipeline cannot exceed the cores divided by the least CPU a document needs (its
edition-sized write in Elasticsearch plus the workers' parse and fingerprint). The per-step split runs the
worker's step functions in-process on `--steps` editions, and the write step per document of whole editions,
of the same articles one source each in one batch (as site fetches and `ingest reingest` queue a page list's
articles) and one article a batch (as they queued them before); the RSS of each worker process is read at
the end (run with --editions 2000 for the memory figure).
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from elasticsearch import helpers

from ingest import ledger, pipeline
from ingest.archive import Archive
from ingest.batch import BatchResult, Part, write_batch
from ingest.config import Settings, settings
from ingest.documents import Source, edition_documents
from ingest.index import client, ensure_index
from ingest.model import Edition
from ingest.queue import batch_flow, chunks, make_celery

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "fixtures" / "zjgrrb-2020-06-25" / "page01.txt"
SAMPLE_DAY = date(2020, 6, 25)


def edition_bytes(data: bytes, day: date) -> bytes:
    line = f"{SAMPLE_DAY.year}年{SAMPLE_DAY.month}月{SAMPLE_DAY.day}日".encode()
    return data.replace(line, f"{day.year}年{day.month}月{day.day}日".encode(), 1)


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def _cue_words() -> list[str]:
    """The Han words of the parser's string constants (its cue words and patterns: 本报, 记者, 下转, 热线
    …; docstrings left out) and of the papers' configurations, longest first."""
    words: set[str] = set()
    for f in (REPO / "ingest" / "parse").rglob("*.py"):
        tree = ast.parse(f.read_text())
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef) and n.body
                and isinstance(n.body[0], ast.Expr)}
        words |= {w for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and id(n) not in docs for w in _HAN_RUN.findall(n.value)}
    for f in (REPO / "ingest" / "papers").glob("*.toml"):
        words |= set(_HAN_RUN.findall(f.read_text()))
    return sorted(words, key=len, reverse=True)


class Texts:
    """Distinct editions from the one sample page, as a paper's archive has them: each edition's Han
    characters replaced by others of the sample (a new text with the sample's layout, lengths and character
    frequencies), except where the parser or a paper's configuration looks (the cue words 本报, 记者,
    下转, 热线 … wherever they occur, and characters beside a digit: dates, 第4版), so each edition still
    parses into articles. A share of the editions (`reprints`) reprints an earlier one with 5% of its
    characters changed: near-duplicates, as wire copy reprinted by another paper, for the grouping to
    find; the other editions share nothing but the cue words."""

    def __init__(self, data: bytes, reprints: float, seed: int = 7) -> None:
        self.text = data.decode()
        kept = [False] * len(self.text)
        cues = re.compile("|".join(map(re.escape, _cue_words())))
        for m in cues.finditer(self.text):
            kept[m.start():m.end()] = [True] * (m.end() - m.start())
        for m in re.finditer(r"(?<=[0-9０-９])[\u4e00-\u9fff]|[\u4e00-\u9fff](?=[0-9０-９])", self.text):
            kept[m.start()] = True
        self.free = [i for i, c in enumerate(self.text) if "\u4e00" <= c <= "\u9fff" and not kept[i]]
        self.alphabet = sorted({self.text[i] for i in self.free})
        self.reprints = reprints
        self.rng = random.Random(seed)
        self.seeds: list[int] = []

    def _text(self, seed: int, changed: float = 0.0) -> str:
        rng = random.Random(seed)
        shuffled = self.alphabet[:]
        rng.shuffle(shuffled)
        table = dict(zip(self.alphabet, shuffled, strict=True))
        chars = list(self.text)
        edit = random.Random(seed + 1)
        for i in self.free:
            chars[i] = edit.choice(self.alphabet) if changed and edit.random() < changed else table[chars[i]]
        return "".join(chars)

    def edition(self, day: date) -> bytes:
        if self.seeds and self.rng.random() < self.reprints:
            text = self._text(self.rng.choice(self.seeds), changed=0.05)
        else:
            self.seeds.append(self.rng.randrange(1 << 30))
            text = self._text(self.seeds[-1])
        return edition_bytes(text.encode(), day)


def entry(r: BatchResult) -> ledger.Entry:
    """The index step's ledger entry of a batch written in-process."""
    return ledger.Entry(step="index", status="ok", subject="bench", detail=f"{len(r.write.ids)} articles")


def step_split(s: Settings, texts: Texts, archive: Archive, n: int) -> dict[str, float]:
    """Milliseconds per edition of each step, run in-process (the worker's work minus the broker hops):
    archive, parse (the parse task), then the index task's parts: normalize and exact dedup, documents
    with their near-duplicate fingerprints, and the write with every lookup and the ledger."""
    es = client(s)
    spent = {"archive": 0.0, "parse": 0.0, "normalize+dedup": 0.0, "fingerprint": 0.0, "write": 0.0}
    for i in range(-1, n):  # the first edition warms imports, dictionaries and connections
        day = SAMPLE_DAY - timedelta(days=400 + i)
        marks = [time.perf_counter()]
        source = pipeline.archive_bytes(texts.edition(day), archive, "file", f"{SAMPLE.as_uri()}#steps-{i}")
        marks.append(time.perf_counter())
        payload = pipeline.parse_step(source.to_dict(), pipeline.make_hints(SAMPLE.name, paper="zjgrrb"), archive)
        marks.append(time.perf_counter())
        # The index task's parts, timed one by one (what pipeline.index_step runs, in its order).
        edition, _ = pipeline.prepare(Edition.from_dict(payload["edition"]))
        marks.append(time.perf_counter())
        docs = edition_documents(edition, Source(**payload["source"]))
        marks.append(time.perf_counter())
        write_batch(es, s, [Part(Source(**payload["source"]), edition.paper, day.isoformat(), docs, entry)])
        marks.append(time.perf_counter())
        if i >= 0:
            for k, (a, b) in zip(spent, zip(marks, marks[1:], strict=False), strict=True):
                spent[k] += (b - a) * 1000
    return {k: v / n for k, v in spent.items()}


WRITE_MODES = ("whole edition", "one source an article, one batch", "one article a batch")


def write_per_article(s: Settings, texts: Texts, archive: Archive, n: int) -> dict[str, float]:
    """Milliseconds of the write step per document, in-process, by turns on `n` editions each: an edition's
    articles written as one batch of one source (a page text, a PDF, a mail); each article its own source
    (an article page of a site) but a page list's articles in one batch, as the site flow and `ingest
    reingest` queue them; and one article a batch, as they queued them before."""
    es = client(s)
    spent = {mode: [0.0, 0] for mode in WRITE_MODES}
    for i in range(-3, 3 * n):  # the first three warm connections and the index
        day = SAMPLE_DAY - timedelta(days=2000 + i)
        src = pipeline.archive_bytes(texts.edition(day), archive, "file", f"{SAMPLE.as_uri()}#per-article-{i}")
        payload = pipeline.parse_step(src.to_dict(), pipeline.make_hints(SAMPLE.name, paper="zjgrrb"), archive)
        edition, _ = pipeline.prepare(Edition.from_dict(payload["edition"]))
        mode = WRITE_MODES[i % 3]
        if mode == WRITE_MODES[0]:
            source = Source(**payload["source"])
            parts = [[Part(source, edition.paper, day.isoformat(), edition_documents(edition, source), entry)]]
        else:
            each = []
            for k, article in enumerate(edition.articles):
                source = Source(**(payload["source"] | {"uri": f"{payload['source']['uri']}-article-{k}"}))
                one = replace(edition, articles=[article])
                each.append(Part(source, edition.paper, day.isoformat(), edition_documents(one, source), entry))
            parts = [each] if mode == WRITE_MODES[1] else [[p] for p in each]
        t0 = time.perf_counter()
        for batch in parts:
            write_batch(es, s, batch)
        if i >= 0:
            spent[mode][0] += (time.perf_counter() - t0) * 1000
            spent[mode][1] += len(edition.articles)
    return {k: ms / max(1, docs) for k, (ms, docs) in spent.items()}


def start_workers(env: dict[str, str], concurrency: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tasks.app", "worker", "--queues", env["INGEST_QUEUE"],
         "--concurrency", str(concurrency), "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-n", f"{env['INGEST_QUEUE']}@%h"],
        cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


# The local services' processes, found by their command lines, for the CPU split of the timed run.
SERVICES = {"elasticsearch": "org.elasticsearch.bootstrap.Elasticsearch", "rabbitmq": "beam.smp",
            "redis": "redis-server"}


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (0 when it is gone)."""
    try:
        return cpu_s_of(Path(f"/proc/{pid}/stat"))
    except OSError:
        return 0.0


def jit_cpu_s(pid: int) -> float:
    """CPU seconds of the JVM's JIT compiler threads in process `pid` (a fresh Elasticsearch spends tens of
    seconds compiling its hot paths: a run before that is over measures the compiler, not the indexing)."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            if "CompilerThre" in (task / "comm").read_text():
                total += cpu_s_of(task / "stat")
        except OSError:
            continue
    return total


def cpu_s_of(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_s() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine so far, all cores."""
    v = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(v) - v[3] - v[4]) / tick, (v[3] + v[4]) / tick


def service_pids() -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for name, pattern in SERVICES.items():
        r = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False)
        out[name] = [int(x) for x in r.stdout.split()]
    return out


JIT = "of which Elasticsearch's JIT compiler"


class CpuSplit:
    """CPU seconds each party spent between start() and stop(), summed over the rounds: the services, the
    worker processes, this process (publishing and waiting for results) and the machine as a whole, so
    that a figure can be told as "Elasticsearch-bound" or "Python-bound"."""

    def __init__(self) -> None:
        self._pids: dict[str, list[int]] = {}
        self._t0: dict[str, float] = {}
        self.spent: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        out = {name: sum(cpu_s(p) for p in pids) for name, pids in self._pids.items()}
        busy, idle = machine_cpu_s()
        return out | {"bench client": cpu_s(os.getpid()), "machine busy": busy, "machine idle": idle,
                      JIT: es_jit_s(self._pids.get("elasticsearch", []))}

    def start(self, workers: list[int]) -> None:
        self._pids = service_pids() | {"workers": workers}
        self._t0 = self._read()

    def stop(self) -> dict[str, float]:
        """Add the window since start() to the sums; returns that window's CPU seconds by party."""
        t1 = self._read()
        window = {k: t1[k] - self._t0[k] for k in t1}
        for k, v in window.items():
            self.spent[k] = self.spent.get(k, 0.0) + v
        known = sum(v for k, v in self.spent.items() if not k.startswith("machine") and k not in (JIT, "other"))
        self.spent["other"] = max(0.0, self.spent["machine busy"] - known)
        return window


def index_work(es: Any, index: str) -> dict[str, float]:
    """What Elasticsearch did for the articles index behind `index` (its primaries' stats): refreshes (the
    internal ones are those a realtime get forces), merges, searches, gets, document writes (index, create and
    update operations) and deletes, seconds rounded. The pipeline's include its warm-up editions'."""
    p = next(iter(es.indices.stats(index=index)["indices"].values()))["primaries"]
    return {"refreshes": p["refresh"]["total"], "internal refreshes": p["refresh"].get("total", 0)
            - p["refresh"].get("external_total", 0), "refresh s": round(p["refresh"]["total_time_in_millis"] / 1000, 1),
            "merges": p["merges"]["total"], "merge s": round(p["merges"]["total_time_in_millis"] / 1000, 1),
            "segments": p["segments"]["count"], "queries": p["search"]["query_total"],
            "query s": round(p["search"]["query_time_in_millis"] / 1000, 1),
            "fetch s": round(p["search"]["fetch_time_in_millis"] / 1000, 1), "gets": p["get"]["total"],
            "writes": p["indexing"]["index_total"], "deletes": p["indexing"]["delete_total"],
            "index s": round(p["indexing"]["index_time_in_millis"] / 1000, 1)}


class Workers:
    """Worker processes started here on a queue of their own, as deploy/celery.sh starts them; `run` queues
    editions as `ingest add` of a folder and the inbox scan queue files (`batch` editions a task) and waits
    for every result."""

    def __init__(self, s: Settings, archive: Archive, concurrency: int, batch: int) -> None:
        self.archive, self.batch = archive, batch
        env = os.environ | {"INGEST_INDEX": s.index, "INGEST_LEDGER_INDEX": s.ledger_index, "INGEST_QUEUE": s.queue,
                            "INGEST_ARCHIVE_DIR": str(archive.root), "PYTHONPATH": str(REPO)}
        self.log = Path(tempfile.mkdtemp(prefix="bench-worker-")) / "worker.log"
        self.proc = start_workers(env, concurrency, self.log)
        self.celery = make_celery(s)
        self.hints = pipeline.make_hints(SAMPLE.name, paper="zjgrrb")
        self.counts: dict[str, int] = {}  # what the index steps reported, summed (linked: once a task)

    def run(self, data: list[bytes], tag: str) -> list[str]:
        """The ids written for `data` (editions' bytes), archived and queued here, through the workers."""
        results = []
        try:
            for chunk in chunks(list(enumerate(data)), self.batch):
                items = [{"source": pipeline.archive_bytes(one, self.archive, "file",
                                                           f"{SAMPLE.as_uri()}#{tag}{n}").to_dict(),
                          "hints": self.hints} for n, one in chunk]
                results.append(batch_flow(self.celery, items).apply_async())
            out = [r.get(timeout=600) for r in results]
        except Exception:
            print(self.log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        for task in out:
            for edition in task["indexed"]:
                for k, v in edition["counts"].items():
                    if k != "linked":
                        self.counts[k] = self.counts.get(k, 0) + v
            self.counts["linked"] = self.counts.get("linked", 0) + max(
                (e["counts"].get("linked", 0) for e in task["indexed"]), default=0)
        return [i for task in out for i in task["ids"]]

    def pids(self) -> list[int]:
        return [self.proc.pid, *children(self.proc.pid)]

    def rss(self) -> list[float]:
        return [rss_mb(p) for p in children(self.proc.pid)]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(60)


def es_cpu_s(pids: list[int]) -> float:
    return sum(cpu_s(p) for p in pids)


def es_jit_s(pids: list[int]) -> float:
    return sum(jit_cpu_s(p) for p in pids)


def settled(es: Any, index: str) -> float:
    """Refresh `index`, then wait until Elasticsearch is idle: the perf_counter moment its last work ended
    (to a tenth of a second). A phase's refresh, the merges it sets off and their flushes are that phase's
    indexing work; left running they would be billed to the next phase, the other party's."""
    pids = service_pids()["elasticsearch"]
    es.indices.refresh(index=index)
    deadline = time.perf_counter() + 120
    while True:
        t, c = time.perf_counter(), es_cpu_s(pids)
        time.sleep(0.1)
        if es_cpu_s(pids) - c <= 0.01 or t > deadline:  # a clock tick at most: idle
            return t


def raw_bulk(es: Any, index: str, docs: list[tuple[str, dict[str, Any]]], chunk: int) -> tuple[float, float]:
    """Bulk-index `docs` into `index` (of the template, made by ensure_index), `chunk` per request, one client:
    (seconds, Elasticsearch CPU seconds) until they are searchable and the server is idle again."""
    pids = service_pids()["elasticsearch"]
    c0, t0 = es_cpu_s(pids), time.perf_counter()
    helpers.bulk(es, ({"_index": index, "_id": i, "_source": d} for i, d in docs), chunk_size=chunk)
    end = settled(es, index)
    return end - t0, es_cpu_s(pids) - c0


def stored(es: Any, index: str, ids: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """The documents the pipeline stored under `ids`, as they are now (mget is realtime: a get each)."""
    out: dict[str, dict[str, Any]] = {}
    for part in chunks(sorted(ids), 1000):
        out |= {d["_id"]: d["_source"] for d in es.mget(index=index, ids=part)["docs"] if d.get("found")}
    return list(out.items())


JIT_QUIET = 0.03  # the compiler's share of Elasticsearch's CPU in a warm-up step at which the server is warm


def warm_up(es: Any, workers: Workers, texts: Texts, raw_index: str, index: str, editions: int, most: int) \
        -> tuple[list[float], int]:
    """Warm-up steps of `editions` editions through the workers and then raw, until Elasticsearch's JIT
    compiler took at most JIT_QUIET of the server's CPU in a step (at most `most` steps): the share of
    each step. A freshly started server compiles for minutes, and each kind of request (the pipeline's
    lookups, raw bulks) warms its own paths; a long-running server has compiled them, so a timed phase that
    still pays for its compilation measures the server's start-up, not the indexing. Returns the shares and
    the documents read back (the bench's own gets)."""
    pids = service_pids()["elasticsearch"]
    shares: list[float] = []
    fetched = 0
    for step in range(most):
        c0, j0 = es_cpu_s(pids), es_jit_s(pids)
        days = range(4000 + step * editions, 4000 + (step + 1) * editions)
        ids = set(workers.run([texts.edition(SAMPLE_DAY - timedelta(days=d)) for d in days], f"warm{step}-"))
        settled(es, index)
        raw_bulk(es, raw_index, stored(es, index, ids), 500)
        fetched += len(ids)
        shares.append((es_jit_s(pids) - j0) / max(es_cpu_s(pids) - c0, 1e-9))
        if shares[-1] <= JIT_QUIET:
            break
    return shares, fetched


@dataclass
class Round:
    written: int  # ids the pipeline's results name (a merged exact duplicate counts each time)
    pipeline_s: float
    docs: int  # distinct documents stored, bulk-indexed raw
    raw_s: float
    raw_cpu_s: float
    cpu_ms: dict[str, float]  # the pipeline's CPU per document by party, this round

    @property
    def ratio(self) -> float:
        return (self.written / self.pipeline_s) / (self.docs / self.raw_s)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--editions", type=int, default=960, help="editions through Celery (7 articles each)")
    ap.add_argument("--rounds", type=int, default=4,
                    help="rounds the editions are split into, each timed through the pipeline and then raw on its "
                         "own documents: the pairs are seconds apart, so a host whose speed drifts (a shared "
                         "virtual machine's neighbours) moves both figures of a pair alike")
    ap.add_argument("--concurrency", type=int, default=settings().worker_concurrency,
                    help="worker processes (default: INGEST_WORKER_CONCURRENCY, as deploy/celery.sh starts)")
    ap.add_argument("--batch", type=int, default=settings().batch_inputs,
                    help="editions a task (default: INGEST_BATCH_INPUTS, as `ingest add` and the inbox scan queue "
                         "files); 1 queues each edition on its own")
    ap.add_argument("--steps", type=int, default=40, help="editions for the in-process per-step split")
    ap.add_argument("--per-article", type=int, default=20,
                    help="editions of each kind for the in-process write per document: whole edition, one source "
                         "an article in one batch, one article a batch")
    ap.add_argument("--reprints", type=float, default=0.2,
                    help="share of editions reprinting an earlier one (near-duplicates); 1 makes every edition a "
                         "near-duplicate of the first, the grouping's worst case")
    ap.add_argument("--warmup", type=int, default=150,
                    help="editions of a warm-up step (through the workers, then raw) before the timed rounds")
    ap.add_argument("--warmup-steps", type=int, default=8,
                    help="warm-up steps at most: they go on until Elasticsearch's JIT compiler is quiet "
                         f"(at most {JIT_QUIET * 100:.0f}%% of the server's CPU in a step)")
    ap.add_argument("--nice", type=int,
                    help="INGEST_WORKER_NICE of the workers (default: the setting's, as deployed); 0 lets them "
                         "contend with Elasticsearch for the cores on equal terms")
    ap.add_argument("--refresh-s", type=int,
                    help="INGEST_ES_REFRESH_S of this run (the indices of both runs, and the workers)")
    args = ap.parse_args()
    if args.refresh_s:
        os.environ["INGEST_ES_REFRESH_S"] = str(args.refresh_s)  # the workers inherit it
    if args.nice is not None:
        os.environ["INGEST_WORKER_NICE"] = str(args.nice)
    warm_editions = max(args.warmup, 2 * args.concurrency)
    run = f"bench-{uuid.uuid4().hex[:8]}"
    s = settings().model_copy(update={"index": run, "ledger_index": f"{run}-ledger", "queue": f"{run}-queue"})
    es = client(s)
    archive = Archive(Path(tempfile.mkdtemp(prefix="bench-archive-")))
    texts = Texts(SAMPLE.read_bytes(), args.reprints)
    try:
        ensure_index(es, run)
        split = step_split(s.model_copy(update={"index": f"{run}-steps", "ledger_index": f"{run}-steps-ledger"}),
                           texts, archive, args.steps)
        per_article = write_per_article(s.model_copy(update={"index": f"{run}-articles",
                                                             "ledger_index": f"{run}-articles-ledger"}),
                                        texts, archive, args.per_article)
        # Gone before the pipeline run: their refreshes would otherwise be counted against it.
        es.indices.delete(index=f"{run}-steps*,{run}-articles*", allow_no_indices=True)
        cpu = CpuSplit()
        raw_index = ensure_index(es, f"{run}-raw")
        rounds: list[Round] = []
        written: list[str] = []
        workers = Workers(s, archive, args.concurrency, args.batch)
        try:
            # Workers and Elasticsearch are long-lived: start-up, imports, first connections and the server's
            # JIT compilation are paid before the timed rounds.
            warm, fetched = warm_up(es, workers, texts, raw_index, run, warm_editions, args.warmup_steps)
            per_round = -(-args.editions // args.rounds)
            for r in range(args.rounds):
                first = r * per_round
                # The editions' texts are made before the clock starts: making them is the bench's work, not
                # the pipeline's (2 ms of CPU an edition, which the raw run does not pay either).
                data = [texts.edition(SAMPLE_DAY + timedelta(days=k))
                        for k in range(first, min(args.editions, first + per_round))]
                cpu.start(workers.pids())
                t0 = time.perf_counter()
                ids = workers.run(data, f"r{r}-")
                pipeline_s = settled(es, run) - t0
                window = cpu.stop()
                cpu_ms = {k: window[k] / len(ids) * 1000 for k in ("elasticsearch", "workers", "redis")}
                docs = stored(es, run, set(ids))
                fetched += len(set(ids))
                raw_s, raw_cpu = raw_bulk(es, raw_index, docs, 500)
                rounds.append(Round(len(ids), pipeline_s, len(docs), raw_s, raw_cpu, cpu_ms))
                written += ids
            rss = workers.rss()
            counts = workers.counts
        finally:
            workers.stop()
        work = index_work(es, run)
        work["gets"] -= fetched
        ledger_work = index_work(es, s.ledger_index)
        es.indices.refresh(index=raw_index)
        raw_work = index_work(es, raw_index)
        all_docs = stored(es, run, set(written))
        per_edition = max(1, round(len(written) / args.editions))
        small_s, small_cpu = raw_bulk(es, ensure_index(es, f"{run}-raw-small"), all_docs, per_edition)
    finally:
        es.indices.delete(index=f"{run}*", allow_no_indices=True)
    n, n_docs = len(written), len(all_docs)
    pipeline_s = sum(x.pipeline_s for x in rounds)
    raw_s = sum(x.raw_s for x in rounds)
    raw_cpu = sum(x.raw_cpu_s for x in rounds)
    print(f"refresh interval: {settings().es_refresh_s} s (INGEST_ES_REFRESH_S); workers at niceness "
          f"{settings().worker_nice} (INGEST_WORKER_NICE)")
    print(f"warm-up: {len(warm)} steps of {warm_editions} editions, the JIT compiler's "
          "share of Elasticsearch's CPU in each: " + ", ".join(f"{x:.0%}" for x in warm))
    print(f"documents: {n} ({args.editions} editions of {n // max(1, args.editions)} articles); "
          f"{n_docs} distinct stored")
    for k, x in enumerate(rounds, 1):
        print(f"round {k}: pipeline {x.written / x.pipeline_s:6.1f} docs/s ({x.pipeline_s:.2f} s), "
              f"raw {x.docs / x.raw_s:6.1f} docs/s ({x.raw_s:.2f} s): {x.ratio:.3f}; CPU ms a document: "
              + ", ".join(f"{k} {v:.2f}" for k, v in x.cpu_ms.items())
              + f", raw Elasticsearch {x.raw_cpu_s / x.docs * 1000:.2f}")
    print(f"raw _bulk:      {n_docs / raw_s:8.1f} docs/s ({raw_s:.2f} s, chunks of 500, one client)")
    print(f"pipeline:       {n / pipeline_s:8.1f} docs/s ({pipeline_s:.2f} s, {args.concurrency} Celery worker "
          f"processes, {args.batch} editions a task, end to end)")
    print(f"raw _bulk, {per_edition} per request (an edition's size): {n_docs / small_s:8.1f} docs/s "
          f"({small_s:.2f} s)")
    ratios = sorted(x.ratio for x in rounds)
    print(f"pipeline / raw: {(n / pipeline_s) / (n_docs / raw_s):.3f} (rounds: median {statistics.median(ratios):.3f}, "
          f"lowest {ratios[0]:.3f}, highest {ratios[-1]:.3f})")
    # What bounds the ratio on this machine: every process shares its cores, so the pipeline can go no
    # faster than the cores divided by the CPU a document needs at the least — its own edition-sized write
    # in Elasticsearch plus the workers' parse and fingerprint.
    floor_ms = small_cpu / n_docs * 1000 + (split["parse"] + split["fingerprint"]) / per_edition
    ceiling = (os.cpu_count() or 1) / floor_ms * 1000
    print("CPU ms per document: pipeline " + ", ".join(
        f"{k} {v / n * 1000:.2f}" for k, v in cpu.spent.items() if not k.startswith("machine") and v)
        + f"; raw _bulk Elasticsearch {raw_cpu / n_docs * 1000:.2f} (500 per request), "
        f"{small_cpu / n_docs * 1000:.2f} ({per_edition} per request)")
    print(f"ceiling on {os.cpu_count()} shared cores (edition-sized write + parse + fingerprint, "
          f"{floor_ms:.2f} ms CPU per document): {ceiling:.0f} docs/s, {ceiling / (n_docs / raw_s):.2f} of raw")
    print("per edition in-process (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in split.items())
          + f"; total {sum(split.values()):.1f}")
    whole = per_article[WRITE_MODES[0]]
    print("write step per document in-process (ms): " + ", ".join(
        f"{mode} {ms:.2f} ({ms / whole:.1f}x)" for mode, ms in per_article.items()))
    print(f"CPU seconds during the pipeline rounds ({pipeline_s:.1f} s wall, {os.cpu_count()} cores): "
          + ", ".join(f"{k} {v:.1f}" for k, v in cpu.spent.items()))
    print("what the index steps reported (warm-up included): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for name, w in (("pipeline", work), ("the pipeline's ledger", ledger_work), ("raw _bulk", raw_work)):
        print(f"index work of {name}: " + ", ".join(f"{k} {v:g}" for k, v in w.items()))
    print(f"worker RSS after {args.editions} editions (MB): " + ", ".join(f"{r:.0f}" for r in rss))


if __name__ == "__main__":
    main()

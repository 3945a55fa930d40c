"""Search latency at 100,000 articles (and more): ES `took` and in-process wall time per query class, with and
without the collapse, on an index built the worker's way, from realistic text.

    .venv/bin/python bench/search_latency.py [--sizes 100000[,300000]] [--variants default,index_phrases,offsets,shards2]
                                             [--runs 5] [--keep]

The corpus: every real text the project holds (the sample page, the fixture sites' article pages, the page
texts and hand-split articles of bench/search_quality.py, and the saved real pages under
tests/fixtures/real_pages when there are any), plus synthetic articles whose sentences are words drawn
from jieba's shipped dictionary by its frequencies, so that common and rare terms occur about as often
as in print. About one article in four carries one or two real paragraphs, and one in twelve is a reprint
of an earlier one in another paper (same near-duplicate group), so the collapse has groups to fold.

Each size is one index named bench-latency-…, created from the worker's template and analysis profile
(ingest.index.index_body) and deleted at the end (--keep leaves it for a second look, --reuse measures it
again). A variant (VARIANTS) changes the index: `index_phrases` indexes two-character shingles beside the
per-character fields, which core Elasticsearch uses for phrase queries (its highlights come back empty,
elastic/elasticsearch#40227, so its figures lack most of the highlighting cost); `offsets` stores offsets
in the postings of the highlighted fields; `shards2` is the template on two primary shards. Each variant
is built and measured at every size, one after the other.

The query classes: a common two-character word, a rarer word of three or four characters, two terms, a
phrase cut from a real paragraph, a common word filtered by paper and a date range, and the judged seed
queries of bench/search_quality.py. Each query runs `--runs` times after a warm-up, the modes (MODES)
interleaved so that load on the machine falls on all of them alike: through ingest.search.search as the
front-ends run it (wall), and its bodies once more for the ES `took` (the search plus, when it lists group
members, the members query). `inner_hits` is the collapse searches ran before: members as the collapse's
inner_hits (which re-run the query once per hit) and the group count, one request. `front-ends, after a
write` is the front-ends' search right after a refresh that made a new document visible, as every search
meets one while workers ingest (per-reader caches such as global ordinals start again).

With two sizes or more, p95 is projected to 1,000,000 articles by a least-squares fit of p95 on size, both
linear and log-log (a power of the size); the larger of the two is the one to plan by.

The shared Elasticsearch has a 768 MB heap and other work on it: the 300k point takes a while to build.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import math
import random
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jieba  # noqa: E402
from elasticsearch import Elasticsearch, helpers  # noqa: E402
from search_quality import FIXTURES, corpus, documents, load_queries  # noqa: E402

from ingest.config import settings  # noqa: E402
from ingest.index import client, index_body  # noqa: E402
from ingest.normalize import normalize_edition  # noqa: E402
from ingest.parse import ParseHints, parse_file  # noqa: E402
from ingest.search import (  # noqa: E402
    DUPLICATES_SHOWN,
    HIGHLIGHT_FIELDS,
    MEMBER_ORDER,
    MEMBER_SOURCE,
    SearchRequest,
    build_query,
    group_of,
    index_word_fields,
    members_query,
    search,
)

PAPERS = [f"paper{n:02d}" for n in range(24)]
FIRST_DAY = date(2018, 1, 1)
DAYS = 3 * 365
TEXT_FIELDS = ("title", "pretitle", "subtitle", "body", "column", "dateline")
# The front-ends' search right after a refresh that made a new document visible, as while workers ingest:
# whatever Elasticsearch caches per index reader (global ordinals) is built again for it.
AFTER_A_WRITE = "front-ends, after a write"
# What a search asks for, from what the front-ends ask (members and group count) to the bare collapse.
MODES: dict[str, dict[str, bool]] = {
    "inner_hits (before)": {"collapse": True},
    "collapse (front-ends)": {"collapse": True, "group_members": True, "count_groups": True},
    AFTER_A_WRITE: {"collapse": True, "group_members": True, "count_groups": True},
    "collapse, members": {"collapse": True, "group_members": True, "count_groups": False},
    "collapse alone": {"collapse": True, "group_members": False, "count_groups": False},
    "no collapse": {"collapse": False},
}


# ---------------------------------------------------------------- text

def real_paragraphs() -> list[str]:
    """Every paragraph of real text the project holds (at least 20 characters)."""
    paras = [p for inp in corpus() for a in inp.edition.articles for p in a.paragraphs]
    for path in sorted((FIXTURES / "real_pages").rglob("*.htm*")) if (FIXTURES / "real_pages").is_dir() else []:
        try:
            edition = normalize_edition(parse_file(path, ParseHints(name=path.name)))
        except Exception as e:  # a page our parsers cannot split yet still leaves the rest of the corpus
            print(f"  (skipped {path.relative_to(FIXTURES)}: {e})", file=sys.stderr)
            continue
        paras += [p for a in edition.articles for p in a.paragraphs]
    return sorted({p for p in paras if len(p) >= 20})


class Words:
    """Words drawn by their frequency in jieba's dictionary (word, count, part of speech per line)."""

    def __init__(self, rng: random.Random) -> None:
        path = Path(jieba.__file__).parent / "dict.txt"
        words, weights = [], []
        for line in path.read_text(encoding="utf-8").splitlines():
            word, freq, *_ = line.split(" ")
            if all("\u4e00" <= c <= "\u9fff" for c in word):
                words.append(word)
                weights.append(int(freq))
        self.words = words
        self.freq = dict(zip(words, weights, strict=True))
        self.cum = list(itertools.accumulate(weights))
        self.rng = rng

    def draw(self, n: int) -> list[str]:
        total = self.cum[-1]
        return [self.words[bisect.bisect(self.cum, self.rng.random() * total)] for _ in range(n)]

    def sentence(self) -> str:
        return "".join(self.draw(self.rng.randint(6, 18))) + self.rng.choice("。。。，；！？")

    def by_rank(self, length: int, ranks: range) -> list[str]:
        ranked = sorted((w for w in self.words if len(w) == length), key=lambda w: -self.freq[w])
        return ranked[ranks.start:ranks.stop]


def articles(n: int, rng: random.Random, words: Words, real: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """n article documents in the template's shape (only the fields a search reads or filters on)."""
    earlier: list[tuple[str, dict[str, Any]]] = []
    for k in range(n):
        doc_id = f"lat-{k:07d}"
        if earlier and rng.random() < 1 / 12:  # a reprint in another paper, days later: same group
            orig_id, orig = rng.choice(earlier)
            day = date.fromisoformat(orig["date"]) + timedelta(days=rng.randint(0, 3))
            doc = orig | {"paper": rng.choice(PAPERS), "date": day.isoformat(), "dup_group": orig["dup_group"]}
            yield doc_id, doc
            continue
        body = ["".join(words.sentence() for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(3, 7))]
        if rng.random() < 0.25:
            for _ in range(rng.randint(1, 2)):
                body.insert(rng.randrange(len(body) + 1), rng.choice(real))
        doc = {"paper": rng.choice(PAPERS), "paper_name": "", "kind": "article",
               "date": (FIRST_DAY + timedelta(days=rng.randrange(DAYS))).isoformat(),
               "page": {"number": rng.randint(1, 12), "name": ""}, "title": "".join(words.draw(rng.randint(3, 6))),
               "pretitle": "", "subtitle": "", "body": body, "dup_group": doc_id}
        if len(earlier) < 5000:
            earlier.append((doc_id, doc))
        elif rng.random() < 0.05:
            earlier[rng.randrange(len(earlier))] = (doc_id, doc)
        yield doc_id, doc


def real_documents() -> list[tuple[str, dict[str, Any]]]:
    """The judged corpus of bench/search_quality.py as documents, so the seed queries find what they find there."""
    return [(doc_id, doc) for _, pairs in documents(corpus()).docs for doc_id, doc in pairs]


# ---------------------------------------------------------------- the index

def with_field_option(body: dict[str, Any], variant: str, option: dict[str, Any],
                      fields: frozenset[str] | None = None) -> dict[str, Any]:
    """`option` set on every per-character text field (or on those of `fields`, dotted paths)."""
    def walk(props: dict[str, Any], prefix: str) -> None:
        for name, spec in props.items():
            path = prefix + name
            if spec.get("type") == "text" and spec.get("analyzer") == "zh_chars" and (fields is None or path in fields):
                spec.update(option)
            walk(spec.get("properties", {}), path + ".")
    walk(body["mappings"]["properties"], "")
    body["mappings"]["_meta"] = body["mappings"].get("_meta", {}) | {"bench_variant": variant}
    return body


HIGHLIGHTED = frozenset(HIGHLIGHT_FIELDS)
# What each variant changes in the worker's template (see the module docstring).
VARIANTS = {
    "default": lambda body: body,
    # Two-character shingles beside the per-character fields: match_phrase uses them in core ES.
    "index_phrases": lambda body: with_field_option(body, "index_phrases", {"index_phrases": True}),
    # Offsets in the postings of the highlighted fields: the unified highlighter reads them instead of
    # analysing each hit's text again.
    "offsets": lambda body: with_field_option(body, "offsets", {"index_options": "offsets"}, HIGHLIGHTED),
    # The template as it is, on two primary shards (INGEST_ES_SHARDS=2): one search runs on both at once.
    "shards2": lambda body: body | {"settings": body["settings"] | {"number_of_shards": 2}},
}


def build(es: Elasticsearch, name: str, variant: str, size: int, real: list[str], seed: int) -> float:
    body = VARIANTS[variant](index_body(es=es))
    es.indices.create(index=name, settings=body["settings"] | {"refresh_interval": "-1"}, mappings=body["mappings"])
    rng = random.Random(seed)
    words = Words(rng)
    fixed = real_documents()
    docs = itertools.chain(fixed, articles(size - len(fixed), rng, words, real))
    t0 = time.perf_counter()
    slow = es.options(request_timeout=600)
    # One request at a time keeps one indexing thread busy; two in flight use both cores of a small machine.
    # The ids are fixed by the generator, so the index holds the same documents in whatever order they land.
    for ok, item in helpers.parallel_bulk(slow, ({"_index": name, "_id": i, "_source": d} for i, d in docs),
                                          chunk_size=1000, thread_count=2, queue_size=2):
        if not ok:
            raise RuntimeError(f"bulk into {name} failed: {item}")
    # Then the interval the workers' index has (index_body set it; the build turned it off).
    es.indices.put_settings(index=name, settings={"refresh_interval": body["settings"]["refresh_interval"]})
    slow.indices.refresh(index=name)
    slow.indices.forcemerge(index=name, max_num_segments=8)
    return time.perf_counter() - t0


# ---------------------------------------------------------------- queries

def query_classes(words: Words, real: list[str], rng: random.Random) -> dict[str, list[SearchRequest]]:
    common = words.by_rank(2, range(0, 400))
    rarer = words.by_rank(3, range(200, 3000)) + words.by_rank(4, range(100, 2000))
    phrases = [p[s:s + rng.randint(4, 8)] for p in rng.sample(real, 10) for s in [rng.randrange(max(1, len(p) - 8))]]
    seeds = [q.text for q in load_queries()]
    pick = rng.sample
    return {
        "common word": [SearchRequest(w) for w in pick(common, 10)],
        "rarer word": [SearchRequest(w) for w in pick(rarer, 10)],
        "two terms": [SearchRequest(f"{a} {b}") for a, b in zip(pick(common, 10), pick(rarer, 10), strict=True)],
        "real phrase": [SearchRequest(p) for p in phrases],
        "filtered": [SearchRequest(w, paper=rng.choice(PAPERS), since=date(2019, 1, 1), until=date(2019, 12, 31))
                     for w in pick(common, 10)],
        "seed queries": [SearchRequest(q) for q in seeds],
    }


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def inner_hits_body(body: dict[str, Any]) -> dict[str, Any]:
    """The collapse as searches ran it before: members as inner_hits of the collapse, in the one request."""
    return body | {"collapse": body["collapse"] | {"inner_hits": {
        "name": "duplicates", "size": DUPLICATES_SHOWN + 1, "sort": MEMBER_ORDER, "_source": MEMBER_SOURCE}}}


def run_mode(es: Elasticsearch, name: str, req: SearchRequest, fields: list[str], mode: str) -> tuple[float, float]:
    """(took ms, wall ms) of `req` in `mode`: wall as a front-end gets it, took summed over its requests."""
    body = build_query(req, fields)
    if mode == "inner_hits (before)":
        t0 = time.perf_counter()
        took = float(es.search(index=name, **inner_hits_body(body))["took"])
        return took, (time.perf_counter() - t0) * 1000
    if mode == AFTER_A_WRITE:
        write_probe(es, name)
    t0 = time.perf_counter()
    search(es, name, req)
    wall = (time.perf_counter() - t0) * 1000
    resp = es.search(index=name, **body)
    took = float(resp["took"])
    if mode == AFTER_A_WRITE:  # the first search after the write paid for the rebuild: so must this one
        write_probe(es, name)
        resp = es.search(index=name, **body)
        took = float(resp["took"])
    if req.collapse and req.group_members and (groups := sorted({group_of(h) for h in resp["hits"]["hits"]})):
        took += es.search(index=name, **members_query(body, groups))["took"]
    return took, wall


PROBES: list[str] = []


def write_probe(es: Elasticsearch, name: str) -> None:
    """A document no query matches, written and made visible (a new segment, as a worker's write makes)."""
    PROBES.append(f"probe-{len(PROBES):05d}")
    es.index(index=name, id=PROBES[-1], refresh=True, document={
        "paper": "probe", "kind": "article", "date": "2000-01-01", "body": ["（探针）"], "dup_group": PROBES[-1]})


def measure(es: Elasticsearch, name: str, classes: dict[str, list[SearchRequest]], runs: int) \
        -> dict[tuple[str, str], tuple[list[float], list[float]]]:
    """{(class, mode): (took ms, wall ms)} over every query and run, the modes interleaved."""
    out: dict[tuple[str, str], tuple[list[float], list[float]]] = {
        (cls, mode): ([], []) for cls in classes for mode in MODES}
    fields = index_word_fields(es, name)
    for cls, reqs in classes.items():
        for req in reqs:
            variants = {mode: replace(req, **opts) for mode, opts in MODES.items()}
            for mode, r in variants.items():
                run_mode(es, name, r, fields, mode)  # warm-up
            for _ in range(runs):
                for mode, r in variants.items():
                    took, wall = run_mode(es, name, r, fields, mode)
                    out[(cls, mode)][0].append(took)
                    out[(cls, mode)][1].append(wall)
    if PROBES:  # leave the index as built, for --keep and --reuse
        helpers.bulk(es, ({"_op_type": "delete", "_index": name, "_id": p} for p in PROBES), refresh=True)
        PROBES.clear()
    return out


def fit(points: list[tuple[int, float]], log: bool) -> float:
    """p95 at 1,000,000 articles by least squares over (size, p95): linear, or log-log (a power law)."""
    tx = (lambda v: math.log(v)) if log else (lambda v: float(v))
    xs, ys = [tx(n) for n, _ in points], [tx(max(p, 0.5)) for _, p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    at = my + slope * (tx(1_000_000) - mx)
    return math.exp(at) if log else at


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000", help="comma-separated index sizes (articles)")
    ap.add_argument("--variants", default="default",
                    help=f"comma-separated, each built at every size: {', '.join(VARIANTS)}")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--keep", action="store_true", help="leave the indices (named in the output) for a second look")
    ap.add_argument("--reuse", action="store_true",
                    help="measure on an index an earlier --keep left for the same variant and size, if there is one")
    args = ap.parse_args()
    es = client(settings())
    real = real_paragraphs()
    rng = random.Random(args.seed)
    classes = query_classes(Words(random.Random(args.seed)), real, rng)
    print(f"real paragraphs: {len(real)}; queries per class: "
          + ", ".join(f"{c} {len(r)}" for c, r in classes.items()) + f"; {args.runs} runs each after a warm-up")
    p95s: dict[tuple[str, str], list[tuple[int, float, float]]] = {}
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        for variant in args.variants.split(","):
            prefix = f"bench-latency-{variant.replace('_', '-')}-{size}-"
            kept = sorted(es.indices.get(index=prefix + "*", allow_no_indices=True)) if args.reuse else []
            name = kept[0] if kept else prefix + uuid.uuid4().hex[:6]
            try:
                built = f"kept from an earlier run, {name}" if kept else \
                    f"built in {(t := build(es, name, variant, size, real, args.seed)):.0f} s ({size / t:.0f} docs/s)"
                stats = es.indices.stats(index=name)["indices"][name]["total"]["store"]["size_in_bytes"]
                print(f"\n{variant}, {size} articles: {built}, {stats / 2**20:.0f} MB on disk"
                      + (f" [{name}]" if args.keep else ""))
                results = measure(es, name, classes, args.runs)
                print(f"{'class':<16} {'mode':<24} {'took p50':>8} {'p95':>6} {'max':>6}   "
                      f"{'wall p50':>8} {'p95':>6} {'max':>6}")
                for mode in MODES:
                    every_took: list[float] = []
                    every_wall: list[float] = []
                    for cls in classes:
                        took, wall = results[(cls, mode)]
                        every_took += took
                        every_wall += wall
                        print(f"{cls:<16} {mode:<24} {pct(took, 50):8.0f} {pct(took, 95):6.0f} {max(took):6.0f}   "
                              f"{pct(wall, 50):8.0f} {pct(wall, 95):6.0f} {max(wall):6.0f}")
                    print(f"{'all':<16} {mode:<24} {pct(every_took, 50):8.0f} {pct(every_took, 95):6.0f} "
                          f"{max(every_took):6.0f}   {pct(every_wall, 50):8.0f} {pct(every_wall, 95):6.0f} "
                          f"{max(every_wall):6.0f}")
                    p95s.setdefault((variant, mode), []).append((size, pct(every_took, 95), pct(every_wall, 95)))
            finally:
                if not args.keep:
                    es.indices.delete(index=name, ignore_unavailable=True)
    for (variant, mode), points in p95s.items():
        if len(points) >= 2:
            took = [(n, t) for n, t, _ in points]
            wall = [(n, w) for n, _, w in points]
            sizes_seen = ", ".join(f"{n:,}" for n, _, _ in points)
            print(f"projected to 1,000,000 ({variant}, {mode}; fit over {sizes_seen}): took p95 "
                  f"{fit(took, log=False):.0f} ms linear / {fit(took, log=True):.0f} ms log-log, wall p95 "
                  f"{fit(wall, log=False):.0f} / {fit(wall, log=True):.0f} ms")


if __name__ == "__main__":
    main()

"""Search quality per analysis profile: judged Chinese queries over real newspaper text, scored by MRR,
nDCG@10 and exact-term precision, to choose the default analysis and ranking fields by numbers.

    .venv/bin/python bench/search_quality.py              # the table
    .venv/bin/python bench/search_quality.py --details    # plus the figures per query kind
    .venv/bin/python bench/search_quality.py --query 疗休养 # one query's ranking under every variant

Needs the local Elasticsearch with the zh-analysis plugin (deploy/es.sh up; $INGEST_ES_URL). Each
profile gets an index of its own, built the way the worker builds it (ingest.index.ensure_index with
$INGEST_ANALYSIS_PROFILE forcing the profile, then write_documents over ingest.documents output), and
deleted afterwards. Queries run through ingest.search with the variant's ranking signals.

The corpus (all of it real text from the repository, nothing fetched):
- page01/#N      the sample page (tests/fixtures/zjgrrb-2020-06-25/page01.txt) through the page-text parser;
- site/…#N       the article pages of the fixture e-paper sites (Founder GBK, pc/layout UTF-8, 人民日报),
                 through the HTML parser (page lists only lead to the article pages, as in the worker);
- page_text/…#N  the page-text variants (tests/fixtures/page_text: other mastheads, inner pages, hard
                 wrapping, traditional characters, full-width digits, ads);
- section/…      the lead article cut at its section heads, each part a story of its own;
- para/…         every paragraph of the page's five articles as a document of its own;
- short/…        real short texts: captions, credits, masthead lines, headlines (bench/data/short_texts.json).
So one story is met as a whole article in several extractions, as a section and as single paragraphs,
and the short texts and paragraphs share most characters and many words with everything else.

Judgments (bench/data/search_queries.json) grade each document by its key: 2 = about what the query
asks (the answer a reader wants), 1 = relevant but not central (a passing mention, a fragment),
unlisted = not relevant. Every query has at least one document graded 2.
Metrics, per query, then averaged:
- MRR@10: 1 / rank of the first hit graded 2 (0 when none is in the first 10);
- nDCG@10: graded gains 2^g - 1, discount log2(rank + 1), over the ideal ordering of all judged documents;
- exact-term precision@10: the share of the first 10 hits in which every query term stands as written
  (width-folded, simplified) in one field value; a document with only the characters apart is a miss.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from elasticsearch import Elasticsearch  # noqa: E402

from ingest.config import settings  # noqa: E402
from ingest.dedup import drop_exact_duplicates  # noqa: E402
from ingest.documents import Source, edition_documents  # noqa: E402
from ingest.es_client import client  # noqa: E402
from ingest.index import concrete_indices, ensure_index, write_documents  # noqa: E402
from ingest.model import Article, Edition  # noqa: E402
from ingest.normalize import fold_width, normalize_edition, to_simplified  # noqa: E402
from ingest.papers import get_paper  # noqa: E402
from ingest.parse import ParseHints, parse_file  # noqa: E402
from ingest.search import (  # noqa: E402
    RANKING_SIGNALS,
    SearchRequest,
    default_ranking,
    index_word_fields,
    query_terms,
    search,
)

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data"
FIXTURES = REPO / "tests" / "fixtures"
QUERIES = DATA / "search_queries.json"
SAMPLE_DAY = date(2020, 6, 25)
TOP = 10


# ---------------------------------------------------------------- metrics (pure)

def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain of graded relevances in rank order: sum of (2^g - 1) / log2(rank + 1)."""
    return sum((2 ** g - 1) / math.log2(rank + 1) for rank, g in enumerate(gains, 1))


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = TOP) -> float:
    """nDCG@k of a ranking (document ids, best first) against graded judgments (unjudged = 0)."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        raise ValueError("nDCG needs at least one judged relevant document")
    return dcg([grades.get(d, 0) for d in ranked[:k]]) / ideal


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int], k: int = TOP, at_least: int = 2) -> float:
    """1 / rank of the first of the first k documents graded `at_least` or more; 0 when there is none."""
    for rank, d in enumerate(ranked[:k], 1):
        if grades.get(d, 0) >= at_least:
            return 1.0 / rank
    return 0.0


def comparable(text: str) -> str:
    """Text as a query term is compared with it: full-width folded, simplified, lower case."""
    return to_simplified(fold_width(text)).lower()


def has_exact_terms(values: Sequence[str], terms: Sequence[str]) -> bool:
    """Every term stands as written inside one of the field values (characters apart do not count)."""
    texts = [comparable(v) for v in values]
    return all(any(comparable(t) in v for v in texts) for t in terms)


def exact_term_precision(ranked: Sequence[str], texts: Mapping[str, Sequence[str]], terms: Sequence[str],
                         k: int = TOP) -> float | None:
    """Share of the first k hits whose field values hold every term as written; None for no hits."""
    top = ranked[:k]
    if not top:
        return None
    return sum(has_exact_terms(texts[d], terms) for d in top) / len(top)


def mean(values: Sequence[float | None]) -> float:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else float("nan")


# ---------------------------------------------------------------- the corpus

@dataclass
class Input:
    """One input as the worker meets it: an edition, where it came from, and a key per article."""
    label: str
    edition: Edition
    keys: list[str] = field(default_factory=list)


def _parsed(path: Path, label: str, hints: ParseHints) -> Input:
    edition = normalize_edition(parse_file(path, hints))
    edition.articles, _ = drop_exact_duplicates(edition.articles)
    return Input(label, edition, [f"{label}#{i}" for i in range(len(edition.articles))])


def _sample_page() -> list[Input]:
    path = FIXTURES / "zjgrrb-2020-06-25" / "page01.txt"
    return [_parsed(path, "page01", ParseHints(name=path.name))]


def _sites() -> list[Input]:
    zjgrrb = get_paper("zjgrrb")
    out = []
    for path in sorted((FIXTURES / "sites").rglob("*.htm*")):
        if not path.name.startswith(("content_", "nw.")):
            continue  # page lists and the site's front door: the worker follows them to the article pages
        family, *rest = path.relative_to(FIXTURES / "sites").parts
        paper = zjgrrb if family == "founder" else None  # the paper's own site; the others say who they are
        # The path under the site root stands for the URL the worker fetched (it tells the site family).
        hints = ParseHints(name="/".join(rest), paper=paper)
        out.append(_parsed(path, f"site/{family}/{path.stem}", hints))
    return out


def _page_texts() -> list[Input]:
    zjgrrb = get_paper("zjgrrb")
    out = []
    for path in sorted((FIXTURES / "page_text").glob("*.txt")):
        # Inner pages carry no masthead: the operator gives paper, date and page, as `ingest add` does.
        page = 2 if path.stem.startswith("inner") else 1
        out.append(_parsed(path, f"page_text/{path.stem}", ParseHints(name=path.name, paper=zjgrrb,
                                                                       date=SAMPLE_DAY, page=page)))
    return out


def _hand_split() -> dict[str, Any]:
    return json.loads((DATA / "zjgrrb-2020-06-25-articles.json").read_text(encoding="utf-8"))


def _edition(articles: list[Article]) -> Edition:
    return Edition(paper="zjgrrb", paper_name="浙江工人日报", date=SAMPLE_DAY, articles=articles)


def _sections() -> list[Input]:
    data = _hand_split()
    parts = data["series_parts"]
    whole = next(a for a in data["articles"] if a["key"] == parts["of"])
    inp = Input("section", _edition([]))
    for part in parts["parts"]:
        start, end = part["paragraphs"]
        body = whole["body"][start:end]
        if body and body[0] == part["title"]:
            body = body[1:]  # the section head is the part's title
        inp.edition.articles.append(Article(page=1, title=part["title"], body="\n".join(body)))
        inp.keys.append(f"section/{part['key']}")
    return [inp]


def _paragraphs() -> list[Input]:
    inp = Input("para", _edition([]))
    for a in _hand_split()["articles"]:
        for i, para in enumerate(a["body"]):
            if len(para) < 20:
                continue  # a section head, not a paragraph
            inp.edition.articles.append(Article(page=1, body=para))
            inp.keys.append(f"para/{a['key']}/{i}")
    return [inp]


def _short_texts() -> list[Input]:
    texts = json.loads((DATA / "short_texts.json").read_text(encoding="utf-8"))["texts"]
    inp = Input("short", _edition([]))
    for t in texts:
        title, _, body = t["text"].partition("\n")
        inp.edition.articles.append(Article(page=1, kind="notice", title=title, body=body))
        inp.keys.append(f"short/{t['key']}")
    return [inp]


def corpus() -> list[Input]:
    inputs = _sample_page() + _sites() + _page_texts() + _sections() + _paragraphs() + _short_texts()
    for inp in inputs:
        assert len(inp.keys) == len(inp.edition.articles), inp.label
    return inputs


@dataclass
class Indexed:
    """Documents of the corpus: key -> Elasticsearch id (copies of one text share an id), and the field
    values of each id that a query term may match."""
    ids: dict[str, str]
    texts: dict[str, list[str]]
    docs: list[tuple[Source, list[tuple[str, dict[str, Any]]]]]


def documents(inputs: list[Input]) -> Indexed:
    ids: dict[str, str] = {}
    texts: dict[str, list[str]] = {}
    docs = []
    for inp in inputs:
        source = Source("file", f"bench:{inp.label}", "0" * 64)
        pairs = edition_documents(inp.edition, source)
        for key, (doc_id, doc) in zip(inp.keys, pairs, strict=True):
            ids[key] = doc_id
            texts[doc_id] = [doc[f] for f in ("pretitle", "title", "subtitle", "column", "dateline") if doc[f]] \
                + list(doc["body"])
        docs.append((source, pairs))
    return Indexed(ids, texts, docs)


# ---------------------------------------------------------------- queries and judgments

@dataclass(frozen=True)
class Query:
    text: str
    kinds: tuple[str, ...]  # exact, apart, name, place, multi, traditional, fullwidth, split, topic
    grades: dict[str, int]  # corpus key -> 2 (about it) or 1 (relevant, not central)
    note: str = ""


def load_queries(path: Path = QUERIES) -> list[Query]:
    raw = json.loads(path.read_text(encoding="utf-8"))["queries"]
    return [Query(q["query"], tuple(q["kinds"]), dict(q["relevant"]), q.get("note", "")) for q in raw]


def check_judgments(queries: list[Query], indexed: Indexed) -> None:
    """Refuse judgments that name documents the corpus no longer has (a parser change renumbered them)."""
    problems = []
    for q in queries:
        unknown = sorted(set(q.grades) - set(indexed.ids))
        if unknown:
            problems.append(f"{q.text}: unknown keys {unknown}")
        if 2 not in q.grades.values():
            problems.append(f"{q.text}: no document graded 2")
        if set(q.grades.values()) - {1, 2}:
            problems.append(f"{q.text}: grades must be 1 or 2")
    if problems:
        raise SystemExit("bad judgments:\n  " + "\n  ".join(problems))


def id_grades(q: Query, indexed: Indexed) -> dict[str, int]:
    """Grades by Elasticsearch id: copies of one text share an id and take the best grade of their keys."""
    out: dict[str, int] = {}
    for key, g in q.grades.items():
        doc_id = indexed.ids[key]
        out[doc_id] = max(out.get(doc_id, 0), g)
    return out


# ---------------------------------------------------------------- variants and runs

@dataclass(frozen=True)
class Variant:
    name: str
    profile: str  # the analysis profile of the index (ingest.analysis)
    ranking: frozenset[str]  # ranking signals of ingest.search
    default: bool = False  # what a search on such an index uses unless told otherwise


SIGNAL_NAMES = {"bigrams": "bigrams", "index_words": "ES words"}
PROFILES = ("bare", "zh-analysis")


def variants(word_fields_by_profile: Mapping[str, Sequence[str]]) -> list[Variant]:
    """Every profile with every combination of the ranking signals its index can use, phrases only first."""
    out = []
    for profile, word_fields in word_fields_by_profile.items():
        usable = [s for s in RANKING_SIGNALS if word_fields or s != "index_words"]
        default = default_ranking(word_fields) & set(usable)
        for n in range(len(usable) + 1):
            for signals in combinations(usable, n):
                name = " + ".join(SIGNAL_NAMES[s] for s in signals) or "phrases only"
                out.append(Variant(f"{profile}: {name}", profile, frozenset(signals), set(signals) == default))
    return out


@contextmanager
def profile_forced(profile: str) -> Iterator[None]:
    old = os.environ.get("INGEST_ANALYSIS_PROFILE")
    os.environ["INGEST_ANALYSIS_PROFILE"] = profile
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("INGEST_ANALYSIS_PROFILE")
        else:
            os.environ["INGEST_ANALYSIS_PROFILE"] = old


def build_index(es: Elasticsearch, profile: str, indexed: Indexed) -> str:
    alias = f"bench-quality-{profile}-{uuid.uuid4().hex[:8]}"
    with profile_forced(profile):
        ensure_index(es, alias)
    for _, pairs in indexed.docs:
        write_documents(es, alias, pairs, refresh=False)
    es.indices.refresh(index=alias)
    return alias


def ranked_ids(es: Elasticsearch, alias: str, query: str, ranking: frozenset[str]) -> list[str]:
    # Every document, not one per near-duplicate group: the bench index has no groups, and copies of one
    # text are judged alike.
    req = SearchRequest(query=query, limit=TOP, collapse=False, ranking=ranking)
    return [h["id"] for h in search(es, alias, req)["hits"]]


@dataclass
class Scores:
    mrr: list[float] = field(default_factory=list)
    ndcg: list[float] = field(default_factory=list)
    precision: list[float | None] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))


def evaluate(es: Elasticsearch, alias: str, variant: Variant, queries: list[Query], indexed: Indexed) -> Scores:
    s = Scores()
    for q in queries:
        ranked = ranked_ids(es, alias, q.text, variant.ranking)
        grades = id_grades(q, indexed)
        s.mrr.append(reciprocal_rank(ranked, grades))
        s.ndcg.append(ndcg_at(ranked, grades))
        s.precision.append(exact_term_precision(ranked, indexed.texts, query_terms(q.text)))
        for kind in q.kinds:
            s.by_kind[kind].append(s.ndcg[-1])
    return s


def changes(scores: Sequence[float], baseline: Sequence[float]) -> tuple[int, int]:
    """How many queries scored higher, and how many lower, than on the baseline."""
    up = sum(a > b + 1e-9 for a, b in zip(scores, baseline, strict=True))
    down = sum(a < b - 1e-9 for a, b in zip(scores, baseline, strict=True))
    return up, down


def show_query(es: Elasticsearch, aliases: dict[str, str], all_variants: list[Variant], text: str,
               queries: list[Query], indexed: Indexed) -> None:
    q = next((q for q in queries if q.text == text), None)
    keys_by_id: dict[str, list[str]] = defaultdict(list)
    for key, doc_id in indexed.ids.items():
        keys_by_id[doc_id].append(key)
    grades = id_grades(q, indexed) if q else {}
    for v in all_variants:
        ranked = ranked_ids(es, aliases[v.profile], text, v.ranking)
        print(f"\n{v.name}")
        for rank, doc_id in enumerate(ranked, 1):
            head = " / ".join(indexed.texts[doc_id])[:40]
            print(f"  {rank:2d} [{grades.get(doc_id, 0)}] {', '.join(keys_by_id[doc_id])[:60]:60s} {head}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--details", action="store_true", help="nDCG@10 per query kind as well")
    ap.add_argument("--query", help="print one query's first hits under every variant")
    args = ap.parse_args()
    es = client(settings(), request_timeout=60)
    inputs = corpus()
    indexed = documents(inputs)
    queries = load_queries()
    check_judgments(queries, indexed)
    aliases: dict[str, str] = {}
    try:
        for profile in PROFILES:
            aliases[profile] = build_index(es, profile, indexed)
        all_variants = variants({p: index_word_fields(es, a) for p, a in aliases.items()})
        if args.query:
            show_query(es, aliases, all_variants, args.query, queries, indexed)
            return
        print(f"{len(set(indexed.ids.values()))} documents ({len(indexed.ids)} corpus keys), "
              f"{len(queries)} judged queries\n")
        rows = [(v, evaluate(es, aliases[v.profile], v, queries, indexed)) for v in all_variants]
        baseline = {v.profile: s for v, s in rows if not v.ranking}
        print("Ranking: phrase matches of every term (all variants), plus the ranking signals named. "
              "±: queries whose nDCG@10 rose / fell against phrases only.\n")
        print(f"| {'variant':58s} | MRR@10 | nDCG@10 | exact-term P@10 |   ±   |")
        print(f"|{'-' * 60}|-------:|--------:|----------------:|:-----:|")
        for v, s in rows:
            up, down = changes(s.ndcg, baseline[v.profile].ndcg)
            name = f"**{v.name}** (default)" if v.default else v.name
            print(f"| {name:58s} | {mean(s.mrr):6.3f} | {mean(s.ndcg):7.3f} | {mean(s.precision):15.3f} | "
                  f"+{up}/-{down} |")
        if args.details:
            kinds = sorted({k for q in queries for k in q.kinds})
            print("\nnDCG@10 per query kind (number of queries):")
            print("| variant | " + " | ".join(f"{k} ({sum(k in q.kinds for q in queries)})" for k in kinds) + " |")
            for v, s in rows:
                print(f"| {v.name} | " + " | ".join(f"{mean(s.by_kind[k]):.3f}" for k in kinds) + " |")
    finally:
        for alias in aliases.values():
            es.indices.delete(index=",".join(concrete_indices(es, alias)))


if __name__ == "__main__":
    main()

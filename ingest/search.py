"""Search: the query builder every front-end reuses, and result shaping.

How Chinese queries behave (see mappings/README.md):
- each whitespace-separated term must occur contiguously: a phrase on the per-character fields, so 疗休养
  finds 疗休养 and not a text that merely has 疗, 休 and 养 apart;
- ranking (among the documents that match) by the index's in-Elasticsearch word sub-fields where its
  analysis profile has them, else by character bigrams; title fields weigh more than the body;
- near-duplicates (one `dup_group`, see ingest.dup_groups) come back as one hit listing the others,
  unless the request asks for every document (collapse=False). The others come from a second, filtered
  query over the page's groups, not from the collapse's inner_hits, which re-ran the whole query once per
  hit (bench/search_latency.py measures both).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from typing_extensions import (
    TypedDict,  # pydantic (the HTTP service's schema) needs it before Python 3.12
)

from ingest.errors import InputError
from ingest.es_client import api_error
from ingest.index import index_meta, service_errors
from ingest.model import page_label_of, parse_page_label
from ingest.normalize import fold_width
from ingest.simplify import convert
from ingest.stories import PARTS_HIDDEN, on_page, pages_of

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

    from ingest.es_client import SearchClient

# Where a term may match, and how much a match there counts.
PHRASE_FIELDS = {"title": 4.0, "pretitle": 2.0, "subtitle": 2.0, "column": 1.5, "body": 1.0,
                 "zhs.title": 4.0, "zhs.body": 1.0}
BIGRAM_FIELDS = {"title.bigrams": 3.0, "pretitle.bigrams": 1.5, "subtitle.bigrams": 1.5, "body.bigrams": 1.0}
# Words segmented inside Elasticsearch: the sub-fields an analysis profile adds (ingest.analysis), boosted by
# the text field they belong to; an index has those its _meta lists under analysis.word_fields.
INDEX_WORD_BOOSTS = {"title": 2.0, "pretitle": 1.0, "subtitle": 1.0, "body": 0.5, "zhs.title": 2.0, "zhs.body": 0.5}
# What may add to the score of a document that matched every term (bench/search_quality.py compares them).
RANKING_SIGNALS = ("bigrams", "index_words")
HIGHLIGHT_TAGS = ("<em>", "</em>")
HIGHLIGHT_FIELDS: dict[str, dict[str, Any]] = {
    "title": {"number_of_fragments": 0}, "pretitle": {"number_of_fragments": 0}, "subtitle": {"number_of_fragments": 0},
    "body": {"fragment_size": 90, "number_of_fragments": 2, "no_match_size": 90},
    "zhs.body": {"fragment_size": 90, "number_of_fragments": 2}}
# Bounds every front-end shares: a query longer than a sentence or two is not a search, and Elasticsearch
# pages no deeper than its max_result_window.
MAX_QUERY_CHARS = 200
MAX_TERMS = 16
MAX_LIMIT = 1000
MAX_WINDOW = 10_000


@dataclass(frozen=True)
class SearchRequest:
    query: str
    paper: str | None = None
    since: date | None = None
    until: date | None = None
    page: str | int | None = None  # a page label (A03, 3, 03): with a section letter it names that page alone
    author: str | None = None  # an author's name as the byline has it
    limit: int = 10
    offset: int = 0  # hits (groups, when collapsed) to skip: pagination
    collapse: bool = True  # one hit per near-duplicate group (dup_group)
    # With collapse, what every front-end shows and bench/search_latency.py prices: each hit's group (its
    # size and first other members, one more query over the page's groups) and the number of groups among
    # all matches (a cardinality over every match; the search page pages by it).
    group_members: bool = True
    count_groups: bool = True
    # Ranking signals (RANKING_SIGNALS) instead of the default for the index (default_ranking); index_words
    # counts only where the index has word sub-fields.
    ranking: frozenset[str] | None = None


def page_filter(page: str | int) -> dict[str, Any]:
    """`--page A03` (or A3) is that page of a sectioned edition, `--page 3` (or 03) page 3 of an unsectioned
    one (not A03 nor B03); documents indexed before labels existed have only the number, and match by it."""
    label = parse_page_label(str(page))
    if label is None:
        raise InputError(f"search: page {page!r} is not a page label (3, 03, A03)")
    if not label.isdigit():
        return {"term": {"page.label": label}}
    unlabelled = {"bool": {"filter": [{"term": {"page.number": int(label)}}],
                           "must_not": [{"exists": {"field": "page.label"}}]}}
    return {"bool": {"should": [{"term": {"page.label": label}}, unlabelled], "minimum_should_match": 1}}


def query_terms(query: str) -> list[str]:
    """The terms of a user query: width-folded, split on white space, quotes dropped."""
    q = fold_width(query).replace("\u3000", " ")
    return [t for t in (re.sub(r"[\"“”'‘’]", "", t) for t in q.split()) if t]


def _term_clause(term: str) -> dict[str, Any]:
    variants = {term, convert(term)}
    should = [{"match_phrase": {f: {"query": v, "boost": b}}} for f, b in PHRASE_FIELDS.items() for v in variants]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def default_ranking(index_word_fields: Sequence[str]) -> frozenset[str]:
    """The ranking signals of a request that names none, on an index with these word sub-fields: the words
    where there are any, else the character bigrams (on an index with both, bigrams added nothing to the
    words: bench/search_quality.py, mappings/README.md)."""
    return frozenset({"index_words"} if _boosted(index_word_fields) else {"bigrams"})


def _boosted(index_word_fields: Sequence[str]) -> dict[str, float]:
    return {f: INDEX_WORD_BOOSTS[f.rsplit(".", 1)[0]] for f in index_word_fields
            if f.rsplit(".", 1)[0] in INDEX_WORD_BOOSTS}


def _multi_match(query: str, fields: dict[str, float], kind: str) -> dict[str, Any]:
    return {"multi_match": {"query": query, "type": kind, "fields": [f"{f}^{b}" for f, b in fields.items()]}}


def _ranking(terms: list[str], signals: frozenset[str], index_word_fields: Sequence[str]) -> list[dict[str, Any]]:
    clauses = []
    if "bigrams" in signals:
        clauses.append(_multi_match(" ".join(terms), BIGRAM_FIELDS, "most_fields"))
    index_words = _boosted(index_word_fields)
    if "index_words" in signals and index_words:
        # Each term a phrase of its words: smartcn cuts 困难职工 into 困难/职工 and names into characters, and as
        # a bag those pieces would reward a title with one of them (困难学子) — bench/search_quality.py measured it.
        clauses.extend(_multi_match(t, index_words, "phrase") for t in terms)
    return clauses


def build_query(req: SearchRequest, index_word_fields: Sequence[str] = ()) -> dict[str, Any]:
    """The request body (query, highlight, size) for `req`; `index_word_fields` are the in-Elasticsearch
    word sub-fields of the index searched (see index_word_fields)."""
    if len(req.query) > MAX_QUERY_CHARS:
        raise InputError(f"search: the query is {len(req.query)} characters long; at most {MAX_QUERY_CHARS}")
    terms = query_terms(req.query)
    if not terms:
        raise InputError(f"search: the query {req.query!r} has no terms")
    if len(terms) > MAX_TERMS:
        raise InputError(f"search: the query has {len(terms)} terms; at most {MAX_TERMS}")
    if req.limit < 1 or req.limit > MAX_LIMIT:
        raise InputError(f"search: the number of hits must be between 1 and {MAX_LIMIT}, not {req.limit}")
    if req.offset < 0 or req.offset + req.limit > MAX_WINDOW:
        raise InputError(f"search: hits from {req.offset} to {req.offset + req.limit} are out of reach "
                         f"(the first {MAX_WINDOW} can be paged through)")
    if req.since and req.until and req.since > req.until:
        raise InputError(f"search: the first date {req.since} is after the last date {req.until}")
    signals = req.ranking if req.ranking is not None else default_ranking(index_word_fields)
    if unknown := signals - set(RANKING_SIGNALS):
        raise InputError(f"search: unknown ranking signals {sorted(unknown)}; the signals are "
                         f"{', '.join(RANKING_SIGNALS)}")
    filters: list[dict[str, Any]] = []
    if req.paper:
        filters.append({"term": {"paper": req.paper}})
    if req.since or req.until:
        rng: dict[str, str] = {}
        if req.since:
            rng["gte"] = req.since.isoformat()
        if req.until:
            rng["lte"] = req.until.isoformat()
        filters.append({"range": {"date": rng}})
    if req.page is not None:
        filters.append(on_page(page_filter(req.page), parse_page_label(str(req.page)) or ""))
    if req.author:
        filters.append({"term": {"authors.name": req.author.strip()}})
    ranking = _ranking(terms, signals, index_word_fields)
    return {
        "query": {"bool": {"must": [_term_clause(t) for t in terms], "should": ranking, "filter": filters,
                           "must_not": [PARTS_HIDDEN]}},
        "highlight": {
            # html: the text around the marks comes back escaped, so a fragment is safe to show as HTML.
            "pre_tags": [HIGHLIGHT_TAGS[0]], "post_tags": [HIGHLIGHT_TAGS[1]], "encoder": "html",
            "fields": HIGHLIGHT_FIELDS,
        },
        "_source": HIT_SOURCE,
        "from": req.offset,
        "size": req.limit,
        "track_total_hits": True,
    } | (_collapse(req) if req.collapse else {})


# How many members of a collapsed group a hit lists (the group's size is counted in full).
DUPLICATES_SHOWN = 5
HIT_SOURCE = ["paper", "paper_name", "date", "page", "kind", "pretitle", "title", "subtitle",
              "column", "authors", "url", "dup_group", "story"]
MEMBER_SOURCE = ["paper", "paper_name", "date", "page", "title"]


MEMBER_ORDER = [{"date": "asc"}, {"paper": "asc"}]


def _collapse(req: SearchRequest) -> dict[str, Any]:
    # Wire copy reprinted by several papers, or the PDF and the HTML text of one article, is one hit. No
    # inner_hits: the members come from members_query.
    return {"collapse": {"field": "dup_group"}} | (
        {"aggs": {"groups": {"cardinality": {"field": "dup_group"}}}} if req.count_groups else {})


def members_query(body: dict[str, Any], groups: Sequence[str]) -> dict[str, Any]:
    """The members of `groups` that the search `body` matches (its terms, filters and exclusions; no
    scoring): per group its size and its first DUPLICATES_SHOWN + 1 members by date, as the collapse's
    inner_hits gave them."""
    q = body["query"]["bool"]
    return {
        "query": {"bool": {"filter": [*q["must"], *q["filter"], {"terms": {"dup_group": list(groups)}}],
                           "must_not": q["must_not"]}},
        "size": 0,
        "track_total_hits": False,
        # map: bucket the few matching members by their values. The default (global ordinals) rebuilds an
        # ordinal for every group in the index after each refresh that wrote to it — every search while the
        # workers ingest: 9 ms p50 at 100,000 articles against 2 (bench/search_latency.py, "after a write").
        "aggs": {"groups": {"terms": {"field": "dup_group", "size": len(groups), "execution_hint": "map"},
                            "aggs": {"members": {
                                "top_hits": {"size": DUPLICATES_SHOWN + 1, "sort": MEMBER_ORDER,
                                             "_source": MEMBER_SOURCE}}}}},
    }


# What a search returns: the one shape of a hit for every front-end (the CLI's --json, the HTTP API, the
# search page).
class AuthorOut(TypedDict):
    name: str
    role: str


class Member(TypedDict):
    """Another member of a hit's near-duplicate group."""
    id: str
    paper: str | None
    paper_name: str | None
    date: str | None
    page: int | None
    page_label: str | None
    title: str


class Group(TypedDict):
    """The near-duplicate group a collapsed hit stands for: its size among the matches, and up to
    DUPLICATES_SHOWN of the others (oldest first)."""
    id: str
    size: int
    others: list[Member]


class Highlight(TypedDict):
    """Marked text (<em>…</em>, the rest HTML-escaped); a heading is None where the query did not touch it."""
    pretitle: str | None
    title: str | None
    subtitle: str | None
    body: list[str]


class Hit(TypedDict):
    id: str
    paper: str | None
    paper_name: str | None
    date: str | None
    page: int | None
    page_name: str | None
    page_label: str | None
    pages: list[str]  # the labels of every page it is printed on: more than one for a story (ingest.stories)
    kind: str | None
    pretitle: str
    title: str
    subtitle: str
    column: str
    authors: list[AuthorOut]
    url: str | None
    score: float | None
    highlight: Highlight
    group: Group | None  # None when the request did not collapse or did not ask for group members


class SearchResult(TypedDict):
    total: int  # documents matched
    groups: int | None  # near-duplicate groups among them (approximate), when collapsed and asked for
    offset: int
    hits: list[Hit]


def _join_marks(fragment: str) -> str:
    # Each Han character is its own token, so a phrase comes back as <em>疗</em><em>休</em><em>养</em>:
    # show it as one mark.
    o, c = HIGHLIGHT_TAGS
    return fragment.replace(c + o, "")


def index_word_fields(es: Elasticsearch | SearchClient, alias: str) -> list[str]:
    """The in-Elasticsearch word sub-fields of the index behind `alias`, as its analysis profile recorded
    them in the index _meta (none for the bare profile, for indices older than the profiles, or no index)."""
    return sorted(index_meta(es, alias).get("analysis", {}).get("word_fields", []))


def search(es: Elasticsearch | SearchClient, alias: str, req: SearchRequest) -> SearchResult:
    """Run `req`: the hits, best first, each shaped by `hit`."""
    fields = index_word_fields(es, alias) if req.ranking is None or "index_words" in req.ranking else ()
    body = build_query(req, fields)
    members = req.collapse and req.group_members
    with service_errors(f"searching {alias}"):
        try:
            resp = es.search(index=alias, **body)
            buckets = _member_buckets(es, alias, body, resp["hits"]["hits"]) if members else {}
        except api_error() as e:
            if e.meta.status == 404:
                return {"total": 0, "groups": 0 if req.collapse and req.count_groups else None,
                        "offset": req.offset, "hits": []}
            raise
    groups = resp["aggregations"]["groups"]["value"] if "aggregations" in resp else None
    return {"total": resp["hits"]["total"]["value"], "groups": groups, "offset": req.offset,
            "hits": [hit(h, buckets.get(group_of(h), {}) if members else None) for h in resp["hits"]["hits"]]}


def _member_buckets(es: Elasticsearch | SearchClient, alias: str, body: dict[str, Any], hits: list[dict[str, Any]]) \
        -> dict[str, dict[str, Any]]:
    """{group: its members_query bucket} for the groups of `hits`."""
    groups = sorted({group_of(h) for h in hits})
    if not groups:
        return {}
    resp = es.search(index=alias, **members_query(body, groups))
    return {b["key"]: b for b in resp["aggregations"]["groups"]["buckets"]}


def group_of(h: dict[str, Any]) -> str:
    """The near-duplicate group of a hit: its collapse key, else its own dup_group or id."""
    key = (h.get("fields") or {}).get("dup_group") or [h["_source"].get("dup_group") or h["_id"]]
    return str(key[0])


def hit(h: dict[str, Any], bucket: dict[str, Any] | None = None) -> Hit:
    """One Elasticsearch hit of a `build_query` body as a front-end gets it; `bucket` is its group's bucket
    of `members_query` (None: the request asked for no group; {}: the query found no other member)."""
    src, hl = h["_source"], h.get("highlight", {})
    page = src.get("page") or {}
    inner = None if bucket is None else bucket.get("members", {}).get("hits", {})

    def heading(field: str) -> str | None:
        return _join_marks(hl[field][0]) if hl.get(field) else None

    return {
        "id": h["_id"],
        "paper": src.get("paper"),
        "paper_name": src.get("paper_name"),
        "date": src.get("date"),
        "page": page.get("number"),
        "page_name": page.get("name") or None,
        "page_label": stored_page_label(src),
        "pages": pages_of(src),
        "kind": src.get("kind"),
        "pretitle": src.get("pretitle") or "",
        "title": src.get("title") or "",
        "subtitle": src.get("subtitle") or "",
        "column": src.get("column") or "",
        "authors": [{"name": a.get("name", ""), "role": a.get("role", "")} for a in src.get("authors") or []],
        "url": src.get("url"),
        "score": h.get("_score"),
        "highlight": {"pretitle": heading("pretitle"), "title": heading("title"), "subtitle": heading("subtitle"),
                      "body": [_join_marks(f) for f in hl.get("body") or hl.get("zhs.body") or []]},
        "group": None if inner is None else {
            "id": group_of(h),
            "size": max(1, bucket.get("doc_count", 1) if bucket else 1),
            "others": [member(d) for d in inner.get("hits", []) if d["_id"] != h["_id"]][:DUPLICATES_SHOWN]},
    }


def member(h: dict[str, Any]) -> Member:
    """A hit of MEMBER_SOURCE fields: another member of a near-duplicate group."""
    src = h["_source"]
    return {"id": h["_id"], "paper": src.get("paper"), "paper_name": src.get("paper_name"),
            "date": src.get("date"), "page": (src.get("page") or {}).get("number"),
            "page_label": stored_page_label(src), "title": src.get("title") or ""}


def printed_page(label: str | None, number: int | None) -> str:
    """A page as the paper prints it: A03版 in a sectioned edition, 第3版 otherwise."""
    if label and not label.isdigit():
        return f"{label}版"
    n = int(label) if label else number
    return f"第{n}版" if n is not None else ""


def stored_page_label(src: dict[str, Any]) -> str | None:
    """The page label of a stored document; documents indexed before labels have only the number."""
    page = src.get("page") or {}
    if page.get("label"):
        return str(page["label"])
    return page_label_of("", page["number"]) if page.get("number") is not None else None

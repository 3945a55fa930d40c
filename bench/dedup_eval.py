"""Near-duplicate evaluation: MinHash (ingest.neardup) against SimHash on a labelled set of real text.

    python bench/dedup_eval.py            # the table
    python bench/dedup_eval.py --details  # plus recall per perturbation and the hardest negatives

The set is built here from bench/data/: the articles of one real front page (浙江工人日报 2020-06-25),
each in the perturbed forms a worker really meets — the HTML and the page-text (PDF) extraction, column
breaks in the wrong place, a cut lead, an edited headline, traditional characters, an inserted photo
caption, a reprint trimmed for space, the page-1 part of an article that jumps to another page, light
edits, a correction — and short real texts (captions,
headlines) that must never join a group. Two forms of one article are a positive pair; forms of two
different articles are negatives, and since all five articles of that page are 工会 stories of the same
day, every such pair is a same-topic hard negative.

Figures: pair precision/recall/F1 through the production path (a shared band key, then verification),
the same for groups built by streaming the set in shuffled orders through `assign_group`, and the time
per 1,000 documents to fingerprint, look up (in memory here; Elasticsearch in production) and verify.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import opencc  # noqa: E402

from ingest import neardup  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
PHOTO_CAPTION = "爱心敬老 迎端午\n昨日，慈溪市钱海军志愿服务中心的志愿者来到慈溪市白沙路街道，为老人们送去粽子。"
PHOTO_CREDIT = "新华社记者徐昱 摄"
HOTLINE = "88851111\n新闻服务热线"


# ---------------------------------------------------------------- the labelled set

@dataclass(frozen=True)
class Doc:
    id: str
    story: str | None  # documents of one story are near-duplicates; None: a short text, nobody's duplicate
    kind: str
    text: str
    part_of: str | None = None  # a section of that story: neither a duplicate of it nor a stranger, not scored


def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _head(a: dict[str, Any], title: str | None = None, subtitle: str | None = None,
          pretitle: str | None = None) -> list[str]:
    parts = [a["pretitle"] if pretitle is None else pretitle, a["title"] if title is None else title,
             a["subtitle"] if subtitle is None else subtitle]
    return [p for p in parts if p]


def _body(a: dict[str, Any], body: list[str] | None = None, dateline: str | None = None) -> list[str]:
    paras = list(a["body"] if body is None else body)
    d = a["dateline"] if dateline is None else dateline
    if d and paras:
        paras[0] = f"{d} {paras[0]}"
    return paras


def clean(a: dict[str, Any], rng: random.Random) -> str:
    return "\n".join(_head(a) + _body(a))


def html(a: dict[str, Any], rng: random.Random) -> str:
    # As a Founder article page reads once tags are stripped: site line, headings, indented paragraphs.
    lines = ["浙江工人日报 2020年06月25日 第01版：要闻", *_head(a), "\xa0"]
    lines += ["\u3000\u3000" + p for p in _body(a)]
    return "\n".join(lines)


def page_text(a: dict[str, Any], rng: random.Random) -> str:
    # The real text of the printed page (PDF text layer) over the article's lines: words split at column
    # breaks, and for the 红船 story a photo caption, a hotline box and its own headline in mid-body.
    lines = (DATA / "zjgrrb-2020-06-25-page01.txt").read_text(encoding="utf-8").split("\n")
    return "\n".join("\n".join(lines[s - 1:e]) for s, e in a["page_lines"])


_FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
_ASCII_PUNCT = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"})


def pdf_wrapped(a: dict[str, Any], rng: random.Random) -> str:
    # A PDF text layer of narrow columns: a hard break every 12-15 characters, full-width digits,
    # ASCII punctuation from a different font.
    text = clean(a, rng).translate(_FULLWIDTH).translate(_ASCII_PUNCT)
    out, i = [], 0
    while i < len(text):
        n = rng.randint(12, 15)
        out.append(text[i:i + n])
        i += n
    return "\n".join(out)


def column_join(a: dict[str, Any], rng: random.Random) -> str:
    # Reading order gone wrong: the body cut into column blocks at arbitrary characters, two blocks swapped.
    body = "".join(_body(a))
    cuts = sorted(rng.sample(range(1, len(body)), 3))
    blocks = [body[i:j] for i, j in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    blocks[1], blocks[2] = blocks[2], blocks[1]
    return "\n".join(_head(a)) + "\n" + "\n\n".join(blocks)


def _cut_lead_body(a: dict[str, Any]) -> list[str]:
    paras, total, dropped = list(a["body"]), sum(map(len, a["body"])), 0
    while paras and (dropped == 0 or dropped < total * 0.1):
        dropped += len(paras.pop(0))
    return paras


def cut_lead(a: dict[str, Any], rng: random.Random) -> str:
    # Headline, dateline and lead lost (split at the wrong place); the rest intact.
    return "\n".join(_cut_lead_body(a))


def edited_headline(a: dict[str, Any], rng: random.Random) -> str:
    head = _head(a, title=a["edited_title"], subtitle=a["edited_subtitle"], pretitle="")
    return "\n".join(head + _body(a, dateline="据浙江工人日报报道"))


def traditional(a: dict[str, Any], rng: random.Random) -> str:
    return _converter("s2t").convert(html(a, rng))


def traditional_tw(a: dict[str, Any], rng: random.Random) -> str:
    # Taiwan wording as well as characters (s2twp changes vocabulary), with an edited headline.
    return _converter("s2twp").convert(edited_headline(a, rng))


def caption(a: dict[str, Any], rng: random.Random) -> str:
    # A photo caption, its credit and a hotline box extracted into the middle of the body.
    paras = _body(a)
    at = len(paras) // 2
    paras[at:at] = [PHOTO_CAPTION, PHOTO_CREDIT, HOTLINE]
    return "\n".join(_head(a) + paras)


def reprint_trimmed(a: dict[str, Any], rng: random.Random) -> str:
    # Another paper's reprint: own headline, credit line instead of the byline, cut from the bottom to fit.
    paras, kept, total = [], 0, sum(map(len, a["body"]))
    for p in a["body"]:
        if paras and kept >= total * 0.55:
            break
        paras.append(p)
        kept += len(p)
    return "\n".join([a["edited_title"], *_body(a, body=paras, dateline="据浙江工人日报报道")])


def jump_part(a: dict[str, Any], rng: random.Random) -> str:
    # The page-1 part of an article that jumps to another page (下转第4版): the PDF of page 1 has only its
    # start, the HTML the whole text.
    paras, kept, total = [], 0, sum(map(len, a["body"]))
    for p in a["body"]:
        if paras and kept >= total * 0.25:
            break
        paras.append(p)
        kept += len(p)
    return "\n".join(_head(a) + _body(a, body=paras) + ["（下转第4版）"])


def _apply(paras: list[str], pairs: list[list[str]]) -> list[str]:
    out = list(paras)
    for old, new in pairs:
        out = [p.replace(old, new) for p in out]
    return out


def light_edit(a: dict[str, Any], rng: random.Random) -> str:
    # An editor's pass: phrases reworded or dropped, and one more sentence cut.
    paras = _apply(a["body"], a["edits"])
    long_paras = [i for i, p in enumerate(paras) if p.count("。") >= 2]
    if long_paras:
        i = rng.choice(long_paras)
        sentences = [s for s in paras[i].split("。") if s]
        del sentences[rng.randrange(len(sentences))]
        paras[i] = "。".join(sentences) + "。"
    return "\n".join(_head(a) + _body(a, body=paras))


def corrected(a: dict[str, Any], rng: random.Random) -> str:
    # The published correction of a fact or a typo (e.g. 汜可小康 → 汔可小康 of the real page).
    return "\n".join(_head(a) + _body(a, body=_apply(a["body"], a["corrections"])))


def combo(a: dict[str, Any], rng: random.Random) -> str:
    # Several at once: traditional characters, lead cut, caption inside, PDF line breaks.
    paras = _cut_lead_body(a)
    paras.insert(len(paras) // 2, PHOTO_CAPTION)
    text = _converter("s2t").convert("\n".join(paras))
    return "\n".join(text[i:i + 14] for i in range(0, len(text), 14))


VARIANTS: dict[str, Callable[[dict[str, Any], random.Random], str]] = {
    f.__name__: f for f in (clean, html, page_text, pdf_wrapped, column_join, cut_lead, edited_headline,
                            traditional, traditional_tw, caption, reprint_trimmed, jump_part, light_edit, corrected,
                            combo)
}


def series_parts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The sections of the long article as articles of their own (see series_parts.note in the data)."""
    whole = next(a for a in data["articles"] if a["key"] == data["series_parts"]["of"])
    parts = []
    for i, p in enumerate(data["series_parts"]["parts"]):
        start, end = p["paragraphs"]
        body = [b for b in whole["body"][start:end] if b != p["title"]]
        parts.append({**p, "body": body, "pretitle": "", "subtitle": whole["subtitle"] if i == 0 else "",
                      "column": whole["column"], "dateline": whole["dateline"] if i == 0 else "",
                      "edited_subtitle": ""})
    return parts


def build_set() -> list[Doc]:
    data = json.loads((DATA / "zjgrrb-2020-06-25-articles.json").read_text(encoding="utf-8"))
    shorts = json.loads((DATA / "short_texts.json").read_text(encoding="utf-8"))["texts"]
    whole = data["series_parts"]["of"]
    docs = []
    for a, part_of in [(a, None) for a in data["articles"]] + [(p, whole) for p in series_parts(data)]:
        for name, make in VARIANTS.items():
            rng = random.Random(f"{a['key']}/{name}")
            docs.append(Doc(f"{a['key']}/{name}", a["key"], name, make(a, rng), part_of))
    s2t = _converter("s2t")
    for s in shorts:
        docs.append(Doc(f"short/{s['key']}", None, "short", s["text"]))
        # The same short text in traditional characters: exact matching's business, never a near-dup group.
        docs.append(Doc(f"short/{s['key']}/traditional", None, "short", s2t.convert(s["text"])))
    docs.append(Doc("short/caption-full", None, "short", PHOTO_CAPTION + "\n" + PHOTO_CREDIT))
    return docs


# ---------------------------------------------------------------- the methods compared

@dataclass(frozen=True)
class Method:
    name: str
    fingerprint: Callable[[str], tuple[list[str], Any]]
    verify: Callable[[Any, Any], bool]
    score: Callable[[Any, Any], float]


def minhash_method(name: str, verify: Callable[[Any, Any], bool], score: Callable[[Any, Any], float],
                   salt: int = 0) -> Method:
    def fp(text: str) -> tuple[list[str], Any]:
        f = neardup.fingerprint(text, salt)
        return f.band_keys, f.signature
    return Method(name, fp, verify, score)


def simhash_method(max_distance: int) -> Method:
    """SimHash over the same folded 4-shingles, 64 bits, split into max_distance + 1 blocks so that any
    pair within max_distance bits shares at least one block exactly (pigeonhole): the blocks are the keys."""
    blocks = max_distance + 1
    widths = [64 // blocks + (1 if i < 64 % blocks else 0) for i in range(blocks)]

    def fp(text: str) -> tuple[list[str], Any]:
        folded = neardup.fold(text)
        hashes = neardup.shingle_hashes(folded)
        value = _simhash(hashes)
        if len(folded) < neardup.LENGTH_FLOOR:
            return [], (len(folded), value)
        keys, shift = [], 64
        for i, w in enumerate(widths):
            shift -= w
            keys.append(f"s{i}:{(value >> shift) & ((1 << w) - 1):x}")
        return keys, (len(folded), value)

    def distance(a: Any, b: Any) -> int:
        return (a[1] ^ b[1]).bit_count()

    def verify(a: Any, b: Any) -> bool:
        return min(a[0], b[0]) >= neardup.LENGTH_FLOOR and distance(a, b) <= max_distance

    return Method(f"SimHash 64 bit, ≤{max_distance} bits ({blocks} band keys)", fp, verify,
                  lambda a, b: 1 - distance(a, b) / 64)


def _simhash(hashes: np.ndarray) -> int:
    # A bit is set where most shingle hashes have it: the bits of all hashes unpacked at once.
    if not len(hashes):
        return 0
    ones = np.unpackbits(hashes.astype(">u8").view(np.uint8).reshape(-1, 8), axis=1).sum(axis=0)
    return int("".join("1" if c > len(hashes) / 2 else "0" for c in ones.tolist()), 2)


def exact_method(threshold: float) -> Method:
    """No sketch: the true containment of the shingle sets, every pair compared. Shows what sketching costs."""
    def fp(text: str) -> tuple[list[str], Any]:
        folded = neardup.fold(text)
        return (["all"] if len(folded) >= neardup.LENGTH_FLOOR else []), (len(folded), neardup.shingle_hashes(folded))

    def score(a: Any, b: Any) -> float:
        return len(np.intersect1d(a[1], b[1], assume_unique=True)) / max(1, min(len(a[1]), len(b[1])))

    def verify(a: Any, b: Any) -> bool:
        return min(a[0], b[0]) >= neardup.LENGTH_FLOOR and score(a, b) >= threshold

    return Method(f"exact containment ≥{threshold} (no sketch)", fp, verify, score)


def methods() -> list[Method]:
    return [
        minhash_method(f"MinHash {neardup.NUM_BINS} bins, {neardup.ROWS_PER_BAND}-row bands, containment ≥{neardup.THRESHOLD}",
                       neardup.is_near_duplicate, neardup.similarity),
        minhash_method("MinHash same bands, Jaccard ≥0.5",
                       lambda a, b: min(a.length, b.length) >= neardup.LENGTH_FLOOR and neardup.jaccard(a, b) >= 0.5,
                       neardup.jaccard),
        simhash_method(3),
        simhash_method(7),
        simhash_method(12),
        exact_method(neardup.THRESHOLD),
    ]


# ---------------------------------------------------------------- measuring

@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, truth: bool, predicted: bool) -> None:
        self.tp += truth and predicted
        self.fp += predicted and not truth
        self.fn += truth and not predicted


def same_story(a: Doc, b: Doc) -> bool:
    return a.story is not None and a.story == b.story


def scored(a: Doc, b: Doc) -> bool:
    """False for a section and its whole article: an excerpt is contained in its source, a judgement call."""
    return not (a.part_of and a.part_of == b.story or b.part_of and b.part_of == a.story)


def pair_scores(docs: list[Doc], m: Method) -> tuple[Scores, list[tuple[float, Doc, Doc, bool]]]:
    prints = [m.fingerprint(d.text) for d in docs]
    scores, rows = Scores(), []
    for (i, a), (j, b) in combinations(enumerate(docs), 2):
        if not scored(a, b):
            continue
        candidate = bool(set(prints[i][0]) & set(prints[j][0]))
        predicted = candidate and m.verify(prints[i][1], prints[j][1])
        scores.add(same_story(a, b), predicted)
        rows.append((m.score(prints[i][1], prints[j][1]), a, b, predicted))
    return scores, rows


def stream_groups(docs: list[Doc], m: Method, order: list[int]) -> dict[str, str]:
    """Feed the documents one by one as the worker does: look candidates up by band key, assign a group."""
    index: dict[str, list[tuple[str, Any, str]]] = defaultdict(list)
    groups: dict[str, str] = {}
    for i in order:
        d = docs[i]
        keys, sig = m.fingerprint(d.text)
        seen: dict[str, tuple[str, Any, str]] = {}
        for k in keys:
            for rec in index[k]:
                seen[rec[0]] = rec
        group = d.id
        best = -1.0
        for _cid, csig, cgroup in sorted(seen.values()):
            if m.verify(sig, csig) and m.score(sig, csig) > best:
                best, group = m.score(sig, csig), cgroup
        groups[d.id] = group
        for k in keys:
            index[k].append((d.id, sig, group))
    return groups


def group_scores(docs: list[Doc], m: Method, orders: int = 5) -> Scores:
    """Streams without the sections and without their whole article, so that a section joining the
    whole's group (an excerpt, contained in it) does not chain two sections together."""
    total = Scores()
    wholes = {d.part_of for d in docs if d.part_of}
    for subset in ([d for d in docs if not d.part_of], [d for d in docs if d.story not in wholes]):
        for seed in range(orders):
            order = list(range(len(subset)))
            random.Random(seed).shuffle(order)
            groups = stream_groups(subset, m, order)
            for a, b in combinations(subset, 2):
                total.add(same_story(a, b), groups[a.id] == groups[b.id])
    return total


def ms_per_1000(docs: list[Doc], m: Method, target: int = 1000) -> float:
    """Fingerprint, look up and verify at least `target` documents (the set repeated under new ids, so the
    index grows as it would); milliseconds per 1,000 documents."""
    rounds = -(-target // len(docs))
    batch = [Doc(f"{r}/{d.id}", d.story, d.kind, d.text) for r in range(rounds) for d in docs]
    start = time.perf_counter()
    stream_groups(batch, m, list(range(len(batch))))
    return (time.perf_counter() - start) * 1000 * 1000 / len(batch)


def salted(docs: list[Doc], salts: int) -> None:
    """The chosen method's pair scores under other members of the shingle hash's family: each fixed hash is
    one draw of the sketch's error, so one figure alone cannot tell a better hash from a luckier one."""
    f1s = []
    for salt in range(salts):
        m = minhash_method("salted", neardup.is_near_duplicate, neardup.similarity, salt)
        s, _rows = pair_scores(docs, m)
        f1s.append(s.f1)
        print(f"  salt {salt}: pair P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.4f}")
    mean = sum(f1s) / len(f1s)
    sd = (sum((f - mean) ** 2 for f in f1s) / max(1, len(f1s) - 1)) ** 0.5
    print(f"MinHash pair F1 over {salts} salts of the shingle hash: mean {mean:.4f}, sd {sd:.4f}, "
          f"lowest {min(f1s):.4f}, highest {max(f1s):.4f} (salt 0 is what runs)")


def _above_floor(rows: list[tuple[float, Doc, Doc, bool]]) -> list[tuple[float, Doc, Doc, bool]]:
    floor = neardup.LENGTH_FLOOR
    return [r for r in rows if min(len(neardup.fold(r[1].text)), len(neardup.fold(r[2].text))) >= floor]


def margin(rows: list[tuple[float, Doc, Doc, bool]]) -> None:
    above = _above_floor(rows)
    worst_negative = max(r[0] for r in above if not same_story(r[1], r[2]))
    positives = sorted(r[0] for r in above if same_story(r[1], r[2]))
    print(f"MinHash containment: highest negative pair {worst_negative:.3f}, threshold {neardup.THRESHOLD}, "
          f"positives below it {sum(p < neardup.THRESHOLD for p in positives)} of {len(positives)} "
          f"(lowest {positives[0]:.3f}, 5th percentile {positives[len(positives) // 20]:.3f})")


def details(docs: list[Doc], rows: list[tuple[float, Doc, Doc, bool]]) -> None:
    print("\nrecall per perturbation (pairs of the clean text with that form, one per article):")
    by_kind: dict[str, Scores] = defaultdict(Scores)
    for _score, a, b, predicted in rows:
        if same_story(a, b) and "clean" in (a.kind, b.kind):
            other = b if a.kind == "clean" else a
            by_kind[other.kind].add(True, predicted)
    for kind, s in by_kind.items():
        print(f"  {kind:16} {s.tp}/{s.tp + s.fn}")
    print("\nhighest-scoring negative pairs above the length floor (same-day 工会 stories):")
    above = _above_floor(rows)
    negatives = sorted((r for r in above if not same_story(r[1], r[2])), key=lambda r: -r[0])[:8]
    for score, a, b, predicted in negatives:
        print(f"  {score:.3f} {'JOINED ' if predicted else ''}{a.id} ~ {b.id}")
    positives = sorted((r for r in rows if same_story(r[1], r[2])), key=lambda r: r[0])[:8]
    print("\nlowest-scoring positive pairs (a page-1 part against a text that lost its lead share little or no "
          "text: no pair test can join them, a group does, through the whole text):")
    for score, a, b, predicted in positives:
        print(f"  {score:.3f} {'' if predicted else 'MISSED '}{a.id} ~ {b.id}")


def es_groups(docs: list[Doc], es_url: str, seed: int = 0) -> None:
    """The production path on a real Elasticsearch: each document goes through the worker's index step
    (one article per edition, each its own paper so that no two are exact duplicates) in a shuffled order;
    then group precision/recall from the stored dup_group, and the cost of the candidate lookups. The two
    streams of group_scores (without the sections, without their whole article) each get a fresh index."""
    import uuid

    from ingest.config import Settings
    from ingest.dup_groups import stored_candidates
    from ingest.es_client import client
    from ingest.pipeline import index_step

    es = client(Settings.from_env(os.environ | {"INGEST_ES_URL": es_url}), request_timeout=60)
    wholes = {d.part_of for d in docs if d.part_of}
    scores, step_s, lookup_s, n_docs = Scores(), 0.0, 0.0, 0
    for subset in ([d for d in docs if not d.part_of], [d for d in docs if d.story not in wholes]):
        index = f"bench-dedup-{uuid.uuid4().hex[:8]}"
        s = Settings.from_env({"INGEST_ES_URL": es_url, "INGEST_INDEX": index,
                               "INGEST_LEDGER_INDEX": f"{index}-ledger"})
        order = list(range(len(subset)))
        random.Random(seed).shuffle(order)
        ids: dict[str, str] = {}
        try:
            start = time.perf_counter()
            for i in order:
                d = subset[i]
                lines = [ln for ln in d.text.split("\n") if ln.strip()]
                article = {"page": 1, "title": lines[0], "body": "\n".join(lines[1:])}
                edition = {"paper": f"bench{i:03d}", "date": "2020-06-25", "articles": [article]}
                payload = {"source": {"kind": "file", "uri": f"file:///bench/{i}", "archive_hash": f"{i:064x}"},
                           "hints": {"name": d.id}, "edition": edition}
                ids[d.id] = index_step(payload, s)["ids"][0]
            step_s += time.perf_counter() - start
            es.indices.refresh(index=index)
            hits = es.search(index=index, size=len(subset) + 10, _source=["dup_group", "dup_bands"])["hits"]["hits"]
            stored = {h["_id"]: h["_source"] for h in hits}
            groups = {d.id: stored[ids[d.id]]["dup_group"] for d in subset}
            for a, b in combinations(subset, 2):
                scores.add(same_story(a, b), groups[a.id] == groups[b.id])
            batch = [(ids[d.id], stored[ids[d.id]]) for d in subset]
            start = time.perf_counter()
            for k in range(0, len(batch), 20):  # an edition's worth of articles per lookup, as the worker does
                stored_candidates(es, index, batch[k:k + 20])
            lookup_s += time.perf_counter() - start
            n_docs += len(subset)
        finally:
            es.indices.delete(index=f"{index}-*,{index}-ledger", allow_no_indices=True, ignore_unavailable=True)
    print(f"\nin Elasticsearch ({n_docs} documents through the worker's index step, shuffled): group P "
          f"{scores.precision:.3f} R {scores.recall:.3f} F1 {scores.f1:.3f}; index step {step_s * 1000 / n_docs:.0f} ms "
          f"per document (lookups, write, ledger included); candidate lookup {lookup_s * 1e6 / n_docs:.0f} ms per "
          "1,000 documents")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--details", action="store_true", help="recall per perturbation, hardest pairs")
    parser.add_argument("--es", metavar="URL", help="also run the set through the index step on this Elasticsearch")
    parser.add_argument("--salts", type=int, default=0, metavar="N",
                        help="also the MinHash pair scores under N salts of the shingle hash (its error's spread)")
    args = parser.parse_args()
    docs = build_set()
    long_docs = [d for d in docs if d.story]
    pairs = [(a, b) for a, b in combinations(docs, 2) if scored(a, b)]
    positives = sum(same_story(a, b) for a, b in pairs)
    digest = hashlib.blake2b("".join(d.text for d in docs).encode(), digest_size=4).hexdigest()
    print(f"labelled set {digest}: {len(docs)} documents ({len(long_docs)} forms of "
          f"{len({d.story for d in long_docs})} articles, {len(docs) - len(long_docs)} short texts), "
          f"{positives} positive and {len(pairs) - positives} negative pairs; "
          f"mean length {sum(len(d.text) for d in docs) // len(docs)} characters; "
          f"length floor {neardup.LENGTH_FLOOR} folded characters, {neardup.SHINGLE_SIZE}-character shingles")
    header = f"{'method':58} {'pair P':>7} {'pair R':>7} {'pair F1':>7} {'group P':>7} {'group R':>7} {'ms/1000':>8}"
    print(header)
    print("-" * len(header))
    chosen_rows = None
    for m in methods():
        pair_counts, rows = pair_scores(docs, m)
        groups = group_scores(docs, m)
        ms = ms_per_1000(docs, m)
        chosen_rows = chosen_rows or rows
        print(f"{m.name:58} {pair_counts.precision:7.3f} {pair_counts.recall:7.3f} {pair_counts.f1:7.3f} "
              f"{groups.precision:7.3f} {groups.recall:7.3f} {ms:8.0f}")
    print("(group P/R: pairs in one dup_group after streaming the set through assign-group in 5 shuffled "
          "orders; ms/1000: fingerprint + in-memory band lookup + verification, one core)")
    if chosen_rows is not None:
        margin(chosen_rows)
    if args.details and chosen_rows is not None:
        details(docs, chosen_rows)
    if args.salts:
        salted(docs, args.salts)
    if args.es:
        es_groups(docs, args.es)


if __name__ == "__main__":
    main()

"""Whole stories (pure): the parts of one article continued across pages (下转第4版 … 上接第1版), found among
the jumping articles of one edition and joined into one story in reading order.

Two parts belong together when a jump line of one names the page of the other (and neither names a third
page), and either their headlines match (the continuation repeats the headline, often shortened) or the
second part is untitled and so can only be the rest of some article. The story keeps each part's own
document; its own document carries the whole body, so a phrase printed across the jump is found, and one
hit names every page (ingest.story_links writes it).

Hand-written: no library knows Chinese newspapers' jump lines or how their continuation headlines shorten.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ingest.documents import derived_fields
from ingest.model import page_label_of, page_order
from ingest.parse.chars import match_form

STORY_ROLE, PART_ROLE = "story", "part"
# A paragraph that ends with one of these ends a sentence; one that does not was cut by the jump.
_SENTENCE_END = "。！？!?…”」』)）\"'"
# A shortened headline is at least this many characters of the full one (fewer could be any headline's).
_MIN_SHORT_HEADLINE = 4


def is_part(doc: dict[str, Any]) -> bool:
    """An article with a jump line (a part of a story that may continue on another page)."""
    return doc.get("kind") == "article" and (doc.get("story") or {}).get("role") != STORY_ROLE and (
        doc.get("continues_on") is not None or doc.get("continued_from") is not None)


@dataclass(frozen=True)
class Part:
    """What the linker needs of one stored article with a jump line."""
    id: str
    paper: str
    date: str | None
    page: int | None
    label: str  # the page's own label: A04 on a sectioned paper, else 04
    headlines: tuple[str, ...]  # pretitle, title, subtitle as printed (empty ones left out)
    paragraphs: tuple[str, ...]
    continues_on: str | None  # the label the 下转 line names
    continued_from: str | None  # the label the 上接 line names

    @classmethod
    def from_document(cls, doc_id: str, doc: dict[str, Any]) -> Part:
        page = (doc.get("page") or {}).get("number")
        own = (doc.get("page") or {}).get("label") or (
            page_label_of("", page) if page is not None else "")

        def jump(field: str) -> str | None:  # continues_on / continued_from, labelled where the line was
            number = doc.get(field)
            return doc.get(f"{field}_label") or (page_label_of("", number) if number is not None else None)

        body = doc.get("body") or []
        return cls(id=doc_id, paper=doc["paper"], date=doc.get("date"), page=page, label=own,
                   headlines=tuple(h for h in (doc.get("pretitle"), doc.get("title"), doc.get("subtitle")) if h),
                   paragraphs=tuple(body if isinstance(body, list) else [p for p in body.split("\n") if p]),
                   continues_on=jump("continues_on"), continued_from=jump("continued_from"))


def names_page(jump: str | None, source: str, target: str) -> bool:
    """Whether a jump line printed on page `source` naming `jump` means page `target`: the numbers agree, and
    the sections too where both are known (a jump without a letter stays in its own page's section)."""
    if jump is None:
        return False
    (js, jn), (ss, _), (ts, tn) = page_order(jump), page_order(source), page_order(target)
    if "~" in (js, ts) or jn != tn:  # "~": not a page label
        return False
    section = js or ("" if ss == "~" else ss)
    return not section or not ts or section == ts


def _letters(text: str) -> str:
    """A headline with spaces, quotes and punctuation dropped: what two printings of it share."""
    return "".join(c for c in match_form(text) if c.isalnum())


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def headline_match(first: Part, second: Part) -> int:
    """2 when a headline of `second` is one of `first`'s (or their title and subtitle as one line), 1 when it
    is a shortened one (its characters in order within a headline of `first`), else 0."""
    full = {_letters(h) for h in first.headlines} | {_letters("".join(first.headlines))}
    full.discard("")
    best = 0
    for h in (_letters(h) for h in second.headlines):
        if not h:
            continue
        if h in full:
            return 2
        if len(h) >= _MIN_SHORT_HEADLINE and any(_is_subsequence(h, f) for f in full):
            best = 1
    return best


def ends_mid_sentence(paragraph: str) -> bool:
    return bool(paragraph.strip()) and paragraph.rstrip()[-1] not in _SENTENCE_END


def link_score(first: Part, second: Part) -> int:
    """How surely `second` continues `first` (0: it does not). Both must be of one edition; a jump line of one
    must name the other's page and neither may name a third; and the headlines must match, or `second`
    must be untitled (only the rest of an article is printed without a headline)."""
    if first.id == second.id or (first.paper, first.date) != (second.paper, second.date) or not first.date:
        return 0
    forward = names_page(first.continues_on, first.label, second.label)
    back = names_page(second.continued_from, second.label, first.label)
    if not (forward or back) or (first.continues_on and not forward) or (second.continued_from and not back):
        return 0
    evidence = headline_match(first, second) * 2
    if not second.headlines:
        evidence += 1 + (1 if first.paragraphs and ends_mid_sentence(first.paragraphs[-1]) else 0)
    if not evidence:
        return 0
    return evidence + forward + back


def assemble(parts: list[Part]) -> list[list[Part]]:
    """The stories among the jumping parts of one edition, each its parts in reading order (a part continues
    at most one and is continued by at most one); best-scored links first, ties by page order, so the
    outcome does not depend on the order the parts were found in."""
    unique = sorted({p.id: p for p in parts}.values(), key=lambda p: (p.label, p.id))
    links = sorted(((link_score(a, b), a.label, b.label, a.id, b.id) for a in unique for b in unique),
                   key=lambda x: (-x[0], x[1], x[2], x[3], x[4]))
    after: dict[str, str] = {}
    before: dict[str, str] = {}
    for score, _, _, a, b in links:
        if score <= 0:
            break
        if a in after or b in before or _reaches(after, b, a):
            continue
        after[a], before[b] = b, a
    by_id = {p.id: p for p in unique}
    stories = []
    for p in unique:
        if p.id in before or p.id not in after:
            continue
        chain, cur = [p], p.id
        while cur in after:
            cur = after[cur]
            chain.append(by_id[cur])
        stories.append(chain)
    return stories


def _reaches(after: dict[str, str], start: str, goal: str) -> bool:
    """Whether following `after` from `start` arrives at `goal` (a link that would close a loop)."""
    cur: str | None = start
    while cur is not None:
        if cur == goal:
            return True
        cur = after.get(cur)
    return False


def story_paragraphs(chain: list[Part]) -> list[str]:
    """The whole body in reading order; a paragraph the jump cut mid-sentence is joined with the one it
    continues in, so a phrase printed across the jump is one phrase of the story."""
    out: list[str] = []
    for part in chain:
        paras = list(part.paragraphs)
        if out and paras and ends_mid_sentence(out[-1]):
            out[-1] += paras.pop(0)
        out.extend(paras)
    return out


def story_id(chain: list[Part]) -> str:
    """Derived from the parts, so re-ingesting them finds the same story document."""
    first = chain[0]
    digest = hashlib.sha1("|".join(p.id for p in chain).encode()).hexdigest()[:16]
    return f"{first.paper}-{first.date or 'undated'}-story-{digest}"


def story_document(chain: list[Part], first_doc: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The story's own document: the first part's headlines, byline and page, the whole body, and every
    part's page. It has no sources (its parts have them) and no near-duplicate bands (its parts are
    compared with reprints), but shares the first part's near-duplicate group."""
    sid = story_id(chain)
    body = story_paragraphs(chain)
    keep = ("paper", "paper_name", "date", "issue_number", "page", "kind", "pretitle", "title",
            "subtitle", "column", "authors", "dateline", "url", "ingested_at")
    doc: dict[str, Any] = {k: first_doc[k] for k in keep if k in first_doc}
    doc.update(
        body=body, sources=[], dup_group=first_doc.get("dup_group", sid),
        content_hash=hashlib.sha256("\n".join(body).encode()).hexdigest(),
        story=story_field(chain, sid, STORY_ROLE))
    doc.update(derived_fields(doc.get("title", ""), body))
    return sid, doc


def story_field(chain: list[Part], sid: str, role: str) -> dict[str, Any]:
    """The `story` field of the story document and of each of its parts (the same but for its role)."""
    return {"id": sid, "role": role, "parts": [p.id for p in chain],
            "pages": [p.page for p in chain if p.page is not None], "page_labels": [p.label for p in chain]}


# ---- how searches see stories ----------------------------------------------------------------------
# A part linked into a story is found through its story (which has its text), so that the story is one hit.
PARTS_HIDDEN = {"term": {"story.role": PART_ROLE}}  # a must_not clause


def on_page(page_clause: dict[str, Any], label: str) -> dict[str, Any]:
    """A filter for documents printed on a page: what `page_clause` finds (an article there), or a story with
    a part on the page labelled `label`."""
    return {"bool": {"should": [page_clause, {"term": {"story.page_labels": label}}], "minimum_should_match": 1}}


def pages_of(source: dict[str, Any]) -> list[str]:
    """The labels of every page a hit is printed on: its story's pages, else its own page."""
    if labels := (source.get("story") or {}).get("page_labels"):
        return list(labels)
    page = source.get("page") or {}
    label = page.get("label") or (page_label_of("", page["number"]) if page.get("number") is not None else None)
    return [label] if label else []

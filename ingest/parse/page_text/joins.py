"""Column-break joins: does this block finish that unfinished paragraph?

A paragraph that stops mid-sentence (…工会在发) continues in the next column (放工会会员…), maybe after
other blocks (a photo caption, a hotline box, another article's headline). The evidence is scored;
each piece is a named function here so that `--explain` can say which one decided a join.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache

from ingest.parse.chars import CJK_RE, ends_sentence
from ingest.parse.page_text.classify import starts_like_paragraph

# What may open a continuation but never a paragraph: a comma, a closing quote or bracket.
_CONTINUATION_OPENERS = "，、；：。！？”’）)》」』…—,;:"


def is_open(paragraph: str) -> bool:
    """The paragraph stops mid-sentence (no 。！？… or closing quote after one at its end)."""
    return not ends_sentence(paragraph)


@cache
def _jieba():
    try:
        import jieba
    except ImportError:  # without a dictionary the other evidence still decides
        return None
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def word_across_break(left: str, right: str) -> str | None:
    """The dictionary word that spans the break (职|工 → 职工, 发|放 → 发放), if segmentation makes one."""
    jb = _jieba()
    if jb is None or not left or not right:
        return None
    a, b = left[-6:], right[:6]
    if not (CJK_RE.match(a[-1]) and CJK_RE.match(b[0])):
        return None
    # What jb.cut(a + b, HMM=False) does, for the one run of the characters it segments (jieba's
    # re_han_default) that holds the break: the dictionary's graph of words, then the likeliest route through
    # it. Most breaks have no dictionary word across them, which the dictionary's prefixes tell before the
    # graph is built; cut() took about twice as long, and the parse asks this of every open paragraph and block.
    text, at = a + b, len(a)
    run = next((m for m in jb.re_han_default.finditer(text) if m.start() < at < m.end()), None)
    if run is None:
        return None
    block, k = run.group(), at - run.start()
    if not _word_spans(jb.dt.FREQ, block, k):
        return None
    dag = jb.dt.get_DAG(block)
    route: dict[int, tuple[float, int]] = {}
    jb.dt.calc(block, dag, route)
    x = 0
    while x < k:
        y = route[x][1] + 1
        if k < y:
            return block[x:y]
        x = y
    return None


def _word_spans(freq: dict[str, int], block: str, k: int) -> bool:
    """Whether a dictionary word starts before position k of `block` and reaches past it: the rows of jieba's
    word graph (get_DAG: its dictionary holds every prefix of a word, a prefix alone with frequency 0) for
    the starts before the break only, stopping at the first such word, where most breaks have none."""
    for start in range(k):
        end = start + 1
        frag = block[start]
        while end <= len(block) and frag in freq:
            if end > k and freq[frag]:
                return True
            end += 1
            frag = block[start:end]
    return False


def opens_with_continuation_mark(right: str) -> bool:
    """Starts with punctuation that cannot open a paragraph (，、；” …)."""
    return bool(right) and right.lstrip()[:1] in _CONTINUATION_OPENERS


def closes_open_quote(left: str, right: str) -> bool:
    """The left part has an unclosed “ or 《 and the right part closes it before opening another."""
    for open_, close in (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")")):
        if left.count(open_) > left.count(close):
            first_close = right.find(close)
            first_open = right.find(open_)
            if first_close != -1 and (first_open == -1 or first_close < first_open):
                return True
    return False


@dataclass(frozen=True)
class Evidence:
    strong: bool  # enough on its own, even across interruptions
    against: bool  # the right part opens like a new paragraph
    why: str


def continuation_evidence(left: str, right: str) -> Evidence:
    """How strongly `right` reads as the rest of the unfinished `left`, and why."""
    if word := word_across_break(left, right):
        return Evidence(True, False, f"the word {word} spans the break")
    if opens_with_continuation_mark(right):
        return Evidence(True, False, f"starts with {right.lstrip()[:1]!r}, which cannot open a paragraph")
    if closes_open_quote(left, right):
        return Evidence(True, False, "closes a quote or bracket left open")
    if starts_like_paragraph(right) or re.match(r"^\s*(?:本报|记者|新华社)", right):
        return Evidence(False, True, "opens like a new paragraph")
    return Evidence(False, False, "the unfinished paragraph needs a continuation")

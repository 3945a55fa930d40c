"""Headline stacks: 引题 / 主标题 / 副题 → pretitle / title / subtitle, and series names → column.

A stack is the headline lines of one article in reading order. Extraction may run a whole stack into
one line (16个结对名额10小时被“抢”完 一条朋友圈信息 圆了困难学子上学梦): spaces then separate either
stack lines or the two halves of a parallel title (对仗), told apart by length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.parse.chars import key, tidy_heading

# A series or column name announced as such (系列报道, 专栏, 特别报道, 历史性变革⑧).
COLUMN_MARK_RE = re.compile(r"系列报道|系列评论|系列述评|专栏|特别报道|[①-⑳]$|之[一二三四五六七八九十]+$")
_QUOTED_RE = re.compile(r"《([^《》]{4,40})》|“([^“”]{4,40})”")
MAX_HALF = 12  # a half of a parallel title is short


@dataclass
class Stack:
    pretitle: str = ""
    title: str = ""
    subtitle: str = ""
    column: str = ""


@dataclass(frozen=True)
class Line:
    text: str
    size: float | None = None


def stack_lines(blocks: Sequence[tuple[str, float | None]]) -> list[Line]:
    """The lines of a stack: each block line, a run-together line split at spaces that separate
    stack lines (not the halves of a parallel title)."""
    out: list[Line] = []
    for text, size in blocks:
        for raw in text.splitlines():
            line = tidy_heading(raw)
            if line:
                out += [Line(part, size) for part in split_run_together(line)]
    return out


def split_run_together(line: str) -> list[str]:
    """Split a line at spaces into stack lines, pairing adjacent short segments of similar length
    as the two halves of one parallel title."""
    segs = line.split(" ")
    if len(segs) == 1:
        return segs
    lens = [visible_len(s) for s in segs]
    if len(segs) >= 3 and max(lens) <= 8 and min(lens) / max(lens) >= 0.6:
        return [line]  # 稳就业 保民生 促发展: one line of three parallel phrases
    out: list[str] = []
    i = 0
    while i < len(segs):
        if i + 1 < len(segs) and is_parallel_pair(lens[i], lens[i + 1]):
            out.append(segs[i] + " " + segs[i + 1])
            i += 2
        else:
            out.append(segs[i])
            i += 1
    return out


def visible_len(text: str) -> int:
    """Length as the eye measures a headline: characters and digits, quotes and brackets not counted."""
    return len(re.sub(r"[\s“”‘’\"'《》〈〉（）()「」『』、·]", "", text))


def is_parallel_pair(a: int, b: int) -> bool:
    """Two phrases short and close enough in length to be the halves of one title."""
    return max(a, b) <= MAX_HALF and min(a, b) / max(a, b) >= 0.5


def is_parallel(line: str) -> bool:
    parts = line.split(" ")
    return len(parts) >= 2 and all(is_parallel_pair(visible_len(parts[0]) or 1, visible_len(p) or 1)
                                   for p in parts[1:])


def quoted_names(page_text: str) -> set[str]:
    """The key form of every 《…》 and “…” span of the page: series names are announced this way."""
    return {_squash(a or b) for a, b in _QUOTED_RE.findall(page_text)}


def _squash(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", key(text))


def is_column_name(line: str, quoted: set[str]) -> str | None:
    """Why a headline line is a series/column name rather than a title, or None."""
    if COLUMN_MARK_RE.search(key(line)) or COLUMN_MARK_RE.search(line):
        return "names itself a series or column"
    sq = _squash(line)
    if len(sq) >= 4 and sq in quoted:
        return "is quoted as a name elsewhere on the page"
    return None


def split_stack(lines: Sequence[Line], quoted: set[str]) -> tuple[Stack, list[str]]:
    """Assign the lines of a stack to pretitle, title, subtitle and column; also say why."""
    st = Stack()
    why: list[str] = []
    rest: list[Line] = []
    for ln in lines:
        if not st.column and (reason := is_column_name(ln.text, quoted)):
            st.column = ln.text
            why.append(f"{ln.text!r} → column: {reason}")
        else:
            rest.append(ln)
    if not rest:
        return st, why
    t = title_index(rest)
    st.title = rest[t].text
    st.pretitle = " ".join(ln.text.rstrip() for ln in rest[:t])
    st.subtitle = " ".join(re.sub(r"^[—–-]+\s*", "", ln.text) for ln in rest[t + 1:])
    why.append(f"title {st.title!r}: {title_reason(rest, t)}")
    return st, why


def title_index(lines: Sequence[Line]) -> int:
    """Which line of a stack is the main title: the largest type when sizes are known; else the line
    after one ending in a colon (引题：), the only parallel line, the middle of three, or the first."""
    sizes = [ln.size for ln in lines]
    if all(s is not None for s in sizes) and len(set(sizes)) > 1:
        return max(range(len(lines)), key=lambda i: (sizes[i], -i))
    if len(lines) == 1:
        return 0
    for i, ln in enumerate(lines[:-1]):
        if ln.text.rstrip().endswith(("：", ":")):
            return i + 1
    dashes = [i for i, ln in enumerate(lines) if re.match(r"^[—–-]{1,2}", ln.text)]
    if dashes and dashes[0] > 0:
        return dashes[0] - 1
    parallel = [i for i, ln in enumerate(lines) if is_parallel(ln.text)]
    if len(parallel) == 1:
        return parallel[0]
    return 1 if len(lines) >= 3 else 0


def title_reason(lines: Sequence[Line], t: int) -> str:
    sizes = [ln.size for ln in lines]
    if all(s is not None for s in sizes) and len(set(sizes)) > 1:
        return "largest type"
    if len(lines) == 1:
        return "the only line"
    if t > 0 and lines[t - 1].text.rstrip().endswith(("：", ":")):
        return "follows a pretitle ending in a colon"
    if t + 1 < len(lines) and re.match(r"^[—–-]{1,2}", lines[t + 1].text):
        return "a dashed subtitle follows it"
    if is_parallel(lines[t].text) and sum(is_parallel(ln.text) for ln in lines) == 1:
        return "the one parallel (对仗) line of the stack"
    return "middle of three lines" if len(lines) >= 3 else "first line of the stack"

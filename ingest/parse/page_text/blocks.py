"""Text → blocks: the units the classifier looks at.

A block is what a reader sees as one unit on the page: a paragraph, a headline line, a masthead
group, a boxed notice. Blank lines separate blocks in extracted page text; a block whose lines are
wrapped prose is joined back into paragraphs, other multi-line blocks (a masthead group, a hotline
box) keep their lines. PDF extraction can hand over blocks directly, with font sizes and positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.parse.page_text.chars import count_cjk, ends_sentence

# A line indented by two or more spaces (or a full-width space) starts a paragraph in hard-wrapped text.
_INDENT = re.compile(r"^(?:\u3000|[ \t]{2,})")


@dataclass(frozen=True)
class Block:
    """One unit of page text, in reading order. Optional layout hints come from PDF extraction."""

    text: str  # the block's lines joined by "\n"
    index: int = 0  # position in reading order
    line: int | None = None  # 1-based line of the source text where the block starts
    font_size: float | None = None
    x: float | None = None
    y: float | None = None
    page: int | None = None

    @property
    def lines(self) -> list[str]:
        return [ln.strip() for ln in self.text.split("\n") if ln.strip()]


def split_blocks(text: str) -> list[Block]:
    """The blocks of a page text: runs of non-blank lines, wrapped prose joined into paragraphs."""
    blocks: list[Block] = []
    run: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if raw.strip():
            run.append((lineno, raw.rstrip()))
            continue
        blocks.extend(_run_to_blocks(run, len(blocks)))
        run = []
    blocks.extend(_run_to_blocks(run, len(blocks)))
    return [Block(text=b.text, index=i, line=b.line) for i, b in enumerate(blocks)]


def _run_to_blocks(run: list[tuple[int, str]], start: int) -> list[Block]:
    if not run:
        return []
    if len(run) > 1 and is_wrapped_prose([ln for _, ln in run]):
        return [Block(text=t, index=start + i, line=n) for i, (n, t) in enumerate(_unwrap(run))]
    return [Block(text="\n".join(ln.strip() for _, ln in run), index=start, line=run[0][0])]


def is_wrapped_prose(lines: list[str]) -> bool:
    """Lines of one paragraph broken by the extractor: long, Chinese, and mostly not ending a sentence."""
    body = [ln.strip() for ln in lines[:-1]]
    if any(count_cjk(ln) < 8 for ln in body):
        return False
    open_ends = sum(1 for ln in body if not ends_sentence(ln))
    return open_ends >= len(body) / 2 or any(_INDENT.match(ln) for ln in lines)


def _unwrap(run: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join wrapped lines; a new paragraph starts at an indented line, or after a short line that ends
    a sentence (the last line of a paragraph rarely fills the column)."""
    width = max(len(ln.strip()) for _, ln in run)
    paras: list[tuple[int, str]] = []
    for lineno, raw in run:
        starts_new = not paras or bool(_INDENT.match(raw))
        if paras and not starts_new:
            prev = paras[-1][1]
            last_line = prev.split("\x00")[-1]
            starts_new = ends_sentence(last_line) and len(last_line) < 0.8 * width
        if starts_new:
            paras.append((lineno, raw.strip()))
        else:
            paras[-1] = (paras[-1][0], paras[-1][1] + "\x00" + raw.strip())
    return [(n, t.replace("\x00", "")) for n, t in paras]

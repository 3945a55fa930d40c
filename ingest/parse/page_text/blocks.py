"""Text → blocks: the units the classifier looks at.

A block is what a reader sees as one unit on the page: a paragraph, a headline line, a masthead
group, a boxed notice. Blank lines separate blocks in extracted page text; a block whose lines are
wrapped prose is joined back into paragraphs, other multi-line blocks (a masthead group, a hotline
box) keep their lines. PDF extraction can hand over blocks directly, with font sizes and positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.parse.chars import count_cjk, ends_sentence

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

    # The non-blank lines, stripped: asked of every block by several passes, so cut once.
    lines: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(s for s in (ln.strip() for ln in self.text.split("\n")) if s))


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
    return blocks


def _run_to_blocks(run: list[tuple[int, str]], start: int) -> list[Block]:
    """One run of non-blank lines → blocks: wrapped prose joined into paragraphs; lines that mix
    headings and prose (a sub-heading right above its paragraph) one block each; a group of short
    lines (a masthead group, a hotline box, a notice under its heading) one block."""
    if not run:
        return []
    lines = [ln for _, ln in run]
    if len(run) > 1 and is_wrapped_prose(lines):
        return [Block(text=t, index=start + i, line=n) for i, (n, t) in enumerate(_unwrap(run))]
    if len(run) > 1 and any(is_prose_line(ln) for ln in lines) and not NOTICE_HEAD_RE.match(lines[0].strip()):
        return [Block(text=ln.strip(), index=start + i, line=n) for i, (n, ln) in enumerate(run)]
    return [Block(text="\n".join(ln.strip() for ln in lines), index=start, line=run[0][0])]


def is_prose_line(line: str) -> bool:
    """A line of running text: it has sentence punctuation or a comma."""
    return bool(re.search(r"[。；，！？…]", line))


def display_width(line: str) -> int:
    """Width as printed: a Chinese character or full-width mark is two columns, ASCII one."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in line.strip())


def is_wrapped_prose(lines: list[str]) -> bool:
    """Lines of paragraphs broken by the extractor at the column width: indented paragraph starts, or
    prose lines of (nearly) one width, each but the last."""
    if any(_INDENT.match(ln) for ln in lines[1:]) and any(is_prose_line(ln) for ln in lines):
        return True
    body = [ln.strip() for ln in lines[:-1]]
    if any(count_cjk(ln) < 8 for ln in body) or not any(is_prose_line(ln) for ln in lines):
        return False
    widths = [display_width(ln) for ln in body]
    open_ends = sum(1 for ln in body if not ends_sentence(ln))
    # The last line of a wrapped paragraph is never wider than the full lines above it.
    return (open_ends * 2 >= len(body) and max(widths) - min(widths) <= max(4, max(widths) // 10)
            and display_width(lines[-1]) <= max(widths) + 2)


def _unwrap(run: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join wrapped lines; a new paragraph starts at an indented line, or after a line that ends a
    sentence well short of the column width (the last line of a paragraph rarely fills it)."""
    width = max(display_width(ln) for _, ln in run)
    paras: list[tuple[int, list[str]]] = []
    for lineno, raw in run:
        starts_new = not paras or bool(_INDENT.match(raw))
        if paras and not starts_new:
            last = paras[-1][1][-1]
            starts_new = ends_sentence(last) and display_width(last) < 0.8 * width
        if starts_new:
            paras.append((lineno, [raw.strip()]))
        else:
            paras[-1][1].append(raw.strip())
    return [(n, join_lines(parts)) for n, parts in paras]


def join_lines(parts: list[str]) -> str:
    """Wrapped lines joined with nothing, except between two Latin words."""
    out = parts[0]
    for part in parts[1:]:
        out += (" " if out[-1:].isascii() and out[-1:].isalpha() and part[:1].isascii() and part[:1].isalpha()
                else "") + part
    return out


NOTICE_HEAD_RE = re.compile(r"^(?:广告|公告|声明|启事|遗失声明|征订启事|招聘启事|招聘|讣告|更正)")

"""Positioned text fragments of a printed page → paragraphs in reading order.

Pure geometry, no PDF library: `pdf.py` hands over fragments (a text run on one baseline with its box and
font size). A newspaper page is a grid of columns; an article is a headline over one or more columns, and
articles are stacked and set side by side. The steps:

1. fragments on one baseline that nearly touch are one line (justified CJK text spreads its characters);
2. lines of one column with one font size and normal leading form a run (a stretch of body text in one
   column, or a headline) — a run has no inner gaps, so the next step cannot cut through a column;
3. recursive X-Y cut orders the runs: a gutter that crosses the whole region splits it into left and right
   first (side-by-side articles whose tops happen to align must not be read line by line across), else a
   horizontal gap splits it into top and bottom (a headline above its columns, stacked articles);
4. a run splits into paragraphs at an indented first line or after a short last line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fragment:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class Run:
    lines: list[Fragment] = field(default_factory=list)

    @property
    def size(self) -> float:
        return self.lines[0].size

    @property
    def x0(self) -> float:
        return min(ln.x0 for ln in self.lines)

    @property
    def x1(self) -> float:
        return max(ln.x1 for ln in self.lines)

    @property
    def top(self) -> float:
        return self.lines[0].top

    @property
    def bottom(self) -> float:
        return self.lines[-1].bottom


@dataclass(frozen=True)
class Paragraph:
    text: str
    size: float
    x0: float
    top: float


def body_size(fragments: Sequence[Fragment]) -> float:
    """The font size most of the page's characters are set in."""
    weights: dict[float, int] = {}
    for f in fragments:
        weights[round(f.size, 1)] = weights.get(round(f.size, 1), 0) + len(f.text.strip())
    return max(weights, key=lambda s: weights[s]) if weights else 10.0


def page_paragraphs(fragments: Sequence[Fragment]) -> list[Paragraph]:
    """All paragraphs of a page in reading order."""
    frags = [f for f in fragments if f.text.strip() and f.size > 0]
    if not frags:
        return []
    size = body_size(frags)
    runs = reading_order(group_runs(join_lines(frags)), gutter=0.6 * size)
    return [p for r in runs for p in paragraphs(r, size)]


def join_lines(frags: Sequence[Fragment]) -> list[Fragment]:
    """Fragments on one baseline with a gap under 0.6 em become one line."""
    ordered = sorted(frags, key=lambda f: (round(f.top), f.x0))
    lines: list[Fragment] = []
    for f in ordered:
        prev = lines[-1] if lines else None
        if prev and _same_size(prev, f) and abs(prev.top - f.top) < 0.3 * f.size \
                and -0.2 * f.size <= f.x0 - prev.x1 < 0.6 * f.size:
            lines[-1] = Fragment(_concat(prev.text, f.text), prev.x0, f.x1, min(prev.top, f.top),
                                 max(prev.bottom, f.bottom), prev.size)
        else:
            lines.append(f)
    return lines


def group_runs(lines: Sequence[Fragment]) -> list[Run]:
    runs: list[Run] = []
    for ln in sorted(lines, key=lambda f: (f.top, f.x0)):
        best: Run | None = None
        for r in runs:
            if _continues(r, ln) and (best is None or r.bottom > best.bottom):
                best = r
        if best is None:
            runs.append(Run([ln]))
        else:
            best.lines.append(ln)
    return runs


def _continues(r: Run, ln: Fragment) -> bool:
    last = r.lines[-1]
    if not _same_size(last, ln):
        return False
    gap = ln.top - last.bottom
    if not -0.2 * ln.size <= gap <= 0.9 * ln.size:
        return False
    overlap = min(r.x1, ln.x1) - max(r.x0, ln.x0)
    if overlap < 0.5 * min(r.x1 - r.x0, ln.x1 - ln.x0):
        return False
    # Body lines share the column's left edge, give or take the two-character indent of a paragraph's
    # first line (which may be the run's first line); a line centred in the column is a subheading and
    # starts a run of its own.
    return abs(ln.x0 - r.x0) <= 2.6 * ln.size


def _same_size(a: Fragment, b: Fragment) -> bool:
    return abs(a.size - b.size) <= 0.12 * max(a.size, b.size)


def reading_order(runs: list[Run], gutter: float) -> list[Run]:
    if len(runs) <= 1:
        return list(runs)
    columns = _split(runs, lambda r: (r.x0, r.x1))
    bands = _split(runs, lambda r: (r.top, r.bottom))
    col_gap = max((g for g, _ in _gaps(columns, lambda r: (r.x0, r.x1))), default=0.0)
    band_gap, band_at = max(_gaps(bands, lambda r: (r.top, r.bottom)), default=(0.0, 0))
    # The widest empty stripe is the cut. Ties and near-ties go to the gutter: side-by-side articles whose
    # headlines align must not be read headline, headline, body, body.
    if col_gap >= gutter and col_gap >= band_gap:
        groups = [g for g in _split(runs, lambda r: (r.x0, r.x1), min_gap=gutter)]
        return [r for group in groups for r in reading_order(group, gutter)]
    if band_gap > 0:
        upper = [r for group in bands[:band_at] for r in group]
        lower = [r for group in bands[band_at:] for r in group]
        return reading_order(upper, gutter) + reading_order(lower, gutter)
    # No clean cut (overlapping boxes, e.g. text set around a picture): top to bottom, left to right.
    return sorted(runs, key=lambda r: (r.top, r.x0))


def _gaps(groups: list[list[Run]], span: Callable[[Run], tuple[float, float]]) -> list[tuple[float, int]]:
    """(width, index of the group after it) of each gap between consecutive groups."""
    return [(min(span(r)[0] for r in groups[i]) - max(span(r)[1] for r in groups[i - 1]), i)
            for i in range(1, len(groups))]


def _split(runs: list[Run], span: Callable[[Run], tuple[float, float]], min_gap: float = 0.01) -> list[list[Run]]:
    """Groups of runs separated by empty stripes at least `min_gap` wide along one axis, in axis order."""
    ordered = sorted(runs, key=lambda r: span(r)[0])
    groups: list[list[Run]] = []
    reach = float("-inf")
    for r in ordered:
        start, end = span(r)
        if not groups or start - reach >= min_gap:
            groups.append([r])
        else:
            groups[-1].append(r)
        reach = max(reach, end)
    return groups


def paragraphs(run: Run, page_body_size: float) -> list[Paragraph]:
    """A run's paragraphs. A headline-size run is one title broken for width; a small-print run (masthead
    fields, a caption, a box) keeps its lines; body text splits at indents and short last lines."""
    if run.size >= 1.25 * page_body_size or len(run.lines) == 1:
        return [Paragraph(_join([ln.text for ln in run.lines]), run.size, run.x0, run.top)]
    if run.size < 0.95 * page_body_size:
        return [Paragraph("\n".join(ln.text.strip() for ln in run.lines), run.size, run.x0, run.top)]
    left, right, em = run.x0, run.x1, run.size
    out: list[Paragraph] = []
    current: list[Fragment] = []
    for ln in run.lines:
        indented = ln.x0 - left >= 1.2 * em
        after_short = bool(current) and current[-1].x1 < right - 1.5 * em
        if current and (indented or after_short):
            out.append(Paragraph(_join([x.text for x in current]), em, current[0].x0, current[0].top))
            current = []
        current.append(ln)
    if current:
        out.append(Paragraph(_join([x.text for x in current]), em, current[0].x0, current[0].top))
    return out


def _join(lines: list[str]) -> str:
    text = ""
    for ln in lines:
        text = _concat(text, ln.strip())
    return text


def _concat(left: str, right: str) -> str:
    # Lines join without a space (CJK text, and numbers broken at the line end); only two Latin words
    # meeting at a break get one.
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return f"{left} {right}"
    return left + right

"""The page-text parser: the plain text of one printed page → an Edition, the way an editor would
split it: masthead facts, then every article whole, in reading order, with its headline stack,
authors and jump pages, photos and notices as items of their own.

Pipeline of small pure passes: text → blocks (blocks.py) → classes (classify.py) → threads, joining
paragraphs across column breaks and splicing around interruptions (threads.py, joins.py) → articles
(assemble.py, headlines.py). `parse_blocks` starts after the first pass, for extractors (PDF) that
deliver blocks with font sizes and positions; `explain` shows every block, its class and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ingest.encoding import encoding_note
from ingest.errors import InputError
from ingest.model import Edition, Page
from ingest.papers import Paper, all_papers, paper_by_name
from ingest.parse import ParseHints, register
from ingest.parse.chars import CJK_RE, count_cjk, key, simplified
from ingest.parse.page_text.assemble import assemble
from ingest.parse.page_text.blocks import Block, split_blocks
from ingest.parse.page_text.classify import Classified, classify_blocks
from ingest.parse.page_text.masthead import Masthead, check_lunar, check_weekday, read_masthead
from ingest.parse.page_text.threads import weave
from ingest.parse.text import decode_page_text

__all__ = ["Block", "explain", "explain_blocks", "parse_blocks", "parse_page_text", "split_blocks"]

# A printed broadsheet page holds some 10–20 thousand characters; far more is not one page's text.
MAX_PAGE_CHARS = 200_000


@register("text")
def parse_page_text(data: bytes, hints: ParseHints) -> Edition:
    """Parse the plain text of one printed page (UTF-8, UTF-16/32 with a byte order mark, GB18030 or Big5).
    InputError for what is not a page's text."""
    decoded = decode_page_text(data, hints.name)
    edition = parse_blocks(split_blocks(page_text(decoded.text, hints.name)), hints)
    edition.masthead["encoding"] = decoded.encoding
    edition.warnings[:0] = decoded.warnings + encoding_note(decoded, hints.name)
    return edition


def parse_blocks(blocks: Sequence[Block], hints: ParseHints) -> Edition:
    """Classify → join/splice → assemble blocks already split (and maybe sized) by an extractor."""
    return _analyse(blocks, hints).edition


def explain(data: bytes, hints: ParseHints) -> list[tuple[Block, str, str]]:
    """Every block of the page text in reading order, the class it got, and why (and where it went)."""
    return explain_blocks(split_blocks(page_text(decode_page_text(data, hints.name).text, hints.name)), hints)


def explain_blocks(blocks: Sequence[Block], hints: ParseHints) -> list[tuple[Block, str, str]]:
    a = _analyse(blocks, hints)
    out = []
    for c in a.classified:
        i = c.block.index
        reason = c.reason
        for extra in (a.weave_notes.get(i), a.assembly_notes.get(i)):
            if extra:
                reason += " → " + extra
        out.append((c.block, c.cls, reason))
    return out


def page_text(text: str, name: str) -> str:
    """The decoded text, refused when it cannot be one page of a Chinese newspaper."""
    if len(text) > MAX_PAGE_CHARS:
        raise InputError(f"{name}: {len(text)} characters is far more than one printed page holds "
                         f"(at most {MAX_PAGE_CHARS}); pass one page's text per file")
    if not CJK_RE.search(text):
        raise InputError(f"{name}: no Chinese characters; expected the text of a Chinese newspaper page")
    return text


@dataclass
class _Analysis:
    classified: list[Classified]
    weave_notes: dict[int, str]
    assembly_notes: dict[int, str]
    edition: Edition


def _analyse(blocks: Sequence[Block], hints: ParseHints) -> _Analysis:
    blocks = [b if b.index == i else _reindex(b, i) for i, b in enumerate(blocks)]
    names = {simplified(p.name) for p in all_papers().values()}
    classified = classify_blocks(blocks, names)
    # The masthead zone; failing that, masthead lines found elsewhere (a page header printed last).
    masthead_lines = [ln for c in classified if c.cls == "masthead" and c.data for ln in c.block.lines] or \
        [ln for c in classified if c.cls == "masthead" for ln in c.block.lines]
    m = read_masthead(masthead_lines, names)
    warnings: list[str] = []
    # Block by block: the classification counted each block's characters already (count_cjk is memoized).
    if sum(count_cjk(b.text) for b in blocks) * 5 < sum(len(b.text.replace(" ", "")) for b in blocks):
        warnings.append(f"{hints.name}: less than a fifth of the text is Chinese; is this a Chinese newspaper page?")
    paper, paper_name = _paper(hints, m, warnings)
    edition_date = _date(hints, m, warnings)
    page = hints.page or m.page or (1 if m.front else None)
    w = weave(classified)
    page_text = "\n".join(b.text for b in blocks)
    built = assemble(w, page, page_text)
    edition = Edition(
        paper=paper.id if paper else "",
        paper_name=paper_name,
        date=edition_date,
        issue_number=m.issue_number,
        pages=[Page(number=page, name=m.fields.get("page_name", ""))] if page else [],
        articles=built.articles,
        masthead=dict(m.fields),
        warnings=warnings + built.warnings,
    )
    return _Analysis(classified, w.notes, built.notes, edition)


def _reindex(b: Block, i: int) -> Block:
    return Block(text=b.text, index=i, line=b.line, font_size=b.font_size, x=b.x, y=b.y, page=b.page)


def _paper(hints: ParseHints, m: Masthead, warnings: list[str]) -> tuple[Paper | None, str]:
    """The caller's paper wins; else the configured paper the masthead names."""
    printed = m.paper_name
    if hints.paper is not None:
        if printed and key(printed) != key(hints.paper.name):
            warnings.append(f"the masthead names {printed} but the paper given is {hints.paper.name} "
                            f"({hints.paper.id}); using {hints.paper.id}")
        return hints.paper, hints.paper.name
    if printed:
        paper = paper_by_name(printed) or paper_by_name(simplified(printed))
        if paper is None:
            warnings.append(f"the masthead names {printed}, which is not a configured paper; pass --paper")
            return None, printed
        return paper, paper.name
    warnings.append("no masthead names the paper (an inner page?) and none was given; pass --paper")
    return None, ""


def _date(hints: ParseHints, m: Masthead, warnings: list[str]) -> date | None:
    """The caller's date wins (with a warning if the masthead says otherwise); else the masthead's."""
    if m.date is not None and m.lunar is not None and (w := check_lunar(m.date, m.lunar)):
        warnings.append(w)
    if m.date is not None and m.weekday is not None and (w := check_weekday(m.date, m.weekday)):
        warnings.append(w)
    if hints.date is not None:
        if m.date is not None and m.date != hints.date:
            warnings.append(f"the masthead date {m.date.isoformat()} differs from the date given "
                            f"{hints.date.isoformat()}; using {hints.date.isoformat()}")
        return hints.date
    if m.date is None:
        warnings.append("no masthead date (an inner page?) and none was given; pass --date")
    return m.date

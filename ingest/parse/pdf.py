"""PDF pages → `Edition`: the text layer with its layout, in reading order, through the page-text passes.

pdfplumber (on pdfminer.six) gives every character with its box and font size; `layout.py` turns them into
paragraphs in reading order, and the page-text parser classifies and assembles those exactly as it does
extracted page text, with the font size as its headline evidence. A page without a text layer (a scan), or
with one that cannot be mapped to Unicode, is recorded in the edition's warnings, never an error: the rest
of the edition still counts. Only a file that is no PDF at all is an InputError.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from ingest.errors import InputError
from ingest.model import Edition, Page
from ingest.parse import ParseHints, register
from ingest.parse.layout import Fragment, Paragraph, page_paragraphs
from ingest.parse.merge import merge_editions

# pdfminer reports every oddity of real-world PDFs at WARNING; they are not ours to act on.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

MAX_PAGES = 64  # an edition has 4–48 pages; more is not a newspaper
# pdfminer's placeholder for a glyph whose font has no Unicode map.
_CID = re.compile(r"\(cid:\d+\)")

TEXT_OK, NO_TEXT, UNREADABLE = "ok", "none", "unreadable"


@dataclass(frozen=True)
class PdfPage:
    index: int  # 1-based position in the file
    width: float
    height: float
    paragraphs: list[Paragraph] = field(default_factory=list)
    text_layer: str = TEXT_OK  # ok, none (a scan), unreadable (no Unicode map, or pdfminer failed)
    note: str = ""


@register("pdf")
def parse_pdf(data: bytes, hints: ParseHints) -> Edition:
    pages = read_pdf(data, hints.name)
    numbers = _page_numbers(pages, hints)
    return pdf_edition(pages, numbers, hints)


def read_pdf(data: bytes, name: str, max_pages: int = MAX_PAGES) -> list[PdfPage]:
    """Every page's paragraphs in reading order. Raises InputError when `data` is no readable PDF."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        count = len(pdf.pages)
    except Exception as e:  # pdfminer raises anything from PSEOF to KeyError on a damaged file
        raise InputError(f"{name}: not a readable PDF ({type(e).__name__}: {e or 'damaged file'})") from None
    with pdf:
        if count == 0:
            raise InputError(f"{name}: the PDF has no pages")
        if count > max_pages:
            raise InputError(f"{name}: the PDF has {count} pages, more than the {max_pages} an edition may have")
        return [_read_page(page, i, name) for i, page in enumerate(pdf.pages, start=1)]


def _read_page(page, index: int, name: str) -> PdfPage:
    width, height = float(page.width), float(page.height)
    try:
        words = page.extract_words(keep_blank_chars=True, extra_attrs=["size"], use_text_flow=False)
    except Exception as e:  # one damaged page must not cost the others
        return PdfPage(index, width, height, text_layer=UNREADABLE, note=f"{type(e).__name__}: {e}")
    # Rotated text (a vertical label in the margin) is not part of any article's reading order.
    frags = [Fragment(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]),
                      float(w["size"])) for w in words if w.get("upright", True) and w["text"].strip()]
    text = "".join(f.text for f in frags)
    if not text.strip():
        kind = "images only" if page.images else "no text and no images"
        return PdfPage(index, width, height, text_layer=NO_TEXT, note=f"no text layer ({kind})")
    cid = sum(len(m) for m in _CID.findall(text))
    private = sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff")
    if (cid + private) > 0.3 * len(text):
        return PdfPage(index, width, height, text_layer=UNREADABLE,
                       note="text layer cannot be read (fonts without a Unicode map)")
    return PdfPage(index, width, height, paragraphs=page_paragraphs(frags))


def pdf_edition(pages: list[PdfPage], numbers: list[int], hints: ParseHints) -> Edition:
    """One edition from PDF pages whose page numbers in the paper are `numbers`."""
    parts = []
    for page, number in zip(pages, numbers):
        page_hints = replace(hints, page=number)
        if page.text_layer != TEXT_OK:
            parts.append(_empty_page(page, number, page_hints))
            continue
        parts.append(page_blocks_edition(page, number, page_hints))
    return merge_editions(parts, hints)


def page_blocks_edition(page: PdfPage, number: int, hints: ParseHints) -> Edition:
    """The page-text passes over one page's paragraphs (the page-text parser's block entry point)."""
    from ingest.parse.page_text import Block, parse_blocks

    blocks = [Block(text=p.text, index=i, font_size=round(p.size, 1), x=round(p.x0, 1), y=round(p.top, 1),
                    page=number) for i, p in enumerate(page.paragraphs)]
    edition = parse_blocks(blocks, hints)
    if not any(pg.number == number for pg in edition.pages):
        edition.pages.append(Page(number=number))
    return edition


def _empty_page(page: PdfPage, number: int, hints: ParseHints) -> Edition:
    paper = hints.paper
    return Edition(paper=paper.id if paper else "", paper_name=paper.name if paper else "", date=hints.date,
                   pages=[Page(number=number)],
                   warnings=[f"{hints.name}: page {number} (PDF page {page.index}): {page.note}; "
                             "its text is not ingested (no OCR)"])


_PAGE_IN_NAME = (
    re.compile(r"第\s*(\d{1,3})\s*版"),
    re.compile(r"(?:^|[^a-z0-9])(?:page|p|ban)[_\-\s]*0*(\d{1,3})(?![0-9])", re.I),
    re.compile(r"(?:^|[_\-\s.])[a-h]?0*(\d{1,2})$", re.I),  # 01.pdf, A03.pdf, zjgrrb20200625_03.pdf
)


def page_number_in_name(filename: str) -> int | None:
    """The page number a file name states (第3版.pdf, page3.pdf, A03.pdf, 20200625_03.pdf), if any."""
    stem = PurePosixPath(filename).stem
    for pattern in _PAGE_IN_NAME:
        m = pattern.search(stem)
        if m and 0 < int(m.group(1)) <= MAX_PAGES:
            return int(m.group(1))
    return None


def _page_numbers(pages: list[PdfPage], hints: ParseHints) -> list[int]:
    if len(pages) == 1:
        return [hints.page or page_number_in_name(hints.name) or 1]
    first = hints.page or 1
    return list(range(first, first + len(pages)))

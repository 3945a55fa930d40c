"""Hard bounds on the work one input may cause, so that hostile or broken input fails fast and small.

Every bound is a setting (`INGEST_<FIELD>`, in `ingest.config`) whose default, far above any real edition,
is here; exceeding one is an InputError naming the input and the bound. Parsers get them as this small
value object in their hints, so that they stay pure functions of their input.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.config import Settings

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # A page text or HTML page of 20 MB is already far beyond any printed page: larger input is a mistake.
    max_text_bytes: int = 20 * MIB
    # A mailed or PDF whole edition (dozens of page images) can be much larger.
    max_edition_bytes: int = 200 * MIB
    # A page's content stream is a few MB; images are not inflated for text extraction.
    pdf_max_stream_bytes: int = 64 * MIB
    pdf_max_decoded_bytes: int = 256 * MIB  # all streams of one file inflated together
    pdf_max_pages: int = 64  # an edition has 4–48 pages; more is not a newspaper
    # Objects one page draws (glyphs, paths, images, forms); a dense broadsheet page has some 20 thousand.
    pdf_max_page_objects: int = 200_000
    # Operators and operands of one page's content, forms counted each time they are drawn: a dense page
    # has some 70 thousand, and the text extractor reads about 50 thousand a second.
    pdf_max_page_tokens: int = 500_000
    html_max_depth: int = 200  # element nesting; real e-paper pages nest 20–40 deep
    html_max_links: int = 20_000  # a page list links some 10–100 articles, a site map a few thousand
    # CPU time to parse one input, under all the bounds above: a page parses in well under a second.
    parse_max_cpu_seconds: float = 30.0
    zip_max_members: int = 200
    # Text and PDF compress 2–10×; 100× is no edition but a bomb.
    zip_max_ratio: float = 100.0

    @classmethod
    def from_settings(cls, s: Settings) -> Limits:
        return cls(**{f.name: getattr(s, f.name) for f in fields(cls)})


def limits() -> Limits:
    """The bounds of this process's settings (read from the environment each call; tests change it)."""
    from ingest.config import settings

    return Limits.from_settings(settings())

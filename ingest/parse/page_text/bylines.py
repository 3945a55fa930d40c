"""Datelines, bylines and photo credits where page text prints them: who wrote or photographed what,
taken out of the body (opening a paragraph, ending a caption, in brackets after the last sentence).

Forms handled: 本报讯 / 本报 记者X 通讯员Y报道 / 记者X报道 / 本报讯（记者X、Y）/ 新华社北京6月24日电（记者X）
/ 新华社记者X 摄 / 通讯员X 记者Y 摄 / X/摄 / 图/X. The roles, names and dateline forms themselves are
ingest.parse.conventions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.model import Author
from ingest.parse.chars import ends_sentence, match_form, spaced_form
from ingest.parse.conventions import DATELINE_RE, parse_credit, read_credits


@dataclass
class Byline:
    dateline: str = ""
    authors: list[Author] = field(default_factory=list)
    rest: str = ""  # the text after the byline: the article's first words
    matched: str = ""  # the byline as printed (for --explain)


def parse_byline(text: str) -> Byline | None:
    """The dateline and authors a paragraph starts with, and the text after them; None without either."""
    orig = spaced_form(text)
    s = match_form(orig)
    pos = 0
    dateline = ""
    if m := DATELINE_RE.match(s):
        dateline, pos = orig[: m.end()].strip(), m.end()
    authors, end = read_credits(s, orig, pos)
    if not dateline and not authors:
        return None
    if not authors and dateline:
        # 本报讯 alone: the dateline is followed directly by the first sentence.
        end = pos
    return Byline(dateline=dateline, authors=authors, rest=orig[end:].strip(), matched=orig[:end].strip())


def split_trailing_credit(paragraph: str) -> tuple[str, list[Author]]:
    """A caption that ends with its credit (…送去粽子。 新华社记者徐昱 摄) → (caption, photographers)."""
    m = re.search(r"(?<=[。！？”）)])\s*([^。！？”）)]{2,30})$", paragraph)
    if m and (authors := parse_credit(m.group(1))):
        return paragraph[: m.start()].rstrip(), authors
    return paragraph, []


TRAILING_BYLINE_RE = re.compile(r"[(（]([^()（）]{3,40})[)）]\s*$")


def split_trailing_byline(paragraph: str) -> tuple[str, list[Author]]:
    """A paragraph that ends with its authors in brackets (…常态化开展。（记者 杜成敏 通讯员 阮向民））
    → (paragraph without them, authors). Only brackets made wholly of roles and names count."""
    m = TRAILING_BYLINE_RE.search(paragraph)
    if not m or not ends_sentence(paragraph[: m.start()]):
        return paragraph, []
    inner = spaced_form(m.group(1))
    s = match_form(inner)
    authors, end = read_credits(s, inner, 0)
    if not authors or inner[end:].strip():
        return paragraph, []
    return paragraph[: m.start()].rstrip(), authors

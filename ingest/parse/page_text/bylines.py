"""Datelines, bylines and photo credits: who wrote or photographed what, taken out of the body.

Forms handled: 本报讯 / 本报 记者X 通讯员Y报道 / 记者X报道 / 本报讯（记者X、Y）/ 新华社北京6月24日电（记者X）
/ 新华社记者X 摄 / 通讯员X 记者Y 摄 / X/摄 / 图/X. A name is 2–4 Chinese characters (or a name with ·)
and must be delimited (space, 、, 报道, a bracket): an undelimited run is never guessed apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.model import Author
from ingest.parse.page_text.chars import ends_sentence, is_spaced_out, match_form, narrow, squash_spaces

HAN = "\u4e00-\u9fff"
# 本报讯, 中国网讯; 新华社北京6月24日电, 本报杭州6月24日电; 据新华社报道.
DATELINE_RE = re.compile(
    rf"^(?:[{HAN}]{{1,6}}(?:报|网|台)讯"
    rf"|[{HAN}]{{1,6}}(?:社|报|网|台)(?:[{HAN}]{{2,8}})?(?:\d{{1,2}}月\d{{1,2}}日)?电"
    rf"|[{HAN}]{{1,6}}(?:网|台)消息"
    rf"|本报(?=\s*(?:[(]\s*)?(?:首席|特约|见习|全媒体|融媒体|摄影)?(?:记者|通讯员)))")
# Who: an optional organisation, then the role. 摄影 and 图 make photo credits.
ROLE_RE = re.compile(
    r"(?P<org>本报|本刊|新华社|中新社|人民日报|央视|中国日报)?"
    r"(?:(?P<role>首席记者|特约记者|见习记者|摄影记者|全媒体记者|融媒体记者|记者|特约通讯员|通讯员|实习生|见习生"
    r"|摄影|作者|撰稿|编辑)(?:\s*[:/]\s*)?"
    # 文 and 图 are roles only with their slash or colon (文/张三, 图：李四): 图一 is not a photographer.
    r"|(?P<short>文/图|文图|文|图)\s*[:/]\s*)")
NAME_RE = re.compile(rf"([{HAN}]{{1,8}}·[{HAN}]{{1,8}}|[{HAN}]{{2,4}}?)(?=报道|摄影|摄|/|\s|[、)]|$)")
CREDIT_END_RE = re.compile(r"\s*(?:/\s*)?(?:摄影报道|摄影|摄|供图|/图)\s*$")
_ROLE_NAMES = {"首席记者": "记者", "特约记者": "记者", "见习记者": "记者", "全媒体记者": "记者", "融媒体记者": "记者",
               "摄影记者": "摄影", "特约通讯员": "通讯员", "见习生": "实习生", "撰稿": "作者", "文": "作者",
               "文/图": "作者", "文图": "作者", "图": "摄影"}


@dataclass
class Byline:
    dateline: str = ""
    authors: list[Author] = field(default_factory=list)
    rest: str = ""  # the text after the byline: the article's first words
    matched: str = ""  # the byline as printed (for --explain)


def spaced_form(text: str) -> str:
    """Single-spaced, full-width digits narrowed, spaced-out display type closed up; otherwise as printed."""
    t = re.sub(r"\s+", " ", narrow(text)).strip()
    return squash_spaces(t) if is_spaced_out(t) else t


def parse_byline(text: str) -> Byline | None:
    """The dateline and authors a paragraph starts with, and the text after them; None without either."""
    orig = spaced_form(text)
    s = match_form(orig)
    pos = 0
    dateline = ""
    if m := DATELINE_RE.match(s):
        dateline, pos = orig[: m.end()].strip(), m.end()
    authors, end = _credits(s, orig, pos)
    if not dateline and not authors:
        return None
    if not authors and dateline:
        # 本报讯 alone: the dateline is followed directly by the first sentence.
        end = pos
    return Byline(dateline=dateline, authors=authors, rest=orig[end:].strip(), matched=orig[:end].strip())




def _credits(s: str, orig: str, pos: int) -> tuple[list[Author], int]:
    """Role/name groups from `pos`: the authors and where the byline ends (after 报道 or a bracket)."""
    authors: list[Author] = []
    role = ""
    i = pos
    bracket = False
    while i < len(s) and s[i] in " (":
        bracket = bracket or s[i] == "("
        i += 1
    end = pos
    while i < len(s):
        while i < len(s) and s[i] in " 、":
            i += 1
        if r := ROLE_RE.match(s, i):
            named = r.group("role") or r.group("short")
            role = _ROLE_NAMES.get(named, named)
            i = r.end()
            continue
        n = NAME_RE.match(s, i)
        if not role or not n or not n.group(1):
            break
        authors.append(Author(name=orig[n.start(1):n.end(1)], role=role))
        i = end = n.end(1)
        j = i
        while j < len(s) and s[j] == " ":
            j += 1
        if s.startswith("报道", j):
            return authors, j + 2
        if bracket and s.startswith(")", j):
            return authors, j + 1
    return authors, end


def parse_credit(text: str) -> list[Author] | None:
    """The photographers of a credit line (新华社记者徐昱 摄, 通讯员X 记者Y 摄, X/摄, 图/X); None if not one."""
    orig = spaced_form(text)
    if len(orig) > 40:
        return None
    s = match_form(orig)
    names_part = ""
    if m := CREDIT_END_RE.search(s):
        names_part = orig[: m.start()]
    elif m := re.match(r"^(?:图|摄影|摄)\s*[/:]\s*(.+)$", s):
        names_part = orig[m.start(1):]
    else:
        return None
    authors = _credit_names(names_part)
    return authors or None


def _credit_names(part: str) -> list[Author]:
    s = match_form(part.strip())
    orig = part.strip()
    i, out = 0, []
    while i < len(s):
        while i < len(s) and s[i] in " 、,/":
            i += 1
        if i >= len(s):
            break
        if r := ROLE_RE.match(s, i):
            if r.end() > i:
                i = r.end()
                continue
        if s.startswith(("新华社发", "新华社", "中新社"), i):
            agency = re.match(r"新华社发|新华社|中新社", s[i:]).group(0)  # type: ignore[union-attr]
            i += len(agency)
            continue
        n = NAME_RE.match(s, i)
        if not n or not n.group(1):
            return []
        out.append(Author(name=orig[n.start(1):n.end(1)], role="摄影"))
        i = n.end(1)
    return out


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
    authors, end = _credits(s, inner, 0)
    if not authors or inner[end:].strip():
        return paragraph, []
    return paragraph[: m.start()].rstrip(), authors

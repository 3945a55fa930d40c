"""Small readings of e-paper text: clean lines and page lines. Bylines, dates, jump lines and datelines
are newspaper conventions shared with the page-text parser: ingest.parse.conventions."""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s\u3000\xa0]+")
# 第A01版：头版 · 01版:要闻 · 第1版　要闻 · 第 01 版 · （ 2017年10月16日   01 版）
_PAGE_LABEL = re.compile(r"第?\s*(?P<sec>[A-Za-z]?)\s*(?P<num>\d{1,3})\s*版(?![面权])\s*[:：]?\s*(?P<name>[^）)]*)")
# 版次：A02 (a page line with no name, in the newer Founder article pages)
_PAGE_NUMBER_LINE = re.compile(r"版次\s*[:：]\s*(?P<sec>[A-Za-z]?)\s*(?P<num>\d{1,3})(?!\d)")
_NAME_END = re.compile(r"\s*(?:PDF|pdf|下载|上一版|下一版|\|).*$")


def clean(text: str) -> str:
    """One line of text: non-breaking and full-width spaces as spaces, runs of space as one."""
    return _SPACES.sub(" ", text).strip()


def page_label(text: str) -> tuple[str, int, str] | None:
    """(section letter, number, name) of a page line, or None: 第A01版：头版 → ("A", 1, "头版"),
    第1版　综 合 → ("", 1, "综合"), 版次：A02 → ("A", 2, "")."""
    m = _PAGE_LABEL.search(clean(text))
    if not m:
        bare = _PAGE_NUMBER_LINE.search(clean(text))
        return (bare.group("sec").upper(), int(bare.group("num")), "") if bare else None
    return m.group("sec").upper(), int(m.group("num")), page_name(m.group("name"))


def page_name(text: str) -> str:
    """A page's name alone: inner spaces of a spaced name dropped (综 合 → 综合, while 决胜全面小康 开启新的征程
    keeps its space between two phrases), trailing links cut."""
    name = _NAME_END.sub("", clean(text))
    words = name.split(" ")
    return "".join(words) if len(words) > 1 and all(len(w) == 1 for w in words) else name

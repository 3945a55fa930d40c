"""Small readings of e-paper text: clean lines and page labels. Bylines, dates, jump lines and datelines
are newspaper conventions shared with the page-text parser: ingest.parse.conventions."""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s\u3000\xa0]+")
# 第A01版：头版 · 01版:要闻 · 第 01 版 · （ 2017年10月16日   01 版）
_PAGE_LABEL = re.compile(r"第?\s*(?P<sec>[A-Za-z]?)\s*(?P<num>\d{1,3})\s*版\s*[:：]?\s*(?P<name>[^）)]*)")


def clean(text: str) -> str:
    """One line of text: non-breaking and full-width spaces as spaces, runs of space as one."""
    return _SPACES.sub(" ", text).strip()


def page_label(text: str) -> tuple[str, int, str] | None:
    """(section letter, number, name) of a page label, or None: 第A01版：头版 → ("A", 1, "头版")."""
    m = _PAGE_LABEL.search(text)
    if not m:
        return None
    return m.group("sec").upper(), int(m.group("num")), clean(m.group("name"))

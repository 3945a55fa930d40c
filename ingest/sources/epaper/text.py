"""Small readings of e-paper text: page labels, bylines, dates, jump lines, datelines."""

from __future__ import annotations

import re
from datetime import date

from ingest.model import Author

_SPACES = re.compile(r"[\s\u3000\xa0]+")
# 第A01版：头版 · 01版:要闻 · 第 01 版 · （ 2017年10月16日   01 版）
_PAGE_LABEL = re.compile(r"第?\s*(?P<sec>[A-Za-z]?)\s*(?P<num>\d{1,3})\s*版\s*[:：]?\s*(?P<name>[^）)]*)")
_CN_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})")
_TO_PAGE = re.compile(r"[（(]?\s*下转\s*第?\s*[A-Za-z]?(\d{1,3})\s*版\s*[）)]?")
_FROM_PAGE = re.compile(r"[（(]?\s*上接\s*第?\s*[A-Za-z]?(\d{1,3})\s*版\s*[）)]?")
_DATELINE = re.compile(r"^(本报讯|本报[^\s，。]{0,12}电|(?:新华社|中新社)[^\s，。]{0,16}电)")

# Roles as bylines spell them; the prefix (本报, 新华社 ...) is the employer, not the role.
_ROLE = re.compile(r"(?P<org>本报|新华社|人民日报|中新社)?(?P<special>特约)?"
                   r"(?P<role>记者|通讯员|实习生|评论员|摄影|摄|编辑|作者|撰稿|整理|文/图|文|图)")
_NAME_SPLIT = re.compile(r"[\s、，,；;/]+")
_NAME_TAIL = re.compile(r"(报道|撰文|供图)$")
_ROLE_NAMES = {"摄": "摄影", "图": "摄影", "文/图": "作者", "文": "作者", "撰稿": "作者", "整理": "作者"}


def clean(text: str) -> str:
    """One line of text: non-breaking and full-width spaces as spaces, runs of space as one."""
    return _SPACES.sub(" ", text).strip()


def page_label(text: str) -> tuple[str, int, str] | None:
    """(section letter, number, name) of a page label, or None: 第A01版：头版 → ("A", 1, "头版")."""
    m = _PAGE_LABEL.search(text)
    if not m:
        return None
    return m.group("sec").upper(), int(m.group("num")), clean(m.group("name"))


def chinese_date(text: str) -> date | None:
    m = _CN_DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


def jump_lines(body: str) -> tuple[int | None, int | None]:
    """(下转 page, 上接 page) named in a body."""
    to_page = _TO_PAGE.search(body)
    from_page = _FROM_PAGE.search(body)
    return (int(to_page.group(1)) if to_page else None, int(from_page.group(1)) if from_page else None)


def dateline(first_paragraph: str) -> str:
    m = _DATELINE.match(first_paragraph.strip())
    return m.group(1) if m else ""


def parse_byline(text: str) -> list[Author]:
    """Authors of a byline: 本报记者 杜成敏 通讯员 李理 · 新华社记者 徐昱 摄 · 杜成敏."""
    text = clean(text)
    if not text:
        return []
    authors: list[Author] = []
    role = "作者"
    pos = 0
    pending: list[str] = []  # names seen before any role word, or before a trailing 摄
    for m in _ROLE.finditer(text):
        names = _names(text[pos:m.start()])
        new_role = _ROLE_NAMES.get(m.group("role"), m.group("role"))
        if m.group("special"):
            new_role = "特约" + new_role
        if m.group("role") in ("摄", "图") and names:
            # "徐昱 摄": the role follows the names it belongs to.
            authors.extend(Author(n, new_role) for n in pending + names)
        else:
            authors.extend(Author(n, role) for n in pending + names)
            role = new_role
        pending = []
        pos = m.end()
    authors.extend(Author(n, role) for n in _names(text[pos:]))
    seen: set[tuple[str, str]] = set()
    unique = []
    for a in authors:
        if (a.name, a.role) not in seen:
            seen.add((a.name, a.role))
            unique.append(a)
    return unique


def _names(segment: str) -> list[str]:
    names = []
    for part in _NAME_SPLIT.split(segment):
        part = _NAME_TAIL.sub("", part.strip(" ：:（）()"))
        if part:
            names.append(part)
    return names

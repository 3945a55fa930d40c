"""The data that flows through the pipeline: an edition with its pages and articles.

`Edition.to_dict()` is the JSON contract of `ingest parse --json`, kept for every input kind.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

ArticleKind = Literal["article", "photo", "notice"]
ARTICLE_KINDS: tuple[str, ...] = ("article", "photo", "notice")


@dataclass
class Author:
    name: str
    role: str  # 记者, 通讯员, 摄影, 作者, 编辑 ...


def page_label_of(section: str, number: int) -> str:
    """A page's identity as printed: the section letter kept, the number zero-padded (A01, B03, 01).
    The number alone repeats across sections (A01, B01 and C01 are three pages)."""
    return f"{section.upper()}{number:02d}"


_LABEL = re.compile(r"\s*(?P<sec>[A-Za-z]?)\s*0*(?P<num>\d{1,3})\s*")


def parse_page_label(text: str) -> str | None:
    """"A3", "a03", "3", "03" → "A03", "A03", "03", "03"; None when `text` is not a page label."""
    m = _LABEL.fullmatch(text)
    return page_label_of(m.group("sec"), int(m.group("num"))) if m else None


def page_order(label: str) -> tuple[str, int]:
    """Sort key of a page label: section, then number (A01 < A08 < B01 < C01; 01 < 02 without sections)."""
    m = _LABEL.fullmatch(label)
    return (m.group("sec").upper(), int(m.group("num"))) if m else ("~", 0)


@dataclass
class Page:
    number: int
    name: str = ""  # 要闻, 头版 ...
    url: str | None = None
    pdf_url: str | None = None
    label: str = ""  # A01, 01: page_label_of(section, number); the number alone when empty

    def __post_init__(self) -> None:
        if not self.label and self.number is not None:
            self.label = page_label_of("", self.number)


@dataclass
class Article:
    page: int | None
    kind: str = "article"
    pretitle: str = ""  # 引题
    title: str = ""  # 主标题
    subtitle: str = ""  # 副题
    column: str = ""  # 栏目 / series label
    authors: list[Author] = field(default_factory=list)
    dateline: str = ""  # 本报讯, 新华社北京6月24日电 ...
    body: str = ""  # paragraphs joined by "\n"
    continues_on: int | None = None  # 下转第N版
    continued_from: int | None = None  # 上接第N版
    # The page labels the jump lines print, zero-padded with their section letter (下转A4版 → A04, 下转第4版 → 04):
    # what a sectioned paper's pages are told apart by (ingest.stories).
    continues_on_label: str | None = None
    continued_from_label: str | None = None
    url: str | None = None
    # The source's own stable key for this article (e.g. content_2712498), when it has one.
    source_key: str | None = None
    page_label: str | None = None  # A03, 03: the page's identity (Page.label); from `page` when not given

    def __post_init__(self) -> None:
        if self.page_label is None and self.page is not None:
            self.page_label = page_label_of("", self.page)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n") if p]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        d = dict(d)
        d["authors"] = [Author(**a) for a in d.get("authors", [])]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class Edition:
    paper: str
    paper_name: str = ""
    date: date | None = None
    issue_number: int | None = None
    pages: list[Page] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    # Masthead facts beyond the contract (weekday, lunar date, 国内统一刊号 ...), free-form.
    masthead: dict[str, str] = field(default_factory=dict)
    # Things a reader of the result should know (a lunar date that does not match, a page with no text ...).
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "paper": self.paper,
            "paper_name": self.paper_name,
            "date": self.date.isoformat() if self.date else None,
            "issue_number": self.issue_number,
            "pages": [asdict(p) for p in self.pages],
            "articles": [a.to_dict() for a in self.articles],
            "masthead": dict(self.masthead),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Edition:
        return cls(
            paper=d["paper"],
            paper_name=d.get("paper_name", ""),
            date=date.fromisoformat(d["date"]) if d.get("date") else None,
            issue_number=d.get("issue_number"),
            pages=[Page(**p) for p in d.get("pages", [])],
            articles=[Article.from_dict(a) for a in d.get("articles", [])],
            masthead=dict(d.get("masthead", {})),
            warnings=list(d.get("warnings", [])),
        )

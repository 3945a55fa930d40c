"""The data that flows through the pipeline: an edition with its pages and articles.

`Edition.to_dict()` is the JSON contract of `ingest parse --json`, kept for every input kind.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

ArticleKind = Literal["article", "photo", "notice"]
ARTICLE_KINDS: tuple[str, ...] = ("article", "photo", "notice")


@dataclass
class Author:
    name: str
    role: str  # 记者, 通讯员, 摄影, 作者, 编辑 ...


@dataclass
class Page:
    number: int
    name: str = ""  # 要闻, 头版 ...
    url: str | None = None
    pdf_url: str | None = None


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

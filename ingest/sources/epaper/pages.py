"""What a page list and an article page of an e-paper site say, before they become an `Edition`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ingest.model import Article, Author
from ingest.parse.conventions import dateline, jump_labels


@dataclass(frozen=True)
class PageRef:
    """One page (版) as the page directory names it: 第A01版：头版."""

    number: int | None
    label: str = ""  # A01, 01 (the section letter kept; the number alone repeats across sections)
    name: str = ""  # 头版, 要闻
    url: str | None = None  # its page list
    pdf_url: str | None = None


@dataclass(frozen=True)
class Hotspot:
    """An area of the page image that links to an article (the image map)."""

    url: str
    shape: str
    coords: tuple[int, ...]


@dataclass(frozen=True)
class ArticleLink:
    url: str
    title: str  # as the list shows it; several lines joined by a space
    key: str | None = None  # the site's own article key (content_2712498, nw.D110000renmrb_20171016_1-01)


@dataclass
class PageListing:
    """A page list (版面): this page, its articles, and the edition's other pages."""

    url: str
    family: str
    page: PageRef
    date: date | None = None
    paper_name: str = ""
    issue_number: int | None = None  # 第11557号, where the masthead line gives it
    articles: list[ArticleLink] = field(default_factory=list)
    hotspots: list[Hotspot] = field(default_factory=list)
    pages: list[PageRef] = field(default_factory=list)  # the page directory, in order
    image_url: str | None = None
    previous_url: str | None = None
    next_url: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat() if self.date else None
        return d


@dataclass(frozen=True)
class Picture:
    url: str
    caption: str = ""


@dataclass
class ArticlePage:
    """One article page (稿件) with everything its markup says."""

    url: str
    family: str
    key: str | None = None
    date: date | None = None
    page: PageRef | None = None
    paper_name: str = ""
    pretitle: str = ""
    title: str = ""
    subtitle: str = ""
    byline: str = ""
    authors: list[Author] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_article(self) -> Article:
        body = "\n".join(self.paragraphs)
        jumps = jump_labels(body)
        kind = "photo" if not self.paragraphs and self.pictures else "article"
        if kind == "photo":
            body = "\n".join(p.caption for p in self.pictures if p.caption)
        return Article(
            page=self.page.number if self.page else None,
            page_label=(self.page.label or None) if self.page else None,
            kind=kind,
            pretitle=self.pretitle,
            title=self.title,
            subtitle=self.subtitle,
            authors=list(self.authors),
            dateline=dateline(self.paragraphs[0]) if self.paragraphs else "",
            body=body,
            continues_on=jumps["on"][0] if "on" in jumps else None,
            continued_from=jumps["from"][0] if "from" in jumps else None,
            continues_on_label=jumps["on"][1] if "on" in jumps else None,
            continued_from_label=jumps["from"][1] if "from" in jumps else None,
            url=self.url,
            source_key=self.key,
        )

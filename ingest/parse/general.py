"""A page of no known e-paper family as one article: trafilatura finds the main text and its metadata, our
own newspaper conventions (headline stack, byline paragraphs) are applied on top.

trafilatura keeps what Chinese portals print inside the article container (a repeated title, a byline
paragraph, 返回首页 and 点击进入 links, 责编 lines) and knows no 引题/副题 or byline roles: those are ours.
"""

from __future__ import annotations

import re

import trafilatura
from bs4 import BeautifulSoup, Tag
from trafilatura.settings import Document

from ingest.errors import InputError
from ingest.model import Author
from ingest.parse.conventions import byline_authors, byline_paragraph, parse_date
from ingest.sources.epaper.pages import ArticlePage
from ingest.sources.epaper.text import clean

FAMILY = "general"
# Paragraphs that are page chrome, not text of the article: navigation, promotion and editor lines.
_CHROME = re.compile(
    r"^(?:[(（]?\s*责编|责任编辑|编辑[:：]|点击进入|返回\S{0,8}首页|分享到|扫一扫|推荐阅读|相关新闻|相关阅读|热点排行"
    r"|热点推荐|精彩推荐|更多精彩|打开\S{0,6}客户端|\S{0,8}客户端下载|登录|注册|评论|收藏|举报|版权所有|本文来源)")
# Boxes that end the article: everything after such a heading is other pages' links.
_TAIL = re.compile(r"^(?:推荐阅读|相关新闻|相关阅读|热点排行|延伸阅读|猜你喜欢|热门推荐)\s*$")
# Links glued to the last paragraph: 返回腾讯网首页>>
_TRAILING_LINK = re.compile(r"\s*(?:返回\S{0,8}首页|点击进入\S{0,12})\s*(?:>>|》》|&gt;&gt;)?\s*$")
_HEADINGS = ("h1", "h2", "h3", "h4")


def general_article(html: str, url: str, name: str) -> ArticlePage:
    """The one article of `html` (already decoded), or an InputError naming `name` when there is none."""
    doc = trafilatura.bare_extraction(html, url=url if "://" in url and not url.startswith("file:") else None,
                                      with_metadata=True, include_comments=False, include_tables=False,
                                      favor_precision=True, as_dict=False)
    found = doc if isinstance(doc, Document) else None
    text = (found.text if found is not None else "") or ""
    soup = BeautifulSoup(html, "lxml")
    title = _title(soup, (found.title if found is not None else "") or "")
    if not title or not text.strip():
        raise InputError(f"{name}: not a page of a known e-paper site family, and no article found in it "
                         f"({'no title' if not title else 'no text'} for the general extractor)")
    pretitle, subtitle = _headline_stack(soup, title)
    paragraphs = _body(text, {title, pretitle, subtitle})
    authors, paragraphs = _byline(paragraphs)
    if not authors and found is not None and found.author:
        authors = byline_authors(found.author)
    return ArticlePage(
        url=url,
        family=FAMILY,
        date=parse_date(found.date or "") if found is not None else None,
        paper_name="",
        pretitle=pretitle,
        title=title,
        subtitle=subtitle,
        byline=" ".join(f"{a.role}{a.name}" for a in authors),
        authors=authors,
        paragraphs=paragraphs,
        warnings=[f"{name}: no known e-paper family; read as one article by the general extractor"],
    )


def _title(soup: BeautifulSoup, meta_title: str) -> str:
    """The page's h1 when it is the article's title (trafilatura's title is often the <title>, with the site
    name), else trafilatura's."""
    h1 = soup.find("h1")
    text = clean(" ".join(h1.stripped_strings)) if isinstance(h1, Tag) else ""
    return text or clean(meta_title or "")


def _headline_stack(soup: BeautifulSoup, title: str) -> tuple[str, str]:
    """引题 and 副题: the headings just before and just after the title heading, in its own header block."""
    h1 = next((h for h in soup.find_all("h1") if clean(" ".join(h.stripped_strings)) == title), None)
    if h1 is None:
        return "", ""

    def beside(tag: Tag | None) -> str:
        if not isinstance(tag, Tag) or tag.name not in _HEADINGS:
            return ""
        text = clean(" ".join(tag.stripped_strings))
        return text if len(text) <= 60 and not _CHROME.match(text) and not _TAIL.match(text) else ""

    return beside(h1.find_previous_sibling()), beside(h1.find_next_sibling())


def _body(text: str, headings: set[str]) -> list[str]:
    out: list[str] = []
    for line in (clean(x) for x in text.split("\n")):
        if _TAIL.match(line):
            break
        line = clean(_TRAILING_LINK.sub("", line))
        if not line or line in headings or _CHROME.match(line):
            continue
        out.append(line)
    return out


def _byline(paragraphs: list[str]) -> tuple[list[Author], list[str]]:
    """A byline printed as a paragraph of its own near the top (《棱镜》作者 周纯, 本报记者 王强) is the authors,
    not body text."""
    for i, para in enumerate(paragraphs[:8]):
        if (authors := byline_paragraph(para)) is not None:
            return authors, paragraphs[:i] + paragraphs[i + 1:]
    return [], paragraphs

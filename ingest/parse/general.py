"""A page of no known e-paper family as one article: trafilatura finds the main text and its metadata, our
own newspaper conventions (headline stack, bylines, the site's name) are applied on top.

trafilatura keeps what Chinese portals print around the article (breadcrumbs, an info line of date, 来源 and
作者, a repeated title, picture captions, 责编 and 声明 lines, 打印本页 links) and knows no 引题/副题 or byline
roles: those are ours, as data below.
"""

from __future__ import annotations

import re

import trafilatura
from bs4 import BeautifulSoup, Tag
from trafilatura.settings import Document

from ingest.errors import InputError
from ingest.model import Author
from ingest.parse.conventions import body_byline, byline_paragraph, parse_date
from ingest.sources.epaper.evidence import attr
from ingest.sources.epaper.pages import ArticlePage
from ingest.sources.epaper.text import clean

FAMILY = "general"
HAN = r"\u4e00-\u9fff"
# Paragraphs that are page chrome, not text of the article: navigation, promotion, editor and share lines.
_CHROME = re.compile(
    r"^(?:[(（【\[]?\s*(?:责编|责任编辑|编辑)\s*[:：]|点击进入|返回\S{0,8}首页|分享到|分享[:：]|扫一扫|推荐阅读|相关新闻"
    r"|相关阅读|热点排行|热点推荐|精彩推荐|更多精彩|打开\S{0,6}客户端|\S{0,8}客户端下载|声明[:：]|版权声明|未经授权"
    r"|登录|注册|评论|收藏|举报|版权所有|本文来源|字号|关键词\s*>>|【?打印本页|【?关闭窗口|\S{0,10}(?:APP|公众号)$"
    r"|(?:您?(?:所在|当前)的?位置|现在位置)\s*[:：])"
    r"|.{0,60}(?:版权所有|公网安备|ICP备|ICP证)")
# Boxes that end the article: everything after such a heading is other pages' links.
_TAIL = re.compile(r"^(?:推荐阅读|相关新闻|相关阅读|热点排行|延伸阅读|猜你喜欢|热门推荐|为你推荐)\s*$")
# Links glued to the last paragraph: 返回腾讯网首页>>
_TRAILING_LINK = re.compile(r"\s*(?:返回\S{0,8}首页|点击进入\S{0,12})\s*(?:>>|》》)?\s*$")
# One step of a breadcrumb trail: 首页 >, 快讯 >>
_CRUMB = re.compile(r"^\S{1,10}\s*(?:>{1,2}|›|»)$")
# An info line under the title: 2019-09-26 12:11 来源：证券时报网 作者：李在山, 发布日期：2019-03-06 责任编辑：龙慧
_INFO_FIELD = re.compile(r"(?:来源于?|发布日期|发布时间|作者|责任编辑|编辑|时间)\s*[:：]")
_AUTHOR_FIELD = re.compile(rf"(?P<role>作者|记者)\s*[:：]\s*"
                           rf"(?P<names>[{HAN}]{{2,4}}(?:[、，,][{HAN}]{{2,4}})*)(?=\s|$|[|｜])")
# 石佳/中国青年报: a name and the paper it wrote for.
_NAME_OUTLET = re.compile(rf"^(?P<name>[{HAN}]{{2,4}})\s*/\s*[{HAN}]{{2,12}}(?:报|网|社|台|新闻|杂志)$")
_SOURCE = re.compile(r"来源于?\s*[:：]\s*(?P<source>\S{2,16})")
# The parts of a <title>: 标题_频道_长江网_cjn.cn, 标题--当代商报, 标题-新华网, 标题_澎湃新闻-The Paper
_TITLE_PARTS = re.compile(r"\s*(?:--|_|\||｜|\s[-—–]\s|(?<!\d)[-—–](?!\d))\s*")
_HEADINGS = ("h1", "h2", "h3", "h4")
# A line shorter than this is navigation or a label, not a sentence of an article.
_SENTENCE = 20
_CAPTION_TAGS = ("span", "font", "em", "small", "center", "strong", "b", "i", "figcaption")
_CAPTION_CLASS = re.compile(r"desc|caption|pic|note|explain", re.IGNORECASE)


def general_article(html: str, url: str, name: str, soup: BeautifulSoup | None = None) -> ArticlePage:
    """The one article of `html` (already decoded; `soup` is it parsed, when the caller has it), or an
    InputError naming `name` when there is none."""
    soup = soup if soup is not None else BeautifulSoup(html, "lxml")
    doc = _extract(html, url)
    text = (doc.text if doc is not None else "") or ""
    page_title = clean(soup.title.get_text(" ")) if soup.title is not None else ""
    title = _title(soup, (doc.title if doc is not None else "") or page_title, page_title)
    if not title or not text.strip():
        raise InputError(f"{name}: not a page of a known e-paper site family, and no article found in it "
                         f"({'no title' if not title else 'no text'} for the general extractor)")
    pretitle, subtitle = _headline_stack(soup, title)
    paragraphs = _body(text, title, {pretitle, subtitle} - {""}, _captions(soup))
    _refuse_non_article(paragraphs, soup, name)
    authors, paragraphs = body_byline(paragraphs, within=8)
    if not authors:
        authors = _page_byline(soup, title) or _byline_of(doc.author if doc is not None else "")
    return ArticlePage(
        url=url,
        family=FAMILY,
        date=parse_date(doc.date or "") if doc is not None else None,
        paper_name=_site_name(page_title, title),
        pretitle=pretitle,
        title=title,
        subtitle=subtitle,
        byline=" ".join(f"{a.role}{a.name}" for a in authors),
        authors=authors,
        paragraphs=paragraphs,
        warnings=[f"{name}: no known e-paper family; read as one article by the general extractor"],
    )


def _refuse_non_article(paragraphs: list[str], soup: BeautifulSoup, name: str) -> None:
    """An InputError for what trafilatura found on a page that holds no article of its own: only short
    lines (a shell filled by scripts, whose text is its navigation: 返回, 上一版 下一版, 报纸订阅), or the texts
    of several articles the page links one after another (an e-paper page of a platform no family reads)."""
    if not paragraphs or max(len(p) for p in paragraphs) < _SENTENCE and sum(map(len, paragraphs)) < 100:
        shown = " / ".join(paragraphs[:4]) or "nothing"
        raise InputError(f"{name}: not a page of a known e-paper site family, and no article text in it "
                         f"(the general extractor found only short lines: {shown})")
    # Anchors with or without href: some platforms link by script (伊犁垦区报's `<a daoxiang="Articel…htm">`).
    linked = {clean(" ".join(a.stripped_strings)) for a in soup.find_all("a")}
    headed = [p for p in paragraphs if len(p) >= 8 and p in linked]
    if len(set(headed)) >= 3:
        raise InputError(f"{name}: not a page of a known e-paper site family, and it holds several articles, "
                         f"not one (linked titles printed in its text: {' / '.join(list(dict.fromkeys(headed))[:3])} …);"
                         " give the paper a [site] family that fits, or add one (ingest/sources/epaper/)")


def _extract(html: str, url: str) -> Document | None:
    """trafilatura's main text and metadata; a page laid out in tables gets a second try with its tables
    (cells become lines)."""
    web_url = url if "://" in url and not url.startswith("file:") else None
    for tables in (False, True):
        doc = trafilatura.bare_extraction(html, url=web_url, with_metadata=True, include_comments=False,
                                          include_tables=tables, favor_precision=True, as_dict=False)
        if isinstance(doc, Document) and doc.text and doc.text.strip():
            if tables:
                doc.text = "\n".join(cell for line in doc.text.split("\n") for cell in line.split("|"))
            return doc
    return doc if isinstance(doc, Document) else None


def _title(soup: BeautifulSoup, found: str, page_title: str) -> str:
    """The page's h1 when it has text (the article's own title, column name included), else the longest part
    of the title trafilatura found (the <title> without channel and site names), without the source a CMS
    appends to it (… 东区办事处, where the page says 来源于：东区办事处)."""
    h1 = soup.find("h1")
    text = clean(" ".join(h1.stripped_strings)) if isinstance(h1, Tag) else ""
    if text:
        return text
    parts = [p for p in _TITLE_PARTS.split(clean(found)) if p]
    title = max(parts, key=len) if parts else ""
    if (m := _SOURCE.search(soup.get_text(" "))) and title.endswith(" " + m.group("source")):
        title = title[: -len(m.group("source")) - 1]
    return title


def _site_name(page_title: str, title: str) -> str:
    """The site's name as its <title> ends: the last part in Chinese after the article's (长江网 in
    标题_首页武汉_新闻中心_长江网_cjn.cn); "" when the title has no such part."""
    parts = [p for p in _TITLE_PARTS.split(page_title) if p and re.search(f"[{HAN}]", p)]
    if len(parts) < 2 or title not in parts[0] and parts[0] not in title:
        return ""
    return parts[-1] if len(parts[-1]) <= 12 else ""


def _headline_stack(soup: BeautifulSoup, title: str) -> tuple[str, str]:
    """引题 and 副题: the headings just before and just after the title heading, in its own header block."""
    h1 = next((h for h in soup.find_all("h1") if clean(" ".join(h.stripped_strings)) == title), None)
    if h1 is None:
        return "", ""

    def beside(tag: object) -> str:
        if not isinstance(tag, Tag) or tag.name not in _HEADINGS:
            return ""
        text = clean(" ".join(tag.stripped_strings))
        return text if len(text) <= 60 and not _CHROME.match(text) and not _TAIL.match(text) else ""

    return beside(h1.find_previous_sibling()), beside(h1.find_next_sibling())


def _captions(soup: BeautifulSoup) -> set[str]:
    """Picture captions: a short text set right after a picture (its container's next element) in a caption
    element or an inline one (<span>, <center><strong>): a paragraph after a picture is body text."""
    out: set[str] = set()
    for img in soup.find_all("img"):
        holder = img.parent if isinstance(img.parent, Tag) and len(img.parent.find_all(True)) == 1 else img
        nxt = holder.find_next_sibling()
        if not isinstance(nxt, Tag) or nxt.find("img"):
            continue
        text = clean(" ".join(nxt.stripped_strings))
        if 0 < len(text) <= 60 and (nxt.name in _CAPTION_TAGS or _CAPTION_CLASS.search(attr(nxt, "class"))):
            out.add(text)
    return out


def _body(text: str, title: str, headings: set[str], captions: set[str]) -> list[str]:
    out: list[str] = []
    crumbs = False
    for line in (clean(x) for x in text.split("\n")):
        if _TAIL.match(line):
            break
        line = clean(_TRAILING_LINK.sub("", line))
        if not line:
            continue
        # A breadcrumb trail (您所在的位置： 首页 > 快讯 > 公司) ends with the channel's name, without a ">".
        if _CRUMB.match(line) or _CHROME.match(line) and "位置" in line[:8]:
            crumbs = True
            continue
        if crumbs and len(line) <= 10 and not out:
            crumbs = False
            continue
        crumbs = False
        if line in headings or line.startswith(title) or line in captions or _CHROME.match(line) \
                or _is_info_line(line):
            continue
        out.append(line)
    return out


def _is_info_line(line: str) -> bool:
    return len(line) <= 80 and len(_INFO_FIELD.findall(line)) >= 1 and (
        len(_INFO_FIELD.findall(line)) >= 2 or parse_date(line) is not None)


def _page_byline(soup: BeautifulSoup, title: str) -> list[Author]:
    """A byline the page prints near the title rather than in the body: an info line's 作者：李在山, or a
    name and the paper it wrote for (石佳/中国青年报)."""
    candidates = soup.find_all(["h1", "h2", "h3"]) + soup.find_all(["div", "p"], class_=re.compile("tit", re.I))
    heading = next((h for h in candidates if clean(" ".join(h.stripped_strings)) == title), None)
    if heading is None:
        return []
    for tag in heading.find_all_next(["p", "span", "div", "em", "td", "li"], limit=80):
        text = clean(" ".join(tag.stripped_strings))
        if not text or len(text) > 60:
            continue
        if m := _NAME_OUTLET.match(text):
            return [Author(m.group("name"), "")]
        if m := _AUTHOR_FIELD.search(text):
            return [Author(n, m.group("role")) for n in re.split(r"[、，,]", m.group("names"))]
    return []


def _byline_of(author: str | None) -> list[Author]:
    """trafilatura's author field when it is a byline of ours (it often holds a whole info box)."""
    return byline_paragraph(author or "") or []

"""How Chinese newspapers print dates, jump lines, datelines and bylines: the one place that both the
printed-page parser (parse/page_text) and the e-paper reader (sources/epaper) read them from.

Patterns match the match form of a text (chars.match_form: half-width, simplified, position for
position with the text as printed), so that a span found in it can be cut out of the printed text.
"""

from __future__ import annotations

import re
from datetime import date

from ingest.model import Author, page_label_of
from ingest.parse.chars import match_form, no_space, spaced_form

HAN = "\u4e00-\u9fff"

# ---- dates ----------------------------------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10, "廿": 20, "卅": 30}
# 2020年6月25日 (a masthead), 2020-06-25 or 2020.6.25 (e-paper markup); spaces may sit between the parts.
DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
CN_DATE_RE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十廿卅]{1,3})日")


def parse_date(text: str) -> date | None:
    """The date a text prints (2020年6月25日, 2020-06-25, 二〇二〇年六月二十五日); None when absent or impossible."""
    if d := DATE_RE.search(text):
        y, mo, da = (int(g) for g in d.groups())
    elif d := CN_DATE_RE.search(text):
        y = int("".join(str(_CN_DIGITS[c]) for c in d.group(1)))
        mo, da = cn_number(d.group(2)), cn_number(d.group(3))
    else:
        return None
    try:
        return date(y, mo, da)
    except ValueError:
        return None


def cn_number(s: str) -> int:
    """十二 → 12, 二十五 → 25, 廿五 → 25, 三十 → 30 (numbers below 100)."""
    if len(s) == 1:
        return _CN_DIGITS[s]
    if s[0] in "十廿卅":
        return _CN_DIGITS[s[0]] + (_CN_DIGITS[s[1]] if len(s) > 1 else 0)
    if len(s) >= 2 and s[1] == "十":
        return _CN_DIGITS[s[0]] * 10 + (_CN_DIGITS[s[2]] if len(s) > 2 else 0)
    return _CN_DIGITS[s[0]]


# ---- jump lines -----------------------------------------------------------------------------------

# 下转第4版 / (转第4版) / (详见第3版) continue an article on another page; 上接第1版 / (接第一版) continue it
# from one. A sectioned paper prints the section letter (下转A4版, 下转第A4版): it is kept in the jump's
# label (A04), the number alone in its page.
_PAGE = r"第?\s*(?P<sec>[A-Za-z])?\s*(?P<num>\d{1,3}|[一二三四五六七八九十]{1,3})\s*版"
# The whole line; the end of a paragraph; its start. Without brackets only 下转 and 上接 are unmistakable.
JUMP_RE = re.compile(rf"^[(（]?\s*(?P<verb>下转|转|上接|接|详见|见)\s*{_PAGE}\s*[)）]?$")
JUMP_AT_END_RE = re.compile(rf"(?:[(（]\s*|(?=下转))(?P<verb>下转|转|详见|见)\s*{_PAGE}\s*[)）]?\s*$")
JUMP_AT_START_RE = re.compile(rf"^\s*(?:[(（]\s*|(?=上接))(?P<verb>上接|接)\s*{_PAGE}\s*[)）]?")


def jump_of(m: re.Match[str]) -> tuple[str, int]:
    """The direction ("on" for 下转, "from" for 上接) and the page of a jump pattern's match."""
    n = m.group("num")
    return "from" if m.group("verb") in ("上接", "接") else "on", int(n) if n.isdigit() else cn_number(n)


def jump_label_of(m: re.Match[str]) -> str:
    """The page label a jump pattern's match names: 下转A4版 → A04, 下转第4版 → 04."""
    return page_label_of(m.group("sec") or "", jump_of(m)[1])


def jump_at_end_labelled(text: str) -> tuple[str, int | None, str | None]:
    """A paragraph ending with (下转第A4版) → (paragraph without it, 4, "A04")."""
    m = JUMP_AT_END_RE.search(match_form(text))
    if not m:
        return text, None, None
    return text[: m.start()].rstrip(), jump_of(m)[1], jump_label_of(m)


def jump_at_start_labelled(text: str) -> tuple[str, int | None, str | None]:
    """A paragraph opening with (上接第1版) → (paragraph without it, 1, "01")."""
    m = JUMP_AT_START_RE.match(match_form(text))
    if not m:
        return text, None, None
    return text[m.end():].lstrip(), jump_of(m)[1], jump_label_of(m)


def jump_at_end(text: str) -> tuple[str, int | None]:
    """A paragraph ending with (下转第4版) → (paragraph without it, 4)."""
    rest, page, _ = jump_at_end_labelled(text)
    return rest, page


def jump_at_start(text: str) -> tuple[str, int | None]:
    """A paragraph opening with (上接第1版) → (paragraph without it, 1)."""
    rest, page, _ = jump_at_start_labelled(text)
    return rest, page


def jump_labels(body: str) -> dict[str, tuple[int, str]]:
    """{"on": (page, label), "from": (page, label)} of a body's first jump lines (下转 / 上接), each a line of its
    own or the end or the start of one."""
    jumps: dict[str, tuple[int, str]] = {}
    for line in body.splitlines():
        if m := JUMP_RE.match(no_space(match_form(line))):
            jumps.setdefault(jump_of(m)[0], (jump_of(m)[1], jump_label_of(m)))
            continue
        if (on := jump_at_end_labelled(line))[1] is not None:
            jumps.setdefault("on", (on[1], on[2] or ""))
        if (came_from := jump_at_start_labelled(line))[1] is not None:
            jumps.setdefault("from", (came_from[1], came_from[2] or ""))
    return jumps


def jump_lines(body: str) -> tuple[int | None, int | None]:
    """(下转 page, 上接 page) of a body: its first lines that are a jump line, or end or open with one."""
    jumps = jump_labels(body)
    return (jumps["on"][0] if "on" in jumps else None), (jumps["from"][0] if "from" in jumps else None)


# ---- datelines ------------------------------------------------------------------------------------

# 本报讯, 中国网讯, 本报太原11月5日讯; 新华社北京6月24日电, 本报杭州6月24日电; 央视网消息; 本报 before a reporter's byline.
DATELINE_RE = re.compile(
    rf"^(?:[{HAN}]{{1,6}}(?:报|网|台)(?:(?:[{HAN}]{{2,8}})?\d{{1,2}}月\d{{1,2}}日)?讯"
    rf"|[{HAN}]{{1,6}}(?:社|报|网|台)(?:[{HAN}]{{2,8}})?(?:\d{{1,2}}月\d{{1,2}}日)?电"
    rf"|[{HAN}]{{1,6}}(?:网|台)消息"
    rf"|本报(?=\s*(?:[(]\s*)?(?:首席|特约|见习|全媒体|融媒体|摄影)?(?:记者|通讯员)))")


def dateline(text: str) -> str:
    """The dateline a paragraph opens with (本报讯, 新华社北京6月24日电), spaces tidied; "" without one."""
    orig = spaced_form(text)
    m = DATELINE_RE.match(match_form(orig))
    return orig[: m.end()].strip() if m else ""


# ---- bylines and photo credits --------------------------------------------------------------------
# A name is 2–4 Chinese characters (or a name with ·) and must be delimited (space, 、, 报道, a bracket):
# an undelimited run is never guessed apart.

# Who: an optional organisation, then the role. 摄影 and 图 make photo credits.
# A paper or site signs with its own name as often as with 本报: 湖北日报全媒记者 左晨, □ 湖北日报评论员, 人民网记者.
OWN_NAME = rf"[{HAN}]{{1,6}}(?:报|网)"
ROLE_RE = re.compile(
    rf"(?P<org>{OWN_NAME}|本刊|新华社|中新社|央视|《[^》]{{1,12}}》)?"
    r"(?:(?P<role>首席记者|特约记者|见习记者|摄影记者|全媒体记者|全媒记者|融媒体记者|融媒记者|记者|特约通讯员|通讯员|实习生|见习生"
    r"|评论员|摄影|作者|执笔|撰稿|整理|编辑)(?:\s*[:/]\s*)?"
    # 文 and 图 are roles only with their slash or colon (文/张三, 图：李四): 图一 is not a photographer.
    r"|(?P<short>文/图|文图|文|图)\s*[:/]\s*)")
NAME_RE = re.compile(rf"([{HAN}]{{1,8}}·[{HAN}]{{1,8}}|[{HAN}]{{2,4}}?)(?=报道|撰文|摄影|摄|/|\s|[、)]|$)")
CREDIT_END_RE = re.compile(r"\s*(?:/\s*)?(?:摄影报道|摄影|摄|供图|/图)\s*$")
# Grades of staff reporter are all 记者; 特约 (a contributor, not staff) is kept.
ROLE_NAMES = {"首席记者": "记者", "见习记者": "记者", "全媒体记者": "记者", "全媒记者": "记者", "融媒体记者": "记者",
              "融媒记者": "记者", "摄影记者": "摄影",
              "见习生": "实习生", "撰稿": "作者", "整理": "作者", "文": "作者", "文/图": "作者", "文图": "作者",
              "图": "摄影"}
BYLINE_ENDS = ("报道", "撰文", "整合", "编译", "综合")  # two characters each: 记者陈智 整合


def read_credits(s: str, orig: str, pos: int, default_role: str = "") -> tuple[list[Author], int]:
    """Role/name groups of the match form `s` from `pos`: the authors (names cut from `orig`) and where the
    byline ends (after 报道 or a bracket). Names before any role get `default_role`; none without one."""
    authors: list[Author] = []
    role = default_role
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
            role = ROLE_NAMES.get(named, named)
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
        if s.startswith(BYLINE_ENDS, j):
            return authors, j + 2
        if bracket and s.startswith(")", j):
            return authors, j + 1
    return authors, end


def parse_credit(text: str) -> list[Author] | None:
    """The photographers of a credit line (新华社记者徐昱 摄, 通讯员X 记者Y 摄, X/摄, 图/X); None if not one."""
    # The spaced form keeps every character but white space: a paragraph with more than 40 of them is no
    # credit, told without making its spaced form (a fifth of the classification of a page's prose).
    if len(text) > 40 and sum(map(len, text.split())) > 40:
        return None
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
        if (r := ROLE_RE.match(s, i)) and r.end() > i:
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


def byline_authors(text: str) -> list[Author]:
    """The authors of a byline printed on its own, as an e-paper's author field: 本报记者 杜成敏 通讯员 李理,
    本报特约记者 王五、赵六, 新华社记者 徐昱 摄 (a photographer); a name with no role is the author (杜成敏)."""
    if credit := parse_credit(text):
        return credit
    if house := _HOUSE_BYLINE.match(text):
        return [Author(name=house.group("who"), role="评论员")]
    # Only names follow the roles here, so a comma parts names as 、 does.
    orig = re.sub(r"\s*[，,；;]\s*", "、", spaced_form(text))
    s = match_form(orig)
    opening = DATELINE_RE.match(s)
    authors, _ = read_credits(s, orig, opening.end() if opening else 0, default_role="作者")
    unique: dict[tuple[str, str], Author] = {}
    for a in authors:
        unique.setdefault((a.name, a.role), a)
    return list(unique.values())


# A commentary signed by the paper itself: □ 本报评论员, 本报特约评论员, □ 湖北日报评论员 (no person's name follows).
_HOUSE_BYLINE = re.compile(rf"^[□■●◆▲★\s]*(?P<who>(?:{OWN_NAME}|本刊)(?:特约)?评论员)\s*$")
_BYLINE_MARKS = re.compile(r"^[□■●◆▲★]\s*")


def byline_paragraph(text: str) -> list[Author] | None:
    """The authors when a whole paragraph is a byline (本报全媒记者 王强 通讯员 赵敏, □ 本报评论员, 《棱镜》作者
    周纯), as e-paper and portal pages print it above the body; None for a paragraph of text."""
    text = text.strip()
    if not text or len(text) > 40 or re.search(r"[。！？!?；;，,：:]", _BYLINE_MARKS.sub("", text)):
        return None
    if m := _HOUSE_BYLINE.match(text):
        return [Author(name=m.group("who"), role="评论员")]
    # 执笔/叨叨姐、胡一刀&李小飞刀: & parts names as 、 does.
    orig = re.sub(r"\s*[&＆]\s*", "、", spaced_form(_BYLINE_MARKS.sub("", text)))
    s = match_form(orig)
    if not ROLE_RE.match(s) or not ROLE_RE.match(s).group(0):  # type: ignore[union-attr]
        return None
    authors, end = read_credits(s, orig, 0)
    return authors if authors and not s[end:].strip() else None


# 本报讯 （记者张明、通讯员李华）: a dateline whose parentheses hold the byline (match form: ASCII brackets).
_DATELINE_BYLINE = re.compile(DATELINE_RE.pattern + r"\s*\([^)]{2,40}\)")


def body_byline(paragraphs: list[str], within: int = 1) -> tuple[list[Author], list[str]]:
    """Authors the body prints: in its first `within` paragraphs, a paragraph that is a byline alone
    (本报全媒记者 王强 通讯员 赵敏, □ 本报评论员) is moved out of the body, and the parentheses after a dateline
    (本报讯 （记者张明、通讯员李华）) name them inside a paragraph of text, which stays as printed; a last
    paragraph that is only a photo credit (（本报记者 薛婷 摄）, a picture story's) adds its photographers and
    is moved out."""
    authors: list[Author] = []
    for i, para in enumerate(paragraphs[:within]):
        if (found := byline_paragraph(para)) is not None:
            authors, paragraphs = found, paragraphs[:i] + paragraphs[i + 1:]
            break
        if m := _DATELINE_BYLINE.match(match_form(para)):
            authors = byline_authors(para[: m.end()])
            break
    if paragraphs and (credit := _closing_credit(paragraphs[-1])):
        authors = authors + [a for a in credit if a not in authors]
        paragraphs = paragraphs[:-1]
    return authors, paragraphs


def _closing_credit(para: str) -> list[Author] | None:
    """The photographers of a paragraph that is only a bracketed photo credit (（新华社记者 徐昱 摄）)."""
    para = para.strip()
    # Bracketed in the match form (（ and ( alike); the names are read from the text as printed.
    return parse_credit(para[1:-1]) if re.fullmatch(r"\(.+\)", match_form(para)) else None

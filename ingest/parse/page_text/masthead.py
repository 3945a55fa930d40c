"""The masthead (报头) and page header (眉头): edition facts that must never become article text.

Patterns match the key form of a line (see chars.key: half-width, simplified, no spaces), so that
`国内统一刊号：ＣＮ３３－００１８` and `國內統一刊號:CN33-0018` read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ingest.parse.chars import count_cjk, key, key_spaced, memo, narrow, simplified, tidy_heading
from ingest.parse.conventions import CN_DATE_RE, DATE_RE, cn_number, parse_date

WEEKDAY_RE = re.compile(r"(?:星期|礼拜|周)([一二三四五六日天])")
STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
LUNAR_MONTHS = {"正": 1, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
                "十一": 11, "冬": 11, "十二": 12, "腊": 12}
LUNAR_RE = re.compile(
    rf"(?:农历)?(?:([{STEMS}][{BRANCHES}])年)?(闰)?(十一|十二|[正一二三四五六七八九十冬腊])月"
    r"(初[一二三四五六七八九十]|十[一二三四五六七八九]|二十|廿[一二三四五六七八九]|三十|十)")
ISSUE_RE = re.compile(r"(?<!总)第(\d{1,6})号|总第(\d{1,6})[号期]|(?<!总)第(\d{3,6})期")
CN_NUMBER_RE = re.compile(r"(?:国内统一(?:连续出版物号|刊号)|连续出版物号|统一刊号|刊号)[:]?(CN\d{2}-\d{4}(?:/[A-Z]+)?)",
                          re.I)
DISTRIBUTION_RE = re.compile(r"(?:邮发)?代号[:]?(\d{1,2}-\d{1,4})")
SITE_RE = re.compile(r"(?:电子版|网址|网站|数字报|网络版|新闻网)[:]?((?:https?://)?[\w.-]+\.(?:com|cn|net|org)[\w./-]*)"
                     r"|((?:https?://|www\.)[\w.-]+\.(?:com|cn|net|org)[\w./-]*)", re.I)
EMAIL_RE = re.compile(r"(?:电子信箱|电子邮箱|邮箱|E-?mail)?[:]?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)", re.I)
ADDRESS_RE = re.compile(r"(?:社址|地址)[:]?(.+?)(?=邮编|邮政编码|电话|$)")
POSTCODE_RE = re.compile(r"(?:邮编|邮政编码)[:]?(\d{6})")
EDITIONS_TODAY_RE = re.compile(r"(?:今日|本期)(\d{1,3})版")
PUBLISHER_RE = re.compile(r"(.{2,20}?)(?:主管|主办|出版)$")
# Page header tokens (spaced form): 2 / 02版 / 第2版 / A2 / 第2版：要闻.
PAGE_TOKEN_RE = re.compile(r"^(?:第)?[A-D]?0?(\d{1,2})(?:版)?(?:[:：](\S{2,8}))?$")
STAFF_RE = re.compile(r"(责任编辑|责编|美术编辑|美编|版式设计|校对|编辑|版式)\s*[:]?\s*([\u4e00-\u9fff·]{2,4})(?=\s|$)")
STAFF_KEYS = {"责任编辑": "editor", "责编": "editor", "编辑": "editor", "美术编辑": "art_editor", "美编": "art_editor",
              "版式设计": "layout", "版式": "layout", "校对": "proofreader"}
PROMO_RE = re.compile(r"公众号|公众账号|微信|微博|扫码|二维码|客户端|APP|抖音|视频号", re.I)
# A paper's own name: a short line ending in a paper word (浙江工人日报, 人民日报海外版, 钱江晚报).
PAPER_NAME_RE = re.compile(r"^[\u4e00-\u9fff]{2,10}(?:日报|晚报|早报|时报|商报|周报|导报|工人报|青年报|法制报|报)"
                           r"(?:海外版|农村版|电子版)?$")


@dataclass
class Masthead:
    """Facts read from masthead lines; `fields` is what the edition JSON's masthead dict carries."""

    paper_name: str = ""
    date: date | None = None
    issue_number: int | None = None
    lunar: tuple[str, bool, int, int] | None = None  # (干支 year or "", leap, month, day)
    weekday: int | None = None  # 0 = Monday, as date.weekday()
    page: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    slogans: list[str] = field(default_factory=list)

    @property
    def front(self) -> bool:
        """A front-page masthead (报头), not an inner page's header: it carries the issue's own facts."""
        return self.issue_number is not None or self.lunar is not None or any(
            f in self.fields for f in ("cn_number", "distribution_code", "editions_today"))


_FIELD_PATTERNS = (("date", DATE_RE), ("date", CN_DATE_RE), ("issue", ISSUE_RE), ("cn_number", CN_NUMBER_RE),
                   ("distribution_code", DISTRIBUTION_RE), ("site", SITE_RE), ("email", EMAIL_RE),
                   ("postcode", POSTCODE_RE), ("editions_today", EDITIONS_TODAY_RE))
_DIGITLESS_FIELD_PATTERNS = tuple((name, rx) for name, rx in _FIELD_PATTERNS if rx in (CN_DATE_RE, SITE_RE, EMAIL_RE))
_DIGIT = re.compile(r"\d")


@memo
def field_names(line: str) -> tuple[str, ...]:
    """The masthead fields a line carries (empty for any other line)."""
    k = key(line)
    found = []
    # Most lines a page asks about (headlines, short paragraphs) hold no digit, and six of the patterns need one.
    for name, rx in _FIELD_PATTERNS if _DIGIT.search(k) else _DIGITLESS_FIELD_PATTERNS:
        if rx.search(k):
            found.append(name)
    if re.match(r"(?:社址|地址)[:]", k):
        found.append("address")
    if (lm := LUNAR_RE.search(k)) and (lm.group(1) or "农历" in k or LUNAR_RE.fullmatch(k)):
        found.append("lunar_date")
    if WEEKDAY_RE.fullmatch(k) or ("date" in found and WEEKDAY_RE.search(k)):
        found.append("weekday")
    if STAFF_RE.search(key_spaced(line)):
        found.append("staff")
    if PAPER_NAME_RE.fullmatch(k):
        found.append("paper_name")
    return tuple(found)


def is_promo(line: str) -> bool:
    """A QR-code or app promotion next to the masthead (扫码关注, 官方微信公众号)."""
    return bool(PROMO_RE.search(key(line))) and count_cjk(line) <= 30


def read_page_header(line: str, known_names: set[str]) -> tuple[int | None, str]:
    """The page number and page name of a page header (眉头) such as
    `2 浙江工人日报 2020年6月25日 星期四 要闻 责任编辑:张三`; (None, "") for any other line."""
    k = key(line)
    if not (DATE_RE.search(k) or CN_DATE_RE.search(k)) or "issue" in field_names(line):
        return None, ""
    number: int | None = None
    name = ""
    for token in simplified(narrow(line)).split():
        if (p := PAGE_TOKEN_RE.match(token)) and number is None:
            number, name = int(p.group(1)), p.group(2) or name
        elif re.fullmatch(r"[\u4e00-\u9fff]{2,6}", token) and not name and token not in known_names \
                and not field_names(token) and not LUNAR_RE.search(token):
            name = token
    return number, name


def read_masthead(lines: list[str], known_names: set[str]) -> Masthead:
    """Read the edition facts from the masthead lines; lines carrying no field are slogans."""
    m = Masthead()
    for line in lines:
        k = key(line)
        names = field_names(line)
        if names and m.page is None and "staff" in names:
            m.page, page_name = read_page_header(line, known_names)
            if page_name:
                m.fields["page_name"] = page_name
        if names and not m.paper_name:
            m.paper_name = next((n for n in known_names if n in simplified(k)), "")
        if not names:
            if simplified(k) in known_names and not m.paper_name:
                m.paper_name = tidy_heading(line)
            else:
                m.slogans.append(tidy_heading(line))
            continue
        if "paper_name" in names and not m.paper_name and len(names) == 1:
            m.paper_name = k
        _read_fields(k, m)
        for role, name in STAFF_RE.findall(key_spaced(line)):
            m.fields.setdefault(STAFF_KEYS[role], name)
    if m.slogans:
        m.fields["slogans"] = " | ".join(m.slogans)
    return m


def _read_fields(k: str, m: Masthead) -> None:
    if m.date is None and (d := parse_date(k)):
        m.date = d
    if (w := WEEKDAY_RE.search(k)) and m.weekday is None:
        m.weekday = "一二三四五六日天".index(w.group(1)) % 7 if w.group(1) != "天" else 6
        m.fields["weekday"] = w.group(0)
    if (lm := LUNAR_RE.search(k)) and m.lunar is None and (lm.group(1) or "农历" in k or LUNAR_RE.fullmatch(k)):
        m.lunar = (lm.group(1) or "", bool(lm.group(2)), LUNAR_MONTHS[lm.group(3)], lunar_day(lm.group(4)))
        m.fields["lunar_date"] = lm.group(0)
    if (i := ISSUE_RE.search(k)) and m.issue_number is None:
        m.issue_number = int(next(g for g in i.groups() if g))
        m.fields["issue"] = i.group(0)
    for name, rx in (("cn_number", CN_NUMBER_RE), ("distribution_code", DISTRIBUTION_RE), ("email", EMAIL_RE),
                     ("postcode", POSTCODE_RE), ("editions_today", EDITIONS_TODAY_RE)):
        if (f := rx.search(k)) and name not in m.fields:
            m.fields[name] = f.group(1).upper() if name == "cn_number" else f.group(1)
    if (s := SITE_RE.search(k)) and "site" not in m.fields:
        m.fields["site"] = s.group(1) or s.group(2)
    if (a := ADDRESS_RE.match(k)) and "address" not in m.fields:
        m.fields["address"] = a.group(1)


def lunar_day(s: str) -> int:
    """初五 → 5, 十五 → 15, 廿三 → 23, 三十 → 30."""
    return cn_number(s[1:]) if s.startswith("初") else cn_number(s)


def check_lunar(gregorian: date, lunar: tuple[str, bool, int, int]) -> str | None:
    """A warning when the printed lunar date is not the lunar date of the printed Gregorian date."""
    try:
        from lunardate import LunarDate
    except ImportError:
        return None
    convert = getattr(LunarDate, "from_solar_date", None) or LunarDate.fromSolarDate  # renamed in lunardate 0.3
    try:
        ld = convert(gregorian.year, gregorian.month, gregorian.day)
    except ValueError:
        return None
    is_leap = bool(ld.is_leap_month if hasattr(ld, "is_leap_month") else ld.isLeapMonth)
    year_name, leap, month, day = lunar
    expected_year = STEMS[(ld.year - 4) % 10] + BRANCHES[(ld.year - 4) % 12]
    if (month, day, leap) != (ld.month, ld.day, is_leap) or (year_name and year_name != expected_year):
        printed = lunar_name(year_name, leap, month, day)
        expected = lunar_name(expected_year, is_leap, ld.month, ld.day)
        return (f"masthead lunar date {printed} does not match the Gregorian date {gregorian.isoformat()} "
                f"(which is lunar {expected})")
    return None


def lunar_name(year_name: str, leap: bool, month: int, day: int) -> str:
    """(庚子, False, 5, 5) → 庚子年五月初五."""
    months = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]
    digits = "一二三四五六七八九十"
    if day <= 10:
        day_name = "初" + digits[day - 1]
    elif day < 20:
        day_name = "十" + digits[day - 11]
    elif day == 20:
        day_name = "二十"
    elif day < 30:
        day_name = "廿" + digits[day - 21]
    else:
        day_name = "三十"
    return f"{year_name + '年' if year_name else ''}{'闰' if leap else ''}{months[month - 1]}月{day_name}"


def check_weekday(gregorian: date, weekday: int) -> str | None:
    if gregorian.weekday() != weekday:
        names = "一二三四五六日"
        return (f"masthead weekday 星期{names[weekday]} does not match the date {gregorian.isoformat()} "
                f"(a 星期{names[gregorian.weekday()]})")
    return None

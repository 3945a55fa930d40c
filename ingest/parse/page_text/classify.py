"""Blocks → classes: what each block of the page is, and why (the reason `--explain` shows).

Classes: masthead, headline, label (a box's fixed title: 开栏的话, 编者按), byline (a paragraph opening
with a dateline or byline), body, caption (a paragraph ending with a photo credit), credit, notice
(hotline, ad, subscription box), jump (下转第N版 / 上接第N版) and noise (a stray page number, a bullet).
Each rule is a named function of the block alone; the masthead zone is the only rule that looks at
neighbours. Patterns match the match form (chars.match_form) so that width and 繁/简 do not matter.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.parse.chars import count_cjk, key, match_form, memo, no_space
from ingest.parse.conventions import JUMP_RE, jump_label_of, jump_of, parse_credit
from ingest.parse.page_text.blocks import NOTICE_HEAD_RE, Block
from ingest.parse.page_text.bylines import Byline, parse_byline, split_trailing_credit
from ingest.parse.page_text.masthead import field_names, is_promo

CLASSES = ("masthead", "headline", "label", "byline", "body", "caption", "credit", "notice", "jump", "noise")

# Fixed titles of boxes that sit beside an article (data, not code: extend as papers need).
BOX_LABELS = frozenset({
    "开栏的话", "开篇的话", "写在前面", "编者按", "编者的话", "编后", "编后语", "短评", "快评", "微评", "点评", "述评",
    "记者手记", "采访手记", "记者观察", "相关链接", "新闻链接", "链接", "延伸阅读", "背景", "新闻背景", "小贴士", "名词解释",
})
# Far above the longest label's characters, whatever white space and composing marks a printed one holds.
_MAX_LABEL_FLAT = 4 * max(map(len, BOX_LABELS))
PHONE_RE = re.compile(r"(?<!\d)(?:0\d{2,3}-?)?[1-9]\d{6,7}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)|400-?\d{3}-?\d{4}")
NOTICE_WORD_RE = re.compile(r"热线|电话|订阅|征订|订报|订价|定价|广告|招聘|招商|咨询|举报|投诉|公告|声明|启事|遗失|拍卖|联系人|垂询|报名")
# Sentence-internal punctuation a headline does not carry (a headline may end with ？ or ！).
_PROSE_MARKS = re.compile(r"[。；…]|[？！?!](?!$)")
MAX_HEADING_CHARS = 40
MAX_NOTICE_CHARS = 400
MAX_CAPTION_CHARS = 200
CAPTION_OPENING_RE = re.compile(r"^(?:图为|上图|下图|左图|右图|中图|图[①-⑩\d一二三四五六七八九十]+[:：、]?|题图|本版图片)")
MAX_MASTHEAD_BLOCKS = 30


@dataclass
class Classified:
    block: Block
    cls: str
    reason: str
    byline: Byline | None = None
    data: dict[str, Any] | None = None  # jump page, credit authors, caption credit


def classify_blocks(blocks: Sequence[Block], paper_names: set[str]) -> list[Classified]:
    """Classify every block in reading order; the leading masthead zone first."""
    zone = masthead_zone(blocks, paper_names)
    body_size = _body_font_size(blocks)
    out = [Classified(b, "masthead", reason, data={"zone": True}) for b, reason in zip(blocks, zone)]
    for b in blocks[len(zone):]:
        if stray_masthead(b, paper_names) and not looks_like_notice(b.text):
            out.append(Classified(b, "masthead", "masthead field(s) outside the masthead (date, issue, paper name …)"))
        else:
            out.append(classify_block(b, body_size))
    return pair_phone_labels(out)


def pair_phone_labels(items: list[Classified]) -> list[Classified]:
    """A bare phone number and the short label next to it (88851111 / 新闻服务热线) are one notice,
    however the extractor split them."""
    for prev, nxt in zip(items, items[1:]):
        pair = (prev, nxt) if _is_bare_phone(prev) else (nxt, prev) if _is_bare_phone(nxt) else None
        if pair is None:
            continue
        label = pair[1]
        if label.cls == "headline" and len(label.block.lines) == 1 and NOTICE_WORD_RE.search(label.block.text):
            label.cls, label.reason = "notice", "label of the phone number beside it"
            nxt.data = {**(nxt.data or {}), "same_notice": True}
    return items


def _is_bare_phone(c: Classified) -> bool:
    return c.cls == "notice" and count_cjk(c.block.text) == 0

def stray_masthead(b: Block, paper_names: set[str]) -> bool:
    """A block made only of masthead fields (a date line, the paper's name) is never article text."""
    lines = b.lines
    return bool(lines) and not is_prose(b.text) and all(
        key(ln) in paper_names or [n for n in field_names(ln) if n != "paper_name"] for ln in lines)


def masthead_zone(blocks: Sequence[Block], paper_names: set[str]) -> list[str]:
    """Reasons for the leading blocks that form the masthead or page header: everything up to the last
    block that carries a masthead field, provided it carries two kinds of field and
    no prose comes first. Slogans and QR-code promotions in between belong to it. It must carry the date."""
    reasons: list[str] = []
    kinds: set[str] = set()
    last = -1
    for i, b in enumerate(blocks[:MAX_MASTHEAD_BLOCKS]):
        if is_prose(b.text) or parse_byline(b.lines[0] if b.lines else "") is not None:
            break
        names: list[str] = []
        for line in b.lines:
            names += field_names(line)
            if key(line) in paper_names or any(n in key(line) for n in paper_names):
                names.append("paper_name")
        if names:
            kinds |= set(names)
            last = i
            reasons.append(f"masthead field(s): {', '.join(dict.fromkeys(names))}")
        elif all(is_promo(ln) for ln in b.lines):
            last = i
            reasons.append("promotion beside the masthead (微信/公众号/扫码)")
        elif last < 0:
            break  # a masthead starts with a field: a headline above a date line is not one
        else:
            reasons.append("slogan between masthead fields")
    # Every masthead and page header prints the date; two kinds of field make it more than a stray line.
    if "date" not in kinds or len(kinds) < 2:
        return []
    return reasons[: last + 1]


def classify_block(b: Block, body_size: float | None = None) -> Classified:
    """The class of one block outside the masthead, with the rule that decided it."""
    text = b.text.strip()
    m = match_form(text)
    flat = no_space(m)
    if count_cjk(text) < 2 and not PHONE_RE.search(flat):
        return Classified(b, "noise", "fewer than two Chinese characters and no phone number (page number, bullet)")
    if j := JUMP_RE.match(flat):
        direction, page = jump_of(j)
        return Classified(b, "jump", f"jump line: {j.group('verb')} page {j.group('num')}",
                          data={"direction": direction, "page": page, "label": jump_label_of(j)})
    if credit := parse_credit(text):
        names = "、".join(a.name for a in credit)
        return Classified(b, "credit", f"photo credit (… 摄): {names}", data={"authors": credit})
    if looks_like_notice(text):
        return Classified(b, "notice", "notice or ad box: phone number or notice word, no prose")
    # The key of a whole paragraph (NFKC, OpenCC) is not worth making to compare it with a few characters.
    if len(flat) <= _MAX_LABEL_FLAT and key(text) in BOX_LABELS:
        return Classified(b, "label", "fixed box title (BOX_LABELS)")
    if (byline := parse_byline(b.lines[0])) is not None and (byline.authors or byline.dateline):
        what = "dateline " + byline.dateline if byline.dateline else "byline"
        return Classified(b, "byline", f"opens with a {what} ({byline.matched})", byline=_whole(byline, b))
    if (why := heading_reason(b, body_size)) is not None:
        return Classified(b, "headline", why)
    if body_size is not None and heading_reason(Block(b.text)) is not None:
        # Body type in a headline's shape: a sub-heading set in bold, or a short line of text.
        return Classified(b, "body", "headline-shaped line in body type: a sub-heading paragraph",
                          data={"subheading": True})
    caption, credit = split_trailing_credit(text)
    if credit:
        return Classified(b, "caption", "paragraph that ends with a photo credit",
                          data={"authors": credit, "text": caption})
    if CAPTION_OPENING_RE.match(flat) and len(flat) <= MAX_CAPTION_CHARS:
        return Classified(b, "caption", "short paragraph that opens like a caption (图为 / 上图)",
                          data={"authors": [], "text": text})
    return Classified(b, "body", "prose: " + ("sentence punctuation" if is_prose(text) else "no headline shape"))


def _whole(byline: Byline, b: Block) -> Byline:
    """The byline of a block's first line, with the block's further lines appended to the rest."""
    more = b.lines[1:]
    if more:
        byline.rest = (byline.rest + "\n" + "\n".join(more)).strip()
    return byline


@memo
def is_prose(text: str) -> bool:
    """Running text: sentence punctuation, or commas in a line too long for a headline."""
    flat = no_space(text)
    return bool(_PROSE_MARKS.search(flat)) or ("，" in flat and count_cjk(flat) > MAX_HEADING_CHARS)


def heading_reason(b: Block, body_size: float | None = None) -> str | None:
    """Why the block is a headline (or a sub-heading, a series name), or None: short lines without
    sentence punctuation; with font sizes, type larger than the body's."""
    lines = b.lines
    if not lines or len(lines) > 4:
        return None
    if b.font_size is not None and body_size is not None:
        if b.font_size >= body_size * 1.15 and all(count_cjk(ln) <= 2 * MAX_HEADING_CHARS for ln in lines):
            return f"type larger than the body ({b.font_size:g} vs {body_size:g})"
        if b.font_size <= body_size * 1.02:
            return None
    for ln in lines:
        flat = no_space(ln)
        if count_cjk(flat) < 2 or len(flat) > MAX_HEADING_CHARS:
            return None
        if _PROSE_MARKS.search(flat) or flat[-1] in "，、," or not _comma_is_parallel(flat):
            return None
        if starts_like_paragraph(flat):
            return None
    return "short line(s) without sentence punctuation"


def _comma_is_parallel(flat: str) -> bool:
    """A comma in a headline joins two parallel phrases (坚持新发展理念，推动高质量发展); a comma in a
    fragment of prose does not."""
    parts = flat.split("，")
    if len(parts) == 1:
        return True
    if len(parts) > 2:
        return False
    a, b = (count_cjk(p) for p in parts)
    return min(a, b) > 0 and max(a, b) <= 16 and min(a, b) / max(a, b) >= 0.7


# How paragraphs open (昨日，/ 6月24日上午，/ 据统计，): never a headline, never a continuation.
PARAGRAPH_OPENING_RE = re.compile(
    r"^(?:昨日|昨天|今日|今天|前日|日前|近日|连日来|目前|如今|当前|近年来|多年来|近期|当天|当日|此前|随后|此外|另外|同时"
    r"|与此同时|据悉|据了解|据介绍|据统计|另悉|又讯|截至\S{0,12}|截止\S{0,12}|今年以来|去年以来"
    r"|\d{1,4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,4}年(?:底|初|末)?|\d{1,2}月\d{1,2}日|\d{1,2}日|今年|去年)"
    r"(?:上午|下午|中午|晚上|晚|早上|凌晨|以来|起)?[，,]")


def starts_like_paragraph(text: str) -> bool:
    """Opens like a new paragraph (a time phrase or 据统计 and a comma): 昨日，… / 6月24日上午，…"""
    return bool(PARAGRAPH_OPENING_RE.match(no_space(text)))


def looks_like_notice(text: str) -> bool:
    """A hotline, ad or subscription box (a phone number, no running prose), or a short text under a
    notice heading (遗失声明, 公告, 启事)."""
    flat = no_space(match_form(text))
    if NOTICE_HEAD_RE.match(flat):
        return len(flat) <= MAX_NOTICE_CHARS and (len(text.strip().splitlines()) > 1 or count_cjk(flat) <= 6)
    if len(flat) > 120 or is_prose(text):
        return False
    if PHONE_RE.search(flat):
        return bool(NOTICE_WORD_RE.search(flat)) or count_cjk(flat) <= 12
    return False


def _body_font_size(blocks: Sequence[Block]) -> float | None:
    """The most common font size of prose blocks, when the extractor gave sizes."""
    sizes = [b.font_size for b in blocks if b.font_size is not None and is_prose(b.text)]
    if not sizes:
        return None
    return statistics.mode(sizes)

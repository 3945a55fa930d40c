"""Evidence for column-break joins (ingest.parse.page_text.joins)."""

from pathlib import Path

import jieba
import pytest

from ingest.parse.chars import CJK_RE

from ingest.parse.page_text.joins import (
    closes_open_quote, continuation_evidence, is_open, opens_with_continuation_mark, word_across_break,
)


@pytest.mark.parametrize("text, open_", [
    ("所辖基层工会在发", True),
    ("共克时艰、", True),
    ("所接", True),
    ("不让一个人掉队。", False),
    ("立马被‘抢光’”。", False),
    ("敢于首创。”", False),
    ("所谓“红船”", True),
    ("生活上存在哪些困难……", False),
    ("省总工会给杨惠荣的任务是：", False),
])
def test_open_paragraphs_stop_mid_sentence(text, open_):
    assert is_open(text) is open_


@pytest.mark.parametrize("left, right, word", [
    ("所辖基层工会在发", "放工会会员节日慰问品", "发放"),
    ("我省“娘家人”携起困难职", "工的手，不让", "困难职工"),
    ("劳模、工匠品牌工", "作室28个", "工作室"),
    ("应当坚决扛起政", "治责任和使命担当", "政治责任"),
])
def test_a_word_spanning_the_break_is_found(left, right, word):
    assert word_across_break(left, right) == word


@pytest.mark.parametrize("left, right", [
    ("来到慈溪市白", "受，充分彰显"),
    ("省总工会加强源头参与力度，提出了", "《关于加强和完善社会救助的建议》"),
    ("全省共发放助学金", "2.13亿元"),
])
def test_no_word_spans_a_clean_break(left, right):
    assert word_across_break(left, right) is None


def _cut_reference(left: str, right: str) -> str | None:
    """The word jieba's own segmentation of the joined text puts across the break (as the parser once asked it)."""
    a, b = left[-6:], right[:6]
    if not (CJK_RE.match(a[-1]) and CJK_RE.match(b[0])):
        return None
    pos = 0
    for token in jieba.cut(a + b, HMM=False):
        start, pos = pos, pos + len(token)
        if start < len(a) < pos:
            return token
    return None


def test_the_word_across_a_break_is_the_one_jiebas_segmentation_makes():
    # Every cut of every line of the sample page (letters, digits, punctuation and names included).
    page = (Path(__file__).resolve().parents[2] / "fixtures" / "zjgrrb-2020-06-25" / "page01.txt").read_text()
    cuts = [(line[:i], line[i:]) for line in page.splitlines() for i in range(1, len(line))]
    found = [(left, right) for left, right in cuts if word_across_break(left, right)]
    assert len(cuts) > 5000 and len(found) > 2000
    assert [word_across_break(x, y) for x, y in cuts] == [_cut_reference(x, y) for x, y in cuts]


def test_continuation_marks_and_quotes():
    assert opens_with_continuation_mark("，他精心准备")
    assert not opens_with_continuation_mark("他精心准备")
    assert closes_open_quote("大力营造“弘扬红船精神", "走在时代前列”浓厚氛围")
    assert not closes_open_quote("大力营造", "“弘扬红船精神”")


def test_evidence_is_strong_for_a_spanning_word_and_against_for_a_new_paragraph():
    assert continuation_evidence("所理解、所接", "受，充分彰显").strong
    ev = continuation_evidence("所理解、所接", "昨日，慈溪市志愿者")
    assert ev.against and not ev.strong
    weak = continuation_evidence("姚岸村", "红色旅游和工会疗休养有效融合")
    assert not weak.strong and not weak.against


def test_half_width_sentence_ends_count():
    assert not is_open("大家都说好!")
    assert not is_open("这是为什么?”")

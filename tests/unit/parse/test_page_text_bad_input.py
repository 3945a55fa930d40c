"""Bad input: a clear InputError naming the input, or a best-effort edition with a warning; never a
traceback, never an article made of masthead lines."""

import random
from pathlib import Path

import pytest

from ingest.errors import InputError
from ingest.parse import ParseHints, parse_bytes
from ingest.parse.page_text import parse_page_text


def parse(data: bytes, name: str = "page.txt"):
    return parse_page_text(data, ParseHints(name=name))


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"   \n\t\n", "white space"),
    (b"The quick brown fox.\n\nPage 3\n", "no Chinese"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("浙江工人日报".encode("gb18030") + b"\xff\xfe", "not UTF-8"),
])
def test_unusable_input_is_an_input_error_naming_the_file(data, words):
    with pytest.raises(InputError) as e:
        parse_bytes(data, ParseHints(name="in/page.txt")) if data else parse(data, "in/page.txt")
    assert "in/page.txt" in str(e.value) or "page.txt" in str(e.value)
    assert words in str(e.value)


def test_ten_megabytes_is_refused_as_not_one_page():
    data = ("本报讯 今天，会议召开。" * 300_000).encode()
    assert len(data) > 10_000_000
    with pytest.raises(InputError, match="more than one printed page"):
        parse(data, "huge.txt")


def test_mostly_latin_text_is_parsed_with_a_warning():
    e = parse(("Lorem ipsum dolor sit amet. " * 20 + "\n\n本报讯 今天，会议召开。").encode())
    assert any("less than a fifth" in w for w in e.warnings)


def test_masthead_only_page_has_no_articles_and_says_so():
    e = parse("浙江工人日报\n\n2020年6月25日 星期四\n\n第11557号\n".encode())
    assert e.articles == [] and e.issue_number == 11557
    assert any("no article text" in w for w in e.warnings)


def test_stray_lines_only_page_is_a_warning_not_an_error():
    e = parse("■\n\n★★★\n\n1\n\n甲\n".encode())
    assert e.articles == []
    assert e.warnings


def test_shuffled_sample_never_fails_and_never_leaks_masthead_lines(sample_page: Path):
    blocks = sample_page.read_text(encoding="utf-8").split("\n\n")
    # Lines with masthead fields; a slogan shuffled away from the masthead cannot be told from a headline.
    masthead_only = ("庚子年五月初五", "CN33-0018", "邮发代号", "社址", "zjgrxw@163.com", "第11557号")
    rng = random.Random(20200625)
    for _ in range(40):
        rng.shuffle(blocks)
        e = parse("\n\n".join(blocks).encode())
        text = "\n".join(a.pretitle + a.title + a.subtitle + a.column + a.body for a in e.articles)
        assert not any(m in text for m in masthead_only)
        assert all(a.kind in ("article", "photo", "notice") for a in e.articles)


def test_truncated_sample_still_gives_what_is_there(sample_page: Path):
    data = sample_page.read_bytes()
    for cut in (50, 500, 3000, 9000):
        e = parse(data[:cut].decode("utf-8", "ignore").encode())
        assert e.date is not None or cut < 200

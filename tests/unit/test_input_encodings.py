"""The sample page (tests/fixtures/zjgrrb-2020-06-25/page01.txt, 浙江工人日报 2020-06-25 page 1) saved in
every common encoding parses exactly as its UTF-8 text does, and says how it was read."""

import codecs

import opencc
import pytest

from ingest.encoding import decode_chinese, decode_html
from ingest.errors import InputError
from ingest.parse import ParseHints, parse_bytes
from tests.conftest import SAMPLE_PAGE

UTF8 = SAMPLE_PAGE.read_bytes()
TEXT = UTF8.decode("utf-8")


def _parse(data: bytes) -> dict:
    return parse_bytes(data, ParseHints(name="page01.txt")).to_dict()


def _same_edition(a: dict, b: dict) -> None:
    assert a["articles"] == b["articles"] and a["date"] == b["date"] and a["issue_number"] == b["issue_number"]
    assert a["paper"] == b["paper"] and a["pages"] == b["pages"]


def _big5_text() -> str:
    """The page in traditional characters (as a Taiwan or Hong Kong tool would save it), without the few
    characters Big5 has no code for."""
    traditional = opencc.OpenCC("s2t").convert(TEXT)
    return "".join(ch for ch in traditional if _fits(ch, "big5"))


def _fits(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
        return True
    except UnicodeEncodeError:
        return False


@pytest.mark.parametrize("codec, data", [
    ("utf-8", codecs.BOM_UTF8 + UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
    ("utf-16-be", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
    ("utf-32-le", codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le")),
    ("utf-32-be", codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be")),
    ("gb18030", TEXT.encode("gb18030")),
    ("gb18030", TEXT.encode("gbk")),
])
def test_sample_page_in_any_common_encoding_parses_as_its_utf8_text(codec, data):
    expected, got = _parse(UTF8), _parse(data)
    _same_edition(got, expected)
    assert expected["articles"] and got["masthead"]["encoding"] == codec
    assert any(f"decoded as {codec}" in w for w in got["warnings"])


def test_utf8_page_records_its_encoding_without_a_warning():
    edition = _parse(UTF8)
    assert edition["masthead"]["encoding"] == "utf-8"
    assert not any("decoded as" in w for w in edition["warnings"])


def test_big5_page_parses_as_the_same_traditional_text_in_utf8():
    text = _big5_text()
    expected, got = _parse(text.encode("utf-8")), _parse(text.encode("big5"))
    _same_edition(got, expected)
    assert expected["articles"] and got["masthead"]["encoding"] == "big5"


def test_traditional_text_saved_as_gbk_is_read_as_gb18030_not_big5():
    assert decode_chinese(_big5_text().encode("gbk"), "p.txt").encoding == "gb18030"


def test_big5_bytes_are_not_mistaken_for_gbk_although_they_decode_as_gbk():
    data = _big5_text().encode("big5")
    data.decode("gb18030")  # strictly valid GB18030, yet nonsense: rare characters and symbol rows
    assert decode_chinese(data, "p.txt").encoding == "big5"


def test_html_page_in_utf16_and_big5_decodes():
    page = f"<html><head><title>x</title></head><body><p>{TEXT[:3000]}</p></body></html>"
    assert decode_html(codecs.BOM_UTF16_LE + page.encode("utf-16-le"), "p.htm").text == page
    trad = "".join(ch for ch in opencc.OpenCC("s2t").convert(page) if _fits(ch, "big5"))
    assert decode_html(trad.encode("big5"), "p.htm").encoding == "big5"


@pytest.mark.parametrize("data", [
    bytes(range(128, 256)) * 40,  # high bytes in no Chinese encoding's order
    "Grüße aus Köln, café crème ".encode("cp1252") * 40,  # fits GB18030 bytes, but is no Chinese
    TEXT.encode("gb18030")[:4000] + TEXT.encode("big5", "ignore")[:4000],  # two encodings in one file
])
def test_bytes_no_encoding_fits_are_refused_naming_the_file(data):
    with pytest.raises(InputError, match=r"^page01\.txt: no encoding fits"):
        _parse(data)


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_a_stray_broken_byte_is_replaced_with_a_warning_not_refused(codec):
    edition = _parse(TEXT.encode(codec) + b"\xff")  # the file cut inside a character, as a transfer leaves it
    titles = [a["title"] for a in _parse(UTF8)["articles"]]
    assert [a["title"] for a in edition["articles"]][:len(titles)] == titles
    assert edition["masthead"]["encoding"] == codec
    assert any("replaced with U+FFFD" in w for w in edition["warnings"])


def test_a_bom_that_lies_is_an_error_naming_the_file():
    with pytest.raises(InputError, match=r"page01\.txt: starts with a utf-8 byte order mark"):
        _parse(codecs.BOM_UTF8 + TEXT.encode("gb18030"))

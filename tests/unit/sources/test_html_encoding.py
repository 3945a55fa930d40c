"""Charset of fetched pages: header, then <meta>, then detection; GB2312/GBK read as GB18030."""

import codecs

import pytest

from ingest.encoding import canonical, decode_html
from ingest.errors import InputError

# 镕 and 堃 are in GBK but not in GB2312: a page that says gb2312 and means GBK must keep them.
TEXT = "朱镕基 王堃 浙江工人日报 小康路上“工”字闪亮"


def page(charset: str | None, text: str = TEXT) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def test_gb2312_label_decodes_gbk_only_characters_as_gb18030():
    decoded = decode_html(page("gb2312").encode("gbk"), "p.htm")
    assert TEXT in decoded.text
    assert (decoded.encoding, decoded.source) == ("gb18030", "meta")


def test_header_charset_wins_over_meta():
    decoded = decode_html(page("iso-8859-1").encode("gbk"), "p.htm", "text/html; charset=GBK")
    assert TEXT in decoded.text
    assert decoded.source == "header"


def test_meta_that_lies_about_utf8_bytes_is_not_believed_and_is_reported():
    decoded = decode_html(page("gb2312").encode("utf-8"), "http://e/node_02.html")
    assert TEXT in decoded.text
    assert decoded.encoding == "utf-8" and decoded.declared == "gb2312"
    assert any("http://e/node_02.html" in w and "UTF-8" in w for w in decoded.warnings)


def test_header_that_lies_falls_back_to_the_meta():
    decoded = decode_html(page("gbk").encode("gbk"), "p.htm", "text/html; charset=utf-8")
    assert TEXT in decoded.text
    assert decoded.source == "meta"
    assert any("not utf-8" in w for w in decoded.warnings)


@pytest.mark.parametrize("codec", ["gbk", "utf-8"])
def test_undeclared_pages_are_detected(codec):
    decoded = decode_html(page(None, TEXT * 3).encode(codec), "p.htm")
    assert TEXT in decoded.text
    assert decoded.source == "detected"


def test_unknown_label_is_ignored_with_a_warning():
    decoded = decode_html(page("x-klingon").encode("utf-8"), "p.htm")
    assert TEXT in decoded.text
    assert any("x-klingon" in w for w in decoded.warnings)


def test_byte_order_mark_decides():
    decoded = decode_html(codecs.BOM_UTF8 + page("gb2312").encode("utf-8"), "p.htm")
    assert decoded.source == "bom" and TEXT in decoded.text


def test_a_stray_broken_byte_keeps_the_declared_charset():
    data = page("gbk", TEXT * 50).encode("gbk") + b"\x81"
    decoded = decode_html(data, "p.htm")
    assert decoded.encoding == "gb18030" and TEXT in decoded.text
    assert any("U+FFFD" in w for w in decoded.warnings)


def test_binary_data_is_refused_naming_the_input():
    with pytest.raises(InputError, match="blob.htm"):
        decode_html(b"\x00\xff\xfe\x00" * 1000 + bytes(range(256)) * 20, "blob.htm")


def test_canonical_widens_chinese_labels():
    assert canonical("GB2312") == "gb18030"
    assert canonical("gbk") == "gb18030"
    assert canonical("UTF8") == "utf-8"
    assert canonical("no-such") is None

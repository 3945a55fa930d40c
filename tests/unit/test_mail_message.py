"""Decoding edition mails: Chinese headers and bodies in GB charsets, parts, caps."""

import base64
import io
import zipfile

import pytest

from ingest.errors import InputError
from ingest.parse.mail_message import MailLimits, decode_header_value, html_to_page_text, part_kind, read_message
from ingest.parse.unzip import ZipLimits, expand_zip
from tests.fixtures.mail import kit


def test_gb2312_base64_subject_and_gbk_quoted_printable_sender_name_decode():
    msg = read_message(kit.edition_mail([]), "m.eml")
    assert msg.subject == "浙江工人日报2020年6月25日电子版"
    assert msg.sender_name == "浙江工人日报"
    assert msg.sender == "zjgrxw@163.com"


def test_a_gb2312_label_is_read_as_gb18030_so_gbk_only_names_survive():
    # 镕 and 喆 are outside GB2312; mail clients still label such text gb2312.
    assert decode_header_value(kit.encoded_word("朱镕基 张喆", "gb2312", "B")) == "朱镕基 张喆"
    assert decode_header_value(kit.encoded_word("朱镕基 张喆", "GBK", "Q")) == "朱镕基 张喆"


def test_raw_8bit_headers_in_utf8_or_gbk_decode():
    for codec in ("utf-8", "gbk"):
        raw = b"From: zjgrxw@163.com\r\nSubject: " + "浙江工人日报电子版".encode(codec) + b"\r\n\r\nx\r\n"
        assert read_message(raw, "m.eml").subject == "浙江工人日报电子版"


def test_a_malformed_encoded_word_is_kept_as_text_not_an_error():
    assert decode_header_value("=?gb2312?B?###?=") == "=?gb2312?B?###?="


@pytest.mark.parametrize("transfer", ["base64", "qp"])
@pytest.mark.parametrize("charset", ["gb2312", "GBK", "gb18030"])
def test_bodies_in_gb_charsets_decode_with_either_transfer_encoding(charset, transfer):
    body = "本报讯 记者张浩呈报道 朱镕基 𠀾"  # 𠀾 needs GB18030's four-byte form
    if charset != "gb18030":
        body = body.replace(" 𠀾", "")
    msg = read_message(kit.body_mail(body, subject="正文", charset=charset, transfer=transfer), "m.eml")
    assert [p.kind for p in msg.parts] == ["text"]
    assert msg.parts[0].text() == body


def test_attachment_names_in_rfc2047_and_rfc2231_decode():
    pdf, _ = kit.page_pdf(2)
    raw = kit.edition_mail([("第2版.pdf", pdf)])
    assert [p.filename for p in read_message(raw, "m.eml").of_kind("pdf")] == ["第2版.pdf"]
    rfc2231 = raw.replace(f'filename="{kit.encoded_word("第2版.pdf")}"'.encode(),
                          b"filename*=gb2312''%B5%DA2%B0%E6.pdf")
    assert [p.filename for p in read_message(rfc2231, "m.eml").of_kind("pdf")] == ["第2版.pdf"]


def test_a_pdf_labelled_octet_stream_is_known_by_its_bytes():
    assert part_kind("application/octet-stream", "scan", b"%PDF-1.4\n...") == "pdf"
    assert part_kind("application/octet-stream", "x", b"PK\x03\x04...") == "zip"
    assert part_kind("image/jpeg", "photo.jpg", b"\xff\xd8") == "other"


def test_an_attachment_over_the_cap_makes_the_message_unusable_with_the_cap_named():
    raw = kit.edition_mail([("01.pdf", b"%PDF-1.4\n" + b"0" * 5000)])
    with pytest.raises(InputError, match=r"m\.eml: attachment 01\.pdf is 5009 bytes, over the cap of 4096"):
        read_message(raw, "m.eml", MailLimits(max_attachment_bytes=4096))


def test_a_zip_of_pages_expands_into_pdf_parts_and_nested_archives_are_not_opened():
    pdf, _ = kit.page_pdf(2)
    inner = kit.pages_zip([("x.pdf", pdf)])
    raw = kit.edition_mail([("pages.zip", kit.pages_zip([("02.pdf", pdf), ("more.zip", inner)]))])
    msg = read_message(raw, "m.eml")
    assert [(p.kind, p.filename) for p in msg.of_kind("pdf")] == [("pdf", "pages.zip/02.pdf")]
    assert any("nested archive" in w for w in msg.warnings)


def test_a_zip_bomb_is_refused_early_with_a_reason():
    bomb = kit.zip_bomb(64 * 1024 * 1024)
    assert len(bomb) < 200_000
    with pytest.raises(InputError, match="zip bomb"):
        expand_zip(bomb, "bomb.zip")


def test_zip_caps_hold_even_when_the_ratio_is_plausible():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("a.pdf", b"x" * 3000)
        z.writestr("b.pdf", b"y" * 3000)
    with pytest.raises(InputError, match="inflates past"):
        expand_zip(buf.getvalue(), "z.zip", ZipLimits(max_member_bytes=4000, max_total_bytes=5000))
    with pytest.raises(InputError, match="members, more than"):
        expand_zip(buf.getvalue(), "z.zip", ZipLimits(max_members=1))


def test_a_damaged_zip_is_an_input_error():
    with pytest.raises(InputError, match="not a readable zip"):
        expand_zip(b"PK\x03\x04garbage", "z.zip")


def test_html_becomes_one_paragraph_per_block_with_source_line_breaks_removed():
    html = ("<html><head><style>p{}</style></head><body><h1>小康路上\n“工”字闪亮</h1>"
            "<p>记者杜成敏报道 今年是脱贫攻坚战的\n  收官之年。</p><div>从送温暖<br>到医疗救助</div></body></html>")
    assert html_to_page_text(html) == ("小康路上“工”字闪亮\n\n记者杜成敏报道 今年是脱贫攻坚战的收官之年。\n\n"
                                       "从送温暖\n\n到医疗救助\n")


def test_bytes_that_are_no_mail_are_refused():
    with pytest.raises(InputError, match="not an e-mail message"):
        read_message(base64.b64encode(b"\0" * 64), "x.eml")

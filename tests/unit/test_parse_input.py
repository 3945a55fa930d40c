import pytest

from ingest.errors import InputError
from ingest.limits import Limits
from ingest.parse import ParseHints, parse_bytes, read_input, sniff
from ingest.parse.text import decode_page_text


def test_sniff_tells_pdf_html_email_and_text_apart():
    assert sniff(b"%PDF-1.7\n...", "x.bin") == "pdf"
    assert sniff(b"<!DOCTYPE html><html>", "page") == "html"
    assert sniff(b"anything", "nbs.D110000renmrb_01.htm") == "html"
    assert sniff(b"From: a@b\nTo: c@d\nSubject: x\n\nbody", "msg") == "email"
    assert sniff("浙江工人日报\n第11557号".encode(), "page01.txt") == "text"


def test_empty_input_is_refused_with_the_file_name():
    with pytest.raises(InputError, match=r"page01\.txt: the file is empty"):
        parse_bytes(b"", ParseHints(name="page01.txt"))


def test_oversized_text_is_refused_before_parsing_but_a_pdf_edition_may_be_larger():
    with pytest.raises(InputError, match="big.txt: .* larger than the .* bytes a text input may have"):
        parse_bytes(b"x" * (Limits.max_text_bytes + 1), ParseHints(name="big.txt"))
    with pytest.raises(InputError) as e:
        parse_bytes(b"%PDF-1.4\n" + b"x" * Limits.max_text_bytes, ParseHints(name="edition.pdf"))
    assert "larger than" not in str(e.value)  # refused as a broken PDF, not for its size


def test_binary_bytes_are_not_page_text():
    with pytest.raises(InputError, match=r"a\.txt: binary data"):
        decode_page_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "a.txt")


def test_bytes_no_encoding_fits_are_refused_naming_the_file_and_the_encodings_tried():
    with pytest.raises(InputError, match=r"g\.txt: no encoding fits: not UTF-8 text .*GB18030.*Big5"):
        decode_page_text("浙江工人日报".encode("gbk") + b"\x80\xff", "g.txt")


def test_utf8_with_bom_decodes():
    assert decode_page_text("\ufeff浙江工人日报".encode(), "b.txt").text == "浙江工人日报"


def test_read_input_names_missing_unreadable_and_directory_inputs(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_input(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_input(tmp_path)

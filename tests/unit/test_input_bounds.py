"""Each bound on the work of one input is a named setting with a default, and exceeding it is one InputError
naming the input and the bound (the generated corpus runs the same inputs through the CLI)."""

import time

import pytest

from ingest.config import Settings
from ingest.errors import ConfigError, InputError
from ingest.limits import Limits
from ingest.papers import get_paper
from ingest.parse import ParseHints, parse_bytes
from ingest.parse.email import mail_limits
from ingest.parse.pdf import read_pdf
from tests.conftest import SAMPLE_PAGE
from tests.fixtures import bad_inputs as bad
from tests.fixtures.mail import kit


def _refused(data: bytes, name: str, bound: str, limits: Limits | None = None) -> str:
    with pytest.raises(InputError) as e:
        parse_bytes(data, ParseHints(name=name, limits=limits or Limits()))
    message = str(e.value)
    assert message.startswith(f"{name}: ") and bound in message and "\n" not in message
    return message


def test_every_bound_is_a_setting_read_from_the_environment():
    limits = Limits.from_settings(Settings.from_env({"INGEST_PDF_MAX_PAGES": "3", "INGEST_ZIP_MAX_RATIO": "12.5",
                                                     "INGEST_HTML_MAX_LINKS": "7"}))
    assert (limits.pdf_max_pages, limits.zip_max_ratio, limits.html_max_links) == (3, 12.5, 7)
    assert Limits.from_settings(Settings.from_env({})) == Limits()
    with pytest.raises(ConfigError, match="INGEST_PDF_MAX_PAGES='many'"):
        Settings.from_env({"INGEST_PDF_MAX_PAGES": "many"})


def test_a_stream_inflating_past_its_bound_stops_early_and_names_it():
    started = time.process_time()
    _refused(bad.stream_bomb_pdf(), "bomb.pdf", "pdf_max_stream_bytes")
    # Inflating stops at the bound (64 MiB of 400): a fraction of the work, not all of it.
    assert time.process_time() - started < 30


def test_streams_inflating_past_the_file_bound_together_are_refused():
    body = b"BT ET " * 20_000
    streams = [bad.stream(bad.deflated(body, 1), filters=b"/FlateDecode") for _ in range(3)]
    data = bad.pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 5 0 R 6 0 R] >>",
                    *streams])
    limits = Limits(pdf_max_stream_bytes=len(body) + 1, pdf_max_decoded_bytes=2 * len(body) + 10)
    _refused(data, "three.pdf", "pdf_max_decoded_bytes", limits)
    assert read_pdf(data, "three.pdf", Limits())  # within the defaults the same file reads


def test_pages_per_pdf_and_objects_per_page_are_bounded():
    edition, laid = kit.edition_pdf()
    assert len(laid) == 2
    _refused(edition, "edition.pdf", "more than the 1 pages an edition may have (pdf_max_pages)",
             Limits(pdf_max_pages=1))
    _refused(bad.many_pages_pdf(), "pages.pdf", "more than the 64 pages")
    page, _ = kit.page_pdf(1)
    _refused(page, "page.pdf", "PDF page 1 has more than 100 objects (pdf_max_page_objects)",
             Limits(pdf_max_page_objects=100))
    _refused(page, "page.pdf", "PDF page 1 has more than 1000 content tokens (pdf_max_page_tokens)",
             Limits(pdf_max_page_tokens=1000))


def test_forms_drawn_within_forms_count_each_time_they_are_drawn():
    _refused(bad.form_fan_out_pdf(levels=4, fan=10), "forms.pdf", "pdf_max_page_tokens",
             Limits(pdf_max_page_tokens=10_000))


def test_parsing_is_bounded_in_cpu_time_whatever_the_input():
    # A page tree of 200 thousand pages: counting them to the page bound already reads every one.
    message = _refused(bad.many_pages_pdf(200_000), "pages.pdf", "(parse_max_cpu_seconds)",
                       Limits(parse_max_cpu_seconds=0.5))
    assert "more than 0.5 s of CPU time" in message


def test_html_nesting_and_links_are_bounded():
    _refused(bad.html_deep(5000), "deep.htm", "nested more than 200 elements deep (html_max_depth)")
    _refused(bad.html_links(30), "links.htm", "more than 20 links (html_max_links)", Limits(html_max_links=20))


def test_zip_members_and_ratio_come_from_the_settings():
    mail = mail_limits(Settings.from_env({}), Limits(zip_max_members=3, zip_max_ratio=5.0))
    assert (mail.zip.max_members, mail.zip.max_ratio) == (3, 5.0)
    zipped = kit.pages_zip([(f"{i:02d}.pdf", kit.page_pdf(1)[0]) for i in range(1, 5)])
    with pytest.raises(InputError, match="zip archive has 4 members, more than the 3 allowed"):
        parse_bytes(kit.edition_mail([("pages.zip", zipped)]),
                    ParseHints(name="m.eml", limits=Limits(zip_max_members=3)))


def test_text_and_edition_sizes_are_bounded():
    _refused(SAMPLE_PAGE.read_bytes(), "page01.txt", "(max_text_bytes)", Limits(max_text_bytes=1000))
    _refused(kit.page_pdf(1)[0], "page.pdf", "(max_edition_bytes)", Limits(max_edition_bytes=1000))


def test_mailing_list_spam_in_gb2312_is_no_edition_even_with_a_paper_given():
    with pytest.raises(InputError, match=r"spam\.eml: not an edition: no configured paper sends from "
                                         r"promo@spam\.example"):
        parse_bytes(bad.spam_mail(), ParseHints(name="spam.eml"))
    with pytest.raises(InputError, match="not an edition"):
        parse_bytes(bad.spam_mail(), ParseHints(name="spam.eml", paper=get_paper("zjgrrb")))


def test_a_body_edition_from_the_papers_sender_still_parses():
    mail = kit.body_mail(SAMPLE_PAGE.read_text(encoding="utf-8"), subject="浙江工人日报", charset="gb2312")
    edition = parse_bytes(mail, ParseHints(name="m.eml"))
    assert edition.articles and edition.masthead["encoding"] == "gb18030"

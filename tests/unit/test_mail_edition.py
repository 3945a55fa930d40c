"""Edition mails → editions: PDF pages attached one by one, whole, zipped; HTML and text bodies."""

import json
import subprocess
import sys
from datetime import date

import pytest

from ingest.errors import InputError
from ingest.papers import get_paper
from ingest.parse import ParseHints, parse_bytes
from ingest.parse.email import date_in, paper_for_sender, paper_in_text
from tests.conftest import REPO, SAMPLE_PAGE
from tests.fixtures.mail import kit


@pytest.fixture(scope="module")
def pages() -> dict[int, tuple[bytes, kit.Laid]]:
    return {1: kit.page_pdf(1), 2: kit.page_pdf(2)}


def titles(edition) -> list[tuple[int, str]]:  # noqa: ANN001
    return [(a.page, a.title) for a in edition.articles]


def test_page_pdfs_attached_out_of_order_come_back_in_page_order(pages):
    mail = kit.edition_mail([("第2版.pdf", pages[2][0]), ("第1版.pdf", pages[1][0])])
    edition = parse_bytes(mail, ParseHints(name="m.eml"))
    assert (edition.paper, edition.date) == ("zjgrrb", date(2020, 6, 25))
    assert [p.number for p in edition.pages] == [1, 2]
    assert [a.page for a in edition.articles] == [1, 1, 1, 1, 2, 2]
    assert titles(edition)[4:] == [(2, s["title"]) for s in pages[2][1].stories]


def test_a_whole_edition_in_one_pdf_and_the_same_pages_zipped_give_the_same_articles(pages):
    whole, _ = kit.edition_pdf()
    one = parse_bytes(kit.edition_mail([("zjgrrb20200625.pdf", whole)]), ParseHints(name="a.eml"))
    zipped = kit.pages_zip([("zjgrrb20200625_01.pdf", pages[1][0]), ("zjgrrb20200625_02.pdf", pages[2][0])])
    two = parse_bytes(kit.edition_mail([("版面.zip", zipped)]), ParseHints(name="b.eml"))
    assert len(one.articles) == 6
    assert [a.to_dict() for a in one.articles] == [a.to_dict() for a in two.articles]


def test_the_date_in_the_subject_wins_over_the_day_the_mail_was_sent(pages):
    mail = kit.edition_mail([("02.pdf", pages[2][0])], subject="浙江工人日报 2020年6月26日")
    edition = parse_bytes(mail, ParseHints(name="m.eml"))
    assert edition.date == date(2020, 6, 26)


def test_without_any_written_date_the_sending_day_in_the_papers_time_zone_is_used_and_said():
    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    articles_only = text[text.index("小康路上“工”字闪亮"):]  # no masthead, so no printed date
    edition = parse_bytes(kit.body_mail(articles_only, subject="今日报纸"), ParseHints(name="m.eml"))
    # Sent 2020-06-24 22:30 UTC, which is already the 25th in Asia/Shanghai.
    assert edition.date == date(2020, 6, 25)
    assert any("day the mail was sent" in w for w in edition.warnings)


def test_a_plain_text_body_in_gb18030_base64_is_parsed_as_page_text():
    text = SAMPLE_PAGE.read_text(encoding="utf-8")
    mail = kit.body_mail(text, subject="浙江工人日报 2020年6月25日", charset="gb18030", transfer="base64")
    from_mail = parse_bytes(mail, ParseHints(name="m.eml"))
    from_file = parse_bytes(SAMPLE_PAGE.read_bytes(), ParseHints(name="page01.txt"))
    assert from_mail.date == date(2020, 6, 25)
    assert [a.title for a in from_mail.articles] == [a.title for a in from_file.articles]
    assert from_mail.articles[0].body == from_file.articles[0].body


def test_an_html_body_in_gbk_quoted_printable_is_parsed_as_page_text():
    paragraphs = [p for p in SAMPLE_PAGE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    html = "<html><body>" + "".join(f"<p>{p.strip()}</p>\n" for p in paragraphs) + "</body></html>"
    mail = kit.body_mail(html, subject="浙江工人日报", charset="GBK", transfer="qp", subtype="html")
    edition = parse_bytes(mail, ParseHints(name="m.eml"))
    assert edition.paper == "zjgrrb" and edition.date == date(2020, 6, 25)
    assert "小康路上“工”字闪亮" in [a.title for a in edition.articles]


def test_a_cover_note_without_pages_is_no_edition():
    mail = kit.edition_mail([], note="今天的报纸请查收。")
    with pytest.raises(InputError, match=r"m\.eml: no edition in this message"):
        parse_bytes(mail, ParseHints(name="m.eml"))


def test_a_corrupt_pdf_attachment_is_an_input_error_naming_the_attachment():
    mail = kit.edition_mail([("第1版.pdf", kit.corrupt_pdf())])
    with pytest.raises(InputError, match=r"m\.eml: 第1版\.pdf: not a readable PDF"):
        parse_bytes(mail, ParseHints(name="m.eml"))


def test_the_paper_comes_from_the_sender_allowlist_else_from_the_subject():
    assert paper_for_sender("ZJGRXW@163.com").id == "zjgrrb"
    assert paper_for_sender("stranger@example.com") is None
    assert paper_in_text("转发：浙江工人日报6月25日").id == "zjgrrb"
    assert paper_in_text("hello") is None


@pytest.mark.parametrize("text, day", [("2020年6月25日", date(2020, 6, 25)), ("报纸 2020-06-25", date(2020, 6, 25)),
                                       ("zjgrrb20200625_01.pdf", date(2020, 6, 25)), ("2020.6.5", date(2020, 6, 5)),
                                       ("2020年13月40日", None), ("第11557号", None)])
def test_dates_written_in_subjects_and_file_names(text, day):
    assert date_in(text) == day


def test_a_paper_given_by_the_caller_wins(pages):
    mail = kit.edition_mail([("02.pdf", pages[2][0])], sender="someone@example.com")
    edition = parse_bytes(mail, ParseHints(name="m.eml", paper=get_paper("zjgrrb")))
    assert edition.paper == "zjgrrb"


def test_ingest_parse_eml_json_works_offline(tmp_path, pages):
    path = tmp_path / "edition.eml"
    path.write_bytes(kit.edition_mail([("第1版.pdf", pages[1][0])]))
    out = subprocess.run([sys.executable, "-m", "ingest", "parse", str(path), "--json"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["paper"], data["date"]) == ("zjgrrb", "2020-06-25")
    assert [a["title"] for a in data["articles"]] == [s["title"].replace("信息 圆", "信息圆")
                                                      for s in pages[1][1].stories]

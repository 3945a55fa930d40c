"""Generated multi-column newspaper PDF pages → articles through the page-text passes."""

import json
import subprocess
import sys

import pytest

from ingest.errors import InputError
from ingest.parse import ParseHints, parse_bytes
from ingest.parse.pdf import NO_TEXT, page_number_in_name, read_pdf
from tests.conftest import REPO
from tests.fixtures.mail import kit


@pytest.fixture(scope="module")
def edition_pdf() -> tuple[bytes, list[kit.Laid]]:
    return kit.edition_pdf()


def _titles(edition) -> list[tuple[int, str]]:  # noqa: ANN001
    return [(a.page, a.title) for a in edition.articles]


def expected_titles(laid: list[kit.Laid]) -> list[tuple[int, str]]:
    # A headline set on two lines comes back as one line; its break was a space.
    return [(p.number, s["title"].replace(" ", "") if s["key"] == "pengyouquan" else s["title"])
            for p in laid for s in p.stories]


def test_every_article_of_a_two_page_pdf_comes_back_in_reading_order(edition_pdf):
    pdf, laid = edition_pdf
    edition = parse_bytes(pdf, ParseHints(name="zjgrrb-20200625.pdf"))
    assert (edition.paper, str(edition.date), edition.issue_number) == ("zjgrrb", "2020-06-25", 11557)
    assert [p.number for p in edition.pages] == [1, 2]
    assert _titles(edition) == expected_titles(laid)


def test_paragraphs_broken_across_columns_are_whole_again(edition_pdf):
    pdf, laid = edition_pdf
    edition = parse_bytes(pdf, ParseHints(name="e.pdf"))
    by_title = {a.title: a for a in edition.articles}
    lead = by_title["小康路上“工”字闪亮"]
    story = laid[0].stories[0]
    # The byline opens the first paragraph on the page; the parser moves it to authors.
    expected = [story["paragraphs"][0].removeprefix("记者杜成敏报道 ")] + story["paragraphs"][1:]
    assert lead.paragraphs == expected
    assert [(a.role, a.name) for a in lead.authors] == [("记者", "杜成敏")]


def test_headline_font_size_separates_side_by_side_articles(edition_pdf):
    pdf, laid = edition_pdf
    edition = parse_bytes(pdf, ParseHints(name="e.pdf"))
    by_title = {a.title: a for a in edition.articles}
    hongchuan, yizhou = laid[0].stories[2], laid[0].stories[3]
    assert by_title[hongchuan["title"]].subtitle == hongchuan["subtitle"]
    assert by_title[hongchuan["title"]].body.endswith(hongchuan["paragraphs"][-1][-20:])
    assert by_title[yizhou["title"]].paragraphs == yizhou["paragraphs"]


def test_a_single_page_file_takes_its_page_number_from_its_name():
    pdf, laid = kit.page_pdf(2)
    edition = parse_bytes(pdf, ParseHints(name="zjgrrb_20200625_02.pdf"))
    assert {a.page for a in edition.articles} == {2}
    assert [p.number for p in edition.pages] == [2]


@pytest.mark.parametrize("name, number", [("第3版.pdf", 3), ("A03.pdf", 3), ("zjgrrb20200625_12.pdf", 12),
                                          ("page4.pdf", 4), ("01.pdf", 1), ("20200625.pdf", None),
                                          ("edition.pdf", None)])
def test_page_numbers_in_file_names(name, number):
    assert page_number_in_name(name) == number


def test_a_page_without_a_text_layer_is_recorded_and_the_other_pages_still_count():
    pages = read_pdf(kit.blank_pdf(), "scan.pdf")
    assert pages[0].text_layer == NO_TEXT and "no text layer" in pages[0].note
    p2, _ = kit.page_pdf(2)
    mail = kit.edition_mail([("01.pdf", kit.blank_pdf()), ("02.pdf", p2)])
    edition = parse_bytes(mail, ParseHints(name="m.eml"))
    assert [p.number for p in edition.pages] == [1, 2]
    assert {a.page for a in edition.articles} == {2}
    assert any("page 1" in w and "no text layer" in w for w in edition.warnings)


def test_a_truncated_pdf_is_an_input_error_naming_the_file():
    with pytest.raises(InputError, match=r"cut\.pdf: not a readable PDF"):
        parse_bytes(kit.corrupt_pdf(), ParseHints(name="cut.pdf"))


def test_ingest_parse_pdf_json_works_offline(tmp_path):
    pdf, laid = kit.page_pdf(1)
    path = tmp_path / "01.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([sys.executable, "-m", "ingest", "parse", str(path), "--json"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["date"] == "2020-06-25"
    assert [a["title"] for a in data["articles"]][0] == laid.stories[0]["title"]

"""Every real saved page of tests/fixtures/real_pages parses to the facts its `.expected.json` gives.

The expected facts were written by reading each page (see the corpus's SOURCE.md files), never by running
this parser; a key a page cannot say is absent, and only the keys given are checked. Each page is parsed
twice: with its original URL as the hint, and as a file saved to disk (its own path as URL), where only
what the page itself says is left (`date_without_url`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ingest.model import Edition
from ingest.parse import ParseHints, parse_bytes

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "real_pages"
EXPECTED = sorted(CORPUS.glob("*/*.expected.json"))


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name.removesuffix('.expected.json')}"


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _parse(page: Path, url: str | None) -> Edition:
    return parse_bytes(page.read_bytes(), ParseHints(name=str(page), url=url or page.resolve().as_uri()))


def _this_page(edition: Edition, expected: dict[str, Any]) -> dict[str, Any] | None:
    """The parsed facts of the page itself: the directory entry of the page list's URL, or an article's page."""
    if expected["kind"] == "page_list":
        source = edition.masthead.get("source_url")
        found = [p for p in edition.pages if p.url == source]
        if not found and edition.articles:
            found = [p for p in edition.pages if p.label == edition.articles[0].page_label]
    else:
        label = edition.articles[0].page_label if edition.articles else None
        found = [p for p in edition.pages if p.label == label]
    if not found:
        return None
    p = found[0]
    return {"label": p.label, "name": p.name, "pdf_url": p.pdf_url}


@pytest.fixture(scope="module", params=EXPECTED, ids=_case_id)
def case(request) -> tuple[dict[str, Any], Edition, Path]:
    expected_path: Path = request.param
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    page = expected_path.with_name(expected_path.name.removesuffix(".expected.json"))
    return expected, _parse(page, expected.get("url")), page


def test_the_corpus_has_pages():
    assert len(EXPECTED) >= 1


def test_family_is_recognised(case):
    expected, edition, _ = case
    if "family" in expected:
        assert edition.masthead.get("family") == (expected["family"] or "general")


def test_paper_name(case):
    expected, edition, _ = case
    if expected.get("paper_name"):
        assert edition.paper_name == expected["paper_name"]


def test_edition_date_with_the_url(case):
    expected, edition, _ = case
    if "date" in expected:
        assert (edition.date.isoformat() if edition.date else None) == expected["date"]


def test_edition_date_of_the_page_saved_without_its_url(case):
    expected, _, page = case
    if "date_without_url" in expected:
        edition = _parse(page, None)
        assert (edition.date.isoformat() if edition.date else None) == expected["date_without_url"]


def test_this_page_label_name_and_pdf(case):
    expected, edition, _ = case
    if "page" not in expected:
        pytest.skip("the expected facts give no page")
    found = _this_page(edition, expected)
    assert found is not None, f"no page found; pages: {[p.label for p in edition.pages]}"
    assert {k: found[k] for k in expected["page"]} == expected["page"]


def test_page_directory_in_order(case):
    expected, edition, _ = case
    if "pages" in expected:
        # An article page's own page has no URL: the directory is the pages with one.
        assert [{"label": p.label, "name": p.name} for p in edition.pages if p.url] == expected["pages"]


def test_exactly_this_pages_own_articles_each_once_with_titles(case):
    expected, edition, _ = case
    if "articles" not in expected or expected["kind"] != "page_list":
        pytest.skip("not a page list")
    got = [(a.url, _spaces(a.title)) for a in edition.articles]
    assert len({u for u, _ in got}) == len(got), "an article is listed twice"
    assert sorted(got) == sorted((a["url"], _spaces(a["title"])) for a in expected["articles"])


def test_article_headline_stack_byline_and_body(case):
    expected, edition, _ = case
    facts = expected.get("article")
    if not facts:
        pytest.skip("not an article page")
    assert len(edition.articles) == 1
    a = edition.articles[0]
    for key in ("pretitle", "title", "subtitle"):
        if key in facts:
            assert _spaces(getattr(a, key)) == _spaces(facts[key]), key
    if "authors" in facts:
        assert [{"name": x.name, "role": x.role} for x in a.authors] == facts["authors"]
    if "page_label" in facts:
        assert a.page_label == facts["page_label"]
    if "body_start" in facts:
        assert _spaces(a.body).startswith(_spaces(facts["body_start"])), a.body[:80]
    for junk in facts.get("body_excludes", []):
        assert junk not in a.body

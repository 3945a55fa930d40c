"""The real-page corpus keeps its contract: every saved page has its source named and its expected facts.

The facts themselves are checked by the extraction tests; this pins that each entry is complete and that
the expected JSON is in the canonical form those tests compare against (absolute URLs without `div`
queries, zero-padded labels with their section letter, each article once).
"""

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "real_pages"
PAGES = sorted(p for p in CORPUS.glob("*/*") if p.suffix not in (".md", ".json"))
KINDS = {"page_list", "article", "general", "refused"}
LABEL = re.compile(r"^[A-Z]?\d{2,}$")


def _expected(page: Path) -> dict:
    return json.loads(page.with_name(page.name + ".expected.json").read_text(encoding="utf-8"))


def _canonical_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "div" not in parse_qs(parts.query)


def test_corpus_holds_pages_of_many_papers():
    assert len(PAGES) >= 12
    assert len({p.parent.name for p in PAGES}) >= 6


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_page_names_its_source_and_has_expected_facts(page):
    source = (page.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert f"`{page.name}`" in source, f"{page.parent.name}/SOURCE.md does not list {page.name}"
    facts = _expected(page)
    assert facts["kind"] in KINDS
    assert (facts["family"] is None) == (facts["kind"] in ("general", "refused"))
    assert ("error" in facts) == (facts["kind"] == "refused")
    assert facts["url"] is None or _canonical_absolute(facts["url"])


@pytest.mark.parametrize("page", [p for p in PAGES if _expected(p)["kind"] == "page_list"],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_page_list_facts_are_in_canonical_form(page):
    facts = _expected(page)
    labels = [p["label"] for p in facts["pages"]]
    assert all(LABEL.match(label) for label in labels + [facts["page"]["label"]])
    assert facts["page"]["label"] in labels
    # Names as printed, with a spaced name's letters joined (综 合 → 综合); two phrases keep their space.
    assert all(not re.fullmatch(r"(?:\S )+\S", p["name"]) and p["name"] == " ".join(p["name"].split())
               for p in facts["pages"])
    urls = [a["url"] for a in facts["articles"]]
    assert len(urls) == len(set(urls)) and all(_canonical_absolute(u) for u in urls)
    # An entry the page lists with no title (a picture's) is a fact too: an empty title.
    assert all(a["title"] == " ".join(a["title"].split()) for a in facts["articles"])
    assert any(a["title"] for a in facts["articles"])
    pdf = facts["page"].get("pdf_url")
    assert pdf is None or _canonical_absolute(pdf)


@pytest.mark.parametrize("page", [p for p in PAGES if _expected(p)["kind"] in ("article", "general")],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_article_facts_name_a_title_and_a_body_start(page):
    article = _expected(page)["article"]
    # At most 30 characters; fewer only where the first paragraph is that short (划重点：).
    assert article["title"] and 0 < len(article["body_start"]) <= 30
    assert not any(x in article["body_start"] for x in article["body_excludes"])

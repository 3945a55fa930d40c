"""Every real saved page of tests/fixtures/real_pages parses to the facts its `.expected.json` gives.

The expected facts were written by reading each page (see the corpus's SOURCE.md files), never by running
this parser; a key a page cannot say is absent, and every key given is checked (bench/extract_quality.py
defines the checks and counts them). Each page is parsed with its original URL as the hint and again as a
file saved to disk (its own path as URL), where only what the page itself says is left (`date_without_url`).
A page that holds no readable article (kind "refused") must be refused both ways, by an error naming it.
"""

from __future__ import annotations

import pytest

from bench.extract_quality import CorpusPage, corpus, page_checks

PAGES = corpus()


def test_the_corpus_has_pages_of_several_papers():
    assert len(PAGES) >= 3 and len({p.path.parent for p in PAGES}) >= 3


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_real_page_gives_every_expected_fact(page: CorpusPage):
    found = page_checks(page)
    assert found, "the expected JSON gives no fact"
    wrong = [f"{c.field}: expected {c.expected!r}, got {c.got!r}" for c in found if not c.ok]
    assert not wrong, f"{page.name}: {len(wrong)} of {len(found)} facts wrong:\n" + "\n".join(wrong)

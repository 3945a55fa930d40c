"""Extraction quality over the real-page corpus (tests/fixtures/real_pages): fields right / fields expected,
per field and per family, and pages per second of our extractor against `trafilatura.extract` on the same
pages, side by side.

    .venv/bin/python bench/extract_quality.py            # the tables
    .venv/bin/python bench/extract_quality.py --details  # plus every field that is wrong

A field is one fact of a page's `.expected.json` (the corpus contract): the date with and without the URL,
this page's label, name and PDF, the page directory, the article set with titles, and for article pages
the headline stack, authors, page label, body start and every string the body must not hold; a page no
article can be read from (an unknown platform's page list, a shell its scripts fill) must be refused with
an error naming the file and saying what it is. The same
checks are what tests/unit/sources/test_real_pages.py asserts. trafilatura is scored on what it can give
(title, date, body start, body excludes) for the pages that are one article.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.errors import InputError  # noqa: E402
from ingest.model import Edition  # noqa: E402
from ingest.parse import ParseHints, parse_bytes  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "real_pages"


@dataclass(frozen=True)
class Check:
    field: str  # "date", "page.label", "article.authors", "article.body_excludes" ...
    expected: Any
    got: Any

    @property
    def ok(self) -> bool:
        return bool(self.expected == self.got)


@dataclass(frozen=True)
class CorpusPage:
    path: Path  # the saved page
    expected: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def family(self) -> str:
        return "refused" if self.expected["kind"] == "refused" else self.expected.get("family") or "general"

    def parse(self, with_url: bool = True) -> Edition:
        url = self.expected.get("url") if with_url else None
        return parse_bytes(self.path.read_bytes(), ParseHints(name=str(self.path),
                                                              url=url or self.path.resolve().as_uri()))


def corpus(root: Path = CORPUS) -> list[CorpusPage]:
    pages = []
    for expected_path in sorted(root.glob("*/*.expected.json")):
        page = expected_path.with_name(expected_path.name.removesuffix(".expected.json"))
        pages.append(CorpusPage(page, json.loads(expected_path.read_text(encoding="utf-8"))))
    return pages


def spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _iso(edition: Edition) -> str | None:
    return edition.date.isoformat() if edition.date else None


def _this_page(edition: Edition, kind: str) -> dict[str, Any]:
    """The parsed facts of the page itself: a page list's own directory entry (by its URL), an article's page."""
    pages = edition.pages
    if kind == "page_list":
        found = [p for p in pages if p.url == edition.masthead.get("source_url")]
    else:
        found = []
    label = edition.articles[0].page_label if edition.articles else None
    found = found or [p for p in pages if p.label == label]
    return {"label": found[0].label, "name": found[0].name, "pdf_url": found[0].pdf_url} if found else {}


def page_checks(page: CorpusPage) -> list[Check]:
    """Every check of one page: a page the parser must refuse is refused; any other is parsed, with its
    URL and without it."""
    if page.expected["kind"] == "refused":
        return [refusal_check(page, with_url) for with_url in (True, False)]
    return list(checks(page, page.parse(), lambda: page.parse(with_url=False)))


def refusal_check(page: CorpusPage, with_url: bool) -> Check:
    """A page that holds no article the parser can read (an unknown platform's page list, a shell filled by
    scripts) must end in an InputError that names the file and says what it is."""
    field = "refused" if with_url else "refused_without_url"
    want = page.expected["error"]
    try:
        edition = page.parse(with_url)
    except InputError as e:
        message = str(e)
        return Check(field, want, want if want in message and str(page.path) in message else message)
    return Check(field, want, f"parsed: {len(edition.articles)} article(s), family {edition.masthead.get('family')}")


def checks(page: CorpusPage, edition: Edition, without_url: Callable[[], Edition]) -> Iterator[Check]:
    """Every fact the page's expected JSON gives, against what the parse gave. A null date or family is a
    fact (the page has none; a general page), an empty paper name is not."""
    e = page.expected
    if "family" in e:
        yield Check("family", e["family"] or "general", edition.masthead.get("family"))
    if e.get("paper_name"):
        yield Check("paper_name", e["paper_name"], edition.paper_name)
    if "date" in e:
        yield Check("date", e["date"], _iso(edition))
    if "date_without_url" in e:
        yield Check("date_without_url", e["date_without_url"], _iso(without_url()))
    if e.get("page"):
        own = _this_page(edition, e["kind"])
        for key, value in e["page"].items():
            yield Check(f"page.{key}", value, own.get(key))
    if "pages" in e:
        # An article page's own page has no URL: the directory is the pages with one.
        yield Check("pages", e["pages"], [{"label": p.label, "name": p.name} for p in edition.pages if p.url])
    if "articles" in e and e["kind"] == "page_list":
        got = [(a.url, spaces(a.title)) for a in edition.articles]
        yield Check("articles.once", len(got), len({u for u, _ in got}))
        yield Check("articles", sorted((a["url"], spaces(a["title"])) for a in e["articles"]), sorted(got))
    if e.get("article"):
        yield from article_checks(e["article"], edition)


def article_checks(facts: dict[str, Any], edition: Edition) -> Iterator[Check]:
    yield Check("article.count", 1, len(edition.articles))
    if not edition.articles:
        return
    a = edition.articles[0]
    for key in ("pretitle", "title", "subtitle"):
        if key in facts:
            yield Check(f"article.{key}", spaces(facts[key]), spaces(getattr(a, key)))
    if "authors" in facts:
        yield Check("article.authors", facts["authors"], [{"name": x.name, "role": x.role} for x in a.authors])
    if "page_label" in facts:
        yield Check("article.page_label", facts["page_label"], a.page_label)
    yield from body_checks(facts, a.body)


def body_checks(facts: dict[str, Any], body: str) -> Iterator[Check]:
    if "body_start" in facts:
        start = spaces(facts["body_start"])
        yield Check("article.body_start", start, spaces(body)[: len(start)])
    if "body_excludes" in facts:
        yield Check("article.body_excludes", [], [junk for junk in facts["body_excludes"] if junk in body])


def trafilatura_checks(page: CorpusPage) -> list[Check]:
    """What trafilatura alone gives for a page that is one article: title, date, body start and excludes."""
    import trafilatura
    from trafilatura.settings import Document

    facts = page.expected.get("article") or {}
    doc = trafilatura.bare_extraction(page.path.read_bytes(), with_metadata=True, as_dict=False)
    title, day, body = (doc.title or "", doc.date, doc.text or "") if isinstance(doc, Document) else ("", None, "")
    out = [Check("date", page.expected.get("date"), day)] if "date" in page.expected else []
    if "title" in facts:
        out.append(Check("article.title", spaces(facts["title"]), spaces(title)))
    return out + list(body_checks(facts, body))


def _rate(fn: Callable[[], Any], n: int, min_seconds: float = 1.0) -> float:
    """Calls per second of `fn`, timed over at least `min_seconds` after one warm-up call."""
    fn()
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < min_seconds:
        fn()
        calls += 1
    return calls * n / elapsed


def _table(title: str, rows: dict[str, list[Check]]) -> None:
    print(f"\n{title:<28} {'right':>6} {'of':>4} {'share':>7}")
    total_ok = total = 0
    for key in sorted(rows):
        ok = sum(c.ok for c in rows[key])
        total_ok, total = total_ok + ok, total + len(rows[key])
        print(f"{key:<28} {ok:>6} {len(rows[key]):>4} {ok / len(rows[key]):>7.1%}")
    if total:
        print(f"{'all':<28} {total_ok:>6} {total:>4} {total_ok / total:>7.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--details", action="store_true", help="print every wrong field")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    import trafilatura

    pages = corpus(args.corpus)
    by_field: dict[str, list[Check]] = defaultdict(list)
    by_family: dict[str, list[Check]] = defaultdict(list)
    theirs_by_field: dict[str, list[Check]] = defaultdict(list)
    wrong: list[tuple[str, Check]] = []
    unparsed: set[str] = set()  # timed only on the pages it parses
    for page in pages:
        try:
            found = page_checks(page)
        except Exception as e:  # noqa: BLE001 — a page we cannot parse counts every field wrong
            found = [Check("parse", "ok", f"{type(e).__name__}: {e}")]
            unparsed.add(page.name)
        for c in found:
            by_field[c.field].append(c)
            by_family[page.family].append(c)
            if not c.ok:
                wrong.append((page.name, c))
        if page.expected.get("article"):
            for c in trafilatura_checks(page):
                theirs_by_field[c.field].append(c)

    print(f"{len(pages)} real pages in {args.corpus.name}/ ({len({p.path.parent for p in pages})} papers or sites)")
    _table("ours, per field", by_field)
    _table("ours, per family", by_family)
    _table("trafilatura alone (articles)", theirs_by_field)
    if args.details:
        print("\nwrong fields:")
        for name, c in wrong:
            print(f"  {name} {c.field}: expected {c.expected!r}, got {c.got!r}")

    datas = [(p, p.path.read_bytes()) for p in pages if p.name not in unparsed and p.family != "refused"]
    ours = _rate(lambda: [parse_bytes(d, ParseHints(name=str(p.path), url=p.expected.get("url") or
                                                    p.path.resolve().as_uri())) for p, d in datas], len(datas))
    theirs = _rate(lambda: [trafilatura.extract(d) for _, d in datas], len(datas))
    print(f"\nspeed over the same {len(datas)} pages, pages/s:")
    print(f"  ours (ingest parse)    {ours:8.1f}")
    print(f"  trafilatura.extract    {theirs:8.1f}")
    print(f"  ratio ours/theirs      {ours / theirs:8.2f}")


if __name__ == "__main__":
    main()

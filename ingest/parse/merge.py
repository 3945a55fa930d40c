"""Editions parsed piece by piece (one per PDF page, one per mail part) → one edition."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.model import Edition, Page
from ingest.parse import ParseHints


def merge_editions(parts: Sequence[Edition], hints: ParseHints) -> Edition:
    """Pages and articles in the order given; paper and date from the hints, else the first part that has
    them (page 1's masthead); disagreeing dates are kept as a warning, not silently dropped."""
    paper = hints.paper
    merged = Edition(paper=paper.id if paper else "", paper_name=paper.name if paper else "", date=hints.date)
    pages: dict[int, Page] = {}
    for part in parts:
        merged.paper = merged.paper or part.paper
        merged.paper_name = merged.paper_name or part.paper_name
        if part.date and merged.date and part.date != merged.date:
            merged.warnings.append(f"{hints.name}: a page says {part.date}, the edition is {merged.date}")
        merged.date = merged.date or part.date
        merged.issue_number = merged.issue_number or part.issue_number
        # Masthead facts come from the front page; an inner page's running header is no masthead.
        if any(p.number == 1 for p in part.pages) or len(parts) == 1:
            for key, value in part.masthead.items():
                merged.masthead.setdefault(key, value)
        for page in part.pages:
            known = pages.get(page.number)
            if known is None:
                pages[page.number] = page
            elif not known.name and page.name:
                known.name = page.name
        merged.articles.extend(part.articles)
        merged.warnings.extend(w for w in part.warnings if w not in merged.warnings)
    merged.pages = [pages[n] for n in sorted(pages)]
    return merged

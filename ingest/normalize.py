"""Text normalization: what is displayed (width-folded, stray spaces gone) and what is compared (hash keys).

Display text keeps Chinese punctuation as printed; only the comparison key folds everything.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from typing import Any

from ingest.model import Article, Author, Edition
from ingest.nfkc import nfkc
from ingest.simplify import to_simplified

_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c - 0xFEE0).isalnum()}
_FULLWIDTH_ALNUM[0x3000] = 0x20  # ideographic space
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’—…·"
# PDF extraction leaves spaces between Han characters (and between Han and Chinese punctuation).
_SPACE_IN_CJK = re.compile(rf"(?<=[{_HAN}{_CJK_PUNCT}])[ \t]+(?=[{_HAN}{_CJK_PUNCT}])")
_SPACES = re.compile(r"[ \t\u00a0]+")


# A full-width full stop between digits is a decimal point (１０．１３万): folded with the digits, or the
# number would be two tokens that a query typed either way cannot find as one.
_FULLWIDTH_DECIMAL = re.compile(r"(?<=[0-9])\uff0e(?=[0-9])")


# Runs of what _FULLWIDTH_ALNUM folds: a page is mostly Han characters, and translating only the runs a regex
# finds (one C-level scan) took an eighth of the time of a dict lookup per character of the whole text.
_FULLWIDTH_RUN = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FULLWIDTH_ALNUM)) + "]+")


def fold_width(text: str) -> str:
    """Full-width Latin letters and digits to ASCII (２０２０ → 2020, １０．１３ → 10.13); Chinese
    punctuation stays."""
    folded = _FULLWIDTH_RUN.sub(lambda m: m.group().translate(_FULLWIDTH_ALNUM), text)
    return _FULLWIDTH_DECIMAL.sub(".", folded)


def clean_spaces(text: str) -> str:
    """Drop spaces between Chinese characters, collapse other runs of spaces, trim each line."""
    # A line without a space or tab (most paragraphs) has nothing for the patterns to find: only trimmed.
    lines = (_SPACES.sub(" ", _SPACE_IN_CJK.sub("", ln)).strip() if " " in ln or "\t" in ln or "\xa0" in ln
             else ln.strip() for ln in text.split("\n"))
    return "\n".join(ln for ln in lines if ln)


def normalize_text(text: str) -> str:
    return clean_spaces(fold_width(unicodedata.normalize("NFC", text)))


@lru_cache(maxsize=256)  # an article's title and body are keyed for its content hash twice and folded once
def comparison_key(text: str) -> str:
    """The text reduced to what makes two copies the same article: NFKC, simplified, lower case,
    no punctuation, symbols or white space. Used for content hashes, never displayed."""
    folded = to_simplified(nfkc(text)).lower()
    return _NOT_LETTER_OR_DIGIT.sub("", folded)


# Everything but letters and numbers (Unicode categories L* and N*: exactly what str.isalnum() and so the
# regex \w, less its underscore, accept), in one C-level pass instead of a category lookup per character.
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


_TEXT_FIELDS = ("pretitle", "title", "subtitle", "column", "dateline", "body")


def normalize_article(article: Article) -> Article:
    changes: dict[str, Any] = {f: normalize_text(getattr(article, f)) for f in _TEXT_FIELDS}
    authors = [Author(name=normalize_text(a.name).replace(" ", ""), role=a.role) for a in article.authors]
    return replace(article, authors=authors, **changes)


def normalize_edition(edition: Edition) -> Edition:
    return replace(edition, articles=[normalize_article(a) for a in edition.articles])

"""Client-side Chinese word segmentation for the `*_words` fields (jieba, with our dictionary).

jieba splits words it does not know (疗休养 → 疗/休养, names like 胡道林), so every configured paper's
dictionary words and the optional $INGEST_USER_DICT file are added before the first use.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from functools import cache

from ingest.config import settings
from ingest.papers import all_papers

_lock = threading.Lock()


@cache
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    with _lock:
        tok.initialize()
        for word in dictionary_words():
            tok.add_word(word, freq=None)
    return tok


def dictionary_words() -> list[str]:
    words: list[str] = []
    for paper in all_papers().values():
        words.extend(paper.words)
        words.append(paper.name)
    user_dict = settings().user_dict
    if user_dict and user_dict.exists():
        words.extend(ln.split()[0] for ln in user_dict.read_text(encoding="utf-8").splitlines() if ln.strip())
    return sorted(set(w for w in words if w))


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter words learned while parsing (bylines, places) for this process."""
    tok = _tokenizer()
    with _lock:
        for w in words:
            if len(w) >= 2:
                tok.add_word(w, freq=None)


def words(text: str) -> list[str]:
    """The words of `text`, punctuation and spaces dropped."""
    return [w for w in _tokenizer().lcut(text) if w.strip() and any(ch.isalnum() for ch in w)]


def word_string(text: str) -> str:
    """Words joined by spaces, lower-cased: what the `*_words` fields index with the server's built-in
    whitespace analyzer (the bare server has no whitespace tokenizer for a custom analyzer)."""
    return " ".join(words(text)).lower()

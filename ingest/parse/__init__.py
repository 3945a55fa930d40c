"""Parsing: bytes of one input (page text, e-paper HTML, PDF, e-mail) → an `Edition`.

Every parser is a pure function `(data, hints) -> Edition`. `parse_bytes` sniffs the input kind and
dispatches; parsers of new input kinds register themselves in `PARSERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest.errors import InputError
from ingest.limits import Limits, limits
from ingest.model import Edition
from ingest.papers import Paper
from ingest.parse.deadline import cpu_deadline

# Kinds that may hold a whole edition (max_edition_bytes); the others hold one page (max_text_bytes).
EDITION_KINDS = ("pdf", "email")


@dataclass(frozen=True)
class ParseHints:
    """What the caller knows that the input may not say (inner pages have no masthead)."""

    name: str  # file name or URL, used in every error message
    paper: Paper | None = None
    date: date | None = None
    page: int | None = None
    url: str | None = None
    limits: Limits = field(default_factory=limits)  # the bounds on the work this input may cause


def load_dictionaries() -> None:
    """Load what parsing otherwise loads on first use: the word segmenter's dictionary (joins across column
    breaks), the traditional → simplified tables with the filter of the characters they change, and the NFKC
    tables built from Unicode data (about 0.1 s each). A worker calls it before forking its pool, whose
    processes then share them instead of each building its own at its first task."""
    from ingest.nfkc import nfkc
    from ingest.parse.chars import half_width
    from ingest.parse.page_text.joins import _jieba
    from ingest.simplify import to_simplified

    _jieba()
    to_simplified("體")
    half_width("Ａ")
    nfkc("Ａ")


Parser = Callable[[bytes, ParseHints], Edition]
PARSERS: dict[str, Parser] = {}


def register(kind: str) -> Callable[[Parser], Parser]:
    def deco(fn: Parser) -> Parser:
        PARSERS[kind] = fn
        return fn

    return deco


def sniff(data: bytes, name: str) -> str:
    """The input kind of `data`: text, html, pdf or email."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    suffix = Path(name.split("?")[0]).suffix.lower()
    if head.startswith(b"%pdf-"):
        return "pdf"
    if suffix in {".eml", ".msg"} or _looks_like_email(head):
        return "email"
    if suffix in {".htm", ".html", ".shtml"} or head.startswith((b"<!doctype html", b"<html", b"<?xml")) \
            or b"<html" in head[:512]:
        return "html"
    return "text"


def _looks_like_email(head: bytes) -> bool:
    lines = head.split(b"\n", 8)
    fields = {ln.split(b":", 1)[0].strip() for ln in lines if b":" in ln}
    return len(fields & {b"from", b"to", b"subject", b"date", b"mime-version", b"received", b"message-id",
                         b"return-path"}) >= 2


def parse_bytes(data: bytes, hints: ParseHints) -> Edition:
    """Parse one input. Raises InputError naming `hints.name` when the input cannot be used."""
    if not data:
        raise InputError(f"{hints.name}: the file is empty")
    _load_parsers()
    kind = sniff(data, hints.name)
    if kind in EDITION_KINDS:
        cap, setting = hints.limits.max_edition_bytes, "max_edition_bytes"
    else:
        cap, setting = hints.limits.max_text_bytes, "max_text_bytes"
    if len(data) > cap:
        raise InputError(f"{hints.name}: {len(data)} bytes is larger than the {cap} bytes a {kind} input may have "
                         f"({setting})")
    parser = PARSERS.get(kind)
    if parser is None:
        raise InputError(f"{hints.name}: {kind} input is not supported (supported: {', '.join(sorted(PARSERS))})")
    with cpu_deadline(hints.limits.parse_max_cpu_seconds, hints.name):
        return parser(data, hints)


def parse_file(path: Path, hints: ParseHints | None = None) -> Edition:
    hints = hints or ParseHints(name=str(path))
    return parse_bytes(read_input(path, hints.limits), hints)


def read_input(path: Path, bounds: Limits | None = None) -> bytes:
    """The bytes of an input file, or an InputError that says why it cannot be read."""
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a file")
        size, cap = path.stat().st_size, (bounds or limits()).max_edition_bytes
        if size > cap:
            raise InputError(f"{path}: {size} bytes is larger than the {cap} bytes an edition input may have "
                             "(max_edition_bytes)")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied (cannot read the file)") from None
    except OSError as e:
        raise InputError(f"{path}: cannot be read: {e.strerror or e}") from None


def _load_parsers() -> None:
    # Importing a parser module registers it; imported lazily so that `ingest.parse` stays light.
    from ingest.parse import page_text  # noqa: F401
    for optional in ("html", "pdf", "email"):
        try:
            __import__(f"ingest.parse.{optional}")
        except ModuleNotFoundError as e:
            if e.name != f"ingest.parse.{optional}":
                raise

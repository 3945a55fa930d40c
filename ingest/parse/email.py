"""An edition mail → `Edition`: PDF pages (one file per page, a whole edition, or a zip of them), else an
HTML or plain-text body set as page text.

Which paper: the caller's, else the one whose sender allowlist has the From address, else one named in the
subject. Which date: the caller's, else one written in the subject, the attachment names or the body, else
page 1's masthead; the Date header is only a last resort (mail for the 25th is often sent on the 24th).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from ingest.config import Settings, settings
from ingest.errors import InputError
from ingest.model import Edition
from ingest.papers import Paper, all_papers
from ingest.parse import ParseHints, register
from ingest.parse.mail_message import MailLimits, MailMessage, MailPart, html_to_page_text, read_message
from ingest.parse.merge import merge_editions
from ingest.parse.pdf import page_number_in_name, pdf_edition, read_pdf
from ingest.parse.unzip import ZipLimits

_DATE_PATTERNS = (
    re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<!\d)(20\d\d)[-./_](\d{1,2})[-./_](\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(?!\d)"),
)


def mail_limits(s: Settings) -> MailLimits:
    """Caps for mail content: INGEST_MAIL_MAX_ATTACHMENT_BYTES and INGEST_MAIL_MAX_UNZIPPED_BYTES."""
    attachment, unzipped = s.mail_max_attachment_bytes, s.mail_max_unzipped_bytes
    return MailLimits(max_attachment_bytes=attachment,
                      zip=ZipLimits(max_member_bytes=min(attachment, unzipped), max_total_bytes=unzipped))


@register("email")
def parse_email(data: bytes, hints: ParseHints) -> Edition:
    return edition_from_message(read_message(data, hints.name, mail_limits(settings())), hints)


def edition_from_message(msg: MailMessage, hints: ParseHints) -> Edition:
    paper = hints.paper or paper_for_sender(msg.sender) or paper_in_text(msg.subject)
    day = hints.date or date_in(msg.subject) or next(filter(None, (date_in(p.filename) for p in msg.parts)), None) \
        or (date_in(msg.of_kind("text")[0].text()[:2000]) if msg.of_kind("pdf") and msg.of_kind("text") else None)
    hints = replace(hints, paper=paper, date=day)
    pdfs = msg.of_kind("pdf")
    if pdfs:
        edition = _pdf_edition(pdfs, hints)
    else:
        edition = _body_edition(msg, hints)
    if edition.date is None and msg.date is not None:
        tz = paper.tz if paper else None
        edition.date = (msg.date.astimezone(tz) if tz and msg.date.tzinfo else msg.date).date()
        edition.warnings.append(f"{hints.name}: no edition date in the subject, file names or pages; "
                                f"using the day the mail was sent ({edition.date})")
    ignored = [p.filename or p.content_type for p in msg.parts if p.kind == "other"]
    if ignored:
        edition.warnings.append(f"{hints.name}: ignored parts that hold no edition text: {', '.join(ignored)}")
    edition.warnings[:0] = msg.warnings
    return edition


def _pdf_edition(pdfs: list[MailPart], hints: ParseHints) -> Edition:
    """Page PDFs in page order (by the number in each file name, else as attached); a PDF of several pages
    is a whole edition (or a run of pages) numbered from its file name's number, else from 1."""
    named = [(page_number_in_name(p.filename), i, p) for i, p in enumerate(pdfs)]
    if all(n is not None for n, _, _ in named):
        named.sort(key=lambda t: (t[0], t[1]))
    parts, next_number = [], 1
    for number, _, part in named:
        label = f"{hints.name}: {part.filename or 'attached PDF'}"
        pages = read_pdf(part.data, label)
        first = number if number is not None and (len(pages) == 1 or len(pdfs) > 1) else next_number
        numbers = list(range(first, first + len(pages)))
        parts.append(pdf_edition(pages, numbers, replace(hints, name=label, page=None)))
        next_number = numbers[-1] + 1
    return merge_editions(parts, hints)


def _body_edition(msg: MailMessage, hints: ParseHints) -> Edition:
    """The body as one page of text: plain text when there is a substantial one, else the HTML's text."""
    texts = [p.text() for p in msg.of_kind("text")]
    texts += [html_to_page_text(p.text()) for p in msg.of_kind("html")]
    text = max(texts, key=_cjk_count, default="")
    if _cjk_count(text) < 50:
        kinds = ", ".join(sorted({p.kind for p in msg.parts})) or "no parts"
        raise InputError(f"{hints.name}: no edition in this message: no PDF attachment and no body text long "
                         f"enough to be a page (parts: {kinds})")
    from ingest.parse.page_text import parse_page_text

    return parse_page_text(text.encode("utf-8"), replace(hints, name=f"{hints.name}: body"))


def _cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def paper_for_sender(address: str, papers: dict[str, Paper] | None = None) -> Paper | None:
    """The paper whose `mail.senders` lists this address (or its domain as "@example.com")."""
    address = address.strip().lower()
    domain = address.partition("@")[2]
    for paper in (papers or all_papers()).values():
        senders = [s.strip().lower() for s in paper.mail.senders]
        if address in senders or (domain and f"@{domain}" in senders):
            return paper
    return None


def paper_in_text(text: str) -> Paper | None:
    """The configured paper whose name the text mentions (longest name first: 日报 vs 工人日报)."""
    for paper in sorted(all_papers().values(), key=lambda p: -len(p.name)):
        if paper.name and paper.name in text:
            return paper
    return None


def date_in(text: str) -> date | None:
    """The first plausible date written in the text (2020年6月25日, 2020-06-25, 20200625)."""
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text or ""):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None

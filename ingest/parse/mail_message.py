"""The bytes of an e-mail → its decoded headers and content parts, within size caps.

Mail from Chinese senders labels text gb2312 when it needs GBK or GB18030 (names with rare characters), puts
RFC 2047 words in file names, and sometimes sends raw 8-bit headers; every label is widened to its superset
and checked against the bytes before it is believed. Caps are checked on decoded sizes: an attachment that
is too large, or a zip that inflates too far, makes the whole message unusable (InputError) so that it is
quarantined with that reason rather than half ingested.
"""

from __future__ import annotations

import email
import email.message
import email.utils
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header, decode_header
from pathlib import PurePosixPath

from ingest.encoding import Decoded, canonical, decode_chinese
from ingest.errors import InputError
from ingest.parse.chars import single_spaced
from ingest.parse.unzip import ZipLimits, expand_zip

PartKind = str  # "pdf", "html", "text", "other"


@dataclass(frozen=True)
class MailLimits:
    max_attachment_bytes: int = 30 * 1024 * 1024
    max_parts: int = 200
    zip: ZipLimits = ZipLimits()


@dataclass(frozen=True)
class MailPart:
    kind: PartKind
    content_type: str
    filename: str  # "" for a body part; "archive.zip/03.pdf" for a zip member
    disposition: str  # "inline" or "attachment"
    data: bytes  # after base64 / quoted-printable
    charset: str | None = None  # the declared label, for text parts

    def text(self) -> str:
        return self.decoded().text

    def decoded(self) -> Decoded:
        return decode_mail_text(self.data, self.charset, self.filename or f"{self.kind} body")


@dataclass(frozen=True)
class MailMessage:
    subject: str
    sender: str  # the From address, lower case
    sender_name: str
    date: datetime | None
    message_id: str
    parts: list[MailPart]
    warnings: list[str] = field(default_factory=list)

    def of_kind(self, kind: PartKind) -> list[MailPart]:
        return [p for p in self.parts if p.kind == kind]


def read_message(data: bytes, name: str, limits: MailLimits = MailLimits()) -> MailMessage:
    """Decode one RFC 5322 message. Raises InputError naming `name` when it is no usable message."""
    msg = email.message_from_bytes(data)
    if not (msg.keys() and (msg.get("From") or msg.get("Subject"))):
        raise InputError(f"{name}: not an e-mail message (no From or Subject header)")
    sender_name, sender = sender_of(msg)
    warnings: list[str] = []
    parts: list[MailPart] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if len(parts) >= limits.max_parts:
            raise InputError(f"{name}: more than {limits.max_parts} parts; not an edition mail")
        parts.extend(_content_parts(part, name, limits, warnings))
    return MailMessage(
        subject=decode_header_value(msg.get("Subject", "")),
        sender=sender,
        sender_name=sender_name,
        date=_date(msg.get("Date")),
        message_id=str(msg.get("Message-ID", "")).strip(),
        parts=parts,
        warnings=warnings,
    )


def sender_of(msg: email.message.Message) -> tuple[str, str]:
    """(display name, lower-case address) of the From header, whatever its encoding."""
    raw = msg.get("From", "")
    address = email.utils.parseaddr(str(raw))[1]
    name, decoded_address = email.utils.parseaddr(decode_header_value(raw))
    return name, (address or decoded_address).strip().lower()


def _content_parts(part: email.message.Message, name: str, limits: MailLimits,
                   warnings: list[str]) -> list[MailPart]:
    ctype = part.get_content_type()
    filename = _filename(part)
    label = filename or ctype
    disposition = "attachment" if part.get_content_disposition() == "attachment" else "inline"
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    if part.defects and any("Base64" in type(d).__name__ for d in part.defects):
        warnings.append(f"{label}: damaged base64 ({', '.join(type(d).__name__ for d in part.defects)})")
    if len(data) > limits.max_attachment_bytes:
        raise InputError(f"{name}: attachment {label} is {len(data)} bytes, over the cap of "
                         f"{limits.max_attachment_bytes} bytes (INGEST_MAIL_MAX_ATTACHMENT_BYTES)")
    kind = part_kind(ctype, filename, data)
    if kind == "zip":
        members = expand_zip(data, f"{name}: attachment {label}", limits.zip)
        out = []
        for m in members:
            member_kind = part_kind("application/octet-stream", m.name, m.data)
            if member_kind == "zip":
                warnings.append(f"{label}/{m.name}: nested archive not opened")
                continue
            out.append(MailPart(member_kind, "application/octet-stream", f"{label}/{m.name}", "attachment", m.data))
        return out
    return [MailPart(kind, ctype, filename, disposition, data, part.get_content_charset())]


def part_kind(content_type: str, filename: str, data: bytes) -> PartKind:
    """What a part holds, by its bytes first: senders label PDFs application/octet-stream, or worse."""
    suffix = PurePosixPath(filename.lower()).suffix
    if data.lstrip()[:5] == b"%PDF-" or content_type == "application/pdf" or suffix == ".pdf":
        return "pdf"
    if data[:4] == b"PK\x03\x04" or content_type in {"application/zip", "application/x-zip-compressed"} \
            or suffix == ".zip":
        return "zip"
    if content_type == "text/html" or suffix in {".htm", ".html"}:
        return "html"
    if content_type == "text/plain" or suffix == ".txt":
        return "text"
    return "other"


def _filename(part: email.message.Message) -> str:
    # get_filename() decodes RFC 2231 (filename*=gb2312''…); RFC 2047 words inside quotes are what most
    # Chinese mail clients send instead, so decode those too.
    raw = part.get_filename() or ""
    return PurePosixPath(decode_header_value(raw).replace("\\", "/")).name if raw else ""


def decode_header_value(value: object) -> str:
    """A header value with RFC 2047 words and raw 8-bit bytes decoded; GB labels read as GB18030."""
    if value is None:
        return ""
    # The parser hands raw 8-bit headers over as a Header of charset unknown-8bit, others as str.
    source = value if isinstance(value, Header) else str(value)
    try:
        chunks = decode_header(source)
    except (ValueError, LookupError):  # a malformed encoded word: keep the text as it came
        return _raw_8bit(str(value))
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(_raw_8bit(chunk))
        elif charset and charset != "unknown-8bit":
            out.append(decode_text(chunk, charset))
        else:
            out.append(decode_text(chunk, None))
    text = single_spaced("".join(out))
    # An encoded word whose payload decodes to nothing is damage; the raw header says more than "".
    return text if text or not str(value).strip() else str(value).strip()


def _raw_8bit(text: str) -> str:
    """Undo the parser's surrogate escapes of an unencoded 8-bit header (UTF-8 or GB bytes sent as is)."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return decode_text(text.encode("ascii", "surrogateescape"), None)


def decode_text(data: bytes, declared: str | None) -> str:
    return decode_mail_text(data, declared).text


def decode_mail_text(data: bytes, declared: str | None, name: str = "mail text") -> Decoded:
    """Decode with the declared charset (widened: gb2312 → gb18030) when the bytes fit it, else as any input
    (`decode_chinese`); bytes that fit nothing are replaced rather than refused, since a few bad bytes in a
    cover note or a header must not lose the edition."""
    try:
        return decode_chinese(data, name, declared)
    except InputError as e:
        codec = canonical(declared) or "utf-8"
        return Decoded(data.decode(codec, errors="replace"), codec, "fallback",
                       warnings=[f"{e}; decoded as {codec} with replacements"])


def _date(value: object) -> datetime | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None


# Block-level elements end a paragraph when mail HTML is turned into page text.
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "blockquote", "section",
               "article", "header", "footer", "pre", "center", "dd", "dt")
_CJK_BREAK = re.compile(r"(?<=[\u2010-\u206f\u3000-\u9fff\uff00-\uffef])[ \t]*\n\s*"
                        r"(?=[\u2010-\u206f\u3000-\u9fff\uff00-\uffef])")


def html_to_page_text(html: str) -> str:
    """Mail HTML as page text: one paragraph per block element, paragraphs separated by a blank line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "head", "title", "noscript"]):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", soup.get_text()):
        # Source line breaks inside a paragraph are layout of the HTML file, not of the text: between two
        # CJK characters they vanish, elsewhere they are one space.
        flat = _CJK_BREAK.sub("", chunk.strip()).replace("\xa0", " ")
        flat = re.sub(r"[ \t\r\n]+", " ", flat)
        if flat:
            paragraphs.append(flat)
    return "\n\n".join(paragraphs) + "\n"

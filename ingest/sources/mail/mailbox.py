"""The mailbox source: new messages in the watched IMAP folders → `deliver`, each exactly once.

One poll, per folder: new UIDs (above the cursor, and not flagged as processed) are taken in UID order. A
message too large, from a sender no paper allows, or that `deliver` refuses (InputError, or any other error
of the message's own making) is moved to the quarantine folder with its reason recorded, and the poll goes
on: no bad message blocks the good ones behind it. A ServiceError from `deliver` (broker or store down)
ends the folder's poll without advancing the cursor, so the message is tried again next time. After each
message the cursor advances, and the message is flagged or moved as configured; a crash in between makes
the next poll deliver that message again, which the pipeline absorbs (content-addressed archive, article
ids from stable facts).
"""

from __future__ import annotations

import email
import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ingest import metrics
from ingest.errors import ConfigError, InputError, ServiceError
from ingest.papers import Paper, all_papers
from ingest.parse.email import paper_for_sender
from ingest.parse.mail_message import decode_header_value, sender_of
from ingest.sources.mail.settings import MailboxSettings
from ingest.sources.mail.state import Cursor, MailState, QuarantineRecord, fingerprint

log = logging.getLogger(__name__)

PROCESSED_KEYWORD = "$Ingested"
BATCH = 50  # messages per folder per poll; the rest wait for the next poll
_HEADER = "BODY[HEADER]"


@dataclass(frozen=True)
class Incoming:
    """One message handed to `deliver`."""

    raw: bytes
    folder: str
    uid: int
    uidvalidity: int
    paper: Paper
    sender: str
    subject: str
    message_id: str

    @property
    def uri(self) -> str:
        """Where the message came from, for the archive and the ledger (no secret in it)."""
        return f"imap:///{self.folder};UIDVALIDITY={self.uidvalidity}/;UID={self.uid}"


Deliver = Callable[[Incoming], Any]


@dataclass
class PollReport:
    delivered: list[str] = field(default_factory=list)  # message ids
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (message id, reason)
    deferred: list[tuple[str, str]] = field(default_factory=list)  # (folder, reason) ended by a ServiceError
    busy: bool = False  # another poll holds the lock


@dataclass(frozen=True)
class QuarantinedMessage:
    uid: int
    sender: str
    subject: str
    message_id: str
    size: int
    received: str
    record: QuarantineRecord | None
    key: str  # of its record in the state


_NETWORK_ERRORS = (IMAPClientError, OSError, ssl.SSLError, socket.timeout, EOFError)


def connect(s: MailboxSettings) -> IMAPClient:
    """A logged-in connection over TLS. ServiceError when the server cannot be reached; ConfigError when it
    refuses the credentials (the message names the user, never the password)."""
    where = f"IMAP server {s.host}:{s.port} ({s.tls})"
    try:
        ctx = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
    except (ssl.SSLError, OSError) as e:
        raise ConfigError(f"INGEST_IMAP_CA_FILE {s.ca_file}: no usable CA certificate in it ({e})") from None
    try:
        client = IMAPClient(s.host, port=s.port, ssl=s.tls == "ssl", ssl_context=ctx, timeout=s.timeout)
        if s.tls == "starttls":
            client.starttls(ctx)
    except ssl.SSLCertVerificationError as e:
        raise ConfigError(f"{where}: its TLS certificate is not trusted ({e.verify_message}); set "
                          "INGEST_IMAP_CA_FILE to the CA that signed it") from None
    except _NETWORK_ERRORS as e:
        raise ServiceError(f"{where} cannot be reached: {e}") from e
    try:
        client.login(s.user, s.password)
    except LoginError as e:
        _close(client)
        raise ConfigError(f"{where} refused the login of {s.user!r}: {_text(e)}; check INGEST_IMAP_USER and the "
                          "password (INGEST_IMAP_PASSWORD or INGEST_IMAP_PASSWORD_FILE)") from None
    except _NETWORK_ERRORS as e:
        _close(client)
        raise ServiceError(f"{where}: login failed: {_text(e)}") from None
    return client


def _text(e: BaseException) -> str:
    return str(e).replace("b'", "").replace("'", "") or type(e).__name__


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # already gone; nothing to release
        pass


@contextmanager
def session(s: MailboxSettings) -> Iterator[IMAPClient]:
    client = connect(s)
    try:
        yield client
    finally:
        _close(client)


def watched_folders(s: MailboxSettings, papers: dict[str, Paper] | None = None) -> list[str]:
    """The shared folders (INGEST_IMAP_FOLDERS) and every paper's own `mail.folder`."""
    folders = list(s.folders)
    for paper in (papers or all_papers()).values():
        folder = paper.mail.folder
        if folder and folder not in folders:
            folders.append(folder)
    return folders


def route(folder: str, sender: str, papers: dict[str, Paper] | None = None) -> tuple[Paper | None, str]:
    """The paper a message belongs to, or None and why not. A paper's own folder names the paper (a server
    rule put the mail there) but its sender allowlist, when it has one, still applies; in a shared folder
    the sender allowlists decide."""
    papers = papers or all_papers()
    sender = sender.lower()
    for paper in papers.values():
        if paper.mail.folder == folder:
            allowed = [a.lower() for a in paper.mail.senders]
            domain = "@" + sender.partition("@")[2]
            if allowed and sender not in allowed and domain not in allowed:
                return None, (f"sender {sender or '(none)'} is not in the allowlist of {paper.name} ({paper.id}): "
                              f"{', '.join(allowed)}")
            return paper, ""
    by_sender = paper_for_sender(sender, papers)
    if by_sender is None:
        return None, f"unknown sender {sender or '(none)'}: no paper's mail.senders lists it"
    return by_sender, ""


class Mailbox:
    def __init__(self, s: MailboxSettings, state: MailState) -> None:
        self.s = s
        self.state = state

    # --- polling -----------------------------------------------------------------------------------------

    def poll(self, deliver: Deliver) -> PollReport:
        """One pass over every watched folder, under the mailbox lock (skipped when another poll holds it)."""
        report = PollReport()
        lock = self.state.lock(ttl_seconds=int(self.s.timeout * 10) + 600)
        try:
            got = lock.acquire()
        except Exception as e:  # redis errors
            raise ServiceError(f"mailbox lock: {e}") from e
        if not got:
            report.busy = True
            return report
        try:
            with session(self.s) as client:
                self._ensure_folders(client)
                for folder in watched_folders(self.s):
                    self._poll_folder(client, folder, deliver, report)
        except _NETWORK_ERRORS as e:
            raise ServiceError(f"IMAP server {self.s.host}:{self.s.port}: connection lost during a poll: "
                               f"{_text(e)}") from e
        finally:
            try:
                lock.release()
            except Exception:  # expired or Redis gone: the TTL frees it
                pass
        return report

    def _ensure_folders(self, client: IMAPClient) -> None:
        wanted = [self.s.quarantine] + ([self.s.move_to] if self.s.move_to else []) + watched_folders(self.s)
        for folder in wanted:
            if not client.folder_exists(folder):
                client.create_folder(folder)

    def _poll_folder(self, client: IMAPClient, folder: str, deliver: Deliver, report: PollReport) -> None:
        uidvalidity = int(client.select_folder(folder)[b"UIDVALIDITY"])
        cursor = self.state.cursor(folder)
        if cursor is None or cursor.uidvalidity != uidvalidity:
            if cursor is not None:
                log.warning("%s: UIDVALIDITY changed (%s → %s); scanning the whole folder again", folder,
                            cursor.uidvalidity, uidvalidity)
            self.state.reset(folder, uidvalidity)
            cursor = Cursor(uidvalidity, 0)
        criteria: list[Any] = ["UID", f"{cursor.last_uid + 1}:*"]
        if not self.s.move_to:
            criteria += ["UNKEYWORD", PROCESSED_KEYWORD]
        # "n:*" always matches the highest UID, even one below n.
        uids = sorted(u for u in client.search(criteria) if u > cursor.last_uid)[:BATCH]
        if not uids:
            return
        meta = client.fetch(uids, ["RFC822.SIZE", "INTERNALDATE", "BODY.PEEK[HEADER]"])
        for uid in uids:
            if uid not in meta:  # expunged by someone else meanwhile
                continue
            if not self._handle(client, folder, uidvalidity, uid, meta[uid], deliver, report):
                return

    def _handle(self, client: IMAPClient, folder: str, uidvalidity: int, uid: int, meta: dict[bytes, Any],
                deliver: Deliver, report: PollReport) -> bool:
        """Deliver or quarantine one message; False when the folder's poll must stop (service outage)."""
        head = email.message_from_bytes(meta.get(_HEADER.encode(), b""))
        sender = sender_of(head)[1]
        subject = decode_header_value(head.get("Subject", ""))
        message_id = str(head.get("Message-ID", "")).strip() or f"(no Message-ID, {folder} UID {uid})"
        size = int(meta.get(b"RFC822.SIZE", 0))
        key = fingerprint(message_id, str(head.get("Date", "")), size)
        paper, why = route(folder, sender)
        if size > self.s.max_message_bytes:
            why = (f"message is {size} bytes, over the cap of {self.s.max_message_bytes} bytes "
                   "(INGEST_MAIL_MAX_MESSAGE_BYTES); not downloaded")
        if paper is None or why:
            self._quarantine(client, folder, uidvalidity, uid, key, QuarantineRecord(
                why, folder, sender, subject, message_id, paper.id if paper else None, _now()), report)
            return True
        raw = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
        incoming = Incoming(raw, folder, uid, uidvalidity, paper, sender, subject, message_id)
        try:
            deliver(incoming)
        except ServiceError as e:
            log.warning("%s UID %s: delivery deferred: %s", folder, uid, e)
            report.deferred.append((folder, str(e)))
            return False
        except InputError as e:
            self._quarantine(client, folder, uidvalidity, uid, key, QuarantineRecord(
                str(e), folder, sender, subject, message_id, paper.id, _now()), report)
            return True
        except Exception as e:  # a parser bug on one odd message must not stall the mailbox
            log.exception("%s UID %s (%s): unexpected error; quarantining", folder, uid, message_id)
            self._quarantine(client, folder, uidvalidity, uid, key, QuarantineRecord(
                f"unexpected {type(e).__name__} while parsing: {e}", folder, sender, subject, message_id,
                paper.id, _now()), report)
            return True
        self._mark_processed(client, uid)
        self.state.advance(folder, uidvalidity, uid)
        report.delivered.append(message_id)
        metrics.MAIL.labels("delivered").inc()
        log.info("%s UID %s: delivered %s (%s)", folder, uid, message_id, paper.id)
        return True

    def _mark_processed(self, client: IMAPClient, uid: int) -> None:
        if self.s.move_to:
            self._move(client, uid, self.s.move_to)
        else:
            client.add_flags([uid], [PROCESSED_KEYWORD.encode(), b"\\Seen"])

    def _quarantine(self, client: IMAPClient, folder: str, uidvalidity: int, uid: int, key: str,
                    record: QuarantineRecord, report: PollReport) -> None:
        # The reason is written first: a message in quarantine always has its reason.
        self.state.record_quarantine(key, record)
        self._move(client, uid, self.s.quarantine)
        self.state.advance(folder, uidvalidity, uid)
        report.quarantined.append((record.message_id, record.reason))
        metrics.MAIL.labels("quarantined").inc()
        log.warning("%s UID %s (%s) quarantined: %s", folder, uid, record.message_id, record.reason)

    @staticmethod
    def _move(client: IMAPClient, uid: int, target: str) -> None:
        if client.has_capability("MOVE"):
            client.move([uid], target)
            return
        client.copy([uid], target)
        client.add_flags([uid], [b"\\Deleted"])
        if client.has_capability("UIDPLUS"):
            client.uid_expunge([uid])
        else:
            client.expunge()

    # --- IDLE --------------------------------------------------------------------------------------------

    def watch(self, deliver: Deliver, should_stop: Callable[[], bool] = lambda: False,
              on_poll: Callable[[PollReport], None] | None = None, poll_seconds: int = 60) -> None:
        """Poll, then wait for new mail with IDLE on the first watched folder (or sleep `poll_seconds` when
        the server has no IDLE), and again, until `should_stop()`. Outages back off and reconnect."""
        backoff = 1.0
        while not should_stop():
            try:
                report = self.poll(deliver)
                if on_poll:
                    on_poll(report)
                self.wait_for_mail(poll_seconds, should_stop)
                backoff = 1.0
            except ServiceError as e:
                log.warning("mailbox %s: %s; retrying in %.0f s", self.s.account, e, backoff)
                _sleep(backoff, should_stop)
                backoff = min(backoff * 2, 300.0)

    def wait_for_mail(self, poll_seconds: int, should_stop: Callable[[], bool] = lambda: False) -> bool:
        """Block until the first watched folder gets mail (IDLE) or the wait ends; True when mail came."""
        try:
            with session(self.s) as client:
                folder = watched_folders(self.s)[0]
                client.select_folder(folder, readonly=True)
                if not client.has_capability("IDLE"):
                    _sleep(poll_seconds, should_stop)
                    return False
                client.idle()
                try:
                    deadline = time.monotonic() + min(self.s.idle_seconds, 25 * 60)
                    while time.monotonic() < deadline and not should_stop():
                        responses = client.idle_check(timeout=min(5.0, max(deadline - time.monotonic(), 0.1)))
                        if any(r[1] in (b"EXISTS", b"RECENT") for r in responses if len(r) > 1):
                            return True
                    return False
                finally:
                    client.idle_done()
        except _NETWORK_ERRORS as e:
            raise ServiceError(f"IMAP server {self.s.host}:{self.s.port}: IDLE ended: {_text(e)}") from e

    # --- quarantine ----------------------------------------------------------------------------------------

    def quarantined(self, limit: int = 200) -> list[QuarantinedMessage]:
        """The messages in the quarantine folder, newest first, with their recorded reasons."""
        with session(self.s) as client:
            if not client.folder_exists(self.s.quarantine):
                return []
            client.select_folder(self.s.quarantine, readonly=True)
            uids = sorted(client.search(["ALL"]), reverse=True)[:limit]
            if not uids:
                return []
            meta = client.fetch(uids, ["RFC822.SIZE", "INTERNALDATE", "BODY.PEEK[HEADER]"])
        out = []
        for uid in uids:
            m = meta.get(uid)
            if m is None:
                continue
            head = email.message_from_bytes(m.get(_HEADER.encode(), b""))
            message_id = str(head.get("Message-ID", "")).strip()
            size = int(m.get(b"RFC822.SIZE", 0))
            key = fingerprint(message_id or "", str(head.get("Date", "")), size)
            out.append(QuarantinedMessage(
                uid=uid, sender=sender_of(head)[1],
                subject=decode_header_value(head.get("Subject", "")), message_id=message_id, size=size,
                received=_internal(m), record=self.state.quarantine_record(key), key=key))
        return out

    def quarantine_count(self) -> int:
        with session(self.s) as client:
            if not client.folder_exists(self.s.quarantine):
                return 0
            return int(client.folder_status(self.s.quarantine, ["MESSAGES"])[b"MESSAGES"])

    def requeue(self, uids: list[int]) -> list[tuple[int, str]]:
        """Move quarantined messages back to the folder they came from, where the next poll takes them as new
        mail (a moved message gets a new UID above the cursor). Returns (uid, folder) of each one moved."""
        by_uid = {q.uid: q for q in self.quarantined(limit=100_000)}
        missing = [u for u in uids if u not in by_uid]
        if missing:
            raise InputError(f"no message with UID {', '.join(map(str, missing))} in {self.s.quarantine} "
                             "(see `ingest mail quarantine`)")
        moved = []
        with session(self.s) as client:
            client.select_folder(self.s.quarantine)
            for uid in uids:
                q = by_uid[uid]
                target = q.record.folder if q.record else self.s.folders[0]
                if not client.folder_exists(target):
                    client.create_folder(target)
                self._move(client, uid, target)
                self.state.forget_quarantine(q.key)
                moved.append((uid, target))
        return moved


def _internal(meta: dict[bytes, Any]) -> str:
    value = meta.get(b"INTERNALDATE")
    return value.isoformat() if isinstance(value, datetime) else str(value or "")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not should_stop():
        time.sleep(min(1.0, deadline - time.monotonic()))


def open_mailbox(redis_url: str, s: MailboxSettings | None = None) -> Mailbox:
    s = s or MailboxSettings.from_env()
    return Mailbox(s, MailState(redis_url, s.account))


def mail_status(redis_url: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """For `ingest status`: the mailbox and how many messages wait in quarantine, or why that is unknown.
    Never raises: status reports outages instead of failing on them."""
    try:
        s = MailboxSettings.from_env(env)
    except ConfigError as e:
        return {"configured": False, "error": str(e)}
    try:
        count = open_mailbox(redis_url, s).quarantine_count()
    except (ConfigError, ServiceError) as e:
        return {"configured": True, "account": s.account, "ok": False, "error": str(e)}
    except _NETWORK_ERRORS as e:
        return {"configured": True, "account": s.account, "ok": False, "error": _text(e)}
    return {"configured": True, "account": s.account, "ok": True, "quarantine_folder": s.quarantine,
            "quarantined": count}

"""The mailbox's view of the service settings (`ingest.config`). The password comes from
INGEST_IMAP_PASSWORD or from the file INGEST_IMAP_PASSWORD_FILE names (a mounted secret); it is never part
of a repr, a log line or an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ingest.config import Settings
from ingest.errors import ConfigError

TLS_MODES = ("ssl", "starttls")


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int
    tls: str  # ssl (implicit TLS, port 993) or starttls (port 143); never plain text
    user: str
    password: str = field(repr=False)
    ca_file: Path | None  # a private CA or a self-signed server certificate to trust
    folders: tuple[str, ...]  # watched besides the papers' own `mail.folder`s
    quarantine: str
    processed: str  # "flag" (keyword + \Seen, left in place) or "move:FOLDER"
    max_message_bytes: int
    idle_seconds: int  # how long one IDLE waits before the loop polls anyway (RFC 2177: under 29 min)
    timeout: float

    @property
    def account(self) -> str:
        """Names this mailbox in state keys and messages (no secret in it)."""
        return f"{self.user}@{self.host}:{self.port}"

    @property
    def move_to(self) -> str | None:
        return self.processed.partition(":")[2] or None if self.processed.startswith("move:") else None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MailboxSettings:
        return cls.of(Settings.from_env(env))

    @classmethod
    def of(cls, s: Settings) -> MailboxSettings:
        """The mailbox part of the service settings; a ConfigError when no password is found."""
        return cls(
            host=s.imap_host,
            port=s.imap_port,
            tls=s.imap_tls,
            user=s.imap_user,
            password=_password(s),
            ca_file=s.imap_ca_file,
            folders=tuple(f.strip() for f in s.imap_folders.split(",") if f.strip()),
            quarantine=s.imap_quarantine,
            processed=s.imap_processed,
            max_message_bytes=s.mail_max_message_bytes,
            idle_seconds=s.imap_idle_seconds,
            timeout=s.imap_timeout,
        )


def _password(s: Settings) -> str:
    if s.imap_password is not None:
        return s.imap_password.get_secret_value()
    path = s.imap_password_file
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as err:
        raise ConfigError(f"no IMAP password: INGEST_IMAP_PASSWORD is unset and the password file {path} cannot "
                          f"be read ({err.strerror or err})") from None
    if not secret:
        raise ConfigError(f"no IMAP password: the password file {path} is empty")
    return secret

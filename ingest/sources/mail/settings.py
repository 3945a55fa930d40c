"""Mailbox settings from the environment. The password comes from INGEST_IMAP_PASSWORD or from the file
INGEST_IMAP_PASSWORD_FILE names (a mounted secret); it is never part of a repr, a log line or an error.

Defaults point at the local dovecot of deploy/dovecot.sh, like the other services' defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ConfigError
from ingest.limits import Limits

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
        e = os.environ if env is None else env
        var = Path(e.get("INGEST_VAR", "var")).resolve()
        tls = e.get("INGEST_IMAP_TLS", "ssl").lower()
        if tls not in TLS_MODES:
            raise ConfigError(f"INGEST_IMAP_TLS={tls!r}: use one of {', '.join(TLS_MODES)}; plain-text IMAP would "
                              "send the password in clear")
        processed = e.get("INGEST_IMAP_PROCESSED", "flag")
        if processed != "flag" and not (processed.startswith("move:") and len(processed) > 5):
            raise ConfigError(f"INGEST_IMAP_PROCESSED={processed!r}: use 'flag' or 'move:FOLDER'")
        default_ca = var / "dovecot" / "ssl" / "cert.pem"
        ca = e.get("INGEST_IMAP_CA_FILE") or (str(default_ca) if default_ca.exists() else "")
        return cls(
            host=e.get("INGEST_IMAP_HOST", "127.0.0.1"),
            port=_int(e, "INGEST_IMAP_PORT", 10993 if tls == "ssl" else 10143),
            tls=tls,
            user=e.get("INGEST_IMAP_USER", "ingest"),
            password=_password(e, var),
            ca_file=Path(ca) if ca else None,
            folders=tuple(f.strip() for f in e.get("INGEST_IMAP_FOLDERS", "INBOX").split(",") if f.strip()),
            quarantine=e.get("INGEST_IMAP_QUARANTINE", "Quarantine"),
            processed=processed,
            max_message_bytes=_int(e, "INGEST_MAIL_MAX_MESSAGE_BYTES", Limits.max_text_bytes),
            idle_seconds=_int(e, "INGEST_IMAP_IDLE_SECONDS", 300),
            timeout=float(_int(e, "INGEST_IMAP_TIMEOUT", 60)),
        )


def _int(e: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(e.get(name, default))
    except ValueError:
        raise ConfigError(f"{name}={e.get(name)!r} is not a whole number") from None


def _password(e: Mapping[str, str], var: Path) -> str:
    if e.get("INGEST_IMAP_PASSWORD"):
        return e["INGEST_IMAP_PASSWORD"]
    path = Path(e.get("INGEST_IMAP_PASSWORD_FILE") or var / "dovecot" / "imap-password")
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as err:
        raise ConfigError(f"no IMAP password: INGEST_IMAP_PASSWORD is unset and the password file {path} cannot "
                          f"be read ({err.strerror or err})") from None
    if not secret:
        raise ConfigError(f"no IMAP password: the password file {path} is empty")
    return secret

"""Service settings from the environment, with defaults that run on one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"


@dataclass(frozen=True)
class Settings:
    es_url: str
    broker_url: str = field(repr=False)  # URLs may hold passwords: kept out of repr, shown through safe_url
    queue: str  # the Celery queue the workers consume and the CLI publishes to
    result_backend: str = field(repr=False)
    redis_url: str = field(repr=False)  # shared state of the workers (rate limits, locks)
    index: str  # the alias searches and writes go through
    ledger_index: str
    archive_dir: Path
    inbox_dir: Path  # edition files dropped here, in one sub-folder per paper id, are picked up by beat
    inbox_interval_s: float
    papers_dir: Path | None  # extra paper configs beside the bundled ones
    # Elasticsearch access in production: an API key, or a user whose password is read from a file; a CA
    # file for a cluster whose certificate a private CA signed. Secrets stay out of repr (and so of logs).
    es_api_key: str | None = field(default=None, repr=False)
    es_user: str | None = None
    es_password_file: Path | None = None
    es_ca_file: Path | None = None
    es_verify_certs: bool = True

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        var = Path(e.get("INGEST_VAR", "var")).resolve()
        broker = e.get("INGEST_BROKER_URL", DEFAULT_BROKER_URL)
        return cls(
            es_url=e.get("INGEST_ES_URL", "http://127.0.0.1:9200"),
            broker_url=broker,
            queue=e.get("INGEST_QUEUE", "ingest"),
            result_backend=e.get("INGEST_RESULT_BACKEND", "redis://127.0.0.1:6379/1"),
            redis_url=e.get("INGEST_REDIS_URL", "redis://127.0.0.1:6379/2"),
            index=e.get("INGEST_INDEX", "articles"),
            ledger_index=e.get("INGEST_LEDGER_INDEX", "ingest-ledger"),
            archive_dir=Path(e["INGEST_ARCHIVE_DIR"]).resolve() if e.get("INGEST_ARCHIVE_DIR") else var / "archive",
            inbox_dir=Path(e["INGEST_INBOX_DIR"]).resolve() if e.get("INGEST_INBOX_DIR") else var / "inbox",
            inbox_interval_s=float(e.get("INGEST_INBOX_INTERVAL", "60")),
            papers_dir=Path(e["INGEST_PAPERS_DIR"]) if e.get("INGEST_PAPERS_DIR") else None,
            es_api_key=e.get("INGEST_ES_API_KEY") or None,
            es_user=e.get("INGEST_ES_USER") or None,
            es_password_file=Path(e["INGEST_ES_PASSWORD_FILE"]) if e.get("INGEST_ES_PASSWORD_FILE") else None,
            es_ca_file=Path(e["INGEST_ES_CA_FILE"]) if e.get("INGEST_ES_CA_FILE") else None,
            es_verify_certs=e.get("INGEST_ES_VERIFY_CERTS", "true").strip().lower() not in ("0", "false", "no", "off"),
        )


def safe_url(url: str) -> str:
    """A service URL fit for logs and output: a password in it masked."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def settings() -> Settings:
    """The settings of this process, read from the environment each call (cheap; tests change it)."""
    return Settings.from_env()

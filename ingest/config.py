"""Service settings from the environment, with defaults that run on one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    es_url: str
    broker_url: str
    queue: str  # the Celery queue the workers consume and the CLI publishes to
    result_backend: str
    redis_url: str  # shared state of the workers (rate limits, locks)
    index: str  # the alias searches and writes go through
    ledger_index: str
    archive_dir: Path
    inbox_dir: Path  # edition files dropped here, in one sub-folder per paper id, are picked up by beat
    inbox_interval_s: float
    papers_dir: Path | None  # extra paper configs beside the bundled ones

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = os.environ if env is None else env
        var = Path(e.get("INGEST_VAR", "var")).resolve()
        broker = e.get("INGEST_BROKER_URL", "redis://127.0.0.1:6379/0")
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
        )


def settings() -> Settings:
    """The settings of this process, read from the environment each call (cheap; tests change it)."""
    return Settings.from_env()

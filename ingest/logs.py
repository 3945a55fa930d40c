"""Structured logs (structlog): JSON lines in production (a log file, a pipe), readable text in a terminal.

structlog's own events and every standard-library record (Celery's, the libraries') go through one
formatter, so a worker's log is one format. The Elasticsearch client's transport logger, which logs every
request at INFO, is kept at WARNING: it buried the outcomes of the tasks.
"""

from __future__ import annotations

import logging
from typing import IO, Any

import structlog

from ingest.config import settings

SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
QUIET = {"elastic_transport": logging.WARNING, "elasticsearch": logging.WARNING}


def wants_json(fmt: str, stream: IO[str] | None) -> bool:
    """`json`, `console`, or `auto`: JSON unless the stream is a terminal."""
    if fmt == "auto":
        return not (stream is not None and hasattr(stream, "isatty") and stream.isatty())
    return fmt == "json"


def formatter(json: bool) -> logging.Formatter:
    renderer: Any = structlog.processors.JSONRenderer(ensure_ascii=False) if json else \
        structlog.dev.ConsoleRenderer(colors=False)
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, renderer])


def configure(handlers: list[logging.Handler] | None = None, fmt: str | None = None) -> None:
    """Route structlog through the standard library and render every record of `handlers` (default: the
    root logger's, or a new one on stderr) as INGEST_LOG_FORMAT says."""
    fmt = fmt or settings().log_format
    structlog.configure(
        processors=[*SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    if handlers is None:
        if not root.handlers:
            root.addHandler(logging.StreamHandler())
            root.setLevel(logging.INFO)
        handlers = root.handlers
    for handler in handlers:
        handler.setFormatter(formatter(wants_json(fmt, getattr(handler, "stream", None))))
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)


def get(name: str) -> Any:
    return structlog.stdlib.get_logger(name)

"""Mailbox tasks: a scheduled poll (the fallback when no IDLE watcher runs, and its safety net when one
does) that feeds each new edition mail into the shared flow at the index step (the mail is parsed here).

The poll holds the mailbox lock in Redis, so a scheduled poll, a manual `ingest mail poll` and the
`ingest mail watch` process never handle the same message at once; it is idempotent (the cursor and the
processed flag make a second run find nothing new).
"""

from __future__ import annotations

import logging
from typing import Any

from ingest.archive import Archive
from ingest.config import settings
from ingest.errors import ConfigError, ServiceError
from ingest.queue import enqueue, parsed_flow
from ingest.sources.mail import open_mailbox
from ingest.sources.mail.deliver import pipeline_deliverer
from tasks.app import app

log = logging.getLogger(__name__)


def send_to_pipeline(payload: dict[str, Any]) -> None:
    s = settings()
    enqueue(parsed_flow(app, payload), s.broker_url)


@app.task(name="ingest.mail.poll", acks_late=True, ignore_result=False)
def poll() -> dict[str, Any]:
    s = settings()
    try:
        mailbox = open_mailbox(s.redis_url)
        report = mailbox.poll(pipeline_deliverer(Archive(s.archive_dir), send_to_pipeline))
    except (ConfigError, ServiceError) as e:
        # The next scheduled poll is the retry; nothing was taken from the mailbox.
        log.error("mail poll: %s", e)
        return {"error": str(e)}
    return {"delivered": len(report.delivered), "quarantined": len(report.quarantined),
            "deferred": len(report.deferred), "busy": report.busy}

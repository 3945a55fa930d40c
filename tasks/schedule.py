"""What the one beat scheduler runs. Data only: no task module is imported here."""

from __future__ import annotations

import os
from datetime import timedelta

from ingest.config import settings
from ingest.errors import ConfigError
from ingest.sources.mail import MailboxSettings
from tasks.site_schedule import site_schedule


def mail_schedule() -> dict:
    """The mailbox poll, when a mailbox is configured (a password is found)."""
    try:
        MailboxSettings.from_env()
    except ConfigError:
        return {}
    seconds = int(os.environ.get("INGEST_MAIL_POLL_SECONDS", "60"))
    return {"mail-poll": {"task": "ingest.mail.poll", "schedule": timedelta(seconds=seconds)}}


def build_schedule() -> dict:
    schedule: dict = {
        # Files dropped into the inbox folder (one sub-folder per paper) are ingested within a minute.
        "scan-inbox": {"task": "ingest.scan_inbox", "schedule": timedelta(seconds=settings().inbox_interval_s)},
    }
    schedule.update(site_schedule())  # each e-paper site on its paper's schedule and time zone
    schedule.update(mail_schedule())
    return schedule

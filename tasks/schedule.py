"""What the one beat scheduler runs. Data only: no task module is imported here."""

from __future__ import annotations

from datetime import timedelta

from ingest.config import settings
from ingest.errors import ConfigError
from ingest.sources.mail import MailboxSettings
from tasks.site_schedule import site_schedule


def mail_schedule() -> dict:
    """The mailbox poll, when a mailbox is configured (a password is found)."""
    s = settings()
    try:
        MailboxSettings.of(s)
    except ConfigError:
        return {}
    return {"mail-poll": {"task": "ingest.mail.poll", "schedule": timedelta(seconds=s.mail_poll_seconds)}}


def build_schedule() -> dict:
    schedule: dict = {
        # Files dropped into the inbox folder (one sub-folder per paper) are ingested within a minute.
        "scan-inbox": {"task": "ingest.scan_inbox", "schedule": timedelta(seconds=settings().inbox_interval)},
    }
    schedule.update(site_schedule())  # each e-paper site on its paper's schedule and time zone
    schedule.update(mail_schedule())
    return schedule

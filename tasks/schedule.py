"""What the one beat scheduler runs."""

from __future__ import annotations

from datetime import timedelta

from ingest.config import settings
from tasks.mail import mail_schedule
from tasks.site_schedule import site_schedule


def build_schedule() -> dict:
    schedule: dict = {
        # Files dropped into the inbox folder (one sub-folder per paper) are ingested within a minute.
        "scan-inbox": {"task": "ingest.scan_inbox", "schedule": timedelta(seconds=settings().inbox_interval_s)},
    }
    schedule.update(site_schedule())  # each e-paper site on its paper's schedule and time zone
    schedule.update(mail_schedule())  # the mailbox poll, when a mailbox is configured
    return schedule

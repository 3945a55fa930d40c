"""The mailbox source: editions mailed to an IMAP mailbox (settings, state in Redis, the poll/IDLE loop)."""

from ingest.sources.mail.mailbox import Incoming, Mailbox, PollReport, open_mailbox
from ingest.sources.mail.settings import MailboxSettings

__all__ = ["Incoming", "Mailbox", "MailboxSettings", "PollReport", "open_mailbox"]

"""A message from the mailbox → the pipeline every source feeds: archive the raw bytes, parse, hand on.

Parsing happens here, at delivery, not in a later task: a message that cannot be parsed must go to the
quarantine folder while the poll still holds it, instead of surfacing later as a failed task the mailbox
knows nothing of. The parsed payload then enters the shared flow at the index step, so mail editions
are normalized, deduplicated, indexed and written to the ledger exactly like site and file editions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from ingest.archive import Archive
from ingest.errors import ServiceError
from ingest.pipeline import archive_bytes, make_hints, parse_step
from ingest.sources.mail.mailbox import Deliver, Incoming

Payload = dict[str, Any]


def source_uri(incoming: Incoming) -> str:
    """The message's identity across folders and re-queues (a move changes the UID, not the Message-ID)."""
    mid = incoming.message_id.strip("<> ")
    if mid and not mid.startswith("(no Message-ID"):
        return f"mail:{mid}"
    return f"mail:sha256:{hashlib.sha256(incoming.raw).hexdigest()}"


def parse_message(incoming: Incoming, archive: Archive) -> Payload:
    """Archive and parse one message: the payload of the pipeline's parse step. InputError when unusable."""
    try:
        source = archive_bytes(incoming.raw, archive, "mail", source_uri(incoming))
    except OSError as e:  # a full or unwritable disk is an outage, not the message's fault
        raise ServiceError(f"archive {archive.root}: cannot store message {incoming.message_id}: {e}") from e
    name = f"{incoming.subject or '(no subject)'} {incoming.message_id}".strip()
    hints = make_hints(name, paper=incoming.paper.id)
    return parse_step(source.to_dict(), hints, archive)


def pipeline_deliverer(archive: Archive, send: Callable[[Payload], Any]) -> Deliver:
    """A `deliver` for Mailbox.poll that parses each message and `send`s the payload on (to the queue)."""

    def deliver(incoming: Incoming) -> Payload:
        payload = parse_message(incoming, archive)
        send(payload)
        return payload

    return deliver

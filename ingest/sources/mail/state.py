"""What the mailbox source remembers between polls, in Redis (shared by all workers, kept across restarts).

- a cursor per folder: the folder's UIDVALIDITY and the highest UID handled. UIDs only grow while UIDVALIDITY
  stays, so "UID > cursor" is exactly the new mail; a changed UIDVALIDITY voids the cursor (the folder is
  scanned again, and the processed flag or move keeps handled mail from coming back);
- the reason each quarantined message is there, keyed by a fingerprint that survives the move to the
  quarantine folder (Message-ID, Date header and size: what the message itself says, which no move changes);
- a lock, so that a scheduled poll and the IDLE watcher never handle the same folder at once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

import redis

from ingest.errors import ServiceError


@dataclass(frozen=True)
class Cursor:
    uidvalidity: int
    last_uid: int


@dataclass(frozen=True)
class QuarantineRecord:
    reason: str
    folder: str  # where it came from, and where a re-queue puts it back
    sender: str
    subject: str
    message_id: str
    paper: str | None
    at: str  # ISO time of the quarantine


def fingerprint(message_id: str, date_header: str, size: int) -> str:
    return hashlib.sha1(f"{message_id}|{date_header}|{size}".encode()).hexdigest()[:24]


class MailState:
    def __init__(self, redis_url: str, account: str) -> None:
        self._r = redis.Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=10)
        self._url = redis_url
        self._prefix = f"ingest:mail:{account}"

    def _call(self, what: str, fn, *args: Any) -> Any:
        try:
            return fn(*args)
        except redis.RedisError as e:
            raise ServiceError(f"mailbox state: cannot {what} in Redis at {self._url}: {e}") from e

    def cursor(self, folder: str) -> Cursor | None:
        raw = self._call("read the cursor", self._r.hgetall, f"{self._prefix}:cursor:{folder}")
        if not raw:
            return None
        return Cursor(int(raw[b"uidvalidity"]), int(raw[b"last_uid"]))

    def advance(self, folder: str, uidvalidity: int, uid: int) -> None:
        # Never moves back: a late writer (an overlapping poll) cannot make mail count as new twice.
        script = """
        local v = redis.call('HGET', KEYS[1], 'uidvalidity')
        local u = tonumber(redis.call('HGET', KEYS[1], 'last_uid') or '0')
        if v ~= ARGV[1] or tonumber(ARGV[2]) > u then
          redis.call('HSET', KEYS[1], 'uidvalidity', ARGV[1], 'last_uid', ARGV[2])
        end
        return 1
        """
        self._call("advance the cursor", self._r.eval, script, 1, f"{self._prefix}:cursor:{folder}",
                   str(uidvalidity), str(uid))

    def reset(self, folder: str, uidvalidity: int) -> None:
        self._call("reset the cursor", lambda: self._r.hset(f"{self._prefix}:cursor:{folder}",
                                                             mapping={"uidvalidity": uidvalidity, "last_uid": 0}))

    def record_quarantine(self, key: str, record: QuarantineRecord) -> None:
        self._call("record a quarantine", self._r.hset, f"{self._prefix}:quarantine", key,
                   json.dumps(asdict(record), ensure_ascii=False))

    def quarantine_record(self, key: str) -> QuarantineRecord | None:
        raw = self._call("read a quarantine record", self._r.hget, f"{self._prefix}:quarantine", key)
        return QuarantineRecord(**json.loads(raw)) if raw else None

    def forget_quarantine(self, key: str) -> None:
        self._call("drop a quarantine record", self._r.hdel, f"{self._prefix}:quarantine", key)

    def lock(self, ttl_seconds: int) -> redis.lock.Lock:
        return self._r.lock(f"{self._prefix}:lock", timeout=ttl_seconds, blocking=False)

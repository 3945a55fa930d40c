"""Recent writes: the ids written under a lookup key in the last seconds, readable by every worker at once.

An Elasticsearch search sees a write only after the next refresh (every second). Forcing a refresh after
every edition made each lookup of the next edition correct, but it cost most of the index step and filled
the index with tiny segments. Instead each index step records, once its documents are written, the keys
later steps look them up by (near-duplicate band keys, source keys, source URIs) in Redis with a short
expiry, and a lookup adds what it finds there to what its search found: near-duplicate candidates from
the facts recorded beside the ids (so verifying them reads no document), and the few documents a version
or stale-source check must delete by a realtime mget.

Redis runs the commands of one client in order, so of two workers that write near-duplicates at the same
moment and then add-and-read the same key, the second to add reads the first's id: the guarantee the
forced refresh gave settle_new_groups, without the refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import redis

from ingest.errors import ServiceError

# Far above the refresh interval (1 s), so a write is searchable long before it leaves the registry, even
# when a loaded server refreshes late.
TTL_S = 30


@cache
def _redis(url: str) -> redis.Redis:
    # One connection pool per worker process, reused by every task.
    return redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)


class RecentWrites:
    """The registry of one alias: keys are namespaced by it, so test indices never see each other.

    Two kinds of record: a lookup key's set of ids, and per id what near-duplicate verification needs of
    it (date, group, signature), so candidates are verified without reading the documents back."""

    def __init__(self, redis_url: str, alias: str) -> None:
        self._url = redis_url
        self._prefix = f"ingest:recent:{alias}:"

    def members(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """{key: ids written under it recently} for each of `keys`."""
        return self.add_and_read({}, keys)

    def add_and_read(self, ids_by_key: Mapping[str, Iterable[str]], keys: Iterable[str]) -> dict[str, set[str]]:
        """Record the ids under their keys, then read `keys` back (own ids included), in one round trip."""
        wanted = list(dict.fromkeys(keys))

        def queue(pipe: Any) -> None:
            for key, ids in ids_by_key.items():
                pipe.sadd(self._prefix + key, *ids)
                pipe.expire(self._prefix + key, TTL_S)
            for key in wanted:
                pipe.smembers(self._prefix + key)

        found = self._run(queue)[2 * len(ids_by_key):]
        return {key: {m.decode() for m in ids} for key, ids in zip(wanted, found, strict=True)}

    def put_facts(self, facts: Mapping[str, Facts]) -> None:
        if facts:
            self._run(lambda pipe: [pipe.set(self._prefix + "doc:" + i, f.encode(), ex=TTL_S) for i, f in facts.items()])

    def facts(self, ids: Iterable[str]) -> dict[str, Facts]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        (values,) = self._run(lambda pipe: pipe.mget([self._prefix + "doc:" + i for i in wanted]))
        return {i: Facts.decode(v.decode()) for i, v in zip(wanted, values, strict=True) if v is not None}

    def _run(self, queue: Callable[[Any], Any]) -> list[Any]:
        try:
            pipe = _redis(self._url).pipeline(transaction=False)
            queue(pipe)
            return list(pipe.execute())
        except redis.RedisError as e:
            raise ServiceError(f"Redis unreachable while reading recent writes ({self._url}): {e}") from e


@dataclass(frozen=True)
class Facts:
    """What verifying a recent document as a near-duplicate candidate needs, without reading it back."""

    date: str | None
    dup_group: str
    signature: str  # neardup.Signature.encode()

    def encode(self) -> str:
        return f"{self.date or ''}|{self.dup_group}|{self.signature}"

    @classmethod
    def decode(cls, s: str) -> Facts:
        day, group, signature = s.split("|", 2)
        return cls(day or None, group, signature)


def band_key(band: str) -> str:
    return f"band:{band}"


def source_key(paper: str, key: str) -> str:
    return f"key:{paper}:{key}"


def source_uri(kind: str, uri: str) -> str:
    return f"uri:{kind}:{uri}"

"""Recent writes: the ids written under a lookup key in the last seconds, readable by every worker at once.

An Elasticsearch search sees a write only after the next refresh (INGEST_ES_REFRESH_S). Forcing a refresh after
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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import redis

from ingest.errors import ServiceError
from ingest.shared_redis import redis_at


def ttl_for(refresh_s: int) -> int:
    """Seconds a write stays in the registry: far above the refresh interval, so it is searchable long before
    it leaves, even when a loaded server refreshes late."""
    return 30 + 3 * refresh_s


class RecentWrites:
    """The registry of one alias: keys are namespaced by it, so test indices never see each other.

    Two kinds of record: a lookup key's set of ids, and per id what near-duplicate verification needs of
    it (date, group, signature), so candidates are verified without reading the documents back."""

    def __init__(self, redis_url: str, prefix: str, alias: str, ttl_s: int) -> None:
        self._url = redis_url
        self._prefix = f"{prefix}:recent:{alias}:"
        self._ttl_s = ttl_s

    def ranked(self, groups: Sequence[Group]) -> list[list[str]]:
        """For each group: the ids written recently under its keys, those under most keys first (as the
        band search ranks), its own id left out, at most its cap."""
        return self.add_and_read({}, {}, groups)

    def add_and_read(self, ids_by_key: Mapping[str, Iterable[str]], facts: Mapping[str, Facts],
                     groups: Sequence[Group]) -> list[list[str]]:
        """Record the ids under their keys and the facts of the ids, then rank the groups (own ids of
        other groups included): one script, so one round trip and a reply of ids only, whatever the batch
        holds (64 band keys an article, read as separate commands, cost more than the Elasticsearch trips)."""
        pairs = [(self._prefix + k, i) for k, ids in ids_by_key.items() for i in ids]
        keys = [k for k, _ in pairs] + [self._prefix + "doc:" + i for i in facts]
        args: list[Any] = [self._ttl_s, len(pairs), len(facts), len(groups), *(i for _, i in pairs),
                           *(f.encode() for f in facts.values())]
        for g in groups:
            keys += [self._prefix + k for k in g.keys]
            args += [len(g.keys), g.cap, g.own or ""]
        if not keys:
            return []
        found = self._call(lambda r: r.register_script(_ADD_AND_RANK)(keys=keys, args=args))
        return [[i.decode() for i in ids] for ids in found]

    def facts(self, ids: Iterable[str]) -> dict[str, Facts]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        values = self._call(lambda r: r.mget([self._prefix + "doc:" + i for i in wanted]))
        return {i: Facts.decode(v.decode()) for i, v in zip(wanted, values, strict=True) if v is not None}

    def _call(self, fn: Callable[[redis.Redis], Any]) -> Any:
        try:
            return fn(redis_at(self._url))
        except redis.RedisError as e:
            raise ServiceError(f"Redis unreachable while reading recent writes ({self._url}): {e}") from e


@dataclass(frozen=True)
class Group:
    """Keys read together: an article's band keys (ranked by how many of them an id is under), or one
    source key or URI."""

    keys: list[str]
    cap: int
    own: str | None = None  # the article's own id, never its own candidate


# KEYS: the keys to add to, the fact keys, then each group's keys. ARGV: ttl, the number of ids to add, of
# facts and of groups; the ids, the facts; then per group its number of keys, cap and own id.
_ADD_AND_RANK = """
local ttl, n_add, n_facts, n_groups = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, n_add do
  redis.call('SADD', KEYS[i], ARGV[4 + i])
  redis.call('EXPIRE', KEYS[i], ttl)
end
for i = 1, n_facts do
  redis.call('SET', KEYS[n_add + i], ARGV[4 + n_add + i], 'EX', ttl)
end
local out, k, a = {}, n_add + n_facts, 4 + n_add + n_facts
for g = 1, n_groups do
  local n_keys, cap, own = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), ARGV[a + 3]
  a = a + 3
  local counts, ids = {}, {}
  for i = k + 1, k + n_keys do
    for _, id in ipairs(redis.call('SMEMBERS', KEYS[i])) do
      if id ~= own then
        if counts[id] == nil then counts[id] = 0; ids[#ids + 1] = id end
        counts[id] = counts[id] + 1
      end
    end
  end
  k = k + n_keys
  table.sort(ids, function(x, y) if counts[x] ~= counts[y] then return counts[x] > counts[y] end return x < y end)
  local top = {}
  for i = 1, math.min(cap, #ids) do top[i] = ids[i] end
  out[g] = top
end
return out
"""


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

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

    Two kinds of record: a lookup key's ids, and per id what near-duplicate verification needs of it (date,
    group, signature), so candidates are verified without reading the documents back. Both live in two hashes
    per time slot of the registry's ttl (slots numbered by the Redis server's clock, so workers' clocks do not
    matter), read for the current slot and the one before and expiring a slot after their own: a write stays
    between one and two ttls. One field per lookup key in a slot's hash, where a set per key and per-key
    expiries cost each article 64 writes, 64 expiries and 64 reads of its band keys (most of Redis's share of
    the index step, bench/bench_index.py) — here one field write per key inside a few commands a batch."""

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
        holds."""
        # Three text arguments, a line per key, fact or group, instead of an argument per key and id: packing
        # the tens of thousands of arguments of a batch of files was most of the call's time in the worker.
        adds = "\n".join(f"{k} {' '.join(ids)}" for k, ids in ids_by_key.items() if ids)
        fact_lines = "\n".join(f"{i} {f.encode()}" for i, f in facts.items())
        group_lines = "\n".join(f"{g.cap} {g.own or _NO_ID} {' '.join(g.keys)}" for g in groups)
        if not (adds or fact_lines or groups):
            return []
        found = self._call(lambda r: r.register_script(_ADD_AND_RANK)(
            keys=[], args=[self._ttl_s, self._prefix, adds, fact_lines, group_lines]))
        return [[i.decode() for i in ids] for ids in found]

    def facts(self, ids: Iterable[str]) -> dict[str, Facts]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        values = self._call(lambda r: r.register_script(_FACTS)(keys=[], args=[self._ttl_s, self._prefix, *wanted]))
        return {i: Facts.decode(v.decode()) for i, v in zip(wanted, values, strict=True) if v}

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


# The slot hashes' names are built in the scripts, from the server's clock: a standalone Redis (the one this
# worker runs on) lets a script reach keys it was not passed, a Redis Cluster would not. Ids are separated by
# spaces in a field (document ids have none). Commands take their fields in chunks: Lua's unpack() stops at a
# few thousand values, and a batch of files has tens of thousands of band keys.
_SLOTS = """
local ttl, prefix = tonumber(ARGV[1]), ARGV[2]
local slot = math.floor(tonumber(redis.call('TIME')[1]) / ttl)
local function names(kind) return prefix .. kind .. ':' .. slot, prefix .. kind .. ':' .. (slot - 1) end
local function hmget(key, fields)
  local out = {}
  for s = 1, #fields, 1000 do
    local got = redis.call('HMGET', key, unpack(fields, s, math.min(s + 999, #fields)))
    for j = 1, #got do out[s + j - 1] = got[j] end
  end
  return out
end
local function hset(key, pairs_, m)  -- m values of field, value pairs; the slot expires a slot after its own
  for s = 1, m, 1000 do redis.call('HSET', key, unpack(pairs_, s, math.min(s + 999, m))) end
  redis.call('EXPIREAT', key, (slot + 2) * ttl)
end
"""

_NO_ID = "-"  # a group without an own id (document ids are never a bare dash)

# ARGV: ttl, prefix, then three texts of a line each: "key id id …" to add, "id facts" to record, and
# "cap own-id key key …" per group to rank. Keys, ids and facts hold no white space.
_ADD_AND_RANK = _SLOTS + """
local keys_now, keys_before = names('keys')
local facts_now = names('facts')
local fields, added, n = {}, {}, 0
for k, ids in string.gmatch(ARGV[3], '(%S+) ([^\\n]+)') do n = n + 1; fields[n] = k; added[n] = ids end
if n > 0 then
  local old = hmget(keys_now, fields)
  local pairs_, m = {}, 0
  for i = 1, n do
    local v = old[i]
    if v then  -- a key written in this slot already (a near-duplicate, a source again): append
      local have = ' ' .. v .. ' '
      for id in string.gmatch(added[i], '%S+') do
        if not string.find(have, ' ' .. id .. ' ', 1, true) then v = v .. ' ' .. id; have = have .. id .. ' ' end
      end
    else  -- most keys: new in this slot
      v = added[i]
    end
    pairs_[m + 1] = fields[i]; pairs_[m + 2] = v; m = m + 2
  end
  hset(keys_now, pairs_, m)
end
local facts, f = {}, 0
for id, v in string.gmatch(ARGV[4], '(%S+) (%S+)') do facts[f + 1] = id; facts[f + 2] = v; f = f + 2 end
if f > 0 then hset(facts_now, facts, f) end
local specs, wanted, w, g = {}, {}, 0, 0
for cap, own, rest in string.gmatch(ARGV[5], '(%d+) (%S+) ?([^\\n]*)') do
  local first = w + 1
  for k in string.gmatch(rest, '%S+') do w = w + 1; wanted[w] = k end
  g = g + 1; specs[g] = {tonumber(cap), own, first, w}
end
local now, before = hmget(keys_now, wanted), hmget(keys_before, wanted)
local out = {}
for gi = 1, g do
  local cap, own, first, last_key = specs[gi][1], specs[gi][2], specs[gi][3], specs[gi][4]
  local counts, ids, last, nids = {}, {}, {}, 0
  for i = first, last_key do
    local a, b = now[i], before[i]
    if a or b then  -- most keys hold nothing in either slot; an id in both under one key counts once
      for _, v in ipairs(a and b and {a, b} or {a or b}) do
        for id in string.gmatch(v, '%S+') do
          if id ~= own and last[id] ~= i then
            last[id] = i
            if counts[id] == nil then counts[id] = 0; nids = nids + 1; ids[nids] = id end
            counts[id] = counts[id] + 1
          end
        end
      end
    end
  end
  if nids > 1 then
    table.sort(ids, function(x, y) if counts[x] ~= counts[y] then return counts[x] > counts[y] end return x < y end)
  end
  local top = {}
  for i = 1, math.min(cap, nids) do top[i] = ids[i] end
  out[gi] = top
end
return out
"""

# ARGV: ttl, prefix, the ids. Their facts, the current slot's first (a regrouped document's newer facts).
_FACTS = _SLOTS + """
local facts_now, facts_before = names('facts')
local ids = {}
for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
local now, before = hmget(facts_now, ids), hmget(facts_before, ids)
local out = {}
for i = 1, #ids do out[i] = now[i] or before[i] or '' end
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

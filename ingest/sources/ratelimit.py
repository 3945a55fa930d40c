"""One request rate per host, shared by every worker: a token bucket kept in Redis.

The bucket is refilled and drawn from inside one Lua script, on Redis's own clock, so that workers
on different machines (and clocks) draw from the same bucket without a race.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis

from ingest.errors import ServiceError

# KEYS[1] the bucket; ARGV[1] tokens per second, ARGV[2] bucket size.
# Returns "0" when a token was taken, else the seconds until one will be there (as a string: Redis
# truncates Lua numbers to integers).
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 60000)
return tostring(wait)
"""


class RateLimitTimeout(ServiceError):
    """No token came within the caller's patience: the host is busy with other workers' requests."""


class HostRateLimit:
    def __init__(self, client: redis.Redis, prefix: str = "ingest:rate",
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._client = client
        self._prefix = prefix
        self._take = client.register_script(_TAKE)
        self._sleep = sleep

    def try_take(self, host: str, rate: float, burst: int) -> float:
        """Take a token for `host` if there is one: 0.0, else the seconds to wait before asking again."""
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate limit of {host}: rate {rate}/s and burst {burst} must be positive")
        try:
            return float(self._take(keys=[f"{self._prefix}:{host}"], args=[rate, burst]))
        except redis.RedisError as e:
            raise ServiceError(f"rate limit of {host}: Redis refused the request ({e})") from e

    def acquire(self, host: str, rate: float, burst: int, patience: float = 300.0) -> float:
        """Wait for a token for `host`; the seconds waited. RateLimitTimeout after `patience` seconds."""
        waited = 0.0
        while True:
            wait = self.try_take(host, rate, burst)
            if wait <= 0:
                return waited
            if waited + wait > patience:
                raise RateLimitTimeout(f"{host}: no request slot within {patience:.0f} s at {rate}/s; "
                                       "other workers are using the host's rate")
            self._sleep(wait)
            waited += wait

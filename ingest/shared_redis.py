"""One Redis client (its connection pool) per process and URL, shared by every task the process runs: a
client made per edition opened a new connection each time (a connect and a pool per task)."""

from __future__ import annotations

from functools import cache

import redis


@cache
def redis_at(url: str) -> redis.Redis:
    # redis-py's pool notices a fork and opens new connections in the child, so a client made before the
    # worker's pool processes fork is safe to share.
    return redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)

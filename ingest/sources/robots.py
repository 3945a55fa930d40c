"""robots.txt, read once per host and kept in Redis for every worker, matched by RFC 9309 (protego):
`*` and `$` in paths, the longest matching rule wins (an Allow on a tie), the group of the most specific
user agent applies.

- 2xx: the rules apply; only the first MAX_ROBOTS_BYTES are read (the fetcher stops reading there).
- 4xx (no robots.txt): everything is allowed.
- 5xx or no answer: the site is treated as fully disallowed, and asked again sooner.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import redis
from protego import Protego

from ingest.errors import ServiceError

ALLOW_ALL = "User-agent: *\nDisallow:\n"
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
# robots.txt files are small; a larger one is cut here, as RFC 9309 allows (it asks for 500 KiB at least).
MAX_ROBOTS_BYTES = 512 * 1024


def rules_text(body: bytes, cap: int = MAX_ROBOTS_BYTES) -> str:
    """The rules of a robots.txt read up to `cap` bytes. A body cut at the cap loses its last, partial
    line: a cut `Disallow: /private/` would otherwise read `Disallow: /` and close the whole site."""
    if len(body) >= cap:
        body = body[:cap].rpartition(b"\n")[0]
    return body.decode("utf-8", "replace")


def parse_rules(text: str) -> Protego:
    return Protego.parse(text)


@dataclass(frozen=True)
class RobotsAnswer:
    status: int | None  # None when the host did not answer
    body: bytes = b""


# Fetches one robots.txt without consulting robots.txt: (url) -> answer.
RobotsGetter = Callable[[str], RobotsAnswer]


class Robots:
    def __init__(self, client: redis.Redis, get: RobotsGetter, user_agent: str, prefix: str = "ingest:robots",
                 ttl: int = 86400, retry_ttl: int = 600) -> None:
        self._client = client
        self._get = get
        self._agent = user_agent
        self._prefix = prefix
        self._ttl = ttl
        self._retry_ttl = retry_ttl
        self._parsed: dict[str, tuple[str, Protego]] = {}

    def allowed(self, url: str) -> bool:
        return bool(self._parser(url).can_fetch(url, self._agent))

    def unreachable(self, url: str) -> bool:
        """Whether the host's robots.txt could not be read (then everything is disallowed for a while)."""
        parts = urlsplit(url)
        raw = self._client.get(f"{self._prefix}:{parts.scheme}://{parts.netloc}")
        return raw is not None and json.loads(raw)["status"] is None

    def crawl_delay(self, url: str) -> float | None:
        delay = self._parser(url).crawl_delay(self._agent)
        return float(delay) if delay is not None else None

    def _parser(self, url: str) -> Protego:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = self._rules(origin)
        cached = self._parsed.get(origin)
        if cached and cached[0] == rules:
            return cached[1]
        parser = parse_rules(rules)
        self._parsed[origin] = (rules, parser)
        return parser

    def _rules(self, origin: str) -> str:
        key = f"{self._prefix}:{origin}"
        try:
            raw = self._client.get(key)
        except redis.RedisError as e:
            raise ServiceError(f"robots.txt of {origin}: Redis refused the request ({e})") from e
        if raw is not None:
            return json.loads(raw)["rules"]
        answer = self._get(f"{origin}/robots.txt")
        if answer.status is not None and 200 <= answer.status < 300:
            rules, ttl = rules_text(answer.body), self._ttl
        elif answer.status is not None and 400 <= answer.status < 500:
            rules, ttl = ALLOW_ALL, self._ttl
        else:
            rules, ttl = DISALLOW_ALL, self._retry_ttl
        self._client.set(key, json.dumps({"status": answer.status, "rules": rules}), ex=ttl)
        return rules

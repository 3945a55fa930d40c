"""The polite, careful HTTP fetcher of e-paper sites.

Politeness: one request rate per host shared by all workers (`ratelimit.py`), robots.txt (`robots.py`),
retries with exponential backoff that honour `Retry-After` on 429/503, conditional GETs with the
validators of the last answer remembered in Redis, and a User-Agent an operator can set.
Safety: only the hosts a paper's config allows, never private, loopback or link-local addresses unless
the config names them, a cap on the body size and on redirects, timeouts on every phase. Each hop's host
is resolved once and the connection goes to the address that was checked (`pinning.py`), so a DNS answer
that changes between the check and the connection (DNS rebinding) cannot reach a private address.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import random
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
import redis

from ingest import __version__, metrics
from ingest.errors import IngestError, ServiceError
from ingest.papers import SiteConfig
from ingest.sources.pinning import PinnedTransport, PinningBackend
from ingest.sources.ratelimit import HostRateLimit
from ingest.sources.robots import MAX_ROBOTS_BYTES, Robots, RobotsAnswer

DEFAULT_USER_AGENT = f"newspaper-ingest/{__version__} (e-paper archiving; polite crawler)"
REDIRECTS = (301, 302, 303, 307, 308)
RETRY_STATUSES = (429, 500, 502, 503, 504)


class FetchError(IngestError):
    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class NotFound(FetchError):
    """404/410: not published (yet), or a page the edition does not have."""


class Refused(FetchError):
    """The fetcher will not fetch this: a host not allowed, a private address, robots.txt, a redirect loop.
    Retrying will not help."""


class TooLarge(Refused):
    """The body is larger than the configured cap."""


class RetryLater(FetchError, ServiceError):
    """The site is busy or failing (429, 5xx, timeouts) and the retries are spent; try again after `after` s."""

    def __init__(self, url: str, reason: str, status: int | None = None, after: float = 60.0) -> None:
        super().__init__(url, reason, status)
        self.after = after


@dataclass(frozen=True)
class FetchPolicy:
    allowed_hosts: frozenset[str]
    user_agent: str = DEFAULT_USER_AGENT
    # Networks of private addresses a config allows (a test's 127.0.0.1); all private ones when True.
    allow_private: bool | tuple[str, ...] = False
    obey_robots: bool = True
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0  # a slow drip of bytes must end too
    max_bytes: int = 20 * 1024 * 1024
    max_pdf_bytes: int = 60 * 1024 * 1024  # a page's PDF: print-resolution images make it much larger than HTML
    max_redirects: int = 5
    retries: int = 4
    backoff: float = 1.0  # first wait; doubled at each retry, with jitter
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # a longer Retry-After is handed back to the caller (RetryLater)
    rate: float = 1.0  # requests per second per host, over all workers
    burst: int = 3

    @classmethod
    def for_paper(cls, site: SiteConfig, user_agent: str | None = None) -> FetchPolicy:
        """The policy of a paper's `[site]` config (checked when loaded); `user_agent` (INGEST_USER_AGENT) is
        the default User-Agent. Numbers the config leaves out keep the defaults above."""
        numbers = {k: v for k in _SITE_NUMBERS if (v := getattr(site, k)) is not None}
        private = tuple(site.allow_private) if isinstance(site.allow_private, list) else site.allow_private
        return cls(allowed_hosts=site.hosts, user_agent=site.user_agent or user_agent or DEFAULT_USER_AGENT,
                   allow_private=private, obey_robots=site.obey_robots, **numbers)


_SITE_NUMBERS = ("connect_timeout", "read_timeout", "total_timeout", "max_bytes", "max_pdf_bytes", "max_redirects",
                 "retries", "backoff", "max_backoff", "max_retry_after", "rate", "burst")


@dataclass(frozen=True)
class FetchResult:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int  # 200, or 304 when not modified
    content: bytes | None  # None when not modified: the bytes are those of `sha256`, archived before
    content_type: str | None
    sha256: str | None
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 1
    redirects: tuple[str, ...] = ()
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class _Validators:
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    content_type: str | None = None


@dataclass
class Fetcher:
    policy: FetchPolicy
    redis_client: redis.Redis
    prefix: str = "ingest"
    sleep: Callable[[float], None] = time.sleep
    resolve: Callable[[str], list[str]] = field(default=None)  # type: ignore[assignment]
    # TLS verification: True (the system's CAs), or a context that trusts a test's own CA.
    verify: ssl.SSLContext | bool = True
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        if self.resolve is None:
            self.resolve = _resolve
        self._pins = PinningBackend(self.resolve, self._check_ips)
        self.client = httpx.Client(
            transport=PinnedTransport(self._pins, self.verify),
            follow_redirects=False,
            timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
            headers={"User-Agent": self.policy.user_agent},
            trust_env=False,  # a proxy from the environment would bypass the address checks
        )
        self._rate = HostRateLimit(self.redis_client, f"{self.prefix}:rate", sleep=self.sleep)
        self._robots = Robots(self.redis_client, self._get_robots, self.policy.user_agent, f"{self.prefix}:robots")

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the one public operation -----------------------------------------------------------

    def get(self, url: str, conditional: bool = True, max_bytes: int | None = None) -> FetchResult:
        """GET `url` politely; `max_bytes` replaces the policy's cap (a PDF's is larger).
        Raises NotFound, Refused (TooLarge), RetryLater or FetchError. Counted by host and status."""
        host = urlsplit(url).hostname or "?"
        try:
            result = self._get(url, conditional, max_bytes)
        except FetchError as e:
            metrics.FETCHES.labels(host, str(e.status) if e.status else type(e).__name__).inc()
            raise
        metrics.FETCHES.labels(host, str(result.status)).inc()
        return result

    def _get(self, url: str, conditional: bool, max_bytes: int | None) -> FetchResult:
        self._check_url(url)
        if self.policy.obey_robots and not self._robots.allowed(url):
            if self._robots.unreachable(url):
                raise RetryLater(url, f"robots.txt of {urlsplit(url).netloc} cannot be read (no answer); the site "
                                      "counts as closed until it can", None, 600.0)
            raise Refused(url, f"robots.txt of {urlsplit(url).netloc} disallows it for {self.policy.user_agent!r}")
        known = self._validators(url) if conditional else None
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                result = self._attempt(url, known, max_bytes or self.policy.max_bytes)
            except _Retryable as r:
                wait = r.after if r.after is not None else self._backoff(attempt)
                if wait > self.policy.max_retry_after:
                    raise RetryLater(url, f"{r.reason}; the site asks to wait {wait:.0f} s", r.status, wait) from None
                if attempt > self.policy.retries:
                    raise RetryLater(url, f"{r.reason} ({attempt} attempts)", r.status, wait) from None
                self.sleep(wait)
                continue
            return replace(result, attempts=attempt, elapsed=time.monotonic() - started)

    # ---- one attempt: redirects, status, body -----------------------------------------------

    def _attempt(self, url: str, known: _Validators | None, cap: int) -> FetchResult:
        current = url
        redirects: list[str] = []
        while True:
            self._check_url(current)
            self._check_address(current)
            host = urlsplit(current).hostname or ""
            self._wait_turn(current, host)
            headers = {}
            if known is not None and current == url and known.sha256:
                if known.etag:
                    headers["If-None-Match"] = known.etag
                if known.last_modified:
                    headers["If-Modified-Since"] = known.last_modified
            try:
                with self.client.stream("GET", current, headers=headers) as response:
                    status = response.status_code
                    if status in REDIRECTS and response.headers.get("location"):
                        target = urljoin(current, response.headers["location"].strip())
                        redirects.append(target)
                        if len(redirects) > self.policy.max_redirects:
                            raise Refused(url, f"more than {self.policy.max_redirects} redirects "
                                               f"({' → '.join(redirects)})", status)
                        current = target
                        continue
                    if status == 304 and known is not None and known.sha256:
                        return FetchResult(url, current, 304, None, known.content_type, known.sha256, known.etag,
                                           known.last_modified, redirects=tuple(redirects))
                    if status in RETRY_STATUSES:
                        raise _Retryable(f"HTTP {status}", status, _retry_after(response.headers.get("retry-after")))
                    if status in (404, 410):
                        raise NotFound(current, f"HTTP {status} (not published, or no such page)", status)
                    if status != 200:
                        raise FetchError(current, f"HTTP {status}", status)
                    body = self._read_capped(current, response, cap)
                    etag = response.headers.get("etag")
                    modified = response.headers.get("last-modified")
                    content_type = response.headers.get("content-type")
            except httpx.TimeoutException as e:
                raise _Retryable(f"timed out ({type(e).__name__})", None, None) from None
            except (httpx.NetworkError, httpx.RemoteProtocolError) as e:
                raise _Retryable(f"connection failed ({type(e).__name__}: {e})", None, None) from None
            digest = hashlib.sha256(body).hexdigest()
            self._remember(url, _Validators(etag, modified, digest, content_type))
            return FetchResult(url, current, 200, body, content_type, digest, etag, modified,
                               redirects=tuple(redirects))

    def _read_capped(self, url: str, response: httpx.Response, cap: int) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise TooLarge(url, f"{declared} bytes announced, more than the {cap} bytes allowed", response.status_code)
        deadline = time.monotonic() + self.policy.total_timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise TooLarge(url, f"more than the {cap} bytes allowed (stopped reading)", response.status_code)
            if time.monotonic() > deadline:
                raise _Retryable(f"the body took longer than {self.policy.total_timeout:.0f} s", None, None)
            chunks.append(chunk)
        return b"".join(chunks)

    # ---- checks -------------------------------------------------------------------------------

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise Refused(url, f"only http and https URLs are fetched, not {parts.scheme or 'a relative URL'}")
        host = (parts.hostname or "").lower()
        if host not in self.policy.allowed_hosts:
            raise Refused(url, f"host {host!r} is not allowed by the paper's config "
                               f"(allowed_hosts: {', '.join(sorted(self.policy.allowed_hosts))})")

    def _check_address(self, url: str) -> None:
        """Resolve the host of `url` and check its addresses; the connection is pinned to them."""
        host = urlsplit(url).hostname or ""
        try:
            self._pins.pin(host)
        except OSError as e:
            raise _Retryable(f"cannot resolve {host} ({e})", None, None) from None
        except Refused as e:
            raise Refused(url, e.reason) from None

    def _check_ips(self, host: str, addresses: list[str]) -> None:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if ip.is_global and not ip.is_multicast:
                continue
            if self._private_allowed(ip):
                continue
            raise Refused(host, f"{host} is {ip}, a private, loopback or reserved address; "
                                "allow it with [site] allow_private only for tests")

    def _private_allowed(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        allow = self.policy.allow_private
        if allow is True:
            return True
        if not allow:
            return False
        return any(ip in ipaddress.ip_network(n, strict=False) for n in allow)

    def _wait_turn(self, url: str, host: str) -> None:
        rate = self.policy.rate
        if self.policy.obey_robots:
            delay = self._robots.crawl_delay(url)
            if delay:
                rate = min(rate, 1.0 / delay)
        self._rate.acquire(host, rate, self.policy.burst)

    def _backoff(self, attempt: int) -> float:
        base = min(self.policy.max_backoff, self.policy.backoff * 2 ** (attempt - 1))
        return base * random.uniform(0.8, 1.2)

    # ---- robots.txt, fetched with the same safety but without robots ---------------------------

    def _get_robots(self, url: str) -> RobotsAnswer:
        """robots.txt, following up to max_redirects (RFC 9309: at least five), read only up to its cap."""
        try:
            target = url
            for _ in range(self.policy.max_redirects + 1):
                self._check_url(target)
                self._check_address(target)
                self._rate.acquire(urlsplit(target).hostname or "", self.policy.rate, self.policy.burst)
                with self.client.stream("GET", target) as response:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECTS and location:
                        target = urljoin(target, location.strip())
                        continue
                    return RobotsAnswer(response.status_code, _read_prefix(response, MAX_ROBOTS_BYTES))
            return RobotsAnswer(404)  # too many redirects: RFC 9309 counts that as unavailable (4xx)
        except (httpx.HTTPError, _Retryable):
            return RobotsAnswer(None)
        except Refused:
            # A robots.txt that redirects off the allowed hosts counts as absent.
            return RobotsAnswer(404)

    # ---- validators of conditional GETs ----------------------------------------------------------

    def _key(self, url: str) -> str:
        return f"{self.prefix}:http:{hashlib.sha1(url.encode()).hexdigest()}"

    def _validators(self, url: str) -> _Validators | None:
        raw = self.redis_client.get(self._key(url))
        return _Validators(**json.loads(raw)) if raw else None

    def _remember(self, url: str, v: _Validators) -> None:
        self.redis_client.set(self._key(url), json.dumps(v.__dict__), ex=180 * 86400)

    def remembered(self, url: str) -> str | None:
        """The SHA-256 of the last body fetched from `url`, if it is remembered."""
        v = self._validators(url)
        return v.sha256 if v else None

    def forget(self, url: str) -> None:
        """Drop what is remembered of `url`, so that the next GET is unconditional."""
        self.redis_client.delete(self._key(url))


def _read_prefix(response: httpx.Response, cap: int) -> bytes:
    """The first `cap` bytes of the body; the rest is never read (the connection is dropped on close)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= cap:
            break
    return b"".join(chunks)[:cap]


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None, after: float | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.after = after


def _retry_after(value: str | None) -> float | None:
    """Seconds of a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _resolve(host: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})

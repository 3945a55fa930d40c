"""Connections only to addresses that were checked: the fetcher's defence against DNS rebinding.

Checking a host's addresses and then letting the HTTP client resolve the name again leaves a window: a
hostile DNS server answers a public address to the check and a private one to the connection. Here the
name is resolved once, every address is checked, and the TCP connection goes to one of those checked
addresses. The URL keeps the name, so the Host header, TLS SNI and certificate verification stay on it.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterable

import httpcore
import httpx

Resolve = Callable[[str], list[str]]
# Raises (the fetcher's Refused) when any of the host's addresses is not allowed.
Check = Callable[[str, list[str]], None]


class PinningBackend(httpcore.NetworkBackend):
    """A network backend that connects to the addresses `pin` resolved and checked for a host."""

    def __init__(self, resolve: Resolve, check: Check, inner: httpcore.NetworkBackend | None = None) -> None:
        self._resolve = resolve
        self._check = check
        self._inner = inner or httpcore.SyncBackend()
        self._pins: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def pin(self, host: str) -> tuple[str, ...]:
        """Resolve `host` once and check every address; the next connection to `host` goes to these.
        Raises OSError when the name does not resolve, and whatever `check` raises."""
        addresses = tuple(self._resolve(host))
        if not addresses:
            raise OSError(f"{host} resolves to no address")
        self._check(host, list(addresses))
        with self._lock:
            self._pins[host] = addresses
        return addresses

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        with self._lock:
            addresses = self._pins.get(host)
        if addresses is None:
            # A connection nobody pinned for (the pool opening one on its own) is checked all the same.
            try:
                addresses = self.pin(host)
            except OSError as e:
                raise httpcore.ConnectError(f"cannot resolve {host} ({e})") from None
        failure: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                failure = e  # a host with several addresses: try the next checked one
        assert failure is not None
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are never fetched from")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport (request mapping, errors, streaming), over a pool that uses `backend`.

    httpx.HTTPTransport takes no network backend, so its connection pool is replaced by one that does;
    with no proxy argument the pool is a plain httpcore.ConnectionPool, which is what is rebuilt here.
    """

    def __init__(self, backend: PinningBackend, verify: ssl.SSLContext | bool = True,
                 limits: httpx.Limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)) -> None:
        super().__init__(verify=verify, trust_env=False, limits=limits)
        self._pool.close()
        self._pool = httpcore.ConnectionPool(
            ssl_context=verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify,
                                                                                                    trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )

"""A real HTTP server on 127.0.0.1 serving the fixture e-paper sites, with behaviours a test programs.

    with FixtureSite() as site:
        site.throttle("/founder-gbk/html/2020-06/25/node_2.htm", times=1, retry_after=1)
        url = site.url("founder-gbk/")

Files under tests/fixtures/sites are served with ETag and Last-Modified (and answer 304 to a matching
conditional GET). Behaviours: not_found, throttle (429/503 + Retry-After), slow, redirect, huge,
serve, alias, content_type, hold (404 until released: a page published late). Every request is logged.
"""

from __future__ import annotations

import hashlib
import ssl
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

SITES = Path(__file__).resolve().parent / "fixtures" / "sites"


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-response (a size cap, a timeout) is expected here, not an error to print."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 (socketserver's signature)
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class _Behaviour:
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0.0
    times: int | None = None  # applies to this many requests, then the file is served as usual
    huge: int = 0  # stream this many bytes
    announce_length: bool = True


class FixtureSite:
    def __init__(self, root: Path = SITES, host: str = "127.0.0.1", port: int = 0,
                 tls: ssl.SSLContext | None = None) -> None:
        self.root = root
        self.host = host
        self.scheme = "https" if tls else "http"
        self.requests: list[Request] = []
        self.sent: dict[str, int] = {}  # bytes a huge answer got out before the client stopped reading
        self._behaviours: dict[str, _Behaviour] = {}
        self._aliases: dict[str, str] = {}
        self._lock = threading.Lock()
        self._server = _QuietServer((host, port), self._handler())
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fixture-site", daemon=True)

    # ---- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> FixtureSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "") -> str:
        return f"{self.scheme}://{self.host}:{self.port}/{path.lstrip('/')}"

    # ---- behaviours ----------------------------------------------------------------------------

    def _set(self, path: str, behaviour: _Behaviour) -> None:
        with self._lock:
            self._behaviours["/" + path.lstrip("/")] = behaviour

    def reset(self) -> None:
        with self._lock:
            self._behaviours.clear()
            self._aliases.clear()
            self.requests.clear()
            self.sent.clear()

    def alias(self, prefix: str, target: str) -> None:
        """Serve the files under `target` at `prefix` too (an edition published under today's date)."""
        with self._lock:
            self._aliases["/" + prefix.strip("/") + "/"] = "/" + target.strip("/") + "/"

    def not_found(self, path: str) -> None:
        self._set(path, _Behaviour(status=404, body=b"<html><body>404 Not Found</body></html>"))

    def hold(self, path: str) -> None:
        """404 until `release(path)`: a page the paper publishes late."""
        self.not_found(path)

    def release(self, path: str) -> None:
        with self._lock:
            self._behaviours.pop("/" + path.lstrip("/"), None)

    def throttle(self, path: str, times: int = 1, retry_after: str | int | None = 1, status: int = 429) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._set(path, _Behaviour(status=status, headers=headers, body=b"slow down", times=times))

    def slow(self, path: str, delay: float, times: int | None = None) -> None:
        self._set(path, _Behaviour(delay=delay, times=times))

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self._set(path, _Behaviour(status=status, headers={"Location": location}, body=b""))

    def huge(self, path: str, size: int, announce_length: bool = True, head: bytes = b"") -> None:
        """Stream `head` and then filler up to `size` bytes (counted in `sent`, per path)."""
        self._set(path, _Behaviour(status=200, body=head, huge=size, announce_length=announce_length))

    def serve(self, path: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None,
              times: int | None = None) -> None:
        """Answer `path` with these bytes instead of the file (a broken page, a changed page)."""
        self._set(path, _Behaviour(status=status, body=body, headers={"Content-Type": "text/html", **(headers or {})},
                                   times=times))

    def content_type(self, path: str, value: str) -> None:
        self._set(path, _Behaviour(headers={"Content-Type": value}))

    def hits(self, path: str) -> list[Request]:
        path = "/" + path.lstrip("/")
        return [r for r in self.requests if r.path == path]

    # ---- serving ---------------------------------------------------------------------------------

    def _take(self, path: str) -> _Behaviour | None:
        with self._lock:
            b = self._behaviours.get(path)
            if b is None:
                return None
            if b.times is not None:
                if b.times <= 0:
                    return None
                b.times -= 1
            return b

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path
                with site._lock:
                    site.requests.append(Request(path, dict(self.headers), time.monotonic()))
                b = site._take(path)
                if b and b.delay:
                    time.sleep(b.delay)
                if b and b.huge:
                    return self._huge(b, path)
                if b and b.status is not None:
                    return self._send(b.status, b.body or b"", b.headers)
                self._file(path, b.headers if b else {})

            def _file(self, path: str, extra: dict[str, str]) -> None:
                with site._lock:
                    for prefix, real in site._aliases.items():
                        if path.startswith(prefix):
                            path = real + path[len(prefix):]
                            break
                target = (site.root / path.lstrip("/")).resolve()
                if site.root.resolve() not in target.parents or not target.is_file():
                    return self._send(404, b"<html><body>404 Not Found</body></html>", {})
                data = target.read_bytes()
                etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
                modified = formatdate(target.stat().st_mtime, usegmt=True)
                kind = {".txt": "text/plain", ".pdf": "application/pdf"}.get(target.suffix, "text/html")
                headers = {"ETag": etag, "Last-Modified": modified, "Content-Type": kind}
                headers.update(extra)
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", headers)
                self._send(200, data, headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                try:
                    self.end_headers()
                    if status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (a timeout test)

            def _huge(self, b: _Behaviour, path: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                if b.announce_length:
                    self.send_header("Content-Length", str(b.huge))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<p>" + b"x" * 65530 + b"</p>"
                sent = 0
                try:
                    if b.body:
                        self.wfile.write(b.body)
                        sent = len(b.body)
                    while sent < b.huge:
                        piece = chunk[: b.huge - sent]
                        self.wfile.write(piece)
                        sent += len(piece)
                        with site._lock:
                            site.sent[path] = sent
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        return Handler

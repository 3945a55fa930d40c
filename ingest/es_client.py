"""The one place an Elasticsearch client is built: URL, timeouts, authentication and TLS from the settings.

Credentials go to the client only, never into a message: ConfigErrors name the setting or file that is
wrong, not its value.

Importing the official client costs about 0.45 s (its package loads the async client and elastic_transport
loads a node class for each of four HTTP libraries), most of what `ingest search` took from start to answer
(bench/cli_startup.py). So it is imported where a client is built, its exception classes where an exception
is matched (`api_error`, `transport_errors`), and a command that starts per call and only searches uses
`SearchClient`, the two read calls of a search over the standard library.
"""

from __future__ import annotations

import base64
import http.client
import json
import ssl
import time
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from ingest.config import Settings, mask_url, settings
from ingest.errors import ConfigError

if TYPE_CHECKING:
    from elasticsearch import ApiError, Elasticsearch

# As the official client: two more tries on a failed connection, a timeout, or these answers.
RETRIES = 2
RETRY_STATUSES = (429, 502, 503, 504)


def _read_secret(path: Any, setting: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise ConfigError(f"{setting}: cannot read {path} ({e.strerror})") from None
    if not value:
        raise ConfigError(f"{setting}: {path} is empty")
    return value


def client_options(s: Settings) -> dict[str, Any]:
    """The keyword arguments of Elasticsearch() for these settings (authentication, TLS)."""
    opts: dict[str, Any] = {}
    if s.es_api_key and s.es_user:
        raise ConfigError("INGEST_ES_API_KEY and INGEST_ES_USER are both set: use one way to authenticate")
    if s.es_api_key:
        opts["api_key"] = s.es_api_key.get_secret_value()
    elif s.es_user:
        if not s.es_password_file:
            raise ConfigError("INGEST_ES_USER is set without INGEST_ES_PASSWORD_FILE (a file holding the password)")
        opts["basic_auth"] = (s.es_user, _read_secret(s.es_password_file, "INGEST_ES_PASSWORD_FILE"))
    elif s.es_password_file:
        raise ConfigError("INGEST_ES_PASSWORD_FILE is set without INGEST_ES_USER")
    if s.es_url.startswith("https://"):
        opts["verify_certs"] = s.es_verify_certs
        if s.es_ca_file:
            if not s.es_ca_file.is_file():
                raise ConfigError(f"INGEST_ES_CA_FILE: {s.es_ca_file} is not a file")
            opts["ca_certs"] = str(s.es_ca_file)
    elif s.es_ca_file:
        raise ConfigError(f"INGEST_ES_CA_FILE is set but INGEST_ES_URL is not https ({mask_url(s.es_url)})")
    return opts


def client(s: Settings | None = None, request_timeout: float = 30) -> Elasticsearch:
    """The client of this process for these settings: one per cluster and credentials, so a worker's tasks
    reuse its connections instead of opening new ones for every edition."""
    s = s or settings()
    return _client(s.es_url, request_timeout, tuple(sorted(client_options(s).items())))


@cache
def _client(url: str, request_timeout: float, options: tuple[tuple[str, Any], ...]) -> Elasticsearch:
    from elasticsearch import Elasticsearch

    return Elasticsearch(url, request_timeout=request_timeout, retry_on_timeout=True, max_retries=RETRIES,
                         serializers=_orjson_serializers(), **dict(options))


def _orjson_serializers() -> dict[str, Any]:
    """The client's orjson serializer for JSON bodies and answers, and the same for the NDJSON of _bulk and
    _msearch (the client has none of its own for that): the standard json module took a fifth of a worker's
    CPU per request, encoding an edition's articles and decoding the lookups' hits. Defined when a client is
    built, as the client's classes are imported only then (the module docstring)."""
    import orjson
    from elasticsearch.serializer import NdjsonSerializer, OrjsonSerializer

    class OrjsonNdjsonSerializer(NdjsonSerializer):
        def json_dumps(self, data: Any) -> bytes:
            return orjson.dumps(data, default=self.default, option=orjson.OPT_SERIALIZE_NUMPY)

        def json_loads(self, data: bytes) -> Any:
            return orjson.loads(data)

    return {OrjsonSerializer.mimetype: OrjsonSerializer(), NdjsonSerializer.mimetype: OrjsonNdjsonSerializer()}


def api_error() -> type[ApiError]:
    """The official client's ApiError, for `except api_error() as e:` (evaluated only when something was
    raised, so a module matching it does not import the client)."""
    from elasticsearch import ApiError

    return ApiError


def transport_errors() -> tuple[type[Exception], ...]:
    """What an unreachable or timed-out Elasticsearch raises, for `except transport_errors():`."""
    from elasticsearch import TransportError

    return (TransportError, ConnectionError)


def search_client(s: Settings | None = None, request_timeout: float = 30) -> SearchClient:
    """A SearchClient with the same URL, authentication and TLS as `client` would have."""
    s = s or settings()
    return SearchClient(s.es_url, request_timeout, client_options(s))


class SearchClient:
    """`search` and `indices.get_mapping` as the official client has them: the same requests, the same JSON
    back, and on failure the official client's own exceptions (imported then), so callers and
    `ingest.index.service_errors` treat both clients alike. Nothing else: writes, bulk helpers and the rest
    go through `client`. Over the standard library's http.client, one kept-alive connection: httpx with
    httpcore (which loads anyio, and trio where it is installed) took 0.2 s to import, as long as the search."""

    def __init__(self, url: str, request_timeout: float, options: dict[str, Any]) -> None:
        parts = urlsplit(url)
        https = parts.scheme == "https"
        # (scheme, host, port): where the connections go, and the node an error names.
        self._node = (parts.scheme, parts.hostname or "localhost", parts.port or (443 if https else 80))
        self._prefix = parts.path.rstrip("/")
        self._timeout = request_timeout
        self._headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if "api_key" in options:
            self._headers["Authorization"] = f"ApiKey {options['api_key']}"
        elif "basic_auth" in options or parts.username:
            user, password = options.get("basic_auth") or (unquote(parts.username or ""), unquote(parts.password or ""))
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"
        self._tls: ssl.SSLContext | None = None
        if https:
            self._tls = ssl.create_default_context(cafile=options.get("ca_certs"))
            if not options.get("verify_certs", True):
                self._tls.check_hostname = False
                self._tls.verify_mode = ssl.CERT_NONE
        self._conn: http.client.HTTPConnection | None = None
        self.indices = _Indices(self)

    def search(self, index: str, **body: Any) -> dict[str, Any]:
        return self.request("POST", f"/{quote(index, safe=',*')}/_search", body)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode() if body is not None else None
        for attempt in range(RETRIES + 1):
            started = time.monotonic()
            try:
                conn = self._connection()
                conn.request(method, self._prefix + path, body=content, headers=self._headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as e:
                # A kept-alive connection the server closed fails here too: the next try opens a new one.
                self.close()
                if attempt < RETRIES:
                    continue
                raise _transport_error(e) from e
            if resp.status not in RETRY_STATUSES or attempt == RETRIES:
                break
        if not 200 <= resp.status < 300:
            raise _api_error(resp, data, time.monotonic() - started, self._node)
        result: dict[str, Any] = json.loads(data)
        return result

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            _, host, port = self._node
            self._conn = (http.client.HTTPSConnection(host, port, timeout=self._timeout, context=self._tls)
                          if self._tls else http.client.HTTPConnection(host, port, timeout=self._timeout))
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class _Indices:
    def __init__(self, es: SearchClient) -> None:
        self._es = es

    def get_mapping(self, index: str) -> dict[str, Any]:
        return self._es.request("GET", f"/{quote(index, safe=',*')}/_mapping")


def _transport_error(e: Exception) -> Exception:
    from elastic_transport import ConnectionError, ConnectionTimeout

    kind = ConnectionTimeout if isinstance(e, TimeoutError) else ConnectionError
    return kind(f"{type(e).__name__}: {e}", errors=(e,))


def _api_error(resp: http.client.HTTPResponse, data: bytes, duration: float, node: tuple[str, str, int]) \
        -> Exception:
    """The exception the official client raises for this answer: its class by status, its message the
    error type Elasticsearch names."""
    from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
    from elasticsearch.exceptions import HTTP_EXCEPTIONS

    body: Any
    try:
        body = json.loads(data)
    except ValueError:
        body = data.decode("utf-8", "replace")
    message = str(body)
    if isinstance(body, dict):
        error = body.get("error", message)
        message = error["type"] if isinstance(error, dict) and "type" in error else str(error)
    meta = ApiResponseMeta(resp.status, "1.1" if resp.version == 11 else "1.0", HttpHeaders(resp.getheaders()),
                           duration, NodeConfig(*node))
    return HTTP_EXCEPTIONS.get(resp.status, api_error())(message=message, meta=meta, body=body)

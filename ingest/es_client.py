"""The one place an Elasticsearch client is built: URL, timeouts, authentication and TLS from the settings.

Credentials go to the client only, never into a message: ConfigErrors name the setting or file that is
wrong, not its value.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from elasticsearch import Elasticsearch

from ingest.config import Settings, mask_url, settings
from ingest.errors import ConfigError


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
    return Elasticsearch(url, request_timeout=request_timeout, retry_on_timeout=True, max_retries=2, **dict(options))

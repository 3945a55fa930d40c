"""Every `INGEST_*` setting of the Python code, with its default and meaning: the one place they are read.

Defaults run on one machine (the services of `deploy/`). Derived defaults (the archive and inbox under
`INGEST_VAR`, the IMAP port from the TLS mode) are resolved here, once, so no other module looks at the
environment. The README's settings table is checked against this model by a test.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from ingest.errors import ConfigError
from ingest.limits import Limits

PREFIX = "INGEST_"
DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
MIB = 1024 * 1024
_EXPLICIT: ContextVar[bool] = ContextVar("explicit_environment", default=False)


def _derived(text: str) -> dict[str, Any]:
    """The default as the settings table shows it, for a default computed from other settings."""
    return {"shown_default": text}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, frozen=True, extra="ignore")

    # Services
    es_url: str = Field("http://127.0.0.1:9200", description="Elasticsearch")
    es_api_key: SecretStr | None = Field(None, description="API key (the encoded `id:key`) sent to Elasticsearch")
    es_user: str | None = Field(None, description="basic-auth user of Elasticsearch (instead of an API key)")
    es_password_file: Path | None = Field(None, description="file holding that user's password (a mounted secret)")
    es_ca_file: Path | None = Field(None, description="CA certificate(s) an `https://` cluster's certificate is checked against")
    es_verify_certs: bool = Field(True, description="verify the cluster's TLS certificate (`false` only for a test cluster)")
    index: str = Field("articles", description="the alias searched and written")
    es_shards: int = Field(1, ge=1, le=64, description="primary shards of a new article index (one search runs on "
                           "its shards in parallel: more than one for a large index on several cores, see "
                           "`mappings/README.md`; an existing index keeps its own until `ingest reindex`)")
    es_refresh_s: int = Field(10, ge=1, le=3600, description="seconds between refreshes of the article index: "
                              "how soon a write is searchable (workers never force one; `ingest add --wait` "
                              "refreshes once). Each refresh makes a segment to merge later, so a longer "
                              "interval indexes faster (`bench/bench_index.py`). Applied to the existing index too, "
                              "at the workers' next look (within a minute)")
    ledger_index: str = Field("ingest-ledger", description="the ledger index")
    broker_url: str = Field(DEFAULT_BROKER_URL,
                            description="Celery broker: RabbitMQ, or `redis://…` (see its caveats in *Broker, dead letters and supervision*)")
    queue: str = Field("ingest", description="the queue workers consume and the CLI publishes to")
    result_backend: str = Field("redis://127.0.0.1:6379/1", description="Celery results (for `--wait`)")
    redis_url: str = Field("redis://127.0.0.1:6379/2",
                           description="state shared by the workers (rate limits, locks, the last seconds' writes)")
    redis_prefix: str = Field("ingest", description="key prefix of the workers' shared state in Redis")

    # Folders
    var: Path = Field(Path("var"), description="base of the folders below")
    archive_dir: Path = Field(..., description="raw archive (content-addressed)", json_schema_extra=_derived("`$INGEST_VAR/archive`"))
    inbox_dir: Path = Field(..., description="inbox folders, one per paper", json_schema_extra=_derived("`$INGEST_VAR/inbox`"))
    inbox_interval: float = Field(60.0, gt=0, description="seconds between inbox scans")
    papers_dir: Path | None = Field(None, description="extra paper configs beside the bundled ones (override by id)")
    papers: str | None = Field(None, description="comma-separated ids of the papers whose sites beat discovers "
                               "(an installation ingests the papers it chose, not every bundled config)",
                               json_schema_extra=_derived("every configured paper"))
    metrics_dir: Path = Field(..., description="Prometheus samples of every worker, beat and watcher process",
                              json_schema_extra=_derived("`$INGEST_VAR/metrics`"))
    metrics_port: int = Field(9464, ge=1, le=65535, description="port `ingest metrics --serve` listens on (127.0.0.1)")

    # Workers and sources
    worker_concurrency: int = Field(default_factory=lambda: (os.cpu_count() or 1) + 1, ge=1,
                                    description="worker processes started by `deploy/celery.sh` (each waits on "
                                    "Elasticsearch and Redis for part of every edition, so one more than the cores "
                                    "keeps them busy: `bench/bench_index.py`)",
                                    json_schema_extra=_derived("the cores + 1"))
    batch_inputs: int = Field(16, ge=1, le=256, description="files `ingest add` and the inbox scan queue per task: "
                              "archived, parsed and indexed together, so the lookups, writes and task of an input "
                              "are paid once for all of them (`bench/bench_index.py`); a file that fails is "
                              "recorded on its own and the rest land")
    worker_nice: int = Field(10, ge=0, le=19, description="scheduling niceness the worker processes add to their "
                             "own: parsing is batch work, so on a host shared with Elasticsearch and the search "
                             "service the kernel serves their requests first (the ingest rate measured alike at 0 "
                             "and 10: `bench/bench_index.py --nice`)")
    worker_name: str = Field("ingest", description="name of the worker `deploy/celery.sh` starts (`NAME@host`)")
    analysis_profile: str | None = Field(None, description="force an analyzer profile for new indices",
                                         json_schema_extra=_derived("the best offered"))
    user_agent: str | None = Field(None, description="User-Agent of site fetches (a paper's `[site] user_agent` wins)",
                                   json_schema_extra=_derived("the project's"))

    log_format: Literal["auto", "json", "console"] = Field(
        "auto", description="`json` lines, `console` text, or `auto`: JSON unless writing to a terminal")

    # Mailbox
    imap_host: str = Field("127.0.0.1", description="IMAP server")
    imap_port: int = Field(..., description="IMAP port", json_schema_extra=_derived("`10993` (ssl), `10143` (starttls)"))
    imap_tls: Literal["ssl", "starttls"] = Field("ssl", description="`ssl` (implicit TLS) or `starttls`; never plain text")
    imap_user: str = Field("ingest", description="IMAP login")
    imap_password: SecretStr | None = Field(None, description="IMAP password (else read from `INGEST_IMAP_PASSWORD_FILE`)")
    imap_password_file: Path = Field(..., description="file holding the IMAP password (a mounted secret)",
                                     json_schema_extra=_derived("`$INGEST_VAR/dovecot/imap-password`"))
    imap_ca_file: Path | None = Field(None, description="CA (or self-signed certificate) to trust",
                                      json_schema_extra=_derived("`$INGEST_VAR/dovecot/ssl/cert.pem` if present"))
    imap_folders: str = Field("INBOX", description="comma-separated folders watched besides the papers' own `mail.folder`")
    imap_quarantine: str = Field("Quarantine", description="folder of the messages that cannot be used")
    imap_processed: str = Field("flag", description="`flag` (keyword + \\Seen, left in place) or `move:FOLDER`")
    imap_idle_seconds: int = Field(300, gt=0, description="longest IDLE wait before polling anyway (RFC 2177: under 29 min)")
    imap_timeout: float = Field(60.0, gt=0, description="IMAP socket timeout, seconds")
    mail_poll_seconds: int = Field(60, gt=0, description="seconds between the beat's mailbox polls (the IDLE watcher's safety net)")
    mail_max_message_bytes: int = Field(20 * MIB, gt=0, description="largest message downloaded")
    mail_max_attachment_bytes: int = Field(30 * MIB, gt=0, description="largest attachment (and zip member) used")
    mail_max_unzipped_bytes: int = Field(100 * MIB, gt=0, description="largest total unzipped from one attachment")

    # Bounds on the work of one input (defaults and reasons in ingest.limits)
    max_text_bytes: int = Field(Limits.max_text_bytes, gt=0, description="largest page text or HTML file")
    max_edition_bytes: int = Field(Limits.max_edition_bytes, gt=0, description="largest PDF or mail file")
    pdf_max_stream_bytes: int = Field(Limits.pdf_max_stream_bytes, gt=0, description="one PDF stream, inflated")
    pdf_max_decoded_bytes: int = Field(Limits.pdf_max_decoded_bytes, gt=0,
                                       description="all streams of one PDF, inflated")
    pdf_max_pages: int = Field(Limits.pdf_max_pages, gt=0, description="pages of one PDF")
    pdf_max_page_objects: int = Field(Limits.pdf_max_page_objects, gt=0,
                                      description="glyphs, paths, images and forms drawn on one PDF page")
    pdf_max_page_tokens: int = Field(Limits.pdf_max_page_tokens, gt=0,
                                     description="operators and operands of one PDF page, forms counted each time drawn")
    html_max_depth: int = Field(Limits.html_max_depth, gt=0, description="element nesting of an HTML page or mail body")
    html_max_links: int = Field(Limits.html_max_links, gt=0, description="links of an HTML page or mail body")
    parse_max_cpu_seconds: float = Field(Limits.parse_max_cpu_seconds, gt=0,
                                         description="CPU seconds to parse one input (the net under the bounds above)")
    zip_max_members: int = Field(Limits.zip_max_members, gt=0, description="members of a zip attachment")
    zip_max_ratio: float = Field(Limits.zip_max_ratio, gt=0,
                                 description="inflated over compressed size of a zip member")

    @field_validator("imap_processed")
    @classmethod
    def _processed(cls, v: str) -> str:
        if v != "flag" and not (v.startswith("move:") and len(v) > 5):
            raise ValueError("use 'flag' or 'move:FOLDER'")
        return v

    @field_validator("imap_tls", mode="before")
    @classmethod
    def _tls(cls, v: Any) -> Any:
        v = v.lower() if isinstance(v, str) else v
        if v not in ("ssl", "starttls"):
            raise ValueError("use one of ssl, starttls; plain-text IMAP would send the password in clear")
        return v

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        # Defaults that hang off INGEST_VAR or the TLS mode, resolved here once for every module.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        var = Path(data.get("var") or "var").resolve()
        data["var"] = var
        data["archive_dir"] = Path(data.get("archive_dir") or var / "archive").resolve()
        data["inbox_dir"] = Path(data.get("inbox_dir") or var / "inbox").resolve()
        data["metrics_dir"] = Path(data.get("metrics_dir") or var / "metrics").resolve()
        tls = str(data.get("imap_tls") or "ssl").lower()
        data.setdefault("imap_port", 10993 if tls == "ssl" else 10143)
        data.setdefault("imap_password_file", var / "dovecot" / "imap-password")
        if not data.get("imap_ca_file") and (var / "dovecot" / "ssl" / "cert.pem").exists():
            data["imap_ca_file"] = var / "dovecot" / "ssl" / "cert.pem"
        return data

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        # No .env file or secrets dir: the environment is the one source. from_env(mapping) reads only the mapping.
        return (init_settings,) if _EXPLICIT.get() else (init_settings, env_settings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings of `env` (the process environment when None); a bad value is a `ConfigError`."""
        token = _EXPLICIT.set(env is not None)
        try:
            if env is None:
                return cls()
            return cls.model_validate({k.removeprefix(PREFIX).lower(): v for k, v in env.items()
                                       if k.startswith(PREFIX) and v != ""})
        except ValidationError as e:
            first = e.errors()[0]
            name = PREFIX + str(first["loc"][0]).upper() if first["loc"] else "settings"
            raise ConfigError(f"{name}={first.get('input')!r}: {first['msg']}") from None
        finally:
            _EXPLICIT.reset(token)

    def effective(self) -> dict[str, str]:
        """Every setting as `INGEST_NAME → value` for display: secrets and URL passwords masked."""
        shown: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                text = "********"
            elif value is None:
                text = ""
            else:
                text = mask_url(str(value))
            shown[PREFIX + name.upper()] = text
        return shown


def mask_url(value: str) -> str:
    """`scheme://user:secret@host/…` → `scheme://user:***@host/…`; anything else unchanged."""
    if "://" not in value or "@" not in value:
        return value
    parts = urlsplit(value)
    if parts.password is None:
        return value
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def settings() -> Settings:
    """The settings of this process's environment as it is now (tests and the CLI change it): read once per
    distinct set of INGEST_* variables, since validating them is milliseconds that every task paid."""
    return _settings_of(_ingest_variables())


# os.environ decodes every name and value it iterates over: 55 µs for 35 variables, paid by each of the few
# settings() calls a parse makes. CPython keeps them encoded in `_data`, which every change through os.environ
# updates; it is read as it is where present (a tenth of the time), the mapping otherwise.
_RAW_ENVIRON: dict[Any, Any] | None = getattr(os.environ, "_data", None)
_RAW_PREFIX: Any = os.environ.encodekey(PREFIX) if _RAW_ENVIRON is not None else PREFIX


def _ingest_variables() -> tuple[tuple[Any, Any], ...]:
    env = _RAW_ENVIRON if _RAW_ENVIRON is not None else os.environ
    return tuple(sorted((k, v) for k, v in env.items() if k.startswith(_RAW_PREFIX)))


@lru_cache(maxsize=8)
def _settings_of(env: tuple[tuple[Any, Any], ...]) -> Settings:
    return Settings.from_env()


def shown_default(field: FieldInfo) -> str:
    """A field's default as documented: the computed one's description, else the value itself."""
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "shown_default" in extra:
        return str(extra["shown_default"])
    return "—" if field.default is None else f"`{field.default}`"


def settings_table() -> str:
    """The README's settings table, generated from the model (a test keeps the README equal to it)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        rows.append(f"| `{PREFIX}{name.upper()}` | {shown_default(field)} | {field.description} |")
    return "\n".join(rows)

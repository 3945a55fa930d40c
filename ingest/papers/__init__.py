"""The paper registry: one TOML file per paper, bundled here or in $INGEST_PAPERS_DIR.

A config is checked against typed models when it is loaded: an unknown key (a misspelt `[site]` key
would otherwise be silently ignored) or a value of the wrong type is a `ConfigError` naming the file,
the key and the reason.
"""

from __future__ import annotations

import ipaddress
import tomllib
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ingest.config import settings
from ingest.errors import ConfigError

BUNDLED = Path(__file__).parent


def _crontab(expr: str) -> str:
    if len(expr.split()) != 5:
        raise ValueError(f"{expr!r}: five crontab fields expected (minute hour day month weekday)")
    return expr


class _Strict(BaseModel):
    # strict: TOML values are typed already, so "7" for a number is a mistake, not something to coerce.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SiteConfig(_Strict):
    """`[site]`: the paper's e-paper site. Fetch numbers left out take the fetcher's defaults."""

    family: str  # founder | rmrb | pclayout | newslist | xhby (ingest/sources/epaper/)
    base_url: str
    allowed_hosts: list[str] = []
    # Family parameters: the first page list, the rmrb code, the index page, the folder of the dated page
    # lists (founder: html/, newslist: pc/layout/, unless the site keeps them elsewhere).
    first_page: str | None = None
    code: str | None = None
    index: str | None = None
    html_dir: str | None = None
    use_index: bool = True
    lookback_days: int = Field(7, ge=0)
    recheck: str | None = None  # crontab, in the paper's time zone
    user_agent: str | None = None
    rate: float | None = Field(None, gt=0)
    burst: int | None = Field(None, ge=1)
    connect_timeout: float | None = Field(None, gt=0)
    read_timeout: float | None = Field(None, gt=0)
    total_timeout: float | None = Field(None, gt=0)
    max_bytes: int | None = Field(None, gt=0)
    max_pdf_bytes: int | None = Field(None, gt=0)
    max_redirects: int | None = Field(None, ge=0)
    retries: int | None = Field(None, ge=0)
    backoff: float | None = Field(None, ge=0)
    max_backoff: float | None = Field(None, ge=0)
    max_retry_after: float | None = Field(None, ge=0)
    obey_robots: bool = True
    allow_private: bool | list[str] = False  # tests only: True, or the private networks allowed
    fetch_pdfs: bool = True

    @field_validator("family")
    @classmethod
    def _known_family(cls, v: str) -> str:
        from ingest.sources.epaper.families import families  # the families import papers' users; load late

        if v not in families():
            raise ValueError(f"unknown site family {v!r}; known families: {', '.join(sorted(families()))}")
        return v

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError(f"{v!r} is not an http(s) URL")
        return v

    @field_validator("recheck")
    @classmethod
    def _recheck(cls, v: str | None) -> str | None:
        return None if v is None else _crontab(v)

    @field_validator("allow_private")
    @classmethod
    def _networks(cls, v: bool | list[str]) -> bool | list[str]:
        for network in v if isinstance(v, list) else []:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as err:
                raise ValueError(f"{network!r} is not a network ({err})") from None
        return v

    @property
    def hosts(self) -> frozenset[str]:
        """The hosts fetched from: the base URL's and the allowed ones."""
        return frozenset(h.lower() for h in [*self.allowed_hosts, urlsplit(self.base_url).hostname or ""] if h)

    @property
    def params(self) -> dict[str, str]:
        """The family parameters this paper sets."""
        return {k: v for k in ("first_page", "code", "index", "html_dir") if (v := getattr(self, k)) is not None}


class MailConfig(_Strict):
    """`[mail]`: which mail is this paper's."""

    address: str | None = None  # where the paper sends its edition (shown by `ingest papers`)
    senders: list[str] = []  # allowed From addresses, or whole domains as "@paper.cn"
    folder: str | None = None  # a folder of the paper's own (a server rule files its mail there)


class Paper(_Strict):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    timezone: str = "Asia/Shanghai"
    schedule: str = "30 6 * * *"  # site discovery, crontab in `timezone`
    site: SiteConfig | None = None
    mail: MailConfig = MailConfig()
    config_path: str = ""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except Exception:
            raise ValueError(f"unknown timezone {v!r}") from None
        return v

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, v: str) -> str:
        return _crontab(v)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _problem(error: Any) -> str:
    """One validation error as `[site] key: reason`."""
    loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
    # A `bool | list` field reports per branch ("bool", "list[str]"); the key is what the reader wrote.
    loc = [part for part in loc if part not in ("bool", "list[str]", "SiteConfig")]
    table = f"[{loc[0]}] " if len(loc) > 1 and loc[0] in ("site", "mail") else ""
    key = ".".join(loc[1:] if table else loc) or "(top level)"
    reason = "unknown key" if error["type"] == "extra_forbidden" else error["msg"].removeprefix("Value error, ")
    return f"{table}{key}: {reason}"


def load_paper(path: Path) -> Paper:
    """A paper config file, checked; a `ConfigError` naming the file, the key and the reason if it is wrong."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"paper config {path}: {e}") from e
    if "config_path" in raw:
        raise ConfigError(f"paper config {path}: config_path: unknown key")
    try:
        return Paper.model_validate({**raw, "config_path": str(path)})
    except ValidationError as e:
        problems = dict.fromkeys(_problem(err) for err in e.errors())  # unique, in order
        raise ConfigError(f"paper config {path}: {'; '.join(problems)}") from None


@cache
def _registry(extra_dir: Path | None) -> dict[str, Paper]:
    papers: dict[str, Paper] = {}
    dirs = [BUNDLED] + ([extra_dir] if extra_dir else [])
    for d in dirs:
        for path in sorted(d.glob("*.toml")):
            paper = load_paper(path)
            papers[paper.id] = paper  # a config in the extra dir overrides the bundled one
    return papers


def all_papers() -> dict[str, Paper]:
    return dict(_registry(settings().papers_dir))


def get_paper(paper_id: str) -> Paper:
    papers = all_papers()
    try:
        return papers[paper_id]
    except KeyError:
        raise ConfigError(f"unknown paper {paper_id!r}; configured papers: {', '.join(sorted(papers))}") from None


def paper_by_name(name: str) -> Paper | None:
    """The paper whose name appears in a masthead, if any is configured."""
    for paper in all_papers().values():
        if paper.name == name:
            return paper
    return None


def describe(paper: Paper, last_edition: dict[str, Any] | None) -> dict[str, Any]:
    """What a reader of the paper list sees (`ingest papers --json`, the HTTP API's /papers): the paper,
    where its editions come from, and the last edition indexed ({date, articles}, or None)."""
    return {"id": paper.id, "name": paper.name, "timezone": paper.timezone, "schedule": paper.schedule,
            "site": {"family": paper.site.family, "base_url": paper.site.base_url} if paper.site else None,
            "mail": paper.mail.address, "last_edition": last_edition}

"""The paper registry: one TOML file per paper, bundled here or in $INGEST_PAPERS_DIR."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ingest.config import settings
from ingest.errors import ConfigError

BUNDLED = Path(__file__).parent


@dataclass(frozen=True)
class Paper:
    id: str
    name: str
    timezone: str = "Asia/Shanghai"
    schedule: str = "30 6 * * *"
    site: dict[str, Any] = field(default_factory=dict)
    mail: dict[str, Any] = field(default_factory=dict)
    config_path: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _load(path: Path) -> Paper:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"paper config {path}: {e}") from e
    for key in ("id", "name"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise ConfigError(f"paper config {path}: missing '{key}'")
    try:
        ZoneInfo(raw.get("timezone", "Asia/Shanghai"))
    except Exception as e:
        raise ConfigError(f"paper config {path}: unknown timezone {raw.get('timezone')!r}") from e
    return Paper(
        id=raw["id"],
        name=raw["name"],
        timezone=raw.get("timezone", "Asia/Shanghai"),
        schedule=raw.get("schedule", "30 6 * * *"),
        site=dict(raw.get("site", {})),
        mail=dict(raw.get("mail", {})),
        config_path=str(path),
    )


@cache
def _registry(extra_dir: Path | None) -> dict[str, Paper]:
    papers: dict[str, Paper] = {}
    dirs = [BUNDLED] + ([extra_dir] if extra_dir else [])
    for d in dirs:
        for path in sorted(d.glob("*.toml")):
            paper = _load(path)
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
    site = paper.site
    return {"id": paper.id, "name": paper.name, "timezone": paper.timezone, "schedule": paper.schedule,
            "site": {"family": site.get("family"), "base_url": site.get("base_url")} if site else None,
            "mail": paper.mail.get("address") if paper.mail else None,
            "last_edition": last_edition}

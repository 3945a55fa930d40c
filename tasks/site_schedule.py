"""Beat entries of the e-paper sites: discovery at each paper's schedule, read in the paper's time zone.

Kept apart from tasks/site.py so that the app's schedule can be built without importing the tasks.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from celery.schedules import crontab

from ingest.errors import ConfigError
from ingest.papers import all_papers


class PaperCrontab(crontab):
    """A crontab read in a paper's own time zone (the app's clock is UTC); picklable for beat's store."""

    def __init__(self, minute: str = "*", hour: str = "*", day_of_week: str = "*", day_of_month: str = "*",
                 month_of_year: str = "*", zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(minute, hour, day_of_week, day_of_month, month_of_year, **kwargs)
        self.zone = zone
        self.tz = ZoneInfo(zone)  # crontab matches its fields in self.tz

    def __reduce__(self):  # noqa: ANN204
        return (self.__class__, (self._orig_minute, self._orig_hour, self._orig_day_of_week, self._orig_day_of_month,
                                 self._orig_month_of_year, self.zone))

    def __repr__(self) -> str:
        return f"<PaperCrontab {self._orig_minute} {self._orig_hour} {self._orig_day_of_month} " \
               f"{self._orig_month_of_year} {self._orig_day_of_week} ({self.zone})>"


def paper_crontab(expr: str, tz: str) -> PaperCrontab:
    fields = expr.split()
    if len(fields) != 5:
        raise ConfigError(f"schedule {expr!r}: five crontab fields expected (minute hour day month weekday)")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return PaperCrontab(minute, hour, day_of_week, day_of_month, month_of_year, zone=tz)


def site_schedule() -> dict[str, dict[str, Any]]:
    """Beat entries: discovery at each site paper's schedule, and re-checks of today's edition for late
    pages (`[site] recheck`, a crontab in the paper's time zone)."""
    entries: dict[str, dict[str, Any]] = {}
    for paper in all_papers().values():
        if paper.site is None:
            continue
        entries[f"site-discover-{paper.id}"] = {
            "task": "ingest.site.discover", "args": (paper.id,),
            "schedule": paper_crontab(paper.schedule, paper.timezone)}
        recheck = paper.site.recheck
        if recheck:
            entries[f"site-recheck-{paper.id}"] = {
                "task": "ingest.site.discover", "args": (paper.id,),
                "schedule": paper_crontab(recheck, paper.timezone)}
    return entries

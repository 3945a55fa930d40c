"""A paper's [site] config as fetch policy, discovery parameters and beat schedule."""

import pickle
from datetime import date, datetime, timedelta, timezone

import pytest

from ingest.errors import ConfigError
from ingest.papers import Paper, SiteConfig, get_paper
from ingest.sources.epaper.discover import Site, candidate_dates, paper_today
from ingest.sources.fetch import DEFAULT_USER_AGENT, FetchPolicy, _retry_after


def site(**keys) -> SiteConfig:
    return SiteConfig(family="founder", **keys)


def test_policy_allows_the_base_url_host_and_the_listed_hosts_only():
    policy = FetchPolicy.for_paper(site(base_url="http://epaper.zjgrrb.com/", allowed_hosts=["img.zjgrrb.com"]))
    assert policy.allowed_hosts == frozenset({"epaper.zjgrrb.com", "img.zjgrrb.com"})
    assert policy.allow_private is False and policy.obey_robots
    assert policy.user_agent == DEFAULT_USER_AGENT


def test_policy_takes_the_user_agent_from_config_then_settings():
    assert FetchPolicy.for_paper(site(base_url="http://e/"), "ops/1").user_agent == "ops/1"
    assert FetchPolicy.for_paper(site(base_url="http://e/", user_agent="paper/2"), "ops/1").user_agent == "paper/2"


def test_policy_numbers_and_private_networks_come_from_config():
    policy = FetchPolicy.for_paper(site(base_url="http://e/", rate=0.5, max_bytes=1000, allow_private=["127.0.0.1/32"]))
    assert (policy.rate, policy.max_bytes, policy.allow_private) == (0.5, 1000, ("127.0.0.1/32",))
    assert (policy.burst, policy.retries) == (FetchPolicy.burst, FetchPolicy.retries)  # left out: the defaults


def test_retry_after_reads_seconds_and_http_dates():
    assert _retry_after("120") == 120.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    later = (datetime.now(timezone.utc) + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 80 <= _retry_after(later) <= 91


def test_the_papers_today_is_in_its_time_zone():
    paper = get_paper("zjgrrb")
    assert paper_today(paper, datetime(2020, 6, 24, 16, 30, tzinfo=timezone.utc)) == date(2020, 6, 25)
    assert paper_today(paper, datetime(2020, 6, 24, 15, 30, tzinfo=timezone.utc)) == date(2020, 6, 24)
    assert candidate_dates(date(2020, 6, 27), 2) == [date(2020, 6, 27), date(2020, 6, 26), date(2020, 6, 25)]


def test_site_of_the_bundled_zjgrrb_config():
    site = Site.of(get_paper("zjgrrb"))
    assert site.family.name == "founder"
    assert site.first_page_url(date(2020, 6, 25)) == "http://epaper.zjgrrb.com/html/2020-06/25/node_2.htm"
    assert site.index_url() == "http://epaper.zjgrrb.com/index.htm"


def test_a_paper_without_a_site_is_a_config_error_for_discovery():
    with pytest.raises(ConfigError, match=r"paper x \(\) has no \[site\]"):
        Site.of(Paper(id="x", name="X"))


def test_beat_runs_discovery_at_the_papers_local_time():
    from tasks.site_schedule import paper_crontab, site_schedule

    shanghai_0630 = paper_crontab("30 6 * * *", "Asia/Shanghai")
    last = datetime(2020, 6, 24, 22, 30, 5, tzinfo=timezone.utc)  # 06:30:05 on the 25th in Shanghai
    shanghai_0630.nowfun = lambda: datetime(2020, 6, 25, 6, 0, tzinfo=timezone.utc)
    assert shanghai_0630.remaining_estimate(last) == timedelta(hours=16, minutes=30)  # 22:30 UTC
    shanghai_0630.nowfun = lambda: datetime(2020, 6, 25, 22, 30, 30, tzinfo=timezone.utc)
    assert shanghai_0630.is_due(last).is_due
    # Beat keeps its schedule in a pickle file.
    assert pickle.loads(pickle.dumps(shanghai_0630)).tz.key == "Asia/Shanghai"
    entry = site_schedule()["site-discover-zjgrrb"]
    assert entry["task"] == "ingest.site.discover" and entry["args"] == ("zjgrrb",)
    with pytest.raises(ConfigError, match="five crontab fields"):
        paper_crontab("30 6 *", "Asia/Shanghai")

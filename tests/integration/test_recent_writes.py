"""The recent-writes registry (ingest.recent) on a real Redis: what one batch records, every later lookup
reads, ranked as the band search ranks, until its time slot expires."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from ingest.recent import Facts, Group, RecentWrites
from tests.integration.conftest import REDIS_BASE


@pytest.fixture
def registry() -> Iterator[RecentWrites]:
    prefix = f"test-recent-{uuid.uuid4().hex[:8]}"
    yield RecentWrites(REDIS_BASE, prefix, "articles", 60)
    r = redis.Redis.from_url(REDIS_BASE)
    for key in r.scan_iter(f"{prefix}:*"):
        r.delete(key)


def test_ids_are_ranked_by_how_many_of_a_groups_keys_they_share_and_the_own_id_is_left_out(registry):
    registry.add_and_read({"band:a": ["x", "y"], "band:b": ["y", "z"], "band:c": ["y"]}, {}, [])
    assert registry.ranked([Group(["band:a", "band:b", "band:c"], 10)]) == [["y", "x", "z"]]
    assert registry.ranked([Group(["band:a", "band:b", "band:c"], 10, own="y")]) == [["x", "z"]]
    assert registry.ranked([Group(["band:a", "band:b"], 2), Group(["band:zzz"], 5)]) == [["y", "x"], []]


def test_an_id_added_twice_under_a_key_counts_once(registry):
    registry.add_and_read({"uri:file:a": ["d1"]}, {}, [])
    ranked = registry.add_and_read({"uri:file:a": ["d1", "d2"], "uri:file:b": ["d1"]}, {},
                                   [Group(["uri:file:a"], 100), Group(["uri:file:a", "uri:file:b"], 100)])
    assert ranked == [["d1", "d2"], ["d1", "d2"]]


def test_what_one_call_adds_its_groups_read_at_once(registry):
    # The guarantee settle_new_groups relies on: an add and a read are one script, so of two batches adding
    # under the same key, the second reads the first's id.
    first = registry.add_and_read({"band:k": ["w1"]}, {}, [Group(["band:k"], 10, own="w1")])
    second = registry.add_and_read({"band:k": ["w2"]}, {}, [Group(["band:k"], 10, own="w2")])
    assert first == [[]] and second == [["w1"]]


def test_facts_are_read_back_the_newest_first_and_missing_ids_are_absent(registry):
    registry.add_and_read({}, {"d1": Facts("2020-06-25", "d1", "3:100:90:ab"), "d2": Facts(None, "d2", "sig")}, [])
    registry.add_and_read({}, {"d1": Facts("2020-06-25", "g7", "3:100:90:ab")}, [])  # regrouped
    assert registry.facts(["d1", "d2", "nope"]) == {"d1": Facts("2020-06-25", "g7", "3:100:90:ab"),
                                                    "d2": Facts(None, "d2", "sig")}


def test_a_batch_larger_than_a_lua_unpack_is_recorded_and_read_whole(registry):
    # A chunk of 16 files of 8 articles holds 8,000 band keys; a script passing them to one command at once
    # would fail on Lua's unpack limit.
    keys = {f"band:{k}": [f"doc{k % 50}"] for k in range(20_000)}
    facts = {f"doc{k}": Facts(None, f"doc{k}", f"s{k}") for k in range(5_000)}
    registry.add_and_read(keys, facts, [])
    ranked = registry.ranked([Group(list(keys), 100), Group([f"band:{k}" for k in range(0, 20_000, 50)], 3)])
    assert len(ranked[0]) == 50 and all(ranked[0].count(i) == 1 for i in ranked[0])
    assert ranked[1] == ["doc0"]
    assert len(registry.facts(facts)) == 5_000


def test_a_write_stays_at_least_its_ttl_and_is_gone_after_two(registry):
    short = RecentWrites(REDIS_BASE, registry._prefix.removesuffix(":recent:articles:"), "short", 1)
    short.add_and_read({"band:q": ["d1"]}, {"d1": Facts(None, "d1", "sig")}, [])
    assert short.ranked([Group(["band:q"], 10)]) == [["d1"]] and short.facts(["d1"])
    time.sleep(2.1)
    assert short.ranked([Group(["band:q"], 10)]) == [[]] and short.facts(["d1"]) == {}
    r = redis.Redis.from_url(REDIS_BASE)
    assert not list(r.scan_iter(f"{short._prefix}*")), "the expired slots are deleted, not only ignored"


def test_an_unreachable_redis_is_a_service_error_naming_it():
    from ingest.errors import ServiceError

    with pytest.raises(ServiceError, match="127.0.0.1:1"):
        RecentWrites("redis://127.0.0.1:1/0", "p", "a", 60).ranked([Group(["band:x"], 1)])

"""The retry rule of ingest.index.bulk_items: items Elasticsearch refused with 429 (its write queue full) are
sent again, alone, up to three times; every other outcome is final and reported in the actions' order.
(That the server answers as these scripted answers do is tested against it in
tests/integration/test_bulk_items.py; a full write queue cannot be produced on demand there.)"""

from __future__ import annotations

from typing import Any

import pytest

import ingest.index
from ingest.index import bulk_items


class ScriptedBulk:
    """Answers each _bulk with the next scripted list of statuses, one per action line sent."""

    def __init__(self, *rounds: list[int]) -> None:
        self.rounds = list(rounds)
        self.sent: list[list[str]] = []

    def bulk(self, operations: list[dict[str, Any]], **params: Any) -> dict[str, Any]:
        ids = [line["index"]["_id"] for line in operations if "index" in line]
        self.sent.append(ids)
        statuses = self.rounds.pop(0)
        assert len(statuses) == len(ids)
        return {"items": [{"index": {"_id": i, "status": s}} for i, s in zip(ids, statuses, strict=True)]}


def _actions(*ids: str) -> list[dict[str, Any]]:
    return [{"_op_type": "index", "_index": "x", "_id": i, "_source": {"n": i}} for i in ids]


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch):
    monkeypatch.setattr(ingest.index, "_BULK_BACKOFF_S", 0.0)


def test_items_refused_for_a_full_queue_are_sent_again_alone_and_reported_in_order():
    es = ScriptedBulk([201, 429, 409, 429], [429, 201], [201])
    got = bulk_items(es, _actions("a", "b", "c", "d"), "test")  # type: ignore[arg-type]
    assert es.sent == [["a", "b", "c", "d"], ["b", "d"], ["b"]]
    assert [(ok, info["_id"], info["status"]) for ok, _, info in got] == [
        (True, "a", 201), (True, "b", 201), (False, "c", 409), (True, "d", 201)]


def test_an_item_still_refused_after_three_retries_is_reported_as_failed():
    es = ScriptedBulk([429], [429], [429], [429])
    got = bulk_items(es, _actions("a"), "test")  # type: ignore[arg-type]
    assert len(es.sent) == 4
    assert [(ok, info["status"]) for ok, _, info in got] == [(False, 429)]

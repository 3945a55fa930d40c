"""One _bulk of mixed actions against the real server: every action's outcome comes back in the order the
actions were given, failures included, and what was written reads back as sent (Chinese text, dates and the
numpy integers of a fingerprint, through the client's orjson serializer)."""

from __future__ import annotations

import uuid
from datetime import date

import numpy as np
import pytest

from ingest.index import bulk_items

pytestmark = pytest.mark.integration


@pytest.fixture
def index(es):
    name = f"test-bulk-{uuid.uuid4().hex[:8]}"
    es.indices.create(index=name, mappings={"dynamic": True})
    yield name
    es.indices.delete(index=name, ignore_unavailable=True)


def test_mixed_actions_report_each_outcome_in_their_order(es, index):
    es.index(index=index, id="there", document={"title": "旧稿"}, refresh=True)
    old = es.get(index=index, id="there")
    actions = [
        {"_op_type": "create", "_index": index, "_id": "new", "_source": {"title": "红船精神", "day": date(2020, 6, 25),
                                                                        "bins": np.array([7, 9], dtype=np.uint32)}},
        {"_op_type": "create", "_index": index, "_id": "there", "_source": {"title": "重复"}},
        {"_op_type": "index", "_index": index, "_id": "there", "_source": {"title": "过期"},
         "if_seq_no": old["_seq_no"] + 5, "if_primary_term": old["_primary_term"]},
        {"_op_type": "update", "_index": index, "_id": "there", "doc": {"page": 4},
         "if_seq_no": old["_seq_no"], "if_primary_term": old["_primary_term"]},
        {"_op_type": "delete", "_index": index, "_id": "missing"},
    ]
    got = bulk_items(es, actions, "the test's bulk")
    assert [(ok, op, info["_id"], info["status"]) for ok, op, info in got] == [
        (True, "create", "new", 201), (False, "create", "there", 409), (False, "index", "there", 409),
        (True, "update", "there", 200), (False, "delete", "missing", 404)]
    assert es.get(index=index, id="new")["_source"] == {"title": "红船精神", "day": "2020-06-25", "bins": [7, 9]}
    assert es.get(index=index, id="there")["_source"] == {"title": "旧稿", "page": 4}


def test_no_actions_send_nothing_and_report_nothing(es, index):
    assert bulk_items(es, [], "an empty bulk") == []
    assert es.count(index=index)["count"] == 0

"""The pure parts of near-duplicate grouping in the index: stored fields and how concurrent starters settle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.dedup import near_dup_fields
from ingest.dup_groups import MAX_CANDIDATES, batch_candidate_search, settle_moves, split_candidates
from ingest.versions import batch_versions_search, split_versions
from ingest.neardup import Candidate, Signature, fingerprint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "neardup"
TEXT = (FIXTURES / "pengyouquan.txt").read_text(encoding="utf-8")
SIG = fingerprint(TEXT).signature
OTHER = fingerprint((FIXTURES / "dangyizhou.txt").read_text(encoding="utf-8")).signature


def test_stored_fields_carry_band_keys_and_a_signature_that_decodes():
    fields = near_dup_fields("", "一条朋友圈信息", "", TEXT.split("\n"))
    assert len(fields["dup_bands"]) > 0
    assert Signature.decode(fields["dup_signature"]).shingles > 100


def test_stored_fields_are_the_fingerprint_of_the_article_text_joined():
    # Folded part by part (the content hash's folds reused): traditional characters, full-width forms,
    # a combining mark opening a part, Greek capitals whose lower case depends on their neighbours.
    parts = ["「本報訊」ＡＢＣ　１２３", "職工權益ΟΔΟΣ", "\u0301é 工會", TEXT + "ΣΑ\nΣ 發放"]
    whole = fingerprint("\n".join(parts))
    fields = near_dup_fields(*parts[:3], parts[3].split("\n"))
    assert fields == {"dup_bands": whole.band_keys, "dup_signature": whole.signature.encode()}
    assert near_dup_fields(*parts) == fields


def test_a_caption_is_stored_without_band_keys():
    assert near_dup_fields("", "爱心敬老 迎端午", "", ["昨日，慈溪市钱海军志愿服务中心的志愿者来到慈溪市白"])["dup_bands"] == []


def test_two_concurrent_starters_end_in_the_group_of_the_smaller_id_whichever_looks():
    # The worker that looks second may be either: both plans lead to the same group.
    assert settle_moves("b-doc", SIG, [Candidate("a-doc", SIG, "a-doc")]) == [("b-doc", "a-doc")]
    assert settle_moves("a-doc", SIG, [Candidate("b-doc", SIG, "b-doc")]) == [("b-doc", "a-doc")]


def test_a_starter_joins_an_established_group_whatever_the_ids():
    assert settle_moves("a-doc", SIG, [Candidate("z-doc", SIG, "m-group"), Candidate("b-doc", SIG, "b-doc")]) \
        == [("a-doc", "m-group")]


def test_a_starter_does_not_move_for_an_unverified_candidate():
    assert settle_moves("b-doc", SIG, [Candidate("a-doc", OTHER, "a-doc")]) == []


def test_members_of_the_starters_own_group_do_not_move_it():
    assert settle_moves("a-doc", SIG, [Candidate("z-doc", SIG, "a-doc")]) == []


def _hit(doc_id: str, bands: list[str], day: str = "2020-06-25", **src: Any) -> dict[str, Any]:
    return {"_id": doc_id, "_source": {"dup_bands": bands, "date": day, **src}}


def test_one_search_for_an_editions_candidates_gives_each_article_those_it_shares_bands_with_most_shared_first():
    docs = [("new-a", {"dup_bands": ["b1", "b2", "b3"], "date": "2020-06-25"}),
            ("new-b", {"dup_bands": ["b9"], "date": "2020-06-25"})]
    hits = [_hit("old-1", ["b1"]), _hit("old-2", ["b1", "b2"]), _hit("old-3", ["b9", "b1"]),
            _hit("old-late", ["b1", "b2", "b3"], day="2020-09-01")]  # outside the window
    split = split_candidates(docs, hits)
    assert split is not None
    assert [h["_id"] for h in split["new-a"]] == ["old-2", "old-1", "old-3"]
    assert [h["_id"] for h in split["new-b"]] == ["old-3"]


def test_a_batch_candidate_search_that_fills_its_size_is_reported_as_overflowing():
    docs = [("new-a", {"dup_bands": ["b1"], "date": "2020-06-25"})]
    body = batch_candidate_search(docs)
    assert body["size"] == MAX_CANDIDATES + 1
    assert split_candidates(docs, [_hit(f"old-{k}", ["b1"]) for k in range(MAX_CANDIDATES)]) is not None
    assert split_candidates(docs, [_hit(f"old-{k}", ["b1"]) for k in range(MAX_CANDIDATES + 1)]) is None


def test_one_search_for_an_editions_older_versions_gives_each_article_its_own_source_key():
    docs = [("new-a", {"paper": "zjgrrb", "source_key": "k1"}), ("new-b", {"paper": "zjgrrb", "source_key": "k2"})]
    hits = [{"_id": "old-1", "_source": {"paper": "zjgrrb", "source_key": "k1"}},
            {"_id": "old-2", "_source": {"paper": "other", "source_key": "k2"}}]
    assert split_versions(docs, hits) == {"new-a": [hits[0]], "new-b": []}
    assert batch_versions_search(docs)["query"]["bool"]["filter"][1] == {"terms": {"source_key": ["k1", "k2"]}}

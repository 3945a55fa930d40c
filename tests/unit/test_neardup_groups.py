"""The pure parts of near-duplicate grouping in the index: stored fields and how concurrent starters settle."""

from __future__ import annotations

from pathlib import Path

from ingest.dedup import near_dup_fields
from ingest.dup_groups import settle_moves
from ingest.neardup import Candidate, Signature, fingerprint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "neardup"
TEXT = (FIXTURES / "pengyouquan.txt").read_text(encoding="utf-8")
SIG = fingerprint(TEXT).signature
OTHER = fingerprint((FIXTURES / "dangyizhou.txt").read_text(encoding="utf-8")).signature


def test_stored_fields_carry_band_keys_and_a_signature_that_decodes():
    fields = near_dup_fields("", "一条朋友圈信息", "", TEXT.split("\n"))
    assert len(fields["dup_bands"]) > 0
    assert Signature.decode(fields["dup_signature"]).shingles > 100


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

"""The pure parts of near-duplicate grouping in the index: stored fields and how concurrent starters settle."""

from __future__ import annotations

from pathlib import Path

from ingest.dedup import near_dup_fields
from ingest.dup_groups import _settled_group
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


def test_the_larger_of_two_concurrent_starters_moves_to_the_smaller():
    assert _settled_group("b-doc", SIG, [Candidate("a-doc", SIG, "a-doc")]) == "a-doc"
    assert _settled_group("a-doc", SIG, [Candidate("b-doc", SIG, "b-doc")]) is None


def test_a_starter_joins_an_established_group_whatever_the_ids():
    assert _settled_group("a-doc", SIG, [Candidate("z-doc", SIG, "m-group")]) == "m-group"


def test_a_starter_does_not_move_for_an_unverified_candidate():
    assert _settled_group("b-doc", SIG, [Candidate("a-doc", OTHER, "a-doc")]) is None


def test_members_of_the_starters_own_group_do_not_move_it():
    assert _settled_group("a-doc", SIG, [Candidate("z-doc", SIG, "a-doc")]) is None

"""Near-duplicate fingerprints, verification and group assignment on real article text (浙江工人日报 2020-06-25)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import opencc
import pytest

from ingest import neardup
from ingest.neardup import Candidate, Signature, assign_group, fingerprint, is_near_duplicate, similarity

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "neardup"


def text(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def paragraphs(name: str) -> list[str]:
    return [p for p in text(name).split("\n") if p]


CAPTION = "爱心敬老 迎端午\n昨日，慈溪市钱海军志愿服务中心的志愿者来到慈溪市白"


def test_fold_ignores_width_punctuation_spacing_and_traditional_characters() -> None:
    assert neardup.fold("“红船精神”进企业，２０２０年 ABC") == neardup.fold("紅船精神 進企業 2020年\nabc")


def test_page_text_with_column_breaks_and_a_caption_inside_matches_the_html_text() -> None:
    html = "\n".join("\u3000\u3000" + p for p in paragraphs("hongchuan"))
    assert is_near_duplicate(fingerprint(text("hongchuan-page-text")), fingerprint(html))


def test_reprint_in_traditional_characters_with_another_headline_is_a_near_duplicate() -> None:
    body = paragraphs("pengyouquan")[1:]
    reprint = opencc.OpenCC("s2twp").convert("\n".join(["朋友圈一条信息 16名贫困学子10小时结对成功", *body]))
    assert is_near_duplicate(fingerprint(text("pengyouquan")), fingerprint(reprint))


def test_reprint_cut_to_its_first_half_is_a_near_duplicate() -> None:
    paras = paragraphs("hongchuan")
    trimmed = "\n".join(paras[: len(paras) // 2 + 1])
    a, b = fingerprint(text("hongchuan")), fingerprint(trimmed)
    assert is_near_duplicate(a, b)
    assert set(a.band_keys) & set(b.band_keys), "the trimmed reprint must be found as a candidate"


def test_two_union_stories_of_the_same_day_are_not_near_duplicates() -> None:
    for x, y in [("hongchuan", "dangyizhou"), ("hongchuan", "pengyouquan"), ("pengyouquan", "dangyizhou")]:
        a, b = fingerprint(text(x)), fingerprint(text(y))
        assert similarity(a, b) < 0.3
        assert not is_near_duplicate(a, b)


def test_two_stories_sharing_the_same_photo_caption_stay_apart() -> None:
    a = fingerprint(text("hongchuan") + "\n" + CAPTION)
    b = fingerprint(text("dangyizhou") + "\n" + CAPTION)
    assert not is_near_duplicate(a, b)


def test_photo_caption_below_the_length_floor_gets_no_band_keys_and_never_matches() -> None:
    short = fingerprint(CAPTION)
    assert short.band_keys == []
    assert not is_near_duplicate(short, fingerprint(CAPTION)), "below the floor only exact matching applies"
    assert not is_near_duplicate(short, fingerprint(text("hongchuan") + CAPTION))


def test_similarity_of_a_text_with_itself_is_one_and_symmetric() -> None:
    a, b = fingerprint(text("hongchuan")), fingerprint(text("hongchuan-page-text"))
    assert similarity(a, a) == 1.0
    assert similarity(a, b) == similarity(b, a)


def test_signature_survives_its_stored_encoding() -> None:
    sig = fingerprint(text("dangyizhou")).signature
    assert Signature.decode(sig.encode()) == sig


def test_signature_of_another_version_is_refused() -> None:
    encoded = fingerprint(text("dangyizhou")).signature.encode()
    with pytest.raises(ValueError, match="version"):
        Signature.decode("999" + encoded[encoded.index(":"):])


def test_band_keys_are_the_same_in_another_process() -> None:
    # Stored keys must not depend on Python's per-process string hash seed.
    code = "import sys; from ingest.neardup import fingerprint; print(fingerprint(sys.stdin.read()).band_keys)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], input=text("hongchuan"), capture_output=True, text=True,
                         env=env, cwd=root, check=True).stdout.strip()
    assert out == str(fingerprint(text("hongchuan")).band_keys)


def test_band_keys_change_only_with_the_version() -> None:
    # Pins the algorithm: a change that alters keys must bump VERSION, or stored keys silently stop matching.
    keys = fingerprint(text("hongchuan")).band_keys
    assert len(keys) == neardup.NUM_BINS // neardup.ROWS_PER_BAND
    assert keys[0][:5] == "m4b00" and keys[0][5:] == GOLDEN_FIRST_KEY_DIGEST


GOLDEN_FIRST_KEY_DIGEST = "dad57a2e731bf08c"


@pytest.mark.parametrize("chars,golden", [(None, "463965d2dd07e6d8"),  # a whole article
                                          (60, "b58c649ca9e39afc"),  # empty bins borrowed from others
                                          (3, "16e62009389801ce")])  # a single shingle
def test_the_whole_fingerprint_is_what_earlier_versions_of_this_code_stored(chars, golden) -> None:
    # Every band key and the signature, long and short texts: faster code must give the same bytes.
    import hashlib

    fp = fingerprint(text("hongchuan")[:chars])
    assert hashlib.sha1(("\n".join(fp.band_keys) + "|" + fp.signature.encode()).encode()).hexdigest()[:16] == golden


MASK64 = (1 << 64) - 1


def mixed(word: int) -> int:
    # MurmurHash3's 64-bit finalizer, spelled out on Python integers.
    for shift, mul in ((33, 0xFF51AFD7ED558CCD), (33, 0xC4CEB9FE1A85EC53), (33, 1)):
        word = ((word ^ (word >> shift)) * mul) & MASK64
    return word


def reference_hashes(folded: str) -> list[int]:
    # One shingle at a time: three code points packed, the fourth multiplied over the word, then mixed.
    if not folded:
        return []
    codes = [ord(c) for c in folded] + [0] * max(0, 4 - len(folded))
    words = {(a << 42 | b << 21 | c) ^ (d * 0x9E3779B97F4A7C15 & MASK64)
             for a, b, c, d in zip(codes, codes[1:], codes[2:], codes[3:])}
    return sorted(map(mixed, words))


@pytest.mark.parametrize("folded", [neardup.fold(text("hongchuan")), "红船", "a", "𠀋𡈽𡌛字𪚥𠮷野家", ""])
def test_shingle_hashes_are_each_shingle_packed_and_mixed(folded: str) -> None:
    # The whole-array code against one shingle at a time: the same distinct hashes, sorted, as Python ints.
    assert neardup.shingle_hashes(folded).tolist() == reference_hashes(folded)


@pytest.mark.parametrize("chars", [None, 60, 3])
def test_minhash_keeps_each_bins_least_value_and_fills_empty_bins_from_others(chars) -> None:
    # Every fixture at once fills every bin; 60 characters leave most bins empty, 3 fill one.
    whole = "".join(p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt")))
    hashes = neardup.shingle_hashes(neardup.fold(whole[:chars] if chars else whole))
    least: dict[int, int] = {}
    for h in hashes.tolist():  # the bin is the top 7 bits, the value the next 32
        least[h >> 57] = min(least.get(h >> 57, 1 << 32), (h >> 25) & 0xFFFFFFFF)
    values = neardup.minhash(hashes).tolist()
    assert len(values) == neardup.NUM_BINS
    assert all(values[b] == v for b, v in least.items())
    assert set(values) == set(least.values())  # an empty bin borrows another bin's value
    assert (len(least) == neardup.NUM_BINS) == (chars is None)


def candidate(id_: str, fixture_or_text: str, group: str | None) -> Candidate:
    body = text(fixture_or_text) if fixture_or_text.isascii() else fixture_or_text
    return Candidate(id_, fingerprint(body).signature, group)


def test_new_article_joins_the_group_of_its_verified_near_duplicate() -> None:
    fp = fingerprint(text("hongchuan-page-text"))
    cands = [candidate("b", "dangyizhou", "b"), candidate("a", "hongchuan", "g-a")]
    assert assign_group("new", fp, cands) == "g-a"


def test_new_article_without_a_verified_candidate_starts_a_group_named_after_itself() -> None:
    fp = fingerprint(text("hongchuan"))
    cands = [candidate("b", "dangyizhou", "b"), candidate("c", CAPTION, "c")]
    assert assign_group("zjgrrb:2020-06-25:1:3", fp, cands) == "zjgrrb:2020-06-25:1:3"
    assert assign_group("zjgrrb:2020-06-25:1:3", fp, []) == "zjgrrb:2020-06-25:1:3"


def test_candidate_stored_before_groups_existed_lends_its_id_as_the_group() -> None:
    assert assign_group("new", fingerprint(text("pengyouquan")), [candidate("old", "pengyouquan", None)]) == "old"


def test_group_choice_does_not_depend_on_candidate_order() -> None:
    fp = fingerprint(text("pengyouquan"))
    cands = [candidate("x", "pengyouquan", "g-x"), candidate("y", "pengyouquan", "g-y")]
    assert assign_group("new", fp, cands) == assign_group("new", fp, cands[::-1]) == "g-x"


def test_group_goes_to_the_most_similar_candidate() -> None:
    paras = paragraphs("hongchuan")
    fp = fingerprint(text("hongchuan"))
    # Same article with its last paragraph swapped for one of another story: verified, but less similar.
    edited = "\n".join(paras[:-1] + paragraphs("dangyizhou")[-1:])
    cands = [candidate("a", edited, "a-group"), candidate("z", "hongchuan", "z-group")]
    assert is_near_duplicate(fp, cands[0].signature)
    assert assign_group("new", fp, cands) == "z-group"


def test_reingested_article_does_not_verify_against_its_own_old_copy() -> None:
    fp = fingerprint(text("dangyizhou"))
    assert assign_group("me", fp, [candidate("me", "dangyizhou", "someone-else")]) == "me"

"""Near-duplicate detection: MinHash fingerprints of character shingles, LSH band keys, group assignment.

Wire copy reprinted by several papers, a lightly edited version, the PDF and the HTML text of one article
should share a `dup_group`; two different stories on the same topic must not. The text is folded
(NFKC, traditional → simplified, only letters and digits kept) and cut into overlapping character
shingles; Chinese has no spaces, so characters, not words, are the stable unit across segmenters.

The fingerprint is a one-permutation MinHash (one hash per shingle, the hash range split into bins, the
minimum kept per bin, empty bins filled by optimal densification), which costs one hash per shingle
instead of one per shingle and permutation. The shingles are hashed all at once in numpy: a shingle's four
code points are packed into one 64-bit word and mixed by MurmurHash3's finalizer, so no shingle becomes a
Python string, bytes or int. Hashing each shingle's bytes with xxh3 one call at a time (version 3) had
made the fingerprint an eighth of a worker's CPU; this is several times cheaper.
Its bins are cut into bands; a band's key is the hash of its rows, stored as a keyword so that
Elasticsearch finds candidates with a terms query. Candidates are verified on the estimated containment (the share of the
smaller text's shingles that the larger holds), so a cut lead or a reprint trimmed for space still
matches, while a different article on the same topic shares only a few phrases.

bench/dedup_eval.py measures this against SimHash with band keys on a labelled set; MinHash won there.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import xxhash

from ingest.normalize import comparison_key

# Bump when anything below changes what a key or signature means: keys of two versions never collide,
# and signatures of another version are not compared.
VERSION = 4  # 3: xxh3 instead of blake2b; 4: shingles and bands mixed in numpy
SHINGLE_SIZE = 4  # characters: rarer than the 2- and 3-character words two stories of one topic share,
# and one edited character still touches only 4 shingles (3 and 5 measure alike in bench/dedup_eval.py)
NUM_BINS = 128
# 64 bands of 2 bins. A pair shares a band key with probability 1 - (1 - J²)^64: 0.98 at Jaccard 0.25 (the
# page-1 part of an article that jumps to another page, against the whole), 0.81 at 0.16, 1.0 at 0.5 (a
# reprint cut to half); 0.006 for an unrelated pair at 0.01, so a lookup touches well under 1% of the
# index. Three-bin bands missed the jump parts (bench/dedup_eval.py: recall 0.94), single bins would match
# most of the index.
ROWS_PER_BAND = 2
# Folded characters below which a text (a photo caption, a headline) gets no band keys and never joins a
# near-duplicate group: too few shingles to tell a reprint from a shared phrase. Exact matching still applies.
LENGTH_FLOOR = 80
# Estimated containment at or above which two texts are near-duplicates.
THRESHOLD = 0.6

_BIN_BITS = NUM_BINS.bit_length() - 1
_VALUE_MASK = 0xFFFFFFFF
_EMPTY = _VALUE_MASK + 1  # larger than any 32-bit value
_PROBES = 64

assert 1 << _BIN_BITS == NUM_BINS


@dataclass(frozen=True)
class Signature:
    """What verification needs of a text: its MinHash bins and its size."""

    length: int  # folded characters
    shingles: int  # distinct shingles
    values: tuple[int, ...]  # NUM_BINS 32-bit minima; empty for an empty text

    def encode(self) -> str:
        """A compact string for a stored document: version, sizes, then the bins in hex."""
        return f"{VERSION}:{self.length}:{self.shingles}:" + _packed(self.values).hex()

    @classmethod
    def decode(cls, s: str) -> Signature:
        version, length, shingles, hexes = s.split(":", 3)
        if int(version) != VERSION:
            raise ValueError(f"near-duplicate signature of version {version}, this code reads version {VERSION}")
        raw = bytes.fromhex(hexes)
        if len(raw) % 4:
            raise ValueError(f"near-duplicate signature has {len(hexes)} hex digits, not a multiple of 8")
        # One C-level unpack: decoding the candidates' signatures digit group by digit group was a tenth of
        # the index step.
        values: tuple[int, ...] = struct.unpack(f">{len(raw) // 4}I", raw)
        if values and len(values) != NUM_BINS:
            raise ValueError(f"near-duplicate signature has {len(values)} bins, expected {NUM_BINS}")
        return cls(int(length), int(shingles), values)


@dataclass(frozen=True)
class Fingerprint:
    band_keys: list[str]  # empty below the length floor
    signature: Signature


@dataclass(frozen=True)
class Candidate:
    """A stored article that shares a band key with the new one."""

    id: str
    signature: Signature
    dup_group: str | None  # None for a document stored before groups existed


def fold(text: str) -> str:
    """The text that shingles are cut from: the comparison key of exact deduplication (NFKC, simplified,
    lower case, only letters and digits). Punctuation and white space go because PDF and HTML extraction
    disagree about them (half- vs full-width, line breaks inside words) while the words are the same."""
    return comparison_key(text)


# Stable across processes and machines (unlike hash()), because keys and signatures are stored.
_hash64 = xxhash.xxh3_64_intdigest

_U64 = np.uint64
# MurmurHash3's 64-bit finalizer: a bijection of 64-bit words in which every output bit depends on every
# input bit, so the top bits (a shingle's bin) and the low 32 (its value) are alike well spread.
_MIX_SHIFT, _MIX_1, _MIX_2 = _U64(33), _U64(0xFF51AFD7ED558CCD), _U64(0xC4CEB9FE1A85EC53)
_CODE_BITS = _U64(21)  # a code point fits in 21 bits: three of them fill 63 bits of a word exactly
_FOURTH = _U64(0x9E3779B97F4A7C15)  # odd, so the fourth code point is spread over the whole word


def _mix(h: np.ndarray) -> np.ndarray:
    """The finalizer, in place on an array of uint64 words (numpy's unsigned arithmetic wraps, as it must)."""
    h ^= h >> _MIX_SHIFT
    h *= _MIX_1
    h ^= h >> _MIX_SHIFT
    h *= _MIX_2
    h ^= h >> _MIX_SHIFT
    return h


assert SHINGLE_SIZE == 4, "shingle_hashes packs exactly four code points"


def shingle_hashes(folded: str, salt: int = 0) -> np.ndarray:
    """The distinct 64-bit hashes of the character shingles, sorted (uint64); a text shorter than one shingle
    is one shingle. The first three code points of a shingle are packed exactly, the fourth is multiplied
    over the word and mixed in: two shingles share a hash only by a 64-bit accident. Another `salt` is another
    member of the hash family, for measuring the sketch's error (bench/dedup_eval.py); stored ones use 0."""
    if not folded:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE_SIZE:  # zero is no folded character: the padding cannot meet a real shingle
        codes = np.concatenate([codes, np.zeros(SHINGLE_SIZE - len(codes), dtype=np.uint64)])
    words = codes[:-3] << (_CODE_BITS + _CODE_BITS)
    words |= codes[1:-2] << _CODE_BITS
    words |= codes[2:-1]
    words ^= codes[3:] * _FOURTH
    if salt:
        words ^= _U64(salt)
    hashes = np.sort(_mix(words))
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))]


@cache
def _probe_table() -> np.ndarray:
    # For each bin, a fixed pseudo-random sequence of other bins to borrow from when it is empty
    # (optimal densification, Shrivastava 2017). Fixed for all texts, so equal sets densify equally.
    return np.array([[_hash64(f"probe:{b}:{t}".encode()) % NUM_BINS for t in range(_PROBES)]
                     for b in range(NUM_BINS)], dtype=np.intp)


_BIN_SHIFT = _U64(64 - _BIN_BITS)
_VALUE_SHIFT = _U64(64 - _BIN_BITS - 32)
_VALUE_MASK_U64 = _U64(_VALUE_MASK)
_EMPTY_U64 = _U64(_EMPTY)
_BIN_NUMBERS = np.arange(NUM_BINS, dtype=np.uint64)
_BIN_STARTS = _BIN_NUMBERS << _BIN_SHIFT
_BIN_ROWS = np.arange(NUM_BINS)


def minhash(hashes: np.ndarray) -> np.ndarray:
    """One-permutation MinHash of sorted distinct shingle hashes (`shingle_hashes`): the top bits of a hash
    pick its bin, the next 32 bits compete; NUM_BINS values (uint64), none for no hashes."""
    # The hashes are sorted, so a bin's hashes are one run ordered by the bits that compete: its minimum
    # is the run's first hash, found by one binary search per bin.
    if not len(hashes):
        return np.empty(0, dtype=np.uint64)
    first = np.searchsorted(hashes, _BIN_STARTS)
    found = hashes[np.minimum(first, len(hashes) - 1)]
    empty = (found >> _BIN_SHIFT) != _BIN_NUMBERS
    mins = np.where(empty, _EMPTY_U64, (found >> _VALUE_SHIFT) & _VALUE_MASK_U64)
    if not empty.any():  # an article long enough fills every bin
        return mins
    # Each empty bin takes the value of the first filled bin its probe sequence names, all bins at once.
    probed = mins[_probe_table()]
    filled = probed != _EMPTY_U64
    out = np.where(empty, probed[_BIN_ROWS, filled.argmax(axis=1)], mins)
    lost = np.flatnonzero(empty & ~filled.any(axis=1))
    if len(lost):  # 64 probes all empty (a handful of shingles, below the length floor): the next filled bin
        held = np.flatnonzero(~empty)
        out[lost] = mins[held[np.searchsorted(held, lost) % len(held)]]
    return out


def _packed(values: tuple[int, ...]) -> bytes:
    """The bins as big-endian 32-bit words: what signatures spell in hex."""
    return struct.pack(f">{len(values)}I", *values)


_BAND_PREFIXES = [f"m{VERSION}b{band:02d}" for band in range(NUM_BINS // ROWS_PER_BAND)]
_WORD_SHIFT = _U64(32)
assert ROWS_PER_BAND == 2, "band_keys packs two 32-bit bins into one word"


def band_keys(bins: np.ndarray) -> list[str]:
    """One keyword per band: the version, the band number and the mixed 64-bit word of the band's two bins."""
    words = bins.reshape(-1, ROWS_PER_BAND)
    digits = _mix((words[:, 0] << _WORD_SHIFT) | words[:, 1]).astype(">u8").tobytes().hex()
    return [prefix + digits[16 * band:16 * band + 16] for band, prefix in enumerate(_BAND_PREFIXES)]


def fingerprint(text: str, salt: int = 0) -> Fingerprint:
    """Band keys and signature of an article's text (title and body); no band keys below the floor."""
    return fingerprint_folded(fold(text), salt)


def fold_parts(parts: Iterable[str]) -> str:
    """`fold` of the parts joined by line breaks, from each part's own fold: the fold drops the breaks, and no
    step of it (NFKC, traditional → simplified, lower case) reaches across one. Each part's fold is memoized
    (comparison_key), so the title and body an article's content hash folded are not folded again."""
    return "".join(map(fold, parts))


def fingerprint_folded(folded: str, salt: int = 0) -> Fingerprint:
    """`fingerprint` of a text folded already."""
    hashes = shingle_hashes(folded, salt)
    bins = minhash(hashes)
    keys = band_keys(bins) if len(folded) >= LENGTH_FLOOR else []
    return Fingerprint(keys, Signature(len(folded), len(hashes), tuple(bins.tolist())))


def _signature(x: Signature | Fingerprint) -> Signature:
    return x.signature if isinstance(x, Fingerprint) else x


def jaccard(a: Signature | Fingerprint, b: Signature | Fingerprint) -> float:
    """Estimated Jaccard similarity of the two shingle sets: the share of bins that agree."""
    sa, sb = _signature(a), _signature(b)
    if not sa.values or not sb.values:
        return 0.0
    return sum(x == y for x, y in zip(sa.values, sb.values, strict=True)) / NUM_BINS


def similarity(a: Signature | Fingerprint, b: Signature | Fingerprint) -> float:
    """Estimated containment: the share of the smaller text's shingles that the larger one holds.

    From the Jaccard estimate J and the set sizes, |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    sa, sb = _signature(a), _signature(b)
    j = jaccard(sa, sb)
    smaller = min(sa.shingles, sb.shingles)
    if smaller == 0:
        return 0.0
    return min(1.0, j * (sa.shingles + sb.shingles) / (1 + j) / smaller)


def is_near_duplicate(a: Signature | Fingerprint, b: Signature | Fingerprint) -> bool:
    """True when both texts reach the length floor and their estimated containment reaches the threshold."""
    sa, sb = _signature(a), _signature(b)
    if min(sa.length, sb.length) < LENGTH_FLOOR:
        return False
    return similarity(sa, sb) >= THRESHOLD


def assign_group(article_id: str, fp: Fingerprint | Signature, candidates: Iterable[Candidate]) -> str:
    """The dup_group for a new article: that of the most similar verified candidate (ties go to the
    smallest group name, so the answer does not depend on the order candidates arrive in), else a new
    group named after the article itself. The article itself among the candidates (a re-ingest) is
    skipped, so a corrected text can move to another group or back to its own."""
    sig = _signature(fp)
    best: tuple[float, str] | None = None
    for c in candidates:
        if c.id == article_id or not is_near_duplicate(sig, c.signature):
            continue
        group = c.dup_group or c.id
        score = similarity(sig, c.signature)
        if best is None or score > best[0] or (score == best[0] and group < best[1]):
            best = (score, group)
    return best[1] if best else article_id

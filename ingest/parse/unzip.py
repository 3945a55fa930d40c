"""Expanding a zip attachment (an edition mailed as a zip of page PDFs) without trusting it.

A zip's directory states sizes it need not honour, so every member is read through a counter that stops at
the caps; a ratio cap catches the classic zip bomb (a few kilobytes that inflate to gigabytes) long before
the byte caps would, and nested archives are not opened at all.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from ingest.errors import InputError


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 200
    max_member_bytes: int = 30 * 1024 * 1024
    max_total_bytes: int = 100 * 1024 * 1024
    # Text and PDF compress 2–10×; 100× is no edition but a bomb.
    max_ratio: float = 100.0


@dataclass(frozen=True)
class ZipMember:
    name: str
    data: bytes


def expand_zip(data: bytes, name: str, limits: ZipLimits = ZipLimits()) -> list[ZipMember]:
    """The regular files of a zip archive, within `limits`. Raises InputError naming `name` otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise InputError(f"{name}: not a readable zip archive ({e})") from None
    if len(infos) > limits.max_members:
        raise InputError(f"{name}: zip archive has {len(infos)} members, more than the {limits.max_members} allowed")
    members: list[ZipMember] = []
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputError(f"{name}: zip member {info.filename!r} is encrypted")
        budget = min(limits.max_member_bytes, limits.max_total_bytes - total)
        content = _read_capped(archive, info, name, budget, limits.max_ratio)
        total += len(content)
        members.append(ZipMember(name=info.filename, data=content))
    return members


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: int, max_ratio: float) -> bytes:
    where = f"{name}: zip member {info.filename!r}"
    out = bytearray()
    try:
        with archive.open(info) as f:
            while chunk := f.read(64 * 1024):
                out += chunk
                if len(out) > budget:
                    raise InputError(f"{where} inflates past {budget} bytes (zip bomb or oversized member); "
                                     "the caps are per member and for the whole archive")
                # Checked while reading: a bomb is recognised after its first megabyte, not its last.
                if len(out) > 1024 * 1024 and len(out) > max_ratio * max(info.compress_size, 1):
                    raise InputError(f"{where} inflates more than {max_ratio:.0f}× its compressed size "
                                     f"({info.compress_size} bytes); refusing a likely zip bomb")
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as e:
        raise InputError(f"{where} cannot be read ({e})") from None
    return bytes(out)

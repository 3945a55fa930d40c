"""The raw archive: every fetched or submitted byte string, stored once under its SHA-256.

Content addressing makes archiving idempotent and lets any edition be re-parsed without refetching.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ingest.errors import InputError


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise InputError(f"archive: {digest!r} is not a SHA-256 hex digest")
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a crash never leaves a half-written entry.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: str) -> bytes:
        target = self.path(digest)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise InputError(f"archive: no entry {digest} under {self.root}") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise InputError(f"archive: entry {digest} is corrupt (its bytes no longer match its hash)")
        return data

    def __contains__(self, digest: str) -> bool:
        return self.path(digest).exists()

import hashlib

import pytest

from ingest.archive import Archive
from ingest.errors import InputError


def test_put_stores_bytes_under_their_sha256_and_get_returns_them(tmp_path):
    archive = Archive(tmp_path)
    digest = archive.put("第11557号".encode())
    assert digest == hashlib.sha256("第11557号".encode()).hexdigest()
    assert archive.get(digest) == "第11557号".encode()
    assert archive.path(digest).relative_to(tmp_path).parts[:2] == (digest[:2], digest[2:4])


def test_put_twice_is_idempotent_and_leaves_no_temporary_files(tmp_path):
    archive = Archive(tmp_path)
    assert archive.put(b"x") == archive.put(b"x")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 1 and not files[0].name.startswith(".tmp")


def test_get_refuses_a_corrupted_entry(tmp_path):
    archive = Archive(tmp_path)
    digest = archive.put(b"original")
    archive.path(digest).write_bytes(b"tampered")
    with pytest.raises(InputError, match="corrupt"):
        archive.get(digest)


def test_get_of_a_missing_or_malformed_digest_names_it(tmp_path):
    archive = Archive(tmp_path)
    with pytest.raises(InputError, match="no entry"):
        archive.get("0" * 64)
    with pytest.raises(InputError, match="not a SHA-256"):
        archive.get("../../etc/passwd")

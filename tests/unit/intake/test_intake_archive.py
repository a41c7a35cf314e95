"""The content-addressed archive keeps every upload byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from muster.intake import FileArchive


def test_put_get_round_trip_content_addressed(tmp_path: Path) -> None:
    archive = FileArchive(tmp_path)
    data = "김철수,1985-01-02\r\n".encode("cp949") + bytes(range(256))
    sha = archive.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert archive.path(sha) == tmp_path / sha[:2] / sha[2:4] / sha
    assert archive.exists(sha) and archive.get(sha) == data


def test_put_is_idempotent_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    archive = FileArchive(tmp_path)
    first = archive.put(b"same bytes")
    mtime = archive.path(first).stat().st_mtime_ns
    assert archive.put(b"same bytes") == first
    assert archive.path(first).stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [first]


def test_empty_file_is_kept_too(tmp_path: Path) -> None:
    archive = FileArchive(tmp_path)
    assert archive.get(archive.put(b"")) == b""


def test_paths_only_from_digests(tmp_path: Path) -> None:
    archive = FileArchive(tmp_path)
    for bad in ("../../etc/passwd", "A" * 64, "ab", "g" * 64):
        with pytest.raises(ValueError):
            archive.path(bad)


def test_missing_and_corrupted_files(tmp_path: Path) -> None:
    archive = FileArchive(tmp_path)
    with pytest.raises(KeyError):
        archive.get("0" * 64)
    sha = archive.put(b"original")
    archive.path(sha).write_bytes(b"tampered")
    with pytest.raises(ValueError, match="corrupted"):
        archive.get(sha)
    assert archive.put(b"original") == sha  # a damaged copy of another size is replaced
    assert archive.get(sha) == b"original"

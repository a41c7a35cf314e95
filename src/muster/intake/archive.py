"""Content-addressed store of the original bytes of every upload (nothing lost).

Files live at root/ab/cd/<sha256>; the name comes only from the content, never from the
sender's file name. Writes are atomic (temporary file, fsync, rename) and idempotent.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 1024 * 1024  # streamed copies go a mebibyte at a time


class FileArchive:
    """Keeps uploads byte for byte under their SHA-256."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def put(self, data: bytes) -> str:
        """Store `data` (once) and return its SHA-256 hex digest."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.is_file() and _digest(target) == sha:
            return sha  # already kept (a damaged copy is replaced below)
        _write_atomically(target, lambda out: out.write(data))
        return sha

    def place(self, sha: str, source: BinaryIO) -> None:
        """Put bytes back under `sha` exactly as they come (a restore returns what a backup
        kept, even a copy that no longer matches its name), streamed, atomically."""
        _write_atomically(self.path(sha), lambda out: shutil.copyfileobj(source, out, CHUNK))

    def get(self, sha: str) -> bytes:
        """The stored bytes; raises KeyError if absent, ValueError if they no longer match."""
        target = self.path(sha)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise KeyError(sha) from None
        if _digest(target, data) != sha:
            raise ValueError(f"archived file {sha} is corrupted")
        return data

    def path(self, sha: str) -> Path:
        """Where the file with this digest lives; refuses anything but 64 lowercase hex digits."""
        if not _SHA256.fullmatch(sha):
            raise ValueError(f"not a SHA-256 hex digest: {sha!r}")
        return self.root / sha[:2] / sha[2:4] / sha

    def digests(self) -> list[str]:
        """The digest of every file kept (temporary files of interrupted writes excluded)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.glob("*/*/*") if _SHA256.fullmatch(p.name))

    def exists(self, sha: str) -> bool:
        """True when the file with this digest is stored."""
        return self.path(sha).is_file()


def _write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file so that it is either whole or absent: temporary file, fsync, rename, and
    the rename itself made durable."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _digest(path: Path, data: bytes | None = None) -> str:
    """SHA-256 of a stored file (or of its bytes already read)."""
    if data is not None:
        return hashlib.sha256(data).hexdigest()
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

"""Where message bodies live: content-addressed files (the default) or database rows.

Every body has a row in ``blobs`` whatever the backend: the row is what messages reference and
what garbage collection counts. The filesystem backend writes ``<root>/ab/<sha256>`` through a
temporary file, fsync and an atomic rename, and fsyncs the directory, so a body is on disk before
the transaction that acknowledges it commits. The database backend keeps the bytes in the row.

Files of deleted blobs are unlinked after the deleting transaction commits, and only when no row
has reappeared and the file was not written within ``GRACE``: an append of the same content in
flight re-writes (and so re-dates) the file before inserting its row, so the grace period keeps the
unlink from racing it. ``sweep`` removes whatever such deferrals left behind.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

GRACE_SECONDS = 600.0


class BlobMissing(Exception):
    """A referenced body is not where the store put it (a local fault: disk, restore, operator)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore(Protocol):
    in_database: bool

    def write_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Make these bodies durable (before the caller commits rows that reference them)."""

    def read(self, sha: str) -> bytes:
        """A body that is not held in its database row."""

    def unlink_if_stale(self, sha: str) -> bool:
        """Remove an unreferenced body's file unless it was written recently."""


class FilesystemBlobStore:
    in_database = False

    def __init__(self, root: Path, *, fsync: bool = True, grace_seconds: float = GRACE_SECONDS) -> None:
        self.root = Path(root)
        self.fsync = fsync
        self.grace_seconds = grace_seconds
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="blob-fsync")

    def path(self, sha: str) -> Path:
        # One level of 256 directories: a few thousand files each at a million bodies, and a
        # batch touches few enough directories that fsyncing each of them stays cheap.
        return self.root / sha[:2] / sha

    def _write_temp(self, sha: str, data: bytes) -> Path:
        tmp = self._tmp / f"{sha}.{os.getpid()}.{time.monotonic_ns()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if self.fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        return tmp

    def write_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        unique = dict(items)
        if not unique:
            return
        # fsync releases the GIL: writing a batch from a few threads overlaps the disk flushes.
        if len(unique) == 1:
            temps = [self._write_temp(*next(iter(unique.items())))]
        else:
            temps = list(self._pool.map(lambda kv: self._write_temp(*kv), unique.items()))
        directories: set[Path] = set()
        for sha, tmp in zip(unique, temps, strict=True):
            target = self.path(sha)
            try:
                os.replace(tmp, target)  # same content under the same name: replacing is harmless
            except FileNotFoundError:
                target.parent.mkdir(exist_ok=True)
                directories.add(self.root)
                os.replace(tmp, target)
            directories.add(target.parent)
        if self.fsync:
            list(self._pool.map(_fsync_dir, directories))

    def read(self, sha: str) -> bytes:
        try:
            return self.path(sha).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(f"message body {sha} is missing from {self.root}") from None

    def unlink_if_stale(self, sha: str) -> bool:
        target = self.path(sha)
        try:
            if time.time() - target.stat().st_mtime < self.grace_seconds:
                return False
            target.unlink()
            return True
        except FileNotFoundError:
            return False

    def all_shas(self) -> Iterable[str]:
        for path in self.root.glob("??/*"):
            if len(path.name) == 64:
                yield path.name


class DatabaseBlobStore:
    """Bodies in the ``blobs.data`` column, for clusters without a shared filesystem. Bodies
    written earlier as files stay readable when ``legacy_root`` points at them."""

    in_database = True

    def __init__(self, legacy_root: Path | None = None) -> None:
        self._files = FilesystemBlobStore(legacy_root) if legacy_root else None

    def write_many(self, items: Iterable[tuple[str, bytes]]) -> None:
        return None  # the row carries the bytes

    def read(self, sha: str) -> bytes:
        if self._files is None:
            raise BlobMissing(f"message body {sha} is held as a file and no blob directory is set")
        return self._files.read(sha)

    def unlink_if_stale(self, sha: str) -> bool:
        return self._files.unlink_if_stale(sha) if self._files else False


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Version numbers of what pages show, one per scope, kept beside the page cache.

A cached page's key carries the versions of the scopes it shows (`forum/changes.py`): the
whole site ("all"), the lists of articles ("lists"), or one article's debate ("a<id>"). A
committed change bumps the versions of the scopes it touched, so the pages showing them get
new keys and are rendered afresh, while every other page keeps its key and stays cached.

Where the versions live follows the cache they serve:

- RedisCache: in Redis (`INCR`), shared by every server.
- SimpleCache: in a small memory-mapped file beside the database, shared by the processes of
  one server. A dict in each process, which the cache's own storage would be, is not enough:
  a vote taken by one gunicorn worker must change the keys of every worker's pages.
- NullCache, or an in-memory database: in a dict in the process; nothing outlives it.

A version that is not there yet (a new file, a key Redis evicted) starts at the current time in
microseconds, never at a number an earlier page may have been stored under.
"""

import fcntl
import mmap
import os
import struct
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from ..changes import EVERYTHING, LISTS
from .link import CacheLink

SLOTS = 8192  # one 8-byte counter each: 64 KiB
SLOT = struct.Struct("<Q")


def _start() -> int:
    return time.time_ns() // 1000


def slot_of(scope: str) -> int:
    """The scope's counter in a table of SLOTS. Articles past the table's size share a counter
    with another, which costs that one an extra miss now and then, never a stale page."""
    if scope == EVERYTHING:
        return 0
    if scope == LISTS:
        return 1
    return 2 + int(scope[1:]) % (SLOTS - 2)


class Versions(Protocol):
    def read(self, scopes: Sequence[str]) -> tuple[int, ...] | None:
        """The scopes' versions, or None when they cannot be read (render uncached)."""

    def bump(self, scopes: Iterable[str]) -> None: ...


class LocalVersions:
    """Counters in this process alone."""

    def __init__(self) -> None:
        self._versions: dict[str, int] = {}
        self._lock = threading.Lock()

    def read(self, scopes: Sequence[str]) -> tuple[int, ...]:
        with self._lock:
            return tuple(self._versions.setdefault(scope, _start()) for scope in scopes)

    def bump(self, scopes: Iterable[str]) -> None:
        with self._lock:
            for scope in scopes:
                self._versions[scope] = self._versions.get(scope, _start()) + 1


class FileVersions:
    """Counters in a file every process of the server maps into memory.

    Reading one costs an unpack from shared memory and no system call. Bumps take the file's
    lock (and a thread lock, since the file lock is the process's), so none is lost between two
    workers; an aligned 8-byte store is read whole on the machines this runs on.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            try:
                if os.fstat(descriptor).st_size < SLOTS * SLOT.size:
                    os.ftruncate(descriptor, 0)
                    os.write(descriptor, SLOT.pack(_start()) * SLOTS)
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
            self._map = mmap.mmap(descriptor, SLOTS * SLOT.size)
        finally:
            os.close(descriptor)  # the mapping keeps the file

    def read(self, scopes: Sequence[str]) -> tuple[int, ...]:
        return tuple(
            SLOT.unpack_from(self._map, slot_of(scope) * SLOT.size)[0] for scope in scopes
        )

    def bump(self, scopes: Iterable[str]) -> None:
        offsets = sorted({slot_of(scope) * SLOT.size for scope in scopes})
        with self._lock, open(self.path, "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for offset in offsets:
                (value,) = SLOT.unpack_from(self._map, offset)
                SLOT.pack_into(self._map, offset, value + 1)


class RedisVersions:
    """Counters in Redis, shared by every server; unread and unbumped while Redis is away.

    A bump lost to an outage would leave pages stored before it valid, in Redis and in every
    server's recent pages: so once Redis answers again, this process bumps everything.
    """

    def __init__(self, backend, link: CacheLink) -> None:
        self._backend = backend  # cachelib's RedisCache
        self._link = link
        self._lost = False

    def read(self, scopes: Sequence[str]) -> tuple[int, ...] | None:
        if self._lost and not self._link.call(self._bump, ()):
            return None
        return self._link.call(self._read, scopes)

    def bump(self, scopes: Iterable[str]) -> None:
        if not self._link.call(self._bump, tuple(scopes)):
            self._lost = True

    def _key(self, scope: str) -> str:
        return f"{self._backend.key_prefix}version:{scope}"

    def _read(self, scopes: Sequence[str]) -> tuple[int, ...]:
        client = self._backend._read_client
        keys = [self._key(scope) for scope in scopes]
        values = client.mget(keys)
        if None in values:
            pipe = self._backend._write_client.pipeline()
            for key, value in zip(keys, values, strict=True):
                if value is None:
                    pipe.set(key, _start(), nx=True)
            pipe.mget(keys)
            values = pipe.execute()[-1]
        return tuple(int(value) for value in values)

    def _bump(self, scopes: tuple[str, ...]) -> bool:
        if self._lost:
            scopes += (EVERYTHING,)
        pipe = self._backend._write_client.pipeline()
        for scope in scopes:
            key = self._key(scope)
            pipe.set(key, _start(), nx=True)
            pipe.incr(key)
        pipe.execute()
        self._lost = False
        return True

"""The cache backend as this process sees it, and the pages it served last, kept unpickled."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app

from ..extensions import cache

try:
    from redis.exceptions import RedisError

    CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError,)
except ImportError:  # without the `redis` extra there is no Redis to lose
    CACHE_ERRORS = ()


class CacheLink:
    """While the backend does not answer, calls to it are skipped for `retry_interval` seconds
    at a time, and pages are rendered uncached; an outage and its end are logged once."""

    def __init__(self, retry_interval: float) -> None:
        self.retry_interval = retry_interval
        self._retry_at: float | None = None  # None: the cache answered last time
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        """The stored value, or None when there is none or the cache is unreachable."""
        return self.call(cache.get, key)

    def set(self, key: str, value: object) -> bool:
        """Store the value; False when the cache is unreachable (the page stays uncached)."""
        return bool(self.call(cache.set, key, value))

    def check(self) -> bool:
        """Whether the cache answers now, tried whatever the retry interval says."""
        try:
            cache.has("health")
        except CACHE_ERRORS as error:
            self._failed(error)
            return False
        self._answered()
        return True

    def call(self, method: Callable, *args: object) -> object | None:
        """`method(*args)`, or None while the backend is away."""
        retry_at = self._retry_at
        if retry_at is not None and time.monotonic() < retry_at:
            return None
        try:
            result = method(*args)
        except CACHE_ERRORS as error:
            self._failed(error)
            return None
        if retry_at is not None:
            self._answered()
        return result

    def _failed(self, error: Exception) -> None:
        with self._lock:
            first = self._retry_at is None
            self._retry_at = time.monotonic() + self.retry_interval
        if first:
            current_app.logger.warning("page cache unreachable, pages served uncached: %s", error)

    def _answered(self) -> None:
        with self._lock:
            was_down, self._retry_at = self._retry_at is not None, None
        if was_down:
            current_app.logger.warning("page cache reachable again, pages cached again")


class RecentPages:
    """The last pages this process served, kept as objects so a hit costs no unpickling.

    A key names one version of one page and never another, so this copy is never stale
    with respect to the database; it expires with the shared cache's timeout (for the
    "2 hours ago" in the page), and holds at most `size` pages.
    """

    def __init__(self, link: CacheLink, size: int) -> None:
        self.link = link
        self.size = size
        self._pages: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self._lock:
            expires, page = self._pages.get(key, (0.0, None))
            if page is not None and expires > time.monotonic():
                self._pages.move_to_end(key)
                return page
        page = self.link.get(key)
        if page is not None and self.size:
            timeout = current_app.config["CACHE_DEFAULT_TIMEOUT"]
            with self._lock:
                self._pages[key] = (time.monotonic() + timeout, page)
                while len(self._pages) > self.size:
                    self._pages.popitem(last=False)
        return page

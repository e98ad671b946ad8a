"""A small store in the process: the last `size` values put in it, each for a given time."""

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable


class Memo:
    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            expires, value = self._values.get(key, (0.0, None))
            if value is None or expires < time.monotonic():
                return None
            self._values.move_to_end(key)
            return value

    def put(self, key: Hashable, value: object, timeout: float) -> None:
        if not self.size:
            return
        with self._lock:
            self._values[key] = (time.monotonic() + timeout, value)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

"""A circuit breaker: after a dependency failed, skip it for a while, letting one caller at a time probe it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Breaker:
    """Say whether to try a dependency now: not for `rest_seconds` after a failure, then one probe at a time."""

    def __init__(self, rest_seconds: float, probe_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.rest_seconds, self.probe_seconds, self.clock = rest_seconds, probe_seconds, clock
        self._until = 0.0  # no tries before this moment; 0 when the dependency last answered
        self._lock = threading.Lock()

    def resting(self) -> bool:
        """Whether to skip the dependency; a caller told False after a failure is the probe for the others."""
        with self._lock:
            now = self.clock()
            if now < self._until:
                return True
            if self._until:
                self._until = now + self.probe_seconds
            return False

    def failed(self) -> None:
        """The dependency failed: rest."""
        with self._lock:
            self._until = self.clock() + self.rest_seconds

    def answered(self) -> None:
        """The dependency answered: try it every time again."""
        with self._lock:
            self._until = 0.0

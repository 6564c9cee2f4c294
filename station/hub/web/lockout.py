"""Five wrong PINs lock a client out for a minute.

Counted per client address. The fifth wrong PIN in a row starts the lock;
while it lasts every login from that client, right PIN or not, is refused
(HTTP 429), and when it ends the count starts again from nothing. A right
PIN clears the count.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

#: Wrong PINs in a row before the lock. With 10 000 four-digit PINs and five
#: tries a minute, guessing takes about 17 hours on average.
MAX_WRONG_PINS = 5
#: How long the lock lasts, in seconds.
LOCKOUT_S = 60.0


@dataclass
class Lockout:
    """Wrong PINs per client, on a monotonic clock.

        lockout = Lockout()
        if lockout.locked_for_s(ip): refuse...
        lockout.wrong(ip)
    """

    max_wrong: int = MAX_WRONG_PINS
    lockout_s: float = LOCKOUT_S
    clock_s: Callable[[], float] = time.monotonic
    _wrong: dict[str, int] = field(default_factory=dict)
    _until_s: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def locked_for_s(self, client: str) -> float:
        """Seconds left of this client's lock; 0 when it may try."""
        with self._lock:
            until_s = self._until_s.get(client)
            if until_s is None:
                return 0.0
            left_s = until_s - self.clock_s()
            if left_s > 0:
                return left_s
            del self._until_s[client]
            return 0.0

    def wrong(self, client: str) -> bool:
        """Count a wrong PIN; True when this one starts the lock."""
        with self._lock:
            count = self._wrong.get(client, 0) + 1
            if count < self.max_wrong:
                self._wrong[client] = count
                return False
            self._wrong.pop(client, None)
            self._until_s[client] = self.clock_s() + self.lockout_s
            return True

    def right(self, client: str) -> None:
        with self._lock:
            self._wrong.pop(client, None)

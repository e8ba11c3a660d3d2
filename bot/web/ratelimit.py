"""Login rate limiting: failed attempts per client address and per e-mail."""

from __future__ import annotations

import time
from collections import defaultdict, deque


class LoginLimiter:
    """Failed logins per client address and per e-mail within a sliding window.

    In memory: one web app process serves the staff (a second replica would need Redis).
    """

    def __init__(self, per_email: int = 5, per_address: int = 20, window: float = 900.0):
        self.per_email = per_email
        self.per_address = per_address
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        return stamps

    def retry_after(self, address: str, email: str, now: float | None = None) -> int | None:
        """Seconds until another attempt is allowed, or None if allowed now."""
        now = time.monotonic() if now is None else now
        waits = []
        for key, limit in ((f"a:{address}", self.per_address), (f"e:{email}", self.per_email)):
            stamps = self._recent(key, now)
            if len(stamps) >= limit:
                waits.append(int(stamps[0] + self.window - now) + 1)
        return max(waits) if waits else None

    def failed(self, address: str, email: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._failures[f"a:{address}"].append(now)
        self._failures[f"e:{email}"].append(now)

    def succeeded(self, email: str) -> None:
        self._failures.pop(f"e:{email}", None)

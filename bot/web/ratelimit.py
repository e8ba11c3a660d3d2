"""Login rate limiting: failed attempts per client address and per e-mail.

Two implementations of one small interface: in memory (the embedded default, one web app
process) and in Redis (REDIS_URL set: every web app process sees the same counts).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.settings import redis_prefix

log = logging.getLogger(__name__)

PER_EMAIL = 5
PER_ADDRESS = 20
WINDOW = 900.0  # seconds


class LoginLimiter(Protocol):
    async def retry_after(self, address: str, email: str,
                          now: float | None = None) -> int | None:
        """Seconds until another attempt is allowed, or None if allowed now."""

    async def failed(self, address: str, email: str, now: float | None = None) -> None:
        """Count a failed attempt against the address and the e-mail."""

    async def succeeded(self, email: str) -> None:
        """Forget the e-mail's failures (the address keeps its count)."""


def _wait(stamps: Sequence[float], limit: int, window: float, now: float) -> int | None:
    """Seconds until fewer than `limit` of the (ascending, in-window) stamps remain."""
    if len(stamps) < limit:
        return None
    return int(stamps[len(stamps) - limit] + window - now) + 1


class _Limits:
    """What both implementations count: failures per address and per e-mail in a window."""

    def __init__(self, per_email: int = PER_EMAIL, per_address: int = PER_ADDRESS,
                 window: float = WINDOW):
        self.per_email = per_email
        self.per_address = per_address
        self.window = window

    def _counted(self, address: str, email: str) -> tuple[tuple[str, str, int], ...]:
        """(kind, value, limit) of every count a login attempt goes against."""
        return (("a", address, self.per_address), ("e", email, self.per_email))


class MemoryLoginLimiter(_Limits):
    """Failed logins in this process's memory (monotonic clock); enough for one web process."""

    def __init__(self, per_email: int = PER_EMAIL, per_address: int = PER_ADDRESS,
                 window: float = WINDOW):
        super().__init__(per_email, per_address, window)
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        return stamps

    async def retry_after(self, address: str, email: str,
                          now: float | None = None) -> int | None:
        now = time.monotonic() if now is None else now
        waits = [wait for kind, value, limit in self._counted(address, email)
                 if (wait := _wait(self._recent(f"{kind}:{value}", now), limit, self.window, now))
                 is not None]
        return max(waits) if waits else None

    async def failed(self, address: str, email: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for kind, value, _ in self._counted(address, email):
            self._failures[f"{kind}:{value}"].append(now)

    async def succeeded(self, email: str) -> None:
        self._failures.pop(f"e:{email}", None)


class RedisLoginLimiter(_Limits):
    """Failed logins in Redis, shared by all web processes: one sorted set per address and per
    e-mail, members scored by wall-clock time (the processes share no monotonic clock), each key
    expiring one window after its last failure.

    Fails open: if Redis cannot be reached, the attempt is allowed and a warning logged. Locking
    every staff member out because a cache is down is worse than a few unthrottled guesses
    (passwords are still checked, and the outage is visible in the logs).
    """

    def __init__(self, client: Redis, prefix: str = "expatdesk:login:",
                 per_email: int = PER_EMAIL, per_address: int = PER_ADDRESS,
                 window: float = WINDOW):
        super().__init__(per_email, per_address, window)
        self.client = client
        self.prefix = prefix

    def _key(self, kind: str, value: str) -> str:
        # Hashed: key names are listed by anyone with access to Redis; addresses are personal data.
        return f"{self.prefix}{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"

    def _keys(self, address: str, email: str) -> tuple[tuple[str, int], ...]:
        return tuple((self._key(kind, value), limit)
                     for kind, value, limit in self._counted(address, email))

    async def retry_after(self, address: str, email: str,
                          now: float | None = None) -> int | None:
        now = time.time() if now is None else now
        keys = self._keys(address, email)
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                for key, _ in keys:
                    pipe.zremrangebyscore(key, "-inf", now - self.window)
                    pipe.zrange(key, 0, -1, withscores=True)
                replies = await pipe.execute()
        except RedisError as error:  # fail open (class docstring): never lock staff out
            log.warning("login limiter: Redis unreachable, allowing the attempt (%s)", error)
            return None
        waits = [wait for (_, limit), members in zip(keys, replies[1::2])
                 if (wait := _wait([score for _, score in members], limit, self.window, now))
                 is not None]
        return max(waits) if waits else None

    async def failed(self, address: str, email: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        # A random suffix keeps two failures in the same instant two members.
        member = f"{now!r}:{secrets.token_hex(4)}"
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                for key, _ in self._keys(address, email):
                    pipe.zremrangebyscore(key, "-inf", now - self.window)
                    pipe.zadd(key, {member: now})
                    pipe.expire(key, int(self.window) + 1)
                await pipe.execute()
        except RedisError as error:
            log.warning("login limiter: Redis unreachable, failure not counted (%s)", error)

    async def succeeded(self, email: str) -> None:
        try:
            await self.client.delete(self._key("e", email))
        except RedisError as error:
            log.warning("login limiter: Redis unreachable, failures not cleared (%s)", error)


def redis_client(url: str) -> tuple[Redis, str]:
    """A client for REDIS_URL and the key namespace its `?prefix=` names (bot.settings.redis_prefix).

    REDIS_URL is shared with Rasa's lock store (bot/tools/stack.py), whose `prefix` option
    redis-py does not know: left in the URL it fails every command, so it is taken off here.
    Short timeouts: a Redis that does not answer must not hold up the login page.
    """
    parts = urlsplit(url)
    rest = urlencode([(name, value) for name, value in parse_qsl(parts.query) if name != "prefix"])
    client = Redis.from_url(urlunsplit(parts._replace(query=rest)),
                            socket_connect_timeout=2, socket_timeout=2)
    return client, redis_prefix(url)

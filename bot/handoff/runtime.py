"""What the action server's hand-off actions need, created on first use (not at import).

Actions accept `sessionmaker=` / `settings=` in their constructor (tests pass real test
databases); the action server constructs them without arguments and gets these.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.base import utcnow
from bot.settings import Settings


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    return Settings.from_env()


@lru_cache(maxsize=1)
def default_sessionmaker() -> async_sessionmaker[AsyncSession]:
    from bot.db.session import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(default_settings().database_url, pool_pre_ping=True))


class HandoffDeps:
    """Mixin (not an Action, so never registered on its own)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
        settings: Settings | None = None,
        clock=None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._settings = settings
        self._clock = clock

    @property
    def sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        return self._sessionmaker or default_sessionmaker()

    @property
    def settings(self) -> Settings:
        return self._settings or default_settings()

    def now(self) -> datetime:
        return self._clock() if self._clock else utcnow()

"""Server-side staff sessions. The cookie holds a random token; the table holds its sha256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.db.models import StaffSession, StaffUser

SESSION_LIFETIME = timedelta(hours=12)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_session(
    session: AsyncSession, user: StaffUser, now: datetime
) -> tuple[str, StaffSession]:
    """Returns (cookie token, row). Expired sessions are purged on the way."""
    await session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    row = StaffSession(id=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                       created_at=now, expires_at=now + SESSION_LIFETIME)
    session.add(row)
    await session.flush()
    return token, row


async def load_session(
    session: AsyncSession, token: str, now: datetime
) -> StaffSession | None:
    """The live session for a cookie token, with its (active) user loaded."""
    row = await session.scalar(
        select(StaffSession)
        .options(joinedload(StaffSession.user))
        .where(StaffSession.id == _digest(token))
    )
    if row is None or row.expires_at <= now or not row.user.active:
        return None
    return row


async def end_session(session: AsyncSession, token: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.id == _digest(token)))

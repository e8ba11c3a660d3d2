"""Audit log of staff actions: who changed what, when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import AuditLog, StaffUser


async def record(
    session: AsyncSession,
    staff_user_id: int | None,
    action: str,
    target: str | None = None,
    detail: dict | None = None,
    now: datetime | None = None,
) -> AuditLog:
    """One entry, at `now` (default: the one clock, bot.db.base.utcnow)."""
    entry = AuditLog(staff_user_id=staff_user_id, action=action, target=target, detail=detail,
                     created_at=now or utcnow())
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True)
class AuditRow:
    created_at: datetime
    email: str | None
    action: str
    target: str | None
    detail: dict | None


async def recent(
    session: AsyncSession, *, target: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[AuditRow], int]:
    where = [AuditLog.target == target] if target else []
    total = await session.scalar(select(func.count()).select_from(AuditLog).where(*where))
    rows = await session.execute(
        select(AuditLog, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == AuditLog.staff_user_id)
        .where(*where)
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        AuditRow(entry.created_at, email, entry.action, entry.target, entry.detail)
        for entry, email in rows
    ], total or 0

"""Consultation slots: which are free, in pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Booking, ConsultationSlot

PAGE_SIZE = 4


@dataclass(frozen=True)
class FreeSlot:
    id: int
    start: datetime
    end: datetime

    @classmethod
    def of(cls, slot: ConsultationSlot) -> "FreeSlot":
        return cls(slot.id, slot.start, slot.end)


def _free(now: datetime):
    return (
        select(ConsultationSlot)
        .outerjoin(Booking, Booking.slot_id == ConsultationSlot.id)
        .where(Booking.id.is_(None), ConsultationSlot.start > now)
    )


async def next_free_slots(
    session: AsyncSession, now: datetime, *, page: int = 0, page_size: int = PAGE_SIZE,
    exclude: int | None = None,
) -> list[FreeSlot]:
    """Free future slots, earliest first; `page` 0 is the first `page_size` of them."""
    query = _free(now)
    if exclude is not None:
        query = query.where(ConsultationSlot.id != exclude)
    rows = await session.scalars(
        query.order_by(ConsultationSlot.start).offset(page * page_size).limit(page_size)
    )
    return [FreeSlot.of(s) for s in rows]


async def has_more_free_slots(
    session: AsyncSession, now: datetime, *, page: int, page_size: int = PAGE_SIZE
) -> bool:
    rows = await session.scalars(
        _free(now).order_by(ConsultationSlot.start).offset((page + 1) * page_size).limit(1)
    )
    return rows.first() is not None


async def _first_free(session: AsyncSession, now: datetime, condition) -> FreeSlot | None:
    slot = (await session.scalars(_free(now).where(condition))).first()
    return FreeSlot.of(slot) if slot else None


async def free_slot_at(session: AsyncSession, start: datetime, now: datetime) -> FreeSlot | None:
    """The free future slot starting at `start` (what a slot button sends back)."""
    return await _first_free(session, now, ConsultationSlot.start == start)


async def free_slot(session: AsyncSession, slot_id: int, now: datetime) -> FreeSlot | None:
    """The free future slot with this id."""
    return await _first_free(session, now, ConsultationSlot.id == slot_id)

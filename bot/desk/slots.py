"""Consultation slots for the staff: upcoming (free and booked), create single/weekly, delete free."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Booking, ConsultationSlot, Ticket
from bot.staff import Invalid, NotFound, audit

MAX_WEEKS = 52


@dataclass(frozen=True)
class SlotRow:
    id: int
    start: datetime
    end: datetime
    reference: str | None  # the booking's ticket, None when free


async def upcoming(session: AsyncSession, now: datetime, limit: int = 500) -> list[SlotRow]:
    rows = await session.execute(
        select(ConsultationSlot, Ticket.reference)
        .outerjoin(Booking, Booking.slot_id == ConsultationSlot.id)
        .outerjoin(Ticket, Ticket.id == Booking.ticket_id)
        .where(ConsultationSlot.end > now)
        .order_by(ConsultationSlot.start)
        .limit(limit)
    )
    return [SlotRow(slot.id, slot.start, slot.end, reference) for slot, reference in rows]


def weekly_starts(first: date, at: time, weeks: int, zone: ZoneInfo) -> list[datetime]:
    """Local wall-clock time kept across DST changes, returned in UTC-aware datetimes."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise Invalid("invalid_slot")
    return [datetime.combine(first + timedelta(weeks=n), at, zone) for n in range(weeks)]


async def create_slots(
    session: AsyncSession, starts: list[datetime], duration: timedelta, actor_id: int,
    now: datetime,
) -> tuple[int, int]:
    """Create one slot per start (skipping existing starts). Returns (created, skipped)."""
    if not timedelta(minutes=5) <= duration <= timedelta(hours=8) or not starts:
        raise Invalid("invalid_slot")
    if any(start <= now for start in starts):
        raise Invalid("invalid_slot")
    existing = set(await session.scalars(
        select(ConsultationSlot.start).where(ConsultationSlot.start.in_(starts))
    ))
    existing = {value.timestamp() for value in existing}
    created = [start for start in starts if start.timestamp() not in existing]
    session.add_all(ConsultationSlot(start=start, end=start + duration) for start in created)
    await session.flush()
    if created:
        await audit.record(session, actor_id, "slot_create", None, {
            "count": len(created), "first": created[0].isoformat(),
            "minutes": int(duration.total_seconds() // 60),
        })
    return len(created), len(starts) - len(created)


async def delete_free_slot(session: AsyncSession, slot_id: int, actor_id: int) -> None:
    slot = await session.get(ConsultationSlot, slot_id, with_for_update=True)
    if slot is None:
        raise NotFound(str(slot_id))
    booked = await session.scalar(select(Booking.id).where(Booking.slot_id == slot_id))
    if booked is not None:
        raise Invalid("slot_booked_cannot_delete")
    await session.delete(slot)
    await audit.record(session, actor_id, "slot_delete", f"slot:{slot_id}",
                       {"start": slot.start.isoformat()})

"""Consultation slots: which are free (the chat offers them in pages), the staff's view of
upcoming ones (free and booked), creating single or weekly ones, deleting free ones.

A slot is booked while a booking points at it (`booking.slot_id`, unique, NULL once cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Booking, ConsultationSlot, Ticket
from bot.desk import audit
from bot.desk.errors import Invalid, NotFound
from bot.desk.modes import DEFAULT_MODE, MODES

PAGE_SIZE = 4
MAX_WEEKS = 52
MIN_DURATION, MAX_DURATION = timedelta(minutes=5), timedelta(hours=8)


@dataclass(frozen=True)
class FreeSlot:
    id: int
    start: datetime
    end: datetime
    mode: str = DEFAULT_MODE  # bot.desk.modes

    @classmethod
    def of(cls, slot: ConsultationSlot) -> FreeSlot:
        return cls(slot.id, slot.start, slot.end, slot.mode)


def with_booking(statement: Select) -> Select:
    """`statement` over slots, joined with the live booking of each (if any)."""
    return statement.outerjoin(Booking, Booking.slot_id == ConsultationSlot.id)


def _free(now: datetime, mode: str | None = None) -> Select:
    """Free future slots; with a `mode` (bot.desk.modes) only those of that mode."""
    statement = with_booking(select(ConsultationSlot)).where(
        Booking.id.is_(None), ConsultationSlot.start > now)
    return statement if mode is None else statement.where(ConsultationSlot.mode == mode)


async def is_booked(session: AsyncSession, slot_id: int) -> bool:
    return await session.scalar(select(Booking.id).where(Booking.slot_id == slot_id)) is not None


async def next_free_slots(
    session: AsyncSession, now: datetime, *, page: int = 0, page_size: int = PAGE_SIZE,
    mode: str | None = None,
) -> list[FreeSlot]:
    """Free future slots (of `mode`, if given), earliest first; `page` 0 is the first
    `page_size` of them."""
    rows = await session.scalars(
        _free(now, mode).order_by(ConsultationSlot.start).offset(page * page_size).limit(page_size)
    )
    return [FreeSlot.of(s) for s in rows]


async def has_more_free_slots(
    session: AsyncSession, now: datetime, *, page: int, page_size: int = PAGE_SIZE,
    mode: str | None = None,
) -> bool:
    rows = await session.scalars(
        _free(now, mode).order_by(ConsultationSlot.start).offset((page + 1) * page_size).limit(1)
    )
    return rows.first() is not None


async def _first_free(
    session: AsyncSession, now: datetime, condition, mode: str | None
) -> FreeSlot | None:
    slot = (await session.scalars(_free(now, mode).where(condition))).first()
    return FreeSlot.of(slot) if slot else None


async def free_slot_at(
    session: AsyncSession, start: datetime, now: datetime, mode: str | None = None
) -> FreeSlot | None:
    """The free future slot starting at `start` (what a slot button sends back)."""
    return await _first_free(session, now, ConsultationSlot.start == start, mode)


async def free_slot(
    session: AsyncSession, slot_id: int, now: datetime, mode: str | None = None
) -> FreeSlot | None:
    """The free future slot with this id."""
    return await _first_free(session, now, ConsultationSlot.id == slot_id, mode)


async def free_slots_between(
    session: AsyncSession, now: datetime, first: datetime, last: datetime,
    mode: str | None = None, limit: int = 200,
) -> list[FreeSlot]:
    """Free slots starting in [first, last] (of `mode`, if given), earliest first: the
    candidates a time wish is matched against (bot.desk.slot_choice)."""
    rows = await session.scalars(
        _free(now, mode).where(ConsultationSlot.start >= first, ConsultationSlot.start <= last)
        .order_by(ConsultationSlot.start).limit(limit)
    )
    return [FreeSlot.of(s) for s in rows]


@dataclass(frozen=True)
class SlotRow:
    id: int
    start: datetime
    end: datetime
    reference: str | None  # the booking's ticket, None when free
    mode: str = DEFAULT_MODE


async def upcoming(session: AsyncSession, now: datetime, limit: int = 500) -> list[SlotRow]:
    rows = await session.execute(
        with_booking(select(ConsultationSlot, Ticket.reference))
        .outerjoin(Ticket, Ticket.id == Booking.ticket_id)
        .where(ConsultationSlot.end > now)
        .order_by(ConsultationSlot.start)
        .limit(limit)
    )
    return [SlotRow(slot.id, slot.start, slot.end, reference, slot.mode)
            for slot, reference in rows]


async def slot_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ConsultationSlot)) or 0


def weekly_starts(first: date, at: time, weeks: int, zone: ZoneInfo) -> list[datetime]:
    """Local wall-clock time kept across DST changes, returned in UTC-aware datetimes."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise Invalid("invalid_slot")
    return [datetime.combine(first + timedelta(weeks=n), at, zone) for n in range(weeks)]


async def add_missing_slots(
    session: AsyncSession, starts: list[datetime], duration: timedelta, mode: str = DEFAULT_MODE,
) -> list[datetime]:
    """One slot per start that has none yet (one slot per start time); returns the new starts."""
    existing = {value.timestamp() for value in await session.scalars(
        select(ConsultationSlot.start).where(ConsultationSlot.start.in_(starts))
    )}
    created = [start for start in starts if start.timestamp() not in existing]
    session.add_all(ConsultationSlot(start=start, end=start + duration, mode=mode)
                    for start in created)
    await session.flush()
    return created


async def create_slots(
    session: AsyncSession, starts: list[datetime], duration: timedelta, actor_id: int,
    now: datetime, mode: str = DEFAULT_MODE,
) -> tuple[int, int]:
    """Staff create future slots of one mode (skipping existing starts).
    Returns (created, skipped)."""
    if not MIN_DURATION <= duration <= MAX_DURATION or not starts or mode not in MODES:
        raise Invalid("invalid_slot")
    if any(start <= now for start in starts):
        raise Invalid("invalid_slot")
    created = await add_missing_slots(session, starts, duration, mode)
    if created:
        await audit.record(session, actor_id, "slot_create", None, {
            "count": len(created), "first": created[0].isoformat(),
            "minutes": int(duration.total_seconds() // 60), "mode": mode,
        })
    return len(created), len(starts) - len(created)


async def delete_free_slot(session: AsyncSession, slot_id: int, actor_id: int) -> None:
    slot = await session.get(ConsultationSlot, slot_id, with_for_update=True)
    if slot is None:
        raise NotFound(str(slot_id))
    if await is_booked(session, slot_id):
        raise Invalid("slot_booked_cannot_delete")
    await session.delete(slot)
    await audit.record(session, actor_id, "slot_delete", f"slot:{slot_id}",
                       {"start": slot.start.isoformat()})

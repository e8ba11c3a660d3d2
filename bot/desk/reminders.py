"""The reminder mail 24 h before a booked consultation: which bookings are due, and the
atomic claim that makes each reminder go out once, however many schedulers run.

A scheduler run claims a booking with one conditional UPDATE (`reminder_claimed_at = now`
only where no reminder for this start was sent and no live claim exists) and sends only if
its UPDATE changed the row. After the mail it marks the booking reminded of that start; if
the mail failed it releases the claim, so the next round tries again. A run that dies
between claim and mail leaves a claim that expires after CLAIM_LEASE: nothing is lost.
A moved booking is reminded of its new start (`reminded_start` names the one announced).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Booking, ConsultationSlot, Ticket
from bot.desk.contact import Confirmation

REMIND_BEFORE = timedelta(hours=24)
CLAIM_LEASE = timedelta(minutes=15)


def _due(now: datetime):
    """Live bookings starting within REMIND_BEFORE, not reminded of this start, not claimed."""
    return (
        Booking.slot_id.is_not(None),
        Booking.start > now,
        Booking.start <= now + REMIND_BEFORE,
        or_(Booking.reminded_start.is_(None), Booking.reminded_start != Booking.start),
        or_(Booking.reminder_claimed_at.is_(None),
            Booking.reminder_claimed_at < now - CLAIM_LEASE),
    )


async def due_bookings(session: AsyncSession, now: datetime) -> list[int]:
    """Ids of the bookings whose reminder is due now, earliest first. Not those booked
    within REMIND_BEFORE of their start: their confirmation mail is fresh."""
    rows = await session.execute(
        select(Booking.id, Booking.start, Booking.created_at).where(*_due(now))
        .order_by(Booking.start)
    )
    return [id_ for id_, start, created in rows if created <= start - REMIND_BEFORE]


async def claim(session: AsyncSession, booking_id: int, now: datetime) -> Confirmation | None:
    """The booking's confirmation if this caller won the right to send its reminder (commit
    before sending); None if another run has it, or it is not due any more."""
    result = await session.execute(
        update(Booking).where(Booking.id == booking_id, *_due(now))
        .values(reminder_claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    ticket, booking, mode = (await session.execute(
        select(Ticket, Booking, ConsultationSlot.mode)
        .join(Booking, Booking.ticket_id == Ticket.id)
        .join(ConsultationSlot, ConsultationSlot.id == Booking.slot_id)
        .where(Booking.id == booking_id)
    )).one()
    return Confirmation.of(ticket, booking, mode)


async def mark_sent(session: AsyncSession, booking_id: int, start: datetime, now: datetime) -> None:
    """The reminder for `start` went out (whoever holds a claim now: it is done)."""
    await session.execute(
        update(Booking).where(Booking.id == booking_id)
        .values(reminded_start=start, reminder_sent_at=now, reminder_claimed_at=None)
        .execution_options(synchronize_session=False)
    )


async def release(session: AsyncSession, booking_id: int, claimed_at: datetime) -> None:
    """The mail failed: give the claim back so the next round retries."""
    await session.execute(
        update(Booking).where(Booking.id == booking_id, Booking.reminder_claimed_at == claimed_at)
        .values(reminder_claimed_at=None)
        .execution_options(synchronize_session=False)
    )

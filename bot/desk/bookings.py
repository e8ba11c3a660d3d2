"""Bookings of consultation slots: booking, finding, cancelling and moving, inside the
caller's transaction.

Double booking is impossible by construction: `booking.slot_id` is unique (NULL once
cancelled). On PostgreSQL the slot row is also locked (`SELECT … FOR UPDATE`) so that
concurrent requests for one slot queue up instead of failing late; on SQLite the writes
are serialised by the database lock and the unique constraint decides. Either way a
lost race raises `SlotTaken` and the caller's transaction rolls back completely.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Booking, ConsultationSlot, Ticket, TicketNote
from bot.desk.contact import Confirmation
from bot.desk.slots import is_booked
from bot.desk.ticket_status import CANCELLED


class SlotTaken(Exception):
    """The chosen slot is booked (or gone, or in the past)."""


class BookingNotFound(Exception):
    """No live booking for this reference and e-mail address."""


def _utc(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def cancellation_note(booking: Booking) -> str:
    """The ticket note of a cancellation, whoever cancelled (the note's author says who)."""
    return f"Booking cancelled ({_utc(booking.start)}); the slot is free again."


async def lock_free_slot(session: AsyncSession, slot_id: int, now: datetime) -> ConsultationSlot:
    slot = await session.scalar(
        select(ConsultationSlot).where(ConsultationSlot.id == slot_id).with_for_update()
    )
    if slot is None or slot.start <= now or await is_booked(session, slot_id):
        raise SlotTaken(slot_id)
    return slot


async def _claim(session: AsyncSession, slot_id: int) -> None:
    try:
        await session.flush()
    except IntegrityError as error:  # another transaction won the race for this slot
        raise SlotTaken(slot_id) from error


async def book(session: AsyncSession, ticket: Ticket, slot: ConsultationSlot) -> Confirmation:
    """The ticket's booking of a slot locked by `lock_free_slot`."""
    booking = Booking(slot_id=slot.id, ticket_id=ticket.id, start=slot.start, end=slot.end)
    session.add(booking)
    await _claim(session, slot.id)
    return Confirmation.of(ticket, booking, slot.mode)


def is_live(booking: Booking | None) -> bool:
    """A booking that still holds its slot."""
    return booking is not None and booking.slot_id is not None


async def _live_booking(
    session: AsyncSession, reference: str, email: str, *, lock: bool = True
) -> tuple[Ticket, Booking]:
    query = (
        select(Ticket, Booking)
        .join(Booking, Booking.ticket_id == Ticket.id)
        .where(
            Ticket.reference == reference,
            func.lower(Ticket.email) == email.strip().lower(),
            Booking.slot_id.is_not(None),
        )
    )
    row = (await session.execute(query.with_for_update() if lock else query)).first()
    if row is None:
        raise BookingNotFound(reference)
    return row[0], row[1]


async def find_live_booking(session: AsyncSession, reference: str, email: str) -> Confirmation:
    """The booking a client refers to by reference and e-mail (raises `BookingNotFound`)."""
    ticket, booking = await _live_booking(session, reference, email, lock=False)
    return Confirmation.of(ticket, booking)


async def cancel(
    session: AsyncSession, ticket: Ticket, booking: Booking, now: datetime,
    author_id: int | None = None,
) -> Confirmation:
    """THE cancellation, from the chat and from the staff app alike: the slot is free again,
    the ticket is cancelled and keeps a note of it (author: the staff user, None for the
    client). After the commit the caller mails the client (bot.handoff.mail.mail_client)."""
    booking.slot_id = None
    booking.cancelled_at = now
    ticket.status = CANCELLED
    session.add(TicketNote(ticket_id=ticket.id, author_id=author_id,
                           text=cancellation_note(booking), created_at=now))
    await session.flush()
    return Confirmation.of(ticket, booking)


async def cancel_by_client(
    session: AsyncSession, reference: str, email: str, now: datetime
) -> Confirmation:
    """The client cancels by reference and e-mail (raises `BookingNotFound`)."""
    ticket, booking = await _live_booking(session, reference, email)
    return await cancel(session, ticket, booking, now)


async def reschedule_by_client(
    session: AsyncSession, reference: str, email: str, new_slot_id: int, now: datetime
) -> Confirmation:
    """Moves a live booking to another free slot (the old slot becomes free)."""
    ticket, booking = await _live_booking(session, reference, email)
    slot = await lock_free_slot(session, new_slot_id, now)
    old_start = booking.start
    booking.slot_id, booking.start, booking.end = slot.id, slot.start, slot.end
    session.add(TicketNote(
        ticket_id=ticket.id, created_at=now,
        text=f"Rescheduled by the client in the chat: {_utc(old_start)} → {_utc(slot.start)}.",
    ))
    await _claim(session, slot.id)
    return Confirmation.of(ticket, booking, slot.mode)

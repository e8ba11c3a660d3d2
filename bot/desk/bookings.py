"""Tickets, bookings, cancellations and rescheduling, inside the caller's transaction.

Double booking is impossible by construction: `booking.slot_id` is unique (NULL once
cancelled). On PostgreSQL the slot row is also locked (`SELECT … FOR UPDATE`) so that
concurrent requests for one slot queue up instead of failing late; on SQLite the writes
are serialised by the database lock and the unique constraint decides. Either way a
lost race raises `SlotTaken` and the caller's transaction rolls back completely.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Booking, ConsultationSlot, Ticket, TicketNote, TranscriptEntry
from bot.handoff.references import new_reference
from bot.handoff.transcript import Line


class SlotTaken(Exception):
    """The chosen slot is booked (or gone, or in the past)."""


class BookingNotFound(Exception):
    """No live booking for this reference and e-mail address."""


@dataclass(frozen=True)
class Contact:
    language: str
    client_type: str | None
    name: str | None
    email: str | None
    company: str | None = None
    topic: str | None = None
    consultation_language: str | None = None
    conversation_id: str | None = None


@dataclass(frozen=True)
class Confirmation:
    reference: str
    start: datetime | None = None
    end: datetime | None = None
    contact: Contact | None = None


async def _lock_free_slot(session: AsyncSession, slot_id: int, now: datetime) -> ConsultationSlot:
    slot = await session.scalar(
        select(ConsultationSlot).where(ConsultationSlot.id == slot_id).with_for_update()
    )
    if slot is None or slot.start <= now:
        raise SlotTaken(slot_id)
    taken = await session.scalar(select(Booking.id).where(Booking.slot_id == slot_id))
    if taken is not None:
        raise SlotTaken(slot_id)
    return slot


async def _unused_reference(session: AsyncSession, make: Callable[[], str]) -> str:
    for _ in range(20):
        reference = make()
        if await session.scalar(select(Ticket.id).where(Ticket.reference == reference)) is None:
            return reference
    raise RuntimeError("no unused ticket reference after 20 tries")


async def _claim(session: AsyncSession, slot_id: int) -> None:
    try:
        await session.flush()
    except IntegrityError as error:  # another transaction won the race for this slot
        raise SlotTaken(slot_id) from error


async def create_ticket(
    session: AsyncSession,
    contact: Contact,
    transcript: Sequence[Line],
    now: datetime,
    *,
    slot_id: int | None = None,
    make_reference: Callable[[], str] = new_reference,
) -> Confirmation:
    """A ticket with its transcript, and a booking of `slot_id` if given.

    Without a slot the ticket asks staff to call back (`callback_requested`).
    """
    slot = await _lock_free_slot(session, slot_id, now) if slot_id is not None else None
    ticket = Ticket(
        reference=await _unused_reference(session, make_reference),
        status="open",
        language=contact.language,
        topic=contact.topic,
        client_type=contact.client_type,
        name=contact.name,
        company=contact.company,
        email=contact.email,
        consultation_language=contact.consultation_language,
        conversation_id=contact.conversation_id,
        callback_requested=slot is None,
    )
    session.add(ticket)
    await session.flush()
    session.add_all(
        TranscriptEntry(
            ticket_id=ticket.id, position=position, sender=line.sender, text=line.text,
            timestamp=line.timestamp, intent=line.intent, confidence=line.confidence,
        )
        for position, line in enumerate(transcript)
    )
    if slot is None:
        await session.flush()
        return Confirmation(ticket.reference, contact=contact)
    session.add(Booking(slot_id=slot.id, ticket_id=ticket.id, start=slot.start, end=slot.end))
    await _claim(session, slot.id)
    return Confirmation(ticket.reference, slot.start, slot.end, contact)


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


def _contact(ticket: Ticket) -> Contact:
    return Contact(
        language=ticket.language, client_type=ticket.client_type, name=ticket.name,
        email=ticket.email, company=ticket.company, topic=ticket.topic,
        consultation_language=ticket.consultation_language,
        conversation_id=ticket.conversation_id,
    )


async def find_live_booking(session: AsyncSession, reference: str, email: str) -> Confirmation:
    """The booking a user refers to (raises `BookingNotFound`)."""
    ticket, booking = await _live_booking(session, reference, email, lock=False)
    return Confirmation(ticket.reference, booking.start, booking.end, _contact(ticket))


async def cancel_booking(
    session: AsyncSession, reference: str, email: str, now: datetime
) -> Confirmation:
    """Frees the slot; the ticket is marked cancelled and keeps a note of it."""
    ticket, booking = await _live_booking(session, reference, email)
    booking.slot_id = None
    booking.cancelled_at = now
    ticket.status = "cancelled"
    session.add(TicketNote(ticket_id=ticket.id, text="Booking cancelled by the client in the chat."))
    await session.flush()
    return Confirmation(ticket.reference, booking.start, booking.end, _contact(ticket))


async def reschedule_booking(
    session: AsyncSession, reference: str, email: str, new_slot_id: int, now: datetime
) -> Confirmation:
    """Moves a live booking to another free slot (the old slot becomes free)."""
    ticket, booking = await _live_booking(session, reference, email)
    slot = await _lock_free_slot(session, new_slot_id, now)
    old_start = booking.start
    booking.slot_id, booking.start, booking.end = slot.id, slot.start, slot.end
    session.add(
        TicketNote(
            ticket_id=ticket.id,
            text=f"Rescheduled by the client in the chat: {old_start:%Y-%m-%d %H:%M} UTC → "
            f"{slot.start:%Y-%m-%d %H:%M} UTC.",
        )
    )
    await _claim(session, slot.id)
    return Confirmation(ticket.reference, slot.start, slot.end, _contact(ticket))

"""Tickets: created by the chat (with the transcript, and a booking or a call-back request),
worked on by the staff (status workflow, notes, assignment)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import StaffUser, Ticket, TicketNote, TranscriptEntry
from bot.desk import audit, bookings
from bot.desk.contact import Confirmation, Contact
from bot.desk.errors import Invalid, NotFound
from bot.desk.references import new_reference
from bot.desk.ticket_status import CANCELLED, OPEN, allowed


@dataclass(frozen=True)
class Line:
    """One line of the transcript a ticket keeps (bot.handoff.transcript reads them)."""

    sender: str  # "user" | "bot"
    text: str
    timestamp: datetime
    intent: str | None = None
    confidence: float | None = None


async def _unused_reference(session: AsyncSession, make: Callable[[], str]) -> str:
    for _ in range(20):
        reference = make()
        if await session.scalar(select(Ticket.id).where(Ticket.reference == reference)) is None:
            return reference
    raise RuntimeError("no unused ticket reference after 20 tries")


async def create_ticket(
    session: AsyncSession,
    contact: Contact,
    transcript: Sequence[Line],
    now: datetime,
    *,
    slot_id: int | None = None,
    make_reference: Callable[[], str] = new_reference,
) -> Confirmation:
    """A ticket with its transcript, and a booking of `slot_id` if given (raises
    `bookings.SlotTaken`). Without a slot the ticket asks staff to call back."""
    slot = await bookings.lock_free_slot(session, slot_id, now) if slot_id is not None else None
    ticket = Ticket(
        reference=await _unused_reference(session, make_reference),
        status=OPEN,
        language=contact.language,
        topic=contact.topic,
        client_type=contact.client_type,
        name=contact.name,
        company=contact.company,
        email=contact.email,
        consultation_language=contact.consultation_language,
        conversation_id=contact.conversation_id,
        callback_requested=slot is None,
        created_at=now,
        updated_at=now,
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
    return await bookings.book(session, ticket, slot)


def _by_reference(reference: str):
    return Ticket.reference == reference.strip().upper()


async def get_ticket(session: AsyncSession, reference: str) -> Ticket:
    """One ticket with transcript, booking, notes (and authors) and assignee loaded."""
    ticket = await session.scalar(
        select(Ticket)
        .options(
            selectinload(Ticket.transcript),
            selectinload(Ticket.booking),
            selectinload(Ticket.notes).selectinload(TicketNote.author),
            selectinload(Ticket.assigned_to),
        )
        .where(_by_reference(reference))
    )
    if ticket is None:
        raise NotFound(reference)
    return ticket


async def _ticket_for_update(session: AsyncSession, reference: str) -> Ticket:
    ticket = await session.scalar(
        select(Ticket).options(selectinload(Ticket.booking))
        .where(_by_reference(reference))
        .with_for_update()
    )
    if ticket is None:
        raise NotFound(reference)
    return ticket


async def set_status(
    session: AsyncSession, reference: str, status: str, actor_id: int, now: datetime
) -> Confirmation | None:
    """Move along the workflow. Cancelling a ticket with a live booking is the client's
    cancellation (bookings.cancel); its confirmation is returned so that the caller mails
    the client after the commit. Otherwise None."""
    ticket = await _ticket_for_update(session, reference)
    old = ticket.status
    if not allowed(old, status):
        raise Invalid("invalid_transition")
    detail: dict = {"from": old, "to": status}
    cancelled = None
    if status == CANCELLED and bookings.is_live(ticket.booking):
        cancelled = await bookings.cancel(session, ticket, ticket.booking, now, author_id=actor_id)
        detail["booking_cancelled"] = True
    ticket.status = status
    await audit.record(session, actor_id, "ticket_status", ticket.reference, detail, now)
    return cancelled


async def add_note(
    session: AsyncSession, reference: str, text: str, actor_id: int, now: datetime
) -> TicketNote:
    text = text.strip()
    if not text:
        raise Invalid("empty_note")
    ticket = await _ticket_for_update(session, reference)
    note = TicketNote(ticket_id=ticket.id, author_id=actor_id, text=text, created_at=now)
    session.add(note)
    await audit.record(session, actor_id, "ticket_note", ticket.reference, {"length": len(text)},
                       now)
    return note


async def assign(
    session: AsyncSession, reference: str, staff_user_id: int | None, actor_id: int,
    now: datetime,
) -> Ticket:
    ticket = await _ticket_for_update(session, reference)
    assignee = None
    if staff_user_id is not None:
        assignee = await session.get(StaffUser, staff_user_id)
        if assignee is None or not assignee.active:
            raise Invalid("unknown staff user")
    ticket.assigned_to_id = staff_user_id
    await audit.record(session, actor_id, "ticket_assign", ticket.reference,
                       {"to": assignee.email if assignee else None}, now)
    return ticket

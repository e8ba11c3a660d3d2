"""Test data written straight into the app database (tickets as the hand-off would store them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import Booking, ConsultationSlot, Ticket, TranscriptEntry


async def make_ticket(
    session: AsyncSession,
    reference: str,
    *,
    status: str = "open",
    language: str = "en",
    topic: str | None = "blue_card",
    email: str | None = "ada@example.org",
    name: str | None = "Ada Lovelace",
    created_at: datetime | None = None,
    messages: list[tuple[str, str]] | None = None,
    slot_start: datetime | None = None,
) -> Ticket:
    created_at = created_at or utcnow()
    ticket = Ticket(reference=reference, status=status, language=language, topic=topic,
                    client_type="individual", name=name, email=email, consultation_language=language,
                    conversation_id=f"conv-{reference}", created_at=created_at, updated_at=created_at)
    session.add(ticket)
    await session.flush()
    for position, (sender, text) in enumerate(messages or [("user", "Hello"), ("bot", "Hi!")]):
        session.add(TranscriptEntry(
            ticket_id=ticket.id, position=position, sender=sender, text=text,
            timestamp=created_at - timedelta(minutes=5) + timedelta(seconds=position),
            intent="greet" if sender == "user" else None,
            confidence=0.93 if sender == "user" else None,
        ))
    if slot_start is not None:
        slot = ConsultationSlot(start=slot_start, end=slot_start + timedelta(minutes=30))
        session.add(slot)
        await session.flush()
        session.add(Booking(slot_id=slot.id, ticket_id=ticket.id, start=slot.start, end=slot.end))
    await session.flush()
    return ticket

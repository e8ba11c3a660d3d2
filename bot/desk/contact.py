"""Who a ticket is for and what the client is told: the ticket's contact data and the
confirmation (reference, booked time) the chat and the mails show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.models import Booking, Ticket


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

    @classmethod
    def of(cls, ticket: Ticket) -> Contact:
        return cls(
            language=ticket.language, client_type=ticket.client_type, name=ticket.name,
            email=ticket.email, company=ticket.company, topic=ticket.topic,
            consultation_language=ticket.consultation_language,
            conversation_id=ticket.conversation_id,
        )


@dataclass(frozen=True)
class Confirmation:
    reference: str
    start: datetime | None = None
    end: datetime | None = None
    contact: Contact | None = None
    mode: str | None = None  # the booked slot's (bot.desk.modes), when the caller had the slot

    @classmethod
    def of(
        cls, ticket: Ticket, booking: Booking | None = None, mode: str | None = None
    ) -> Confirmation:
        return cls(ticket.reference, booking and booking.start, booking and booking.end,
                   Contact.of(ticket), mode)

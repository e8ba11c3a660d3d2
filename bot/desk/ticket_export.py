"""A ticket as the staff JSON API's object (shared/spec/contracts.md) and as a CSV row."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.models import Booking, Ticket


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def booking_json(booking: Booking | None) -> dict | None:
    if booking is None:
        return None
    return {"start": _iso(booking.start), "end": _iso(booking.end),
            "cancelled_at": _iso(booking.cancelled_at)}


def ticket_json(ticket: Ticket) -> dict:
    """The staff API's ticket (contracts.md): the contract's fields plus contact data."""
    return {
        "reference": ticket.reference,
        "status": ticket.status,
        "language": ticket.language,
        "topic": ticket.topic,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "client_type": ticket.client_type,
        "name": ticket.name,
        "company": ticket.company,
        "email": ticket.email,
        "consultation_language": ticket.consultation_language,
        "callback_requested": ticket.callback_requested,
        "conversation_id": ticket.conversation_id,
        "assigned_to": ticket.assigned_to.email if ticket.assigned_to else None,
        "booking": booking_json(ticket.booking),
        "transcript": [
            {"sender": entry.sender, "text": entry.text, "timestamp": _iso(entry.timestamp),
             "intent": entry.intent, "confidence": entry.confidence}
            for entry in ticket.transcript
        ],
    }


CSV_COLUMNS = ("reference", "status", "created_at", "language", "topic", "client_type", "name",
               "company", "email", "consultation_language", "callback_requested",
               "booking_start", "booking_end", "booking_cancelled_at", "assigned_to", "messages")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells starting with these as formulas (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_row(ticket: Ticket, zone: ZoneInfo) -> list[str]:
    def local(value: datetime | None) -> str | None:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else None

    booking = ticket.booking
    values = (
        ticket.reference, ticket.status, local(ticket.created_at), ticket.language, ticket.topic,
        ticket.client_type, ticket.name, ticket.company, ticket.email,
        ticket.consultation_language, "yes" if ticket.callback_requested else "no",
        local(booking.start) if booking else None, local(booking.end) if booking else None,
        local(booking.cancelled_at) if booking else None,
        ticket.assigned_to.email if ticket.assigned_to else None, len(ticket.transcript),
    )
    return [_cell(value) for value in values]

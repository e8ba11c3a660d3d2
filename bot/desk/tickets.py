"""Tickets for the staff: filtered list, detail, status workflow, notes, assignment, export."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.base import utcnow
from bot.db.models import TICKET_STATUSES, Booking, StaffUser, Ticket, TicketNote
from bot.staff import Invalid, NotFound, audit

LANGUAGES = ("de", "en")
PER_PAGE = 50

# The workflow: open → in_progress → done / cancelled, with reopening.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("in_progress", "cancelled"),
    "in_progress": ("done", "cancelled", "open"),
    "done": ("in_progress",),
    "cancelled": ("open",),
}


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


@dataclass(frozen=True)
class TicketFilter:
    """What the list shows; invalid values from a query string are ignored, not errors."""

    status: str | None = None
    language: str | None = None
    topic: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> TicketFilter:
        status = query.get("status")
        language = query.get("language")
        return cls(
            status=status if status in TICKET_STATUSES else None,
            language=language if language in LANGUAGES else None,
            topic=(query.get("topic") or "").strip() or None,
            date_from=_parse_date(query.get("from")),
            date_to=_parse_date(query.get("to")),
            q=(query.get("q") or "").strip()[:320] or None,
        )

    def as_query(self) -> dict[str, str]:
        pairs = {"status": self.status, "language": self.language, "topic": self.topic,
                 "from": self.date_from and self.date_from.isoformat(),
                 "to": self.date_to and self.date_to.isoformat(), "q": self.q}
        return {key: value for key, value in pairs.items() if value}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(statement: Select, flt: TicketFilter, zone: ZoneInfo) -> Select:
    if flt.status:
        statement = statement.where(Ticket.status == flt.status)
    if flt.language:
        statement = statement.where(Ticket.language == flt.language)
    if flt.topic:
        statement = statement.where(Ticket.topic == flt.topic)
    if flt.date_from:
        statement = statement.where(Ticket.created_at >= datetime.combine(flt.date_from, time(), zone))
    if flt.date_to:
        end = datetime.combine(flt.date_to + timedelta(days=1), time(), zone)
        statement = statement.where(Ticket.created_at < end)
    if flt.q:
        pattern = f"%{_escape_like(flt.q)}%"
        statement = statement.where(or_(
            Ticket.reference.ilike(pattern, escape="\\"),
            Ticket.email.ilike(pattern, escape="\\"),
        ))
    return statement


@dataclass
class TicketPage:
    tickets: list[Ticket]
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.per_page))


_NEWEST_FIRST = (Ticket.created_at.desc(), Ticket.id.desc())


async def list_tickets(
    session: AsyncSession, flt: TicketFilter, zone: ZoneInfo, page: int = 1,
    per_page: int = PER_PAGE,
) -> TicketPage:
    total = await session.scalar(_filtered(select(func.count(Ticket.id)), flt, zone)) or 0
    page = min(max(1, page), max(1, math.ceil(total / per_page)))
    tickets = await session.scalars(
        _filtered(select(Ticket), flt, zone)
        .options(selectinload(Ticket.booking), selectinload(Ticket.assigned_to))
        .order_by(*_NEWEST_FIRST)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return TicketPage(list(tickets), total, page, per_page)


async def tickets_with_transcripts(
    session: AsyncSession, flt: TicketFilter, zone: ZoneInfo, limit: int | None, offset: int = 0,
) -> tuple[list[Ticket], int]:
    """For the JSON API and the CSV export: newest first, everything loaded."""
    total = await session.scalar(_filtered(select(func.count(Ticket.id)), flt, zone)) or 0
    tickets = await session.scalars(
        _filtered(select(Ticket), flt, zone)
        .options(selectinload(Ticket.booking), selectinload(Ticket.transcript),
                 selectinload(Ticket.assigned_to))
        .order_by(*_NEWEST_FIRST)
        .limit(limit)
        .offset(offset)
    )
    return list(tickets), total


async def topics(session: AsyncSession) -> list[str]:
    rows = await session.scalars(
        select(Ticket.topic).where(Ticket.topic.is_not(None)).distinct().order_by(Ticket.topic)
    )
    return list(rows)


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
        .where(Ticket.reference == reference.strip().upper())
    )
    if ticket is None:
        raise NotFound(reference)
    return ticket


async def _ticket_for_update(session: AsyncSession, reference: str) -> Ticket:
    ticket = await session.scalar(
        select(Ticket).options(selectinload(Ticket.booking))
        .where(Ticket.reference == reference.strip().upper())
        .with_for_update()
    )
    if ticket is None:
        raise NotFound(reference)
    return ticket


async def set_status(session: AsyncSession, reference: str, status: str, actor_id: int) -> Ticket:
    """Move along the workflow. Cancelling also cancels a live booking (frees its slot)."""
    ticket = await _ticket_for_update(session, reference)
    old = ticket.status
    if status not in TRANSITIONS.get(old, ()):
        raise Invalid("invalid_transition")
    ticket.status = status
    detail: dict = {"from": old, "to": status}
    booking = ticket.booking
    if status == "cancelled" and booking is not None and booking.cancelled_at is None:
        booking.cancelled_at = utcnow()
        booking.slot_id = None
        detail["booking_cancelled"] = True
    await audit.record(session, actor_id, "ticket_status", ticket.reference, detail)
    return ticket


async def add_note(session: AsyncSession, reference: str, text: str, actor_id: int) -> TicketNote:
    text = text.strip()
    if not text:
        raise Invalid("empty_note")
    ticket = await _ticket_for_update(session, reference)
    note = TicketNote(ticket_id=ticket.id, author_id=actor_id, text=text)
    session.add(note)
    await audit.record(session, actor_id, "ticket_note", ticket.reference, {"length": len(text)})
    return note


async def assign(
    session: AsyncSession, reference: str, staff_user_id: int | None, actor_id: int
) -> Ticket:
    ticket = await _ticket_for_update(session, reference)
    assignee = None
    if staff_user_id is not None:
        assignee = await session.get(StaffUser, staff_user_id)
        if assignee is None or not assignee.active:
            raise Invalid("unknown staff user")
    ticket.assigned_to_id = staff_user_id
    await audit.record(session, actor_id, "ticket_assign", ticket.reference,
                       {"to": assignee.email if assignee else None})
    return ticket


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

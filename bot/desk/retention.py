"""Retention periods (issue 15): how long each kind of personal data is kept, and the purge of
the app database's share of it, inside the caller's transaction.

The defaults, and why a data-protection officer can accept them (README, "Privacy"):
- conversations (Rasa's events of a conversation without a ticket), 30 days after its last
  message: long enough to review misunderstood questions; the redacted inbox keeps what the
  assistant must learn, so the raw text has no purpose after that.
- tickets (with transcript, notes and booking), 180 days after the consultation took place or
  the ticket was closed: follow-up questions and complaints come within months; after that the
  desk has no purpose for them.
- open_tickets, 365 days without any change: a ticket nobody works on for a year is abandoned.
- inbox (already redacted questions), 365 days after last seen: one training cycle per year.
- outbox (the embedded profile's mail files), 30 days: a delivery record for local setups only.
- staff_sessions, at expiry: a session has no use once it has expired.
- audit (who did what), 730 days: accountability (Art. 5(2) GDPR) for two years.
- link_uses (used one-time links), 30 days: a link expires at the consultation's start anyway.
- logs (the stack's log files), 14 days after their last write: enough to debug an incident.

`RETENTION_DAYS` overrides any of them: "conversations=14,tickets=90".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AuditLog,
    IngestCursor,
    Booking,
    BookingLinkUse,
    InboxMessage,
    IngestConversation,
    StaffSession,
    Ticket,
    TicketNote,
    TranscriptEntry,
)
from bot.desk.ticket_status import CANCELLED

DONE = "done"
DEFAULT_DAYS: dict[str, int] = {
    "conversations": 30,
    "tickets": 180,
    "open_tickets": 365,
    "inbox": 365,
    "outbox": 30,
    "staff_sessions": 0,
    "audit": 730,
    "link_uses": 30,
    "logs": 14,
}


class BadRetention(ValueError):
    """RETENTION_DAYS names an unknown kind or a value that is no whole number of days ≥ 0."""


@dataclass(frozen=True)
class Retention:
    days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DAYS))

    @classmethod
    def parse(cls, spec: str | None) -> "Retention":
        """The defaults, overridden by "kind=days,…" (raises BadRetention)."""
        days = dict(DEFAULT_DAYS)
        for part in filter(None, (p.strip() for p in (spec or "").split(","))):
            kind, _, value = part.partition("=")
            kind = kind.strip()
            if kind not in days or not value.strip().isdigit():
                raise BadRetention(part)
            days[kind] = int(value)
        return cls(days)

    def cutoff(self, kind: str, now: datetime) -> datetime:
        """Data of this kind older than this moment is due."""
        return now - timedelta(days=self.days[kind])

    def with_days(self, **days: int) -> "Retention":
        return replace(self, days={**self.days, **days})


@dataclass(frozen=True)
class DueTickets:
    ids: list[int]
    references: list[str]
    conversation_ids: list[str]


async def due_tickets(session: AsyncSession, retention: Retention, now: datetime) -> DueTickets:
    """Tickets whose consultation took place or that were closed before the `tickets` cutoff,
    and open ones unchanged since the `open_tickets` cutoff; never one with a booking still
    to come."""
    closed = retention.cutoff("tickets", now)
    idle = retention.cutoff("open_tickets", now)
    upcoming = select(Booking.ticket_id).where(Booking.slot_id.is_not(None), Booking.end > now)
    held_consultation = select(Booking.ticket_id).where(Booking.end < closed,
                                                        Booking.cancelled_at.is_(None))
    rows = (await session.execute(
        select(Ticket.id, Ticket.reference, Ticket.conversation_id).where(
            Ticket.id.not_in(upcoming),
            or_(
                Ticket.status.in_((DONE, CANCELLED)) & (Ticket.updated_at < closed),
                Ticket.id.in_(held_consultation),
                Ticket.updated_at < idle,
            ),
        )
    )).all()
    return DueTickets([r.id for r in rows], [r.reference for r in rows],
                      [r.conversation_id for r in rows if r.conversation_id])


async def delete_tickets(session: AsyncSession, ticket_ids: list[int], references: list[str]) -> int:
    """Tickets with everything hanging on them: transcript, notes, booking, used links."""
    if not ticket_ids:
        return 0
    for model in (TranscriptEntry, TicketNote, Booking):
        await session.execute(delete(model).where(model.ticket_id.in_(ticket_ids)))
    await session.execute(delete(BookingLinkUse).where(BookingLinkUse.reference.in_(references)))
    result = await session.execute(delete(Ticket).where(Ticket.id.in_(ticket_ids)))
    return result.rowcount or 0


async def ticket_conversations(session: AsyncSession) -> set[str]:
    """Conversation ids that still have a ticket: their Rasa events stay with the ticket."""
    rows = await session.scalars(select(Ticket.conversation_id).where(
        Ticket.conversation_id.is_not(None)))
    return set(rows)


async def purge_app(
    session: AsyncSession, retention: Retention, now: datetime
) -> tuple[dict[str, int], list[str]]:
    """Everything due in the app database: the counts per kind, and the conversation ids of the
    purged tickets (their Rasa events go too: bot.desk.rasa_events)."""
    tickets = await due_tickets(session, retention, now)
    counts = {"tickets": await delete_tickets(session, tickets.ids, tickets.references)}

    async def remove(kind: str, statement) -> None:
        counts[kind] = (await session.execute(statement)).rowcount or 0

    await remove("inbox", delete(InboxMessage).where(
        InboxMessage.last_seen_at < retention.cutoff("inbox", now)))
    await remove("staff_sessions", delete(StaffSession).where(
        StaffSession.expires_at < retention.cutoff("staff_sessions", now)))
    await remove("audit", delete(AuditLog).where(
        AuditLog.created_at < retention.cutoff("audit", now)))
    await remove("link_uses", delete(BookingLinkUse).where(
        BookingLinkUse.used_at < retention.cutoff("link_uses", now)))
    await remove("ingest_state", delete(IngestConversation).where(
        IngestConversation.updated_at < retention.cutoff("conversations", now)))
    return counts, tickets.conversation_ids


_CLAIM = "purge:daily"


async def claim_day(session: AsyncSession, now: datetime) -> bool:
    """True for the first caller of a (UTC) day: several schedulers purge once a day between
    them (the row of `ingest_cursor` named "purge:daily" holds the day last claimed)."""
    today = now.date().toordinal()
    row = await session.scalar(select(IngestCursor).where(IngestCursor.name == _CLAIM)
                               .with_for_update())
    if row is None:
        try:
            async with session.begin_nested():
                session.add(IngestCursor(name=_CLAIM, position=today))
        except IntegrityError:  # another scheduler inserted it first
            return False
        return True
    if row.position >= today:
        return False
    row.position = today
    return True

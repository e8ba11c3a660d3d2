"""A person's data by e-mail address (issue 15): export (Art. 15 GDPR) and erasure (Art. 17),
and the purge of everything whose retention period has passed — across every store: the app
database, Rasa's tracker store and event broker, the mail outbox and the log files.

The app database's part runs in one transaction; the other stores follow once it committed, so
a fault there leaves the records erased and a second run finishes the rest (each step finds
what is left by the address or the conversation ids, which the audit entry does not need).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Booking, InboxMessage, IngestConversation, Ticket, TicketNote, TranscriptEntry
from bot.db.session import checkpoint
from bot.desk import audit, bookings, retention
from bot.desk.rasa_events import EventStore, event_stores
from bot.desk.stored_files import (
    remove_log_lines_naming,
    remove_mails_naming,
    remove_older_than,
)
from bot.settings import Settings

Sessionmaker = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Stores:
    """Where personal data lives outside the app database."""

    events: list[EventStore]
    outbox: Path | None
    logs: Path | None


def stores_of(settings: Settings) -> Stores:
    return Stores(event_stores(settings.tracker_db_url, settings.events_db_url),
                  settings.mail_outbox, settings.log_dir)


def address_key(secret: str, email: str) -> str:
    """A keyed hash of the address: the audit can show that this address was erased (the same
    address gives the same key) without holding it."""
    return hmac.new(secret.encode(), _norm(email).encode(), hashlib.sha256).hexdigest()[:32]


def _norm(email: str) -> str:
    return email.strip().casefold()


async def _tickets(session: AsyncSession, email: str) -> list[Ticket]:
    return list(await session.scalars(
        select(Ticket).where(func.lower(Ticket.email) == _norm(email)).order_by(Ticket.id)))


# --- export ---

def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def export_records(session: AsyncSession, email: str) -> dict:
    """The app database's records of this address (tickets with transcript, notes, booking)."""
    tickets = await _tickets(session, email)
    ids = [t.id for t in tickets]
    entries = (await session.scalars(select(TranscriptEntry).where(
        TranscriptEntry.ticket_id.in_(ids)).order_by(TranscriptEntry.position))).all()
    notes = (await session.scalars(select(TicketNote).where(
        TicketNote.ticket_id.in_(ids)).order_by(TicketNote.created_at))).all()
    booked = (await session.scalars(select(Booking).where(Booking.ticket_id.in_(ids)))).all()
    by_ticket = {b.ticket_id: b for b in booked}
    out_tickets, out_bookings = [], []
    for ticket in tickets:
        booking = by_ticket.get(ticket.id)
        out_tickets.append({
            "reference": ticket.reference, "status": ticket.status, "language": ticket.language,
            "topic": ticket.topic, "client_type": ticket.client_type, "name": ticket.name,
            "company": ticket.company, "email": ticket.email,
            "consultation_language": ticket.consultation_language,
            "conversation_id": ticket.conversation_id,
            "created_at": _when(ticket.created_at), "updated_at": _when(ticket.updated_at),
            "transcript": [{"sender": e.sender, "text": e.text, "timestamp": _when(e.timestamp)}
                           for e in entries if e.ticket_id == ticket.id],
            "notes": [{"text": n.text, "created_at": _when(n.created_at)}
                      for n in notes if n.ticket_id == ticket.id],
        })
        if booking is not None:
            out_bookings.append({
                "reference": ticket.reference, "start": _when(booking.start),
                "end": _when(booking.end), "created_at": _when(booking.created_at),
                "cancelled_at": _when(booking.cancelled_at)})
    return {"email": _norm(email), "tickets": out_tickets, "bookings": out_bookings}


async def export(sm: Sessionmaker, stores: Stores, email: str) -> dict:
    """Everything stored for this address, as the contract's JSON."""
    async with sm() as session:
        records = await export_records(session, email)
    conversations = []
    for conversation_id in sorted({t["conversation_id"] for t in records["tickets"]} - {None}):
        messages = []
        for store in stores.events[:1]:  # the tracker store holds the whole conversation
            messages = await store.messages(conversation_id)
        conversations.append({"conversation_id": conversation_id, "messages": messages})
    return {**records, "conversations": conversations}


# --- erasure ---

@dataclass(frozen=True)
class Erased:
    counts: dict[str, int]
    conversation_ids: list[str]
    names: list[str]


async def erase_records(session: AsyncSession, email: str, now: datetime) -> Erased:
    """The app database's part: future bookings cancelled (slot free again), then the tickets
    with transcript, notes and booking, the inbox items and ingestion state of their
    conversations."""
    tickets = await _tickets(session, email)
    ids = [t.id for t in tickets]
    conversation_ids = sorted({t.conversation_id for t in tickets if t.conversation_id})
    names = sorted({n for t in tickets for n in (t.name, t.company) if n})
    live = (await session.scalars(select(Booking).where(
        Booking.ticket_id.in_(ids), Booking.slot_id.is_not(None)))).all()
    by_id = {t.id: t for t in tickets}
    for booking in live:
        await bookings.cancel(session, by_id[booking.ticket_id], booking, now)
    counts = {"bookings_cancelled": len(live), "bookings": len(
        (await session.scalars(select(Booking.id).where(Booking.ticket_id.in_(ids)))).all())}
    counts["tickets"] = await retention.delete_tickets(session, ids, [t.reference for t in tickets])
    inbox = await session.execute(delete(InboxMessage).where(
        InboxMessage.conversation_id.in_(conversation_ids)))
    counts["inbox"] = inbox.rowcount or 0
    await session.execute(delete(IngestConversation).where(
        IngestConversation.conversation_id.in_(conversation_ids)))
    return Erased(counts, conversation_ids, names)


async def erase_elsewhere(stores: Stores, erased: Erased, email: str) -> dict[str, int]:
    """Rasa's stores, the outbox and the logs (after the database part committed)."""
    counts = {}
    for store in stores.events:
        counts[store.name] = await store.delete_senders(erased.conversation_ids)
    needles = [email, *erased.names]
    counts["outbox"] = remove_mails_naming(stores.outbox, needles)
    counts["log_lines"] = remove_log_lines_naming(stores.logs, needles)
    return counts


async def erase(
    sm: Sessionmaker, stores: Stores, email: str, secret: str, now: datetime,
    staff_user_id: int | None,
) -> dict[str, int]:
    """Everything stored for this address, in every store; audited with a keyed hash."""
    async with sm() as session, session.begin():
        erased = await erase_records(session, email, now)
    await checkpoint(sm)
    counts = {**erased.counts, "conversations": len(erased.conversation_ids),
              **await erase_elsewhere(stores, erased, email)}
    async with sm() as session, session.begin():
        await audit.record(session, staff_user_id, "privacy.erase", address_key(secret, email),
                           {"counts": counts}, now=now)
    return counts


# --- retention ---

async def purge(sm: Sessionmaker, stores: Stores, policy: retention.Retention,
                now: datetime) -> dict[str, int]:
    """Everything whose retention period has passed, in every store; audited."""
    async with sm() as session, session.begin():
        counts, ticket_conversations = await retention.purge_app(session, policy, now)
    async with sm() as session:
        keep = await retention.ticket_conversations(session)
    idle_before = policy.cutoff("conversations", now).timestamp()
    stale: set[str] = set()
    for store in stores.events:
        stale.update(await store.senders_idle_since(idle_before))
    gone = (stale - keep) | set(ticket_conversations)
    counts["conversations"] = len(gone)
    for store in stores.events:
        counts[store.name] = await store.delete_senders(gone)
    counts["outbox"] = remove_older_than(stores.outbox, "*.eml", policy.cutoff("outbox", now))
    counts["logs"] = remove_older_than(stores.logs, "*.log*", policy.cutoff("logs", now))
    async with sm() as session, session.begin():
        await audit.record(session, None, "privacy.purge", None, {"counts": counts}, now=now)
    return counts

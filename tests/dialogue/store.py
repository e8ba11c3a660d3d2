"""The app database and the mail sink as one conversation of the suite sees them: its setup
(free slots, an existing booking) and what the scoring asks about afterwards.

Each conversation starts from a clean slot table: live bookings left by earlier conversations
are detached (cancelled) and every slot is deleted, so the slots the bot may offer are exactly
the ones the conversation set up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Booking, ConsultationSlot, Ticket
from bot.desk.contact import Contact
from bot.desk.tickets import create_ticket
from tests.dialogue.scoring import Mail

SLOT_MINUTES = 45
MAIL_WAIT_SECONDS = 8.0


async def reset_slots(session: AsyncSession, now: datetime) -> None:
    await session.execute(
        update(Booking).where(Booking.slot_id.is_not(None)).values(slot_id=None, cancelled_at=now))
    await session.execute(delete(ConsultationSlot))


async def add_slot(session: AsyncSession, start: datetime, mode: str | None) -> int:
    slot = ConsultationSlot(start=start, end=start + timedelta(minutes=SLOT_MINUTES))
    if mode:
        slot.mode = mode
    session.add(slot)
    await session.flush()
    return slot.id


async def add_booking(session: AsyncSession, spec: dict, slot_id: int, now: datetime) -> str:
    contact = Contact(
        language=spec.get("language", "de"), client_type=spec.get("client_type", "individual"),
        name=spec.get("name"), email=spec["email"], company=spec.get("company"),
        topic=spec.get("topic"), consultation_language=spec.get("language", "de"),
        conversation_id=f"dialogue-setup-{spec['email']}",
    )
    confirmation = await create_ticket(session, contact, [], now, slot_id=slot_id)
    return confirmation.reference


def parse_mail(message: EmailMessage) -> Mail:
    body, calendars = [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        filename = part.get_filename() or ""
        content = part.get_content()
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        if kind == "text/calendar" or filename.endswith(".ics") or "BEGIN:VCALENDAR" in content:
            calendars.append(content)
        elif kind.startswith("text/"):
            body.append(content)
    return Mail(str(message["To"] or ""), str(message["Subject"] or ""), "\n".join(body), calendars)


@dataclass
class ConversationStore:
    """The Store of scoring.py for one conversation, over the stack's database and mail sink."""

    run: callable  # runs a coroutine on the runner's event loop
    sessionmaker: async_sessionmaker[AsyncSession]
    sender: str
    starts: dict[str, datetime]  # setup slot name → start (aware)
    slot_ids: dict[str, int]
    messages: list  # the mail sink's received messages
    mail_start: int = 0
    setup_reference: str | None = None
    _names: dict[float, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._names = {start.timestamp(): name for name, start in self.starts.items()}

    def _slot_name(self, start: datetime | None) -> str | None:
        if start is None:
            return None
        return self._names.get(start.timestamp(), start.isoformat())

    async def _ticket_row(self, condition) -> dict | None:
        async with self.sessionmaker() as session:
            row = (await session.execute(
                select(Ticket, Booking).outerjoin(Booking, Booking.ticket_id == Ticket.id)
                .where(condition).order_by(Ticket.id.desc()))).first()
        if row is None:
            return None
        ticket, booking = row
        record = {c.name: getattr(ticket, c.name) for c in Ticket.__table__.columns}
        record["booked"] = booking is not None and booking.slot_id is not None
        record["cancelled"] = booking is not None and booking.cancelled_at is not None
        record["slot"] = self._slot_name(booking.start) if booking is not None else None
        return record

    def ticket(self) -> dict | None:
        return self.run(self._ticket_row(Ticket.conversation_id == self.sender))

    def setup_booking(self) -> dict | None:
        if self.setup_reference is None:
            return None
        return self.run(self._ticket_row(Ticket.reference == self.setup_reference))

    async def _booked(self, slot_id: int) -> bool:
        async with self.sessionmaker() as session:
            return await session.scalar(
                select(Booking.id).where(Booking.slot_id == slot_id)) is not None

    def slot_booked(self, name: str) -> bool:
        return self.run(self._booked(self.slot_ids[name]))

    def mails(self, to: str, at_least: int = 0) -> list[Mail]:
        deadline = time.monotonic() + MAIL_WAIT_SECONDS
        while True:
            found = [parse_mail(m) for m in list(self.messages)[self.mail_start:]
                     if to.lower() in str(m["To"] or "").lower()]
            if len(found) >= at_least or time.monotonic() > deadline:
                return found
            time.sleep(0.25)

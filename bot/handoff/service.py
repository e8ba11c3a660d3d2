"""What the chat does with the database: each step is one transaction owned here.

Database errors (server gone, connection refused) propagate as `SQLAlchemyError` /
`OSError`; the transaction is rolled back, so nothing is half-written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.handoff import tickets
from bot.handoff.slots import FreeSlot, next_free_slots
from bot.handoff.tickets import Confirmation, Contact, SlotTaken
from bot.handoff.transcript import Line

Sessionmaker = async_sessionmaker[AsyncSession]
# What "the database is unavailable" looks like to the caller.
DATABASE_ERRORS = (SQLAlchemyError, OSError, asyncio.TimeoutError)


@dataclass(frozen=True)
class Outcome:
    """`confirmation` when it worked; otherwise the slot was taken and `alternatives` are free."""

    confirmation: Confirmation | None
    alternatives: list[FreeSlot] = field(default_factory=list)


async def _alternatives(sm: Sessionmaker, now: datetime, taken: int) -> list[FreeSlot]:
    async with sm() as session:
        return await next_free_slots(session, now, exclude=taken)


async def submit(
    sm: Sessionmaker, contact: Contact, transcript: Sequence[Line], now: datetime,
    slot_id: int | None,
) -> Outcome:
    """Ticket (+ booking of `slot_id`, or a call-back request when None) in one transaction."""
    try:
        async with sm() as session, session.begin():
            return Outcome(await tickets.create_ticket(session, contact, transcript, now, slot_id=slot_id))
    except SlotTaken:
        return Outcome(None, await _alternatives(sm, now, slot_id))


async def cancel(sm: Sessionmaker, reference: str, email: str, now: datetime) -> Confirmation:
    async with sm() as session, session.begin():
        return await tickets.cancel_booking(session, reference, email, now)


async def reschedule(
    sm: Sessionmaker, reference: str, email: str, slot_id: int, now: datetime
) -> Outcome:
    try:
        async with sm() as session, session.begin():
            return Outcome(await tickets.reschedule_booking(session, reference, email, slot_id, now))
    except SlotTaken:
        return Outcome(None, await _alternatives(sm, now, slot_id))


async def find(sm: Sessionmaker, reference: str, email: str) -> Confirmation:
    async with sm() as session:
        return await tickets.find_live_booking(session, reference, email)

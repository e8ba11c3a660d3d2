"""The consumer: Rasa's events, batch by batch in row order, into the review inbox.

Each batch is one transaction on the app database: read the rows after the cursor, step
each conversation's state through its events (conversation.py), store the messages whose
turn ended (redacted, identical texts grouped), save the states and move the cursor with
a compare-and-set (progress.py). A second consumer is harmless: whichever loses the
compare-and-set rolls its batch back and reads again from the new position.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.ingest.conversation import ConversationState
from bot.ingest.events import events_engine, read_after
from bot.ingest.inbox import store
from bot.ingest.progress import CursorMoved, advance_cursor, cursor_position, load_states, save_states

log = logging.getLogger(__name__)

BATCH_SIZE = 500
MIN_INTERVAL = 0.05  # seconds: a zero poll interval must not spin


@dataclass
class IngestResult:
    events_read: int = 0
    messages: int = 0
    position: int = 0


async def ingest_batch(
    session: AsyncSession, engine: AsyncEngine, batch_size: int = BATCH_SIZE
) -> tuple[int, int, int]:
    """One batch inside the caller's transaction: (rows read, messages stored, new position)."""
    start = await cursor_position(session)
    rows, position = await read_after(engine, start, batch_size)
    saved = await load_states(session, {r.conversation_id for r in rows if r.conversation_id})
    states = dict(saved)
    stored = 0
    for row in rows:
        state = states.get(row.conversation_id, ConversationState())
        state, message = state.step(row.event, row.conversation_id)
        if row.conversation_id:
            states[row.conversation_id] = state
        if message is not None:
            await store(session, message)
            stored += 1
    await save_states(session, {
        cid: state for cid, state in states.items() if saved.get(cid, ConversationState()) != state
    })
    await advance_cursor(session, start, position)
    return len(rows), stored, position


async def ingest_once(
    engine: AsyncEngine | None, sessionmaker: async_sessionmaker[AsyncSession],
    batch_size: int = BATCH_SIZE,
) -> IngestResult:
    """Read everything new (in batches) into the inbox."""
    result = IngestResult()
    if engine is None:
        return result
    while True:
        try:
            async with sessionmaker() as session, session.begin():
                read, stored, position = await ingest_batch(session, engine, batch_size)
        except CursorMoved:
            continue
        result.events_read += read
        result.messages += stored
        result.position = position
        if read < batch_size:
            return result


async def follow(
    events_db_url: str, sessionmaker: async_sessionmaker[AsyncSession], interval: float,
    stop: asyncio.Event | None = None,
) -> None:
    """Poll the event table every `interval` seconds until `stop` is set (or forever)."""
    engine: AsyncEngine | None = None
    stop = stop or asyncio.Event()
    try:
        while not stop.is_set():
            try:
                engine = engine or events_engine(events_db_url)
                result = await ingest_once(engine, sessionmaker)
                if result.messages:
                    log.info("inbox: %d new message(s) captured", result.messages)
            except Exception:  # keep polling: a broken row or a restart must not stop capture
                log.exception("inbox ingestion failed; retrying")
            try:
                await asyncio.wait_for(stop.wait(), timeout=max(interval, MIN_INTERVAL))
            except asyncio.TimeoutError:
                pass
    finally:
        if engine is not None:
            await engine.dispose()

"""Rasa's stores of raw conversation events, as retention and erasure see them (issue 15).

Rasa's SQL tracker store and its SQL event broker each keep a table `events` with one row per
event (`id`, `sender_id`, `data` as JSON; the tracker store also has a `timestamp` column). A
conversation is all rows of one sender id. Deleting them removes the conversation from both.

Two details keep "deleted" true on disk and keep the ingestion consumer sane:
- SQLite keeps deleted content in free pages and in the WAL until they are reused:
  `secure_delete` overwrites it, a `wal_checkpoint(TRUNCATE)` empties the WAL.
- The ingestion consumer (bot/ingest/events.py) takes a table whose newest id fell below its
  cursor for a recreated one and reads it again from the start. So the table's newest row is
  never deleted: if it belongs to an erased conversation, its data becomes an `action_listen`
  event with nothing in it but the time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bot.settings import async_database_url

log = logging.getLogger(__name__)
_BLANK = '{{"event": "action", "name": "action_listen", "timestamp": {ts}}}'


@dataclass(frozen=True)
class EventStore:
    """One `events` table: the tracker store's or the broker's (same id/sender_id/data)."""

    url: str
    name: str  # "tracker_store" | "event_broker": what counts and logs call it

    def _engine(self):
        url = async_database_url(self.url)
        if url.startswith("sqlite"):
            if not Path(url.split(":///", 1)[1]).exists():
                return None
            return create_async_engine(url, connect_args={"timeout": 30})
        return create_async_engine(url)

    async def _run(self, work, default):
        engine = self._engine()
        if engine is None:
            return default
        try:
            async with engine.begin() as conn:
                if engine.dialect.name == "sqlite":
                    await conn.exec_driver_sql("PRAGMA secure_delete=ON")
                try:
                    return await work(conn)
                except DBAPIError as error:  # Rasa has not created its table yet
                    if "events" in str(error).lower() and "no such table" in str(error).lower():
                        return default
                    raise
        finally:
            if engine.dialect.name == "sqlite":
                async with engine.connect() as conn:
                    await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            await engine.dispose()

    async def senders_idle_since(self, before: float) -> list[str]:
        """Conversations whose last event is older than `before` (a Unix time)."""
        async def work(conn: AsyncConnection) -> list[str]:
            rows = await conn.execute(text("SELECT sender_id, data FROM events"))
            last: dict[str, float] = {}
            for sender, data in rows:
                stamp = _timestamp(data)
                if sender and stamp is not None:
                    last[sender] = max(stamp, last.get(sender, stamp))
            return sorted(s for s, t in last.items() if t < before)
        return await self._run(work, [])

    async def delete_senders(self, senders: Iterable[str]) -> int:
        """Every event of these conversations; returns the rows removed (or blanked)."""
        senders = sorted(set(senders))
        if not senders:
            return 0

        async def work(conn: AsyncConnection) -> int:
            newest = (await conn.execute(text("SELECT MAX(id) FROM events"))).scalar()
            owner = (await conn.execute(text("SELECT sender_id, data FROM events WHERE id = :i"),
                                        {"i": newest})).first() if newest else None
            removed = 0
            if owner is not None and owner[0] in senders:
                stamp = _timestamp(owner[1]) or 0
                await conn.execute(text("UPDATE events SET data = :d WHERE id = :i"),
                                   {"d": _BLANK.format(ts=stamp), "i": newest})
                removed = 1
            statement = text("DELETE FROM events WHERE sender_id IN :s AND id <> :i").bindparams(
                bindparam("s", expanding=True))
            result = await conn.execute(statement, {"s": senders, "i": newest or -1})
            return removed + (result.rowcount or 0)
        return await self._run(work, 0)

    async def messages(self, sender: str) -> list[dict]:
        """The user and bot messages of one conversation, in order (for the export)."""
        async def work(conn: AsyncConnection) -> list[dict]:
            rows = await conn.execute(
                text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
            out = []
            for (data,) in rows:
                event = _json(data)
                if event.get("event") in ("user", "bot") and event.get("text"):
                    out.append({"sender": event["event"], "text": event["text"],
                                "timestamp": event.get("timestamp")})
            return out
        return await self._run(work, [])


def _json(data) -> dict:
    try:
        value = json.loads(data)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _timestamp(data) -> float | None:
    stamp = _json(data).get("timestamp")
    return float(stamp) if isinstance(stamp, (int, float)) else None


def event_stores(tracker_url: str | None, broker_url: str | None) -> list[EventStore]:
    """The distinct `events` tables of a stack (the broker may share the tracker's database)."""
    stores = []
    for url, name in ((tracker_url, "tracker_store"), (broker_url, "event_broker")):
        if url and all(s.url != url for s in stores):
            stores.append(EventStore(url, name))
    return stores

"""Rasa's event table, read in order.

Rasa's SQL event broker (endpoints.yml, `event_broker: type: SQL`) writes every tracker
event as a row `events(id, sender_id, data)` with the event as JSON; the production
profile's SQL tracker store has a table of the same name with the same three columns
(bot/tools/endpoints.py says which one the stack uses). Reading that table catches every
message, also those that never reach an action.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.settings import async_database_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventRow:
    id: int
    conversation_id: str | None
    event: dict[str, Any]


def events_engine(url: str) -> AsyncEngine | None:
    """A read-only engine on Rasa's events database, None while its SQLite file is absent."""
    async_url = async_database_url(url)
    if async_url.startswith("sqlite"):
        path = Path(async_url.split(":///", 1)[1])
        if not path.exists():
            return None
        # Read-only URI: never create the file, never change Rasa's journal mode.
        return create_async_engine(
            f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true", connect_args={"timeout": 30}
        )
    return create_async_engine(async_url, pool_pre_ping=True)


async def read_after(engine: AsyncEngine, after_id: int, limit: int) -> tuple[list[EventRow], int]:
    """Up to `limit` events after row `after_id`, by row id, and the position to store
    once they are processed (rows that are not JSON are passed over)."""
    async with engine.connect() as conn:
        try:
            result = await conn.execute(
                text("SELECT id, sender_id, data FROM events WHERE id > :a ORDER BY id LIMIT :n"),
                {"a": after_id, "n": limit},
            )
        except DBAPIError as error:  # Rasa has not created the table yet
            if "events" in str(error).lower():
                return [], after_id
            raise
        raw = result.all()
        if not raw and after_id:
            # The table was recreated (a fresh events database): start over.
            newest = (await conn.execute(text("SELECT MAX(id) FROM events"))).scalar()
            if newest is None or newest < after_id:
                log.warning("events table restarted below the cursor (%s); reading from 0", after_id)
                return await read_after(engine, 0, limit)
    rows = []
    for id_, sender_id, data in raw:
        try:
            event = json.loads(data)
        except (TypeError, ValueError):
            log.warning("events row %s is not JSON; skipped", id_)
            continue
        rows.append(EventRow(id_, sender_id or event.get("sender_id"), event))
    return rows, raw[-1][0] if raw else after_id

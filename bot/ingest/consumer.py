"""Capture real user messages from Rasa's event stream into the review inbox.

Rasa's SQL event broker (endpoints.yml, `event_broker: type: SQL`) writes every
tracker event as a row `events(id, sender_id, data)` with the event as JSON, and the
production profile's tracker store has a table of the same name and columns. Reading
that table catches every message, also those that never reach an action.

We read rows after the cursor (`ingest_cursor`), keep `user` events that a person
typed (button payloads start with "/"), redact PII before anything is stored and
group identical redacted texts (`count`). The cursor moves in the same transaction
as the inbox rows, with a compare-and-set, so two ingesters (the web app's
background task and `python -m bot.training.ingest`) never count a message twice.

    python -m bot.training.ingest            # read what is new, once
    python -m bot.training.ingest --follow   # keep polling
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.models import InboxMessage, IngestCursor
from bot.settings import Settings, async_database_url
from bot.training.redact import redact

log = logging.getLogger(__name__)

CURSOR_NAME = "rasa_events"
FALLBACK_INTENT = "nlu_fallback"
RANKING_SIZE = 3
BATCH_SIZE = 500
LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class Captured:
    """One user message as the inbox keeps it: redacted, with the model's prediction."""

    conversation_id: str | None
    text: str
    language: str | None
    intent: str | None
    confidence: float | None
    ranking: list[dict[str, Any]]
    timestamp: datetime


@dataclass
class IngestResult:
    events_read: int = 0
    messages: int = 0
    skipped: int = 0
    position: int = 0


# ------------------------------------------------------------------ pure parts
def text_hash(redacted: str) -> str:
    """Grouping key: the same words regardless of case and spacing are one question."""
    return hashlib.sha256(" ".join(redacted.casefold().split()).encode()).hexdigest()


def _language(value: Any) -> str | None:
    return value if value in LANGUAGES else None


def entity_language(parse_data: dict[str, Any]) -> str | None:
    """The per-message language our NLU component emits as entity `language` (if sure)."""
    for entity in parse_data.get("entities") or []:
        if entity.get("entity") == "language" and _language(entity.get("value")):
            return entity["value"]
    return None


def slot_language(event: dict[str, Any]) -> str | None:
    """The conversation language set by a slot event, if `event` is one."""
    if event.get("event") != "slot":
        return None
    if event.get("name") == "language":
        return _language(event.get("value"))
    if event.get("name") == "session_started_metadata" and isinstance(event.get("value"), dict):
        return _language(event["value"].get("language"))
    return None


def typed_by_a_person(event: dict[str, Any]) -> bool:
    text_ = (event.get("text") or "").strip()
    return event.get("event") == "user" and bool(text_) and not text_.startswith("/")


def prediction(parse_data: dict[str, Any]) -> tuple[str | None, float | None, list[dict]]:
    """Intent, confidence and top-3 ranking.

    For a fallback the stored confidence is that of the best real intent (what the
    model actually believed), and the ranking lists real intents: the candidates a
    reviewer chooses from.
    """
    intent = parse_data.get("intent") or {}
    name = intent.get("name")
    confidence = intent.get("confidence")
    ranking = [
        {"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0.0), 4)}
        for r in parse_data.get("intent_ranking") or []
        if r.get("name") and r.get("name") != FALLBACK_INTENT
    ][:RANKING_SIZE]
    if name == FALLBACK_INTENT and ranking:
        confidence = ranking[0]["confidence"]
    return name, None if confidence is None else round(float(confidence), 4), ranking


def capture(
    event: dict[str, Any], sender_id: str | None, conversation_language: str | None = None
) -> Captured | None:
    """The inbox form of a user event, or None when it is not a typed question."""
    if not typed_by_a_person(event):
        return None
    parse_data = event.get("parse_data") or {}
    metadata = event.get("metadata") or parse_data.get("metadata") or {}
    language = (
        entity_language(parse_data)
        or _language(conversation_language)
        or _language(metadata.get("language"))
    )
    intent, confidence, ranking = prediction(parse_data)
    stamp = event.get("timestamp")
    timestamp = (
        datetime.fromtimestamp(float(stamp), timezone.utc) if stamp else datetime.now(timezone.utc)
    )
    return Captured(
        conversation_id=sender_id or event.get("sender_id"),
        text=redact(event["text"]),
        language=language,
        intent=intent,
        confidence=confidence,
        ranking=ranking,
        timestamp=timestamp,
    )


# ------------------------------------------------------------------ the event source
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


async def _rows(conn: AsyncConnection, sql: str, **params) -> list[tuple[int, str, dict]]:
    result = await conn.execute(text(sql), params)
    rows = []
    for id_, sender_id, data in result:
        try:
            rows.append((id_, sender_id, json.loads(data)))
        except (TypeError, ValueError):
            log.warning("events row %s is not JSON; skipped", id_)
    return rows


async def _conversation_language(conn: AsyncConnection, sender_id: str, user_row_id: int) -> str | None:
    """The `language` slot this turn set, else the one the conversation had before it."""
    after = await _rows(
        conn,
        "SELECT id, sender_id, data FROM events WHERE sender_id = :s AND id > :i ORDER BY id LIMIT 40",
        s=sender_id, i=user_row_id,
    )
    for _, _, event in after:
        if event.get("event") == "user":
            break
        if language := slot_language(event):
            return language
    before = await _rows(
        conn,
        "SELECT id, sender_id, data FROM events WHERE sender_id = :s AND id < :i "
        "AND data LIKE '%language%' ORDER BY id DESC LIMIT 200",
        s=sender_id, i=user_row_id,
    )
    for _, _, event in before:
        if language := slot_language(event):
            return language
    return None


async def read_new(
    engine: AsyncEngine, after_id: int, limit: int = BATCH_SIZE
) -> tuple[list[Captured], int, int]:
    """Messages in rows after `after_id`: (captured, rows read, last row id)."""
    captured: list[Captured] = []
    async with engine.connect() as conn:
        try:
            rows = await _rows(
                conn,
                "SELECT id, sender_id, data FROM events WHERE id > :a ORDER BY id LIMIT :n",
                a=after_id, n=limit,
            )
        except DBAPIError as error:  # Rasa has not created the table yet
            if "events" in str(error).lower():
                return [], 0, after_id
            raise
        if not rows and after_id:
            # The table was recreated (a fresh events database): start over.
            newest = (await conn.execute(text("SELECT MAX(id) FROM events"))).scalar()
            if newest is None or newest < after_id:
                log.warning("events table restarted below the cursor (%s); reading from 0", after_id)
                return await read_new(engine, 0, limit)
        for id_, sender_id, event in rows:
            if not typed_by_a_person(event):
                continue
            language = None
            if not entity_language(event.get("parse_data") or {}) and sender_id:
                language = await _conversation_language(conn, sender_id, id_)
            item = capture(event, sender_id, language)
            if item is not None:
                captured.append(item)
    last = rows[-1][0] if rows else after_id
    return captured, len(rows), last


# ------------------------------------------------------------------ the inbox side
async def cursor_position(session: AsyncSession, name: str = CURSOR_NAME) -> int:
    position = await session.scalar(select(IngestCursor.position).where(IngestCursor.name == name))
    if position is None:
        await session.execute(_insert(session, IngestCursor).values(name=name, position=0)
                              .on_conflict_do_nothing(index_elements=["name"]))
        return 0
    return position


def _insert(session: AsyncSession, table):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


async def store(session: AsyncSession, item: Captured) -> None:
    """Insert the message, or count it on the group of the same redacted text."""
    statement = _insert(session, InboxMessage).values(
        text=item.text,
        text_hash=text_hash(item.text),
        count=1,
        language=item.language,
        intent=item.intent,
        confidence=item.confidence,
        ranking=item.ranking,
        conversation_id=item.conversation_id,
        status="new",
        created_at=item.timestamp,
        last_seen_at=item.timestamp,
    )
    excluded = statement.excluded
    # The newest prediction wins (it comes from the newest model); review state stays.
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["text_hash"],
            set_={
                "count": InboxMessage.count + 1,
                "last_seen_at": excluded.last_seen_at,
                "intent": excluded.intent,
                "confidence": excluded.confidence,
                "ranking": excluded.ranking,
                "conversation_id": excluded.conversation_id,
                "language": excluded.language,
            },
        )
    )


class CursorMoved(RuntimeError):
    """Another ingester advanced the cursor meanwhile; this batch is rolled back."""


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
                start = await cursor_position(session)
                captured, read, last = await read_new(engine, start, batch_size)
                for item in captured:
                    await store(session, item)
                moved = await session.execute(
                    update(IngestCursor)
                    .where(IngestCursor.name == CURSOR_NAME, IngestCursor.position == start)
                    .values(position=last)
                )
                if moved.rowcount != 1:
                    raise CursorMoved
        except CursorMoved:
            continue
        result.events_read += read
        result.messages += len(captured)
        result.position = last
        if read < batch_size:
            return result


async def follow(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], interval: float,
    stop: asyncio.Event | None = None,
) -> None:
    """Poll the event table every `interval` seconds until `stop` is set (or forever)."""
    engine: AsyncEngine | None = None
    stop = stop or asyncio.Event()
    try:
        while not stop.is_set():
            try:
                engine = engine or events_engine(settings.events_db_url)
                result = await ingest_once(engine, sessionmaker)
                if result.messages:
                    log.info("inbox: %d new message(s) captured", result.messages)
            except Exception:  # keep polling: a broken row or a restart must not stop capture
                log.exception("inbox ingestion failed; retrying")
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
            except asyncio.TimeoutError:
                pass
    finally:
        if engine is not None:
            await engine.dispose()


async def background(app) -> AsyncIterator[None]:
    """cleanup_ctx entry of the web app: ingestion runs while the app runs."""
    from bot.web.keys import SESSIONMAKER, SETTINGS

    settings = app[SETTINGS]
    interval = settings.inbox_poll_seconds
    if not interval:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(follow(settings, app[SESSIONMAKER], interval, stop))
    yield
    stop.set()
    await task


async def _main(args: argparse.Namespace) -> int:
    from bot.db.session import make_engine, make_sessionmaker

    settings = Settings.from_env()
    app_engine = make_engine(settings.database_url)
    sessionmaker = make_sessionmaker(app_engine)
    try:
        if args.follow:
            print(f"Following {settings.events_db_url} every {args.interval}s (Ctrl-C stops)…")
            await follow(settings, sessionmaker, args.interval)
            return 0
        engine = events_engine(settings.events_db_url)
        if engine is None:
            print(f"No events database yet at {settings.events_db_url} (start the bot first).")
            return 0
        try:
            result = await ingest_once(engine, sessionmaker)
        finally:
            await engine.dispose()
        print(
            f"Read {result.events_read} event(s), captured {result.messages} user message(s) "
            f"into the inbox (cursor at {result.position})."
        )
        return 0
    finally:
        await app_engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Capture user messages into the review inbox.")
    parser.add_argument("--follow", action="store_true", help="keep polling")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between polls")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        return asyncio.run(_main(args))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())

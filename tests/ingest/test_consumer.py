"""Ingestion from a real `events` table (SQLite file and PostgreSQL) into the inbox."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db.models import InboxMessage, IngestCursor
from bot.settings import Settings
from bot.training.ingest import events_engine, follow, ingest_once, text_hash
from tests.training.events import RasaBroker, sync_url


@pytest.fixture
def events_url(database_url, tmp_path) -> str:
    """Rasa's events table: its own SQLite file, or a table in the PostgreSQL test database."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'rasa_events.db'}"
    return sync_url(database_url).replace("+psycopg", "")


@pytest.fixture
def broker(events_url):
    rasa = RasaBroker(events_url.replace("postgresql://", "postgresql+psycopg://"))
    yield rasa
    rasa.close()


async def _inbox(sessionmaker) -> list[InboxMessage]:
    async with sessionmaker() as session:
        return list((await session.scalars(select(InboxMessage).order_by(InboxMessage.id))).all())


async def _ingest(events_url, sessionmaker):
    engine = events_engine(events_url)
    try:
        return await ingest_once(engine, sessionmaker, batch_size=7)
    finally:
        await engine.dispose()


async def test_user_messages_are_captured_redacted_with_prediction(broker, events_url, sessionmaker):
    broker.session_start("c1", page_language="de")
    broker.turn(
        "c1", "Hallo, ich bin unter 0211 8921234 erreichbar, Blue Card?", "blue_card", 0.61,
        ranking=[("nlu_fallback", 0.5), ("blue_card", 0.61), ("skilled_worker_permit", 0.2),
                 ("opportunity_card", 0.1), ("greet", 0.05)],
        entity_language="de", slot_language="de",
    )
    broker.turn("c1", "/request_human", "request_human", 1.0)  # a button payload
    broker.turn("c2", "my mail is jane.doe@example.com, do I need a visa?", "nlu_fallback", 0.5,
                ranking=[("nlu_fallback", 0.5), ("visa_entry", 0.42), ("blue_card", 0.3)],
                entity_language="en", slot_language="en")

    result = await _ingest(events_url, sessionmaker)

    rows = await _inbox(sessionmaker)
    assert [r.text for r in rows] == [
        "Hallo, ich bin unter <PHONE> erreichbar, Blue Card?",
        "my mail is <EMAIL>, do I need a visa?",
    ]
    first, second = rows
    assert (first.language, first.intent, first.confidence, first.conversation_id) == ("de", "blue_card", 0.61, "c1")
    assert [r["name"] for r in first.ranking] == ["blue_card", "skilled_worker_permit", "opportunity_card"]
    # A fallback keeps its label and the real candidates with the best real confidence.
    assert (second.intent, second.confidence) == ("nlu_fallback", 0.42)
    assert [r["name"] for r in second.ranking] == ["visa_entry", "blue_card"]
    assert first.status == second.status == "new"
    assert result.messages == 2
    # Nothing raw anywhere in the stored rows.
    for row in rows:
        assert "8921234" not in repr(vars(row)) and "jane" not in repr(vars(row))


async def test_identical_texts_are_grouped_and_cursor_prevents_double_counting(broker, events_url, sessionmaker):
    for sender in ("a", "b", "c"):
        broker.turn(sender, "Wie bekomme ich eine Steuer-ID?", "tax_id", 0.9, entity_language="de")
    broker.turn("d", "wie bekomme ich  eine steuer-id?", "tax_id", 0.8, entity_language="de")
    await _ingest(events_url, sessionmaker)
    await _ingest(events_url, sessionmaker)  # nothing new: counts must not change

    rows = await _inbox(sessionmaker)
    assert len(rows) == 1
    assert rows[0].count == 4 and rows[0].text_hash == text_hash("Wie bekomme ich eine Steuer-ID?")
    assert rows[0].confidence == 0.8  # the newest prediction
    assert rows[0].last_seen_at > rows[0].created_at

    broker.turn("e", "Wie bekomme ich eine Steuer-ID?", "tax_id", 0.95)
    await _ingest(events_url, sessionmaker)
    rows = await _inbox(sessionmaker)
    assert rows[0].count == 5
    async with sessionmaker() as session:
        cursor = await session.get(IngestCursor, "rasa_events")
    assert cursor.position == 5 * 4  # every row read, non-user events included


async def test_language_falls_back_to_slot_then_page_language(broker, events_url, sessionmaker):
    # Short message, no confident detection: the conversation's slot (set at session start).
    broker.session_start("s1", page_language="de")
    broker.turn("s1", "ok", "affirm", 0.7)
    # The slot event this turn set wins over the page hint.
    broker.turn("s2", "Blue Card", "blue_card", 0.9, slot_language="en", page_language="de")
    # Nothing but the page language.
    broker.turn("s3", "Kita", "childcare_school", 0.8, page_language="de")
    # Nothing at all.
    broker.turn("s4", "??", "nlu_fallback", 0.3)
    await _ingest(events_url, sessionmaker)
    languages = {r.text: r.language for r in await _inbox(sessionmaker)}
    assert languages == {"ok": "de", "Blue Card": "en", "Kita": "de", "??": None}


async def test_missing_events_database_is_not_created(tmp_path):
    url = f"sqlite:///{tmp_path / 'nothing.db'}"
    assert events_engine(url) is None
    assert not (tmp_path / "nothing.db").exists()


async def test_follow_polls_until_stopped(broker, events_url, sessionmaker):
    settings = Settings(events_db_url=events_url)
    stop = asyncio.Event()
    task = asyncio.create_task(follow(settings, sessionmaker, 0.05, stop))
    broker.turn("f1", "Where is the Bürgerbüro?", "address_registration", 0.7, entity_language="en")
    for _ in range(200):
        if await _inbox(sessionmaker):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert [r.text for r in await _inbox(sessionmaker)] == ["Where is the Bürgerbüro?"]

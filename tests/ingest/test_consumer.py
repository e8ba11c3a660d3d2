"""The consumer on a real `events` table (SQLite file and PostgreSQL) into the inbox."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.db.models import InboxMessage, IngestConversation, IngestCursor
from bot.ingest.consumer import follow, ingest_once
from bot.ingest.events import events_engine
from bot.ingest.inbox import text_hash
from tests.ingest.events import RasaBroker, sync_url


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


async def _ingest(events_url, sessionmaker, batch_size=7):
    engine = events_engine(events_url)
    try:
        return await ingest_once(engine, sessionmaker, batch_size=batch_size)
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
    assert cursor.position == 5 * 5  # every row read, non-user events included


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
    stop = asyncio.Event()
    task = asyncio.create_task(follow(events_url, sessionmaker, 0.05, stop))
    broker.turn("f1", "Where is the Bürgerbüro?", "address_registration", 0.7, entity_language="en")
    for _ in range(200):
        if await _inbox(sessionmaker):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert [r.text for r in await _inbox(sessionmaker)] == ["Where is the Bürgerbüro?"]


async def test_language_set_long_before_reaches_later_messages(broker, events_url, sessionmaker):
    """The state carries the conversation's language however far back its slot event is."""
    broker.session_start("long", page_language="en")
    broker.turn("long", "Können wir Deutsch sprechen?", "switch_language", 0.9,
                entity_language="de", slot_language="de")
    for n in range(60):  # many turns without a language event
        broker.turn("long", f"frage {n}", "greet", 0.5)
    await _ingest(events_url, sessionmaker, batch_size=50)
    languages = {r.text: r.language for r in await _inbox(sessionmaker)}
    assert len(languages) == 61 and set(languages.values()) == {"de"}


async def test_a_turn_split_by_a_restart_gets_the_language_its_turn_set(broker, events_url, sessionmaker):
    """State (with the unfinished turn) is saved with the cursor: a new consumer after a
    restart goes on exactly where the old one stopped."""
    broker.session_start("r1", page_language="de")
    broker.turn("r1", "Blue Card", "blue_card", 0.9, listen=False)  # the turn is not over yet
    first = await _ingest(events_url, sessionmaker)
    assert first.messages == 0 and await _inbox(sessionmaker) == []
    async with sessionmaker() as session:
        saved = await session.get(IngestConversation, "r1")
    assert saved.language == "de" and saved.open_turn["message"]["text"] == "Blue Card"

    broker.slot("r1", "language", "en")  # the rest of that turn, read by a new consumer
    broker.listen("r1")
    second = await _ingest(events_url, sessionmaker)
    assert second.messages == 1
    assert [(r.text, r.language) for r in await _inbox(sessionmaker)] == [("Blue Card", "en")]
    async with sessionmaker() as session:
        saved = await session.get(IngestConversation, "r1")
    assert saved.language == "en" and saved.open_turn is None


async def test_form_state_is_kept_per_conversation(broker, events_url, sessionmaker):
    broker.session_start("f1", page_language="en")
    broker.turn("f1", "I want to talk to a person", "request_human", 0.95, entity_language="en")
    broker.form("f1", "consultation_form", "consent")
    broker.listen("f1")
    broker.turn("f2", "Do I need a visa?", "visa_entry", 0.9, entity_language="en")
    await _ingest(events_url, sessionmaker)
    async with sessionmaker() as session:
        asking = await session.get(IngestConversation, "f1")
        other = await session.get(IngestConversation, "f2")
    assert (asking.active_loop, asking.requested_slot) == ("consultation_form", "consent")
    assert other is None or (other.active_loop, other.requested_slot) == (None, None)

    broker.form("f1", None, None)
    broker.listen("f1")
    await _ingest(events_url, sessionmaker)
    async with sessionmaker() as session:
        done = await session.get(IngestConversation, "f1")
    assert (done.active_loop, done.requested_slot) == (None, None)


async def test_two_consumers_count_every_message_once(broker, events_url, sessionmaker):
    """However many consumers run, the compare-and-set cursor lets one batch win."""
    for n in range(40):
        broker.turn(f"t{n % 7}", f"question {n % 10}", "greet", 0.5, entity_language="en")
    stop = asyncio.Event()
    consumers = [asyncio.create_task(follow(events_url, sessionmaker, 0.01, stop)) for _ in range(2)]
    try:
        for _ in range(400):
            rows = await _inbox(sessionmaker)
            if sum(r.count for r in rows) >= 40:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # time for a double count to show
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*consumers), 10)
    rows = await _inbox(sessionmaker)
    assert sorted((r.text, r.count) for r in rows) == [(f"question {n}", 4) for n in range(10)]

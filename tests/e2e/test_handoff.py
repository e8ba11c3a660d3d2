"""Hand-off through the real stack: a German and an English user book a consultation over
the REST channel; the ticket, its transcript and the booking land in the stack's database and
the confirmation mail reaches a real SMTP server. Then the action server is stopped: the user
still gets a localized apology."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import select

from bot.db.models import Booking, Ticket, TranscriptEntry
from bot.db.session import make_engine, make_sessionmaker
from bot.tools.seed import seed

REFERENCE = re.compile(r"ESD-[0-9A-Z]{5}")


@pytest.fixture(scope="module")
def slots_seeded(stack):
    asyncio.run(seed(stack.settings.database_url, stack.settings.timezone))


def bot_actions(conversation) -> list[str]:
    events = conversation.tracker()["events"]
    return [e.get("metadata", {}).get("utter_action") for e in events if e["event"] == "bot"]


def say(conversation, text: str) -> list[dict]:
    replies = conversation.send(text)
    assert replies, f"no reply to {text!r}"
    return replies


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons") or []]


def book(conversation, steps: list[str], email: str) -> tuple[str, list[dict]]:
    """Runs the form from the consent question to the slot choice; returns the reference."""
    for text in steps:
        replies = say(conversation, text)
    # Invalid address first: re-asked with a hint, never stored.
    say(conversation, email.split("@")[0] + "@")
    assert bot_actions(conversation)[-1] == "utter_ask_email"
    assert "utter_handoff_invalid_email" in bot_actions(conversation)[-2:]
    replies = say(conversation, email)
    if bot_actions(conversation)[-1] == "utter_ask_topic_confirm":
        replies = say(conversation, "yes")
    else:
        assert bot_actions(conversation)[-1] == "utter_ask_topic"
        topic = {"de": "Blue Card <b>und</b> Jobwechsel", "en": "Blue Card <b>and</b> a new job"}
        replies = say(conversation, topic[conversation.language])
    assert bot_actions(conversation)[-1] == "utter_ask_consultation_language"
    replies = say(conversation, conversation.language)
    assert bot_actions(conversation)[-1] == "utter_ask_consultation_slot"
    offered = buttons(replies)
    assert offered and offered[-1]["payload"] == "later"
    replies = say(conversation, "later")  # paging: the next free dates
    later = [b for b in buttons(replies) if b["payload"] != "later"]
    assert later and later[0]["payload"] > offered[0]["payload"]
    replies = say(conversation, later[0]["payload"])
    assert bot_actions(conversation)[-1] == "utter_handoff_booked"
    text = " ".join(r.get("text", "") for r in replies)
    match = REFERENCE.search(text)
    assert match, text
    return match.group(0), replies


async def load_ticket(database_url: str, reference: str):
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            ticket = await session.scalar(select(Ticket).where(Ticket.reference == reference))
            booking = await session.scalar(select(Booking).where(Booking.ticket_id == ticket.id))
            transcript = (await session.scalars(
                select(TranscriptEntry).where(TranscriptEntry.ticket_id == ticket.id)
                .order_by(TranscriptEntry.position))).all()
            return ticket, booking, transcript
    finally:
        await engine.dispose()


def test_german_user_books_a_consultation(chat, stack, mail_sink, slots_seeded):
    conversation = chat(language="de")
    say(conversation, "Hallo")
    replies = say(conversation, "Ich möchte einen Beratungstermin")
    assert bot_actions(conversation)[-1] == "utter_ask_privacy_consent"
    assert "einverstanden" in replies[-1]["text"]
    reference, replies = book(
        conversation, ["ja", "Unternehmen", "Müller Maschinenbau GmbH", "Anna Schmidt"],
        "anna.schmidt@example.org",
    )
    assert " Uhr" in replies[-1]["text"] and "Ihre Referenz" in replies[-1]["text"]

    ticket, booking, transcript = asyncio.run(load_ticket(stack.settings.database_url, reference))
    assert (ticket.language, ticket.client_type, ticket.company, ticket.name, ticket.email) == (
        "de", "company", "Müller Maschinenbau GmbH", "Anna Schmidt", "anna.schmidt@example.org")
    assert ticket.status == "open" and ticket.consultation_language == "de"
    assert booking is not None and booking.slot_id is not None
    senders = {line.sender for line in transcript}
    assert senders == {"user", "bot"}
    first = transcript[0]
    assert (first.sender, first.text) == ("user", "Hallo") and first.intent and first.confidence
    assert any(line.text == "Ich möchte einen Beratungstermin" and line.intent == "request_human"
               for line in transcript)

    [mail] = mail_sink.to("anna.schmidt@example.org")
    assert reference in mail["Subject"] or reference in mail.get_content()
    assert "Guten Tag Anna Schmidt" in mail.get_content()


def test_english_user_books_a_consultation(chat, stack, mail_sink, slots_seeded):
    conversation = chat(language="en")
    replies = say(conversation, "I want to talk to a person")
    assert bot_actions(conversation)[-1] == "utter_ask_privacy_consent"
    reference, replies = book(conversation, ["yes", "individual", "John Smith"], "john.smith@example.org")
    assert "Your reference" in replies[-1]["text"]

    ticket, booking, transcript = asyncio.run(load_ticket(stack.settings.database_url, reference))
    assert (ticket.language, ticket.client_type, ticket.company) == ("en", "individual", None)
    assert booking is not None and len(transcript) > 10
    [mail] = mail_sink.to("john.smith@example.org")
    assert "Hello John Smith" in mail.get_content() and reference in mail.get_content()
    # Clicked buttons ("later", the slot time) are shown to staff by their titles.
    typed = [line.text for line in transcript if line.sender == "user"]
    assert "later" not in typed and not any(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", t) for t in typed)

    # Cancelling in a later chat frees the slot and confirms by e-mail.
    later = chat(language="en")
    say(later, "I need to cancel my appointment")
    assert bot_actions(later)[-1] == "utter_ask_booking_reference"
    say(later, reference)
    say(later, "john.smith@example.org")
    assert bot_actions(later)[-1] == "utter_handoff_cancelled"
    _, booking, _ = asyncio.run(load_ticket(stack.settings.database_url, reference))
    assert booking.cancelled_at is not None
    first, cancelled = mail_sink.to("john.smith@example.org")
    assert reference in cancelled.get_content() and "cancel" in cancelled["Subject"].lower()


def test_stopping_the_form_stores_nothing(chat, stack, slots_seeded):
    conversation = chat(language="en")
    say(conversation, "book a consultation")
    say(conversation, "yes")
    say(conversation, "individual")
    say(conversation, "cancel")
    assert bot_actions(conversation)[-1] == "utter_handoff_stopped"
    tracker = conversation.tracker()
    assert not (tracker.get("active_loop") or {}).get("name")
    assert tracker["slots"]["client_type"] is None and tracker["slots"]["privacy_consent"] is None


def test_action_server_down_gives_a_localized_apology(chat, stack):
    stack.stop_process("actions")
    try:
        for language, words in (("de", "Entschuldigung"), ("en", "Sorry")):
            conversation = chat(language=language)
            text = "Beratung buchen" if language == "de" else "book a consultation"
            replies = say(conversation, text)
            assert words in replies[-1]["text"] and "expatservicedesk.de" in replies[-1]["text"]
            # The conversation goes on: a rule-only answer still works.
            assert say(conversation, "Hallo" if language == "de" else "Hello")
    finally:
        stack.start_process("actions")
        stack.wait_ready(timeout=120)

"""Booking a consultation as a conversation, through the real stack (REST channel): a German
and an English user book by typing only (values in any order, a typed time wish, a topic
question in the middle, a correction at the summary); the ticket, its transcript and the
booking land in the stack's database and the confirmation mail reaches a real SMTP server.
Forms give way (goodbye, stop, two misses), and with the action server stopped the user still
gets a localized apology."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import select

from bot.db.models import Booking, Ticket, TranscriptEntry
from bot.db.session import make_engine, make_sessionmaker
from bot.tools.seed import seed

REFERENCE = re.compile(r"ESD-[0-9A-Z]{5}")
PROPOSALS = {"utter_ask_consultation_slot", "utter_handoff_slots_for_wish",
             "utter_handoff_no_fitting_slots"}


@pytest.fixture(scope="module")
def slots_seeded(stack):
    asyncio.run(seed(stack.settings.database_url, stack.settings.timezone))


def bot_actions(conversation) -> list[str]:
    events = conversation.tracker()["events"]
    return [e.get("metadata", {}).get("utter_action") for e in events if e["event"] == "bot"]


class Turns:
    """The conversation with what the bot said per turn (response names, texts)."""

    def __init__(self, conversation):
        self.conversation = conversation
        self.seen = 0

    def say(self, text: str) -> tuple[list[str], str]:
        replies = self.conversation.send(text)
        assert replies, f"no reply to {text!r}"
        names = bot_actions(self.conversation)
        said, self.seen = names[self.seen:], len(names)
        return said, "\n".join(r.get("text", "") for r in replies)

    def slots(self) -> dict:
        return self.conversation.tracker()["slots"]


def start(conversation) -> Turns:
    turns = Turns(conversation)
    turns.seen = len(bot_actions(conversation))
    return turns


def body(mail) -> str:
    """The mail's text (it may carry a calendar invite as well)."""
    return mail.get_body(preferencelist=("plain",)).get_content()


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


def test_german_user_books_by_typing_only(chat, stack, mail_sink, slots_seeded):
    turns = start(chat(language="de"))
    turns.say("Hallo")
    turns.say("Was ist die Blaue Karte?")
    said, text = turns.say("Ich möchte einen Beratungstermin")
    assert said == ["utter_ask_privacy_consent"] and "einverstanden" in text
    said, _ = turns.say("ja")
    assert said == ["utter_ask_person_name_and_email"]
    # Name and a broken address in one line: the name is kept, the address refused with why.
    said, _ = turns.say("Anna Schmidt, anna.schmidt@")
    assert said == ["utter_handoff_invalid_email_missing_domain", "utter_ask_email"]
    assert turns.slots()["person_name"] == "Anna Schmidt"
    said, _ = turns.say("anna.schmidt@example.org")
    assert said == ["utter_ask_consultation_slot"]
    # A question on another topic is answered, then back to the pending question.
    said, _ = turns.say("Brauche ich ein Visum für Deutschland?")
    assert said[0] == "utter_visa_entry" and said[1:] == [
        "utter_back_to_consultation_form", "utter_ask_consultation_slot"]
    said, text = turns.say("Dienstag nachmittags")
    assert said[-1] in PROPOSALS and "1)" in text
    said, _ = turns.say("der zweite")
    assert said == ["utter_ask_client_type"]
    said, text = turns.say("für unser Unternehmen, Müller Maschinenbau GmbH")
    assert said == ["utter_ask_booking_confirmed"]
    assert "Blaue Karte EU" in text and "anna.schmidt@example.org" in text and " Uhr" in text
    said, text = turns.say("ja")
    assert said == ["utter_handoff_booked"]
    assert "anna.schmidt@example.org" in text and " Uhr" in text and "Ihre Referenz" in text
    reference = REFERENCE.search(text).group(0)

    ticket, booking, transcript = asyncio.run(load_ticket(stack.settings.database_url, reference))
    assert (ticket.language, ticket.client_type, ticket.company, ticket.name, ticket.email) == (
        "de", "company", "Müller Maschinenbau GmbH", "Anna Schmidt", "anna.schmidt@example.org")
    assert ticket.topic == "blue_card" and ticket.consultation_language == "de"
    assert ticket.status == "open" and booking is not None and booking.slot_id is not None
    first = transcript[0]
    assert (first.sender, first.text) == ("user", "Hallo") and first.intent and first.confidence
    assert any(line.text == "Ich möchte einen Beratungstermin" and line.intent == "request_human"
               for line in transcript)
    [mail] = mail_sink.to("anna.schmidt@example.org")
    assert reference in mail["Subject"] or reference in body(mail)
    assert "Anna Schmidt" in body(mail)


def test_english_user_sees_a_proposal_within_four_turns_and_corrects_the_address(
        chat, stack, mail_sink, slots_seeded):
    turns = start(chat(language="en"))
    said, _ = turns.say("I'd like to book a consultation")
    assert said == ["utter_ask_privacy_consent"]
    said, _ = turns.say("yes")
    assert said == ["utter_ask_person_name_and_email"]
    said, _ = turns.say("John Smith, john.smith@example.org")
    assert said == ["utter_ask_consultation_slot"]
    said, text = turns.say("next Tuesday morning")  # the fourth bot turn: a concrete proposal
    assert said[-1] in {"utter_handoff_slots_for_wish", "utter_handoff_no_fitting_slots"}
    assert "1)" in text
    said, _ = turns.say("the first one")
    assert said == ["utter_ask_client_type"]
    said, _ = turns.say("for myself")
    assert said == ["utter_ask_topic"]
    said, text = turns.say("Blue Card <b>and</b> a new job")
    assert said == ["utter_ask_booking_confirmed"] and "john.smith@example.org" in text
    said, _ = turns.say("change the e-mail")
    assert said == ["utter_ask_email"]
    said, text = turns.say("john.s@example.org")
    assert said == ["utter_ask_booking_confirmed"] and "john.s@example.org" in text
    said, text = turns.say("yes")
    assert said == ["utter_handoff_booked"] and "john.s@example.org" in text
    reference = REFERENCE.search(text).group(0)

    ticket, booking, transcript = asyncio.run(load_ticket(stack.settings.database_url, reference))
    assert (ticket.language, ticket.client_type, ticket.company) == ("en", "individual", None)
    assert (ticket.name, ticket.email, ticket.consultation_language) == (
        "John Smith", "john.s@example.org", "en")
    assert ticket.topic == "Blue Card <b>and</b> a new job"  # stored as typed, escaped on output
    assert booking is not None and len(transcript) > 10
    [mail] = mail_sink.to("john.s@example.org")
    assert "John Smith" in body(mail) and reference in body(mail)
    assert not mail_sink.to("john.smith@example.org")


def test_goodbye_stop_and_two_misses_leave_the_form_and_store_nothing(chat, stack, slots_seeded):
    turns = start(chat(language="en"))
    turns.say("book a consultation")
    turns.say("yes")
    said, _ = turns.say("bye")
    assert said == ["utter_handoff_left_form", "utter_goodbye"]
    tracker = turns.conversation.tracker()
    assert not (tracker.get("active_loop") or {}).get("name")
    assert tracker["slots"]["privacy_consent"] is None

    turns = start(chat(language="de"))
    turns.say("Beratung buchen")
    turns.say("ja")
    said, _ = turns.say("abbrechen")
    assert said == ["utter_handoff_stopped"]
    assert turns.slots()["privacy_consent"] is None

    turns = start(chat(language="en"))
    turns.say("book a consultation")
    turns.say("yes")
    turns.say("Ada Lovelace")
    said, _ = turns.say("dunno")
    assert said == ["utter_handoff_invalid_email", "utter_ask_email"]
    said, text = turns.say("dunno")
    assert said == ["utter_handoff_invalid_email", "utter_handoff_give_up"]
    assert "expatservicedesk.de" in text
    assert turns.slots()["person_name"] is None
    said, _ = turns.say("Hello")
    assert said == ["utter_greet"]  # the conversation goes on outside the form


def test_action_server_down_gives_a_localized_apology(chat, stack):
    stack.stop_process("actions")
    try:
        for language, words in (("de", "Entschuldigung"), ("en", "Sorry")):
            conversation = chat(language=language)
            text = "Beratung buchen" if language == "de" else "book a consultation"
            replies = conversation.send(text)
            assert words in replies[-1]["text"] and "expatservicedesk.de" in replies[-1]["text"]
            # The conversation goes on: a rule-only answer still works.
            assert conversation.send("Hallo" if language == "de" else "Hello")
    finally:
        stack.start_process("actions")
        stack.wait_ready(timeout=120)

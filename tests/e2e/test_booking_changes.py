"""Cancelling and moving a booking through the real stack over the REST channel, in German and
English, typing as people do: the booking is shown and confirmed before it changes, "no" keeps
it, a missing reference leads to links by mail (the same answer for any address), two misses
lead to the contact page, a goodbye leaves the flow, and a typed time wish moves it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.db.models import Booking, Ticket
from bot.db.session import make_engine, make_sessionmaker
from bot.desk.slots import next_free_slots
from bot.desk.time_wish import local
from bot.handoff import service
from tests.e2e.test_handoff import bot_actions, slots_seeded  # noqa: F401  (a fixture)
from tests.handoff.conftest import contact


def say(conversation, text: str) -> list[dict]:
    replies = conversation.send(text)
    assert replies, f"no reply to {text!r}"
    return replies


def run(database_url: str, work):
    async def main():
        engine = make_engine(database_url)
        try:
            return await work(make_sessionmaker(engine))
        finally:
            await engine.dispose()
    return asyncio.run(main())


def book(stack, email: str, language: str, nth: int = 0):
    """A booking of the nth free slot, made as the booking dialogue would."""
    async def work(sm):
        async with sm() as session:
            free = await next_free_slots(session, datetime.now(timezone.utc), page_size=50)
        return await service.submit(sm, contact(email=email, language=language), [],
                                    datetime.now(timezone.utc), free[nth].id)
    return run(stack.settings.database_url, work)


def state(stack, reference: str) -> tuple[str, Booking]:
    async def work(sm):
        async with sm() as session:
            ticket = await session.scalar(select(Ticket).where(Ticket.reference == reference))
            booking = await session.scalar(select(Booking).where(Booking.ticket_id == ticket.id))
            return ticket.status, booking
    return run(stack.settings.database_url, work)


def free_starts(stack) -> list[datetime]:
    async def work(sm):
        async with sm() as session:
            return [s.start for s in await next_free_slots(session, datetime.now(timezone.utc), page_size=50)]
    return run(stack.settings.database_url, work)


def text_of(replies: list[dict]) -> str:
    return " ".join(r.get("text", "") for r in replies)


def active_loop(conversation) -> str | None:
    return (conversation.tracker().get("active_loop") or {}).get("name")


def body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


@pytest.mark.parametrize(("language", "ask", "yes", "weekday"), [
    ("en", "I need to cancel my appointment {ref}, my mail is {mail}", "yes, cancel it", "German time"),
    ("de", "Bitte absagen: {mail} {ref}", "Ja", "deutsche Zeit"),
])
def test_cancel_in_one_message_shown_then_yes(chat, stack, mail_sink, slots_seeded,
                                              language, ask, yes, weekday):
    address = f"cancel-{language}@example.org"
    booked = book(stack, address, language)
    conversation = chat(language=language)
    replies = say(conversation, ask.format(ref=booked.reference, mail=address))
    assert bot_actions(conversation)[-1] == "utter_ask_cancel_confirm"
    assert booked.reference in text_of(replies) and weekday in text_of(replies)
    assert state(stack, booked.reference)[1].slot_id is not None  # nothing changed yet
    say(conversation, yes)
    assert bot_actions(conversation)[-1] == "utter_handoff_cancelled"
    status, booking = state(stack, booked.reference)
    assert status == "cancelled" and booking.slot_id is None
    [cancelled] = mail_sink.to(address)  # (the booking was made without its mail)
    assert booked.reference in body(cancelled)


@pytest.mark.parametrize(("language", "ask", "no"), [
    ("en", "cancel my booking", "no thanks"), ("de", "Ich möchte meinen Termin absagen", "nein"),
])
def test_no_keeps_the_booking(chat, stack, slots_seeded, language, ask, no):
    booked = book(stack, f"keep-{language}@example.org", language, nth=1)
    conversation = chat(language=language)
    say(conversation, ask)
    assert bot_actions(conversation)[-1] == "utter_ask_booking_reference"
    say(conversation, booked.reference)
    assert bot_actions(conversation)[-1] == "utter_ask_booking_email"
    say(conversation, f"keep-{language}@example.org")
    assert bot_actions(conversation)[-1] == "utter_ask_cancel_confirm"
    say(conversation, no)
    assert bot_actions(conversation)[-1] == "utter_booking_kept"
    assert active_loop(conversation) is None
    assert state(stack, booked.reference)[1].slot_id is not None


@pytest.mark.parametrize(("language", "lost"), [("en", "I don't have the number"),
                                                ("de", "Ich habe die Nummer nicht")])
def test_without_the_reference_links_go_to_a_known_address_only(
    chat, stack, mail_sink, slots_seeded, language, lost
):
    known = f"links-{language}@example.org"
    booked = book(stack, known, language, nth=2)
    answers = []
    for address in (known, f"unknown-{language}@example.org"):
        conversation = chat(language=language)
        say(conversation, {"en": "I want to cancel my appointment",
                           "de": "Ich möchte meinen Termin absagen"}[language])
        say(conversation, lost)
        assert bot_actions(conversation)[-1] == "utter_ask_booking_email_for_links"
        answers.append(text_of(say(conversation, address)))
        assert bot_actions(conversation)[-1] == "utter_booking_links_sent"
        assert active_loop(conversation) is None
    assert answers[0] == answers[1]  # the chat reveals nothing about an address
    links = [m for m in mail_sink.to(known) if "/booking/" in body(m)]
    assert links and booked.reference in body(links[-1])
    assert mail_sink.to(f"unknown-{language}@example.org") == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_two_wrong_references_offer_the_contact_page(chat, stack, slots_seeded, language):
    conversation = chat(language=language)
    say(conversation, {"en": "cancel my appointment", "de": "Termin absagen"}[language])
    say(conversation, "ESD-7K3Q9 someone@example.org")
    assert bot_actions(conversation)[-1] == "utter_ask_booking_reference"
    assert "utter_booking_not_found_retry" in bot_actions(conversation)[-2:]
    replies = say(conversation, "ESD-9MQ2D someone@example.org")
    assert bot_actions(conversation)[-1] == "utter_booking_change_contact"
    assert "https://www.expatservicedesk.de" in text_of(replies)
    assert active_loop(conversation) is None
    say(conversation, {"en": "Hello", "de": "Hallo"}[language])  # out of the flow: small talk again
    assert bot_actions(conversation)[-1] == "utter_greet"


@pytest.mark.parametrize(("language", "ask", "bye"), [
    ("de", "Ich möchte meinen Termin verschieben", "Tschüss"), ("en", "cancel my appointment", "bye"),
])
def test_goodbye_mid_flow_leaves_it(chat, stack, slots_seeded, language, ask, bye):
    conversation = chat(language=language)
    say(conversation, ask)
    assert active_loop(conversation) in ("cancel_booking_form", "reschedule_booking_form")
    say(conversation, bye)
    assert bot_actions(conversation)[-2:] == ["utter_booking_change_left", "utter_goodbye"]
    assert active_loop(conversation) is None
    assert conversation.tracker()["slots"]["requested_slot"] is None


@pytest.mark.parametrize("language", ["en", "de"])
def test_move_by_a_typed_time_wish(chat, stack, mail_sink, slots_seeded, language):
    address = f"move-{language}@example.org"
    booked = book(stack, address, language, nth=3)
    later = [start for start in free_starts(stack) if local(start).date() > local(booked.start).date()]
    day = local(later[0])
    wish = {"en": f"{day:%b} {day.day}", "de": f"am {day.day}.{day.month}."}[language]
    conversation = chat(language=language)
    say(conversation, {"en": "I'd like to move my appointment",
                       "de": "Ich möchte meinen Termin verschieben"}[language])
    say(conversation, f"{booked.reference} {address}")
    assert bot_actions(conversation)[-2:] == ["utter_booking_move_current", "utter_ask_booking_new_slot"]
    replies = say(conversation, wish)
    assert bot_actions(conversation)[-1] == "utter_booking_move_proposal"
    offered = [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert offered and offered[0].startswith(f"{day:%Y-%m-%d}")
    say(conversation, {"en": offered[0], "de": "den ersten bitte"}[language])  # click or type
    assert bot_actions(conversation)[-1] == "utter_ask_move_confirm"
    assert state(stack, booked.reference)[1].start == booked.start  # nothing moved yet
    say(conversation, {"en": "yes please", "de": "ja, gerne"}[language])
    assert bot_actions(conversation)[-1] == "utter_handoff_rescheduled"
    _, booking = state(stack, booked.reference)
    assert local(booking.start).strftime("%Y-%m-%d %H:%M") == offered[0]
    [moved] = mail_sink.to(address)
    assert booked.reference in body(moved)


@pytest.mark.parametrize(("language", "ask", "question", "answer"), [
    ("en", "cancel my appointment", "How do I get a tax ID?", "utter_tax_id"),
    ("de", "Ich möchte meinen Termin absagen", "Wie bekomme ich eine Steuer-ID?", "utter_tax_id"),
])
def test_a_topic_question_mid_flow_is_answered_then_back(chat, stack, slots_seeded,
                                                          language, ask, question, answer):
    address = f"aside-{language}@example.org"
    booked = book(stack, address, language, nth=4)
    conversation = chat(language=language)
    say(conversation, ask)
    before = len(bot_actions(conversation))
    say(conversation, question)
    assert bot_actions(conversation)[before:] == [
        answer, "utter_back_to_cancel_booking_form", "utter_ask_booking_reference"]
    assert active_loop(conversation) == "cancel_booking_form"
    say(conversation, f"{address} {booked.reference}")
    assert bot_actions(conversation)[-1] == "utter_ask_cancel_confirm"

"""Cancelling and moving a booking, action by action: hand-built trackers, the real domain,
real test databases (SQLite and PostgreSQL). Assertions are on response names and slots."""

from __future__ import annotations

import email
from dataclasses import replace
from email import policy

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.booking_change_form import ValidateCancelBookingForm, ValidateRescheduleBookingForm
from actions.booking_changes import (
    ActionAskBookingEmail, ActionAskBookingNewSlot, ActionAskChangeConfirmed, ActionCancelBooking,
    ActionRescheduleBooking, links_sent,
)
from bot.db.models import Booking, Ticket
from bot.db.session import make_engine, make_sessionmaker
from bot.handoff import service
from bot.handoff.dates import slot_key
from bot.settings import Settings
from bot.tools.stack import free_port
from tests.handoff.conftest import NOW, contact
from tests.handoff.trackers import DOMAIN, responses, slot_events, tracker

CANCEL, MOVE = "cancel_booking_form", "reschedule_booking_form"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return replace(Settings(), smtp_host=None, mail_outbox=tmp_path / "outbox")


def deps(sessionmaker, settings):
    return dict(sessionmaker=sessionmaker, settings=settings, clock=lambda: NOW)


def mails(settings: Settings) -> list:
    if not settings.mail_outbox.exists():
        return []
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(settings.mail_outbox.glob("*.eml"))]


def body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


async def step(form, text, slots=None, intent=None, loop=CANCEL):
    """One user message through the form's validation: (response names, slot events, events)."""
    d = CollectingDispatcher()
    events = await form.run(d, tracker(slots or {}, text, intent, active_loop=loop), DOMAIN)
    return responses(d), slot_events(events), events


async def ask(action, slots, loop=CANCEL):
    d = CollectingDispatcher()
    events = await action.run(d, tracker(slots, "", active_loop=loop), DOMAIN)
    return d, slot_events(events)


@pytest.fixture
async def booked(sessionmaker, slots):
    return await service.submit(sessionmaker, contact(), [], NOW, slots[0].id)


# --- finding the booking --------------------------------------------------------------------

async def test_reference_and_email_in_one_line_find_the_booking(sessionmaker, settings, booked):
    form = ValidateCancelBookingForm(**deps(sessionmaker, settings))
    said, slots, _ = await step(form, f"I want to cancel {booked.reference.lower()}, ADA@example.org",
                                intent="cancel_booking")
    assert said == []
    assert slots["booking_reference"] == booked.reference and slots["booking_email"] == "ADA@example.org"
    assert slots["booking_start"] and slots["requested_slot"] == "change_confirmed"

    d, _ = await ask(ActionAskChangeConfirmed(**deps(sessionmaker, settings)),
                     {"booking_start": slots["booking_start"], "booking_reference": booked.reference})
    assert responses(d) == ["utter_ask_cancel_confirm"]
    assert d.messages[0]["when"] == "Tuesday, 8 December 2026, 10:00"


async def test_email_first_then_the_reference(sessionmaker, settings, booked):
    form = ValidateCancelBookingForm(**deps(sessionmaker, settings))
    said, slots, _ = await step(form, "ada@example.org", {"requested_slot": "booking_reference"})
    assert said == [] and slots["booking_email"] == "ada@example.org"
    assert slots["requested_slot"] == "booking_reference"
    said, slots, _ = await step(form, f"it's {booked.reference}",
                                {"requested_slot": "booking_reference", "booking_email": "ada@example.org"})
    assert slots["booking_start"] and slots["requested_slot"] == "change_confirmed"


@pytest.mark.parametrize("word", ["danke", "thanks"])
async def test_a_word_is_not_a_reference(word):
    said, slots, events = await step(ValidateCancelBookingForm(), word,
                                     {"requested_slot": "booking_reference"}, intent="thank")
    assert said == [] and events == []  # an aside: answered beside the form (data/rules/forms.yml)


async def test_two_misses_offer_the_contact_page_and_end(sessionmaker, settings, booked):
    form = ValidateCancelBookingForm(**deps(sessionmaker, settings))
    said, slots, _ = await step(form, "ESD-7K3Q9 ada@example.org", {"requested_slot": "booking_reference"})
    assert said == ["utter_booking_not_found_retry"] and slots["booking_misses"] == 1
    assert slots["booking_reference"] is None and slots["requested_slot"] == "booking_reference"
    said, slots, _ = await step(form, "ESD-12345", {"requested_slot": "booking_reference",
                                                   "booking_misses": 1, "booking_email": "ada@example.org"})
    assert said == ["utter_booking_change_contact"]
    assert slots["requested_slot"] is None and slots["booking_email"] is None


async def test_lost_reference_as_the_first_message_asks_for_the_address():
    said, slots, _ = await step(ValidateCancelBookingForm(), "I lost my booking number", intent="lost_reference")
    assert said == [] and slots == {"booking_no_reference": True, "requested_slot": "booking_email"}


async def test_the_database_down_at_the_lookup_ends_with_try_again(settings, caplog):
    engine = make_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere")
    try:
        form = ValidateCancelBookingForm(sessionmaker=make_sessionmaker(engine), settings=settings,
                                         clock=lambda: NOW)
        said, slots, _ = await step(form, "ESD-7K3Q9 ada@example.org", {"requested_slot": "booking_reference"})
    finally:
        await engine.dispose()
    assert said == ["utter_handoff_try_again"] and slots["requested_slot"] is None
    assert "ada@example.org" not in caplog.text


async def test_a_wrong_address_is_a_miss_with_a_hint():
    said, slots, _ = await step(ValidateCancelBookingForm(), "ada@",
                                {"requested_slot": "booking_email", "booking_reference": "ESD-7K3Q9"})
    assert said[0].startswith("utter_handoff_invalid_email") and slots["booking_misses"] == 1


# --- confirming --------------------------------------------------------------------------

CONFIRMING = {"requested_slot": "change_confirmed", "booking_reference": "ESD-7K3Q9",
              "booking_email": "ada@example.org", "booking_start": "2026-12-08T09:00:00+00:00"}


@pytest.mark.parametrize(("text", "intent"), [("yes, cancel it", "cancel_booking"),
                                              ("Ja, bitte", "affirm"), ("cancel it", "cancel_booking")])
async def test_yes_confirms(text, intent):
    said, slots, _ = await step(ValidateCancelBookingForm(), text, CONFIRMING, intent=intent)
    assert said == [] and slots["change_confirmed"] == "yes" and slots["requested_slot"] is None


@pytest.mark.parametrize(("text", "intent"), [("no thanks", "deny"), ("nein", "deny"),
                                              ("abbrechen", None),
                                              ("Nein, doch nicht, ich behalte ihn", "nlu_fallback"),
                                              ("actually no thanks, I'll keep it", None)])
async def test_no_keeps_the_booking(text, intent):
    said, slots, events = await step(ValidateCancelBookingForm(), text, CONFIRMING, intent=intent)
    assert said == ["utter_booking_kept"]
    assert slots["requested_slot"] is None and slots["booking_reference"] is None
    assert not any(e.get("event") == "action_execution_rejected" for e in events)


async def test_a_topic_question_is_left_to_the_rules_beside_the_form():
    said, slots, events = await step(ValidateCancelBookingForm(), "How do I get a tax ID?", CONFIRMING,
                                     intent="tax_id")
    assert said == [] and events == []  # Rasa rejects the form; the aside rule answers, then back


@pytest.mark.parametrize(("text", "intent"), [("bye", "goodbye"), ("ok forget it, bye", "goodbye"),
                                              ("I want to book a new consultation", "request_human")])
async def test_another_concern_leaves_the_flow_and_gives_way(text, intent):
    said, slots, events = await step(ValidateCancelBookingForm(), text, CONFIRMING, intent=intent)
    assert said == ["utter_booking_change_left"] and slots["requested_slot"] is None
    kinds = [e["event"] for e in events]
    assert kinds[-2:] == ["active_loop", "action_execution_rejected"]
    assert events[-2]["name"] is None and events[-1]["name"] == CANCEL


async def test_a_language_switch_is_left_to_its_rule():
    assert (await step(ValidateCancelBookingForm(), "English please", CONFIRMING,
                       intent="switch_language"))[2] == []


async def test_cancel_after_yes_frees_the_slot_and_mails(sessionmaker, settings, booked):
    action = ActionCancelBooking(**deps(sessionmaker, settings))
    d = CollectingDispatcher()
    await action.run(d, tracker({"booking_reference": booked.reference, "booking_email": "ada@example.org"}), DOMAIN)
    assert responses(d) == [] and mails(settings) == []  # no yes, no change
    d = CollectingDispatcher()
    events = slot_events(await action.run(d, tracker({**CONFIRMING, "booking_reference": booked.reference,
                                                            "change_confirmed": "yes"}), DOMAIN))
    assert responses(d) == ["utter_handoff_cancelled"] and events["booking_reference"] is None
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == booked.reference))
        booking = await session.scalar(select(Booking).where(Booking.ticket_id == ticket.id))
    assert ticket.status == "cancelled" and booking.slot_id is None
    [mail] = mails(settings)
    assert booked.reference in body(mail) and "cancelled" in mail["Subject"]


async def test_cancel_stands_when_the_mail_server_is_down(sessionmaker, settings, booked, caplog):
    settings = replace(settings, smtp_host="127.0.0.1", smtp_port=free_port())
    d = CollectingDispatcher()
    await ActionCancelBooking(**deps(sessionmaker, settings)).run(
        d, tracker({**CONFIRMING, "booking_reference": booked.reference, "change_confirmed": "yes"}), DOMAIN)
    assert responses(d) == ["utter_handoff_cancelled"]
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == booked.reference))
    assert ticket.status == "cancelled" and "ada@example.org" not in caplog.text


# --- without the reference ---------------------------------------------------------------

async def test_without_the_reference_the_address_gets_links(sessionmaker, settings, booked):
    form = ValidateCancelBookingForm(**deps(sessionmaker, settings))
    said, slots, _ = await step(form, "I don't have the number", {"requested_slot": "booking_reference"},
                                intent="lost_reference")
    assert said == [] and slots["booking_no_reference"] is True
    assert slots["requested_slot"] == "booking_email"
    d, _ = await ask(ActionAskBookingEmail(), {"booking_no_reference": True})
    assert responses(d) == ["utter_ask_booking_email_for_links"]
    said, slots, _ = await step(form, "ada@example.org", {"requested_slot": "booking_email",
                                                         "booking_no_reference": True})
    assert said == [] and slots["requested_slot"] is None

    action = ActionCancelBooking(**deps(sessionmaker, settings))
    for address in ("nobody@example.org", "ada@example.org"):
        d = CollectingDispatcher()
        await action.run(d, tracker({"booking_no_reference": True, "booking_email": address}), DOMAIN)
        assert responses(d) == ["utter_booking_links_sent"]  # the same either way
        # ...and as fast: the reply does not wait for the lookup or the mail.
        assert mails(settings) == []
    await links_sent()
    [mail] = mails(settings)
    assert mail["To"] == "ada@example.org" and "/booking/" in body(mail)


# --- moving ------------------------------------------------------------------------------

async def test_move_by_a_typed_wish_then_pick_and_confirm(sessionmaker, settings, slots, booked):
    form = ValidateRescheduleBookingForm(**deps(sessionmaker, settings))
    said, found, _ = await step(form, f"{booked.reference} ada@example.org",
                                {"requested_slot": "booking_reference"}, loop=MOVE)
    assert found["requested_slot"] == "booking_new_slot"
    state = {"booking_reference": booked.reference, "booking_email": "ada@example.org",
             "booking_start": found["booking_start"], "requested_slot": "booking_new_slot"}
    d, events = await ask(ActionAskBookingNewSlot(**deps(sessionmaker, settings)), state, MOVE)
    assert responses(d) == ["utter_booking_move_current", "utter_ask_booking_new_slot"]
    assert d.messages[0]["when"] == "Tuesday, 8 December 2026, 10:00" and events["slot_page"] == 0

    said, wished, _ = await step(form, "Tuesday afternoon", state, loop=MOVE)
    assert said == [] and wished["booking_time_wish"] == "Tuesday afternoon"
    d, shown = await ask(ActionAskBookingNewSlot(**deps(sessionmaker, settings)),
                         {**state, "booking_time_wish": "Tuesday afternoon", "slot_page": 0}, MOVE)
    assert responses(d) == ["utter_booking_move_proposal"]
    offered = [b["payload"] for b in d.messages[0]["buttons"]]
    assert offered[0] == slot_key(slots[2].start)  # 12:00 Berlin, the first afternoon slot
    assert shown["booking_offered"] == offered
    said, typed, _ = await step(form, "the second one", {**state, "booking_offered": offered}, loop=MOVE)
    assert typed["booking_new_slot"] == str(slots[3].id)  # picked by typing, not only by button

    said, picked, _ = await step(form, offered[0], state, loop=MOVE)
    assert picked["booking_new_slot"] == str(slots[2].id) and picked["requested_slot"] == "change_confirmed"
    confirming = {**state, "booking_new_slot": picked["booking_new_slot"],
                  "booking_new_start": picked["booking_new_start"], "requested_slot": "change_confirmed"}
    d, _ = await ask(ActionAskChangeConfirmed(**deps(sessionmaker, settings)), confirming, MOVE)
    assert responses(d) == ["utter_ask_move_confirm"]
    assert (d.messages[0]["old_when"], d.messages[0]["when"]) == (
        "Tuesday, 8 December 2026, 10:00", "Tuesday, 8 December 2026, 12:00")

    said, again, _ = await step(form, "12:00 please", {**confirming, "booking_offered": offered},
                                intent="affirm", loop=MOVE)
    assert "change_confirmed" not in again and again["requested_slot"] == "change_confirmed"
    assert again["booking_new_slot"] == str(slots[2].id)  # a time at the question: asked again
    said, other, _ = await step(form, "10 am please", confirming, intent="reschedule_booking", loop=MOVE)
    assert other["booking_time_wish"] == "10 am please" and other["booking_new_slot"] is None
    said, unread, _ = await step(form, "move it to 10 please", confirming,
                                 intent="reschedule_booking", loop=MOVE)
    assert said == ["utter_booking_confirm_unclear"] and unread["change_confirmed"] is None
    said, back, _ = await step(form, "another time please", confirming, loop=MOVE)
    assert back["booking_new_slot"] is None and back["requested_slot"] == "booking_new_slot"
    said, yes, _ = await step(form, "yes", confirming, intent="affirm", loop=MOVE)
    d = CollectingDispatcher()
    await ActionRescheduleBooking(**deps(sessionmaker, settings)).run(
        d, tracker({**confirming, **yes}), DOMAIN)
    assert responses(d) == ["utter_handoff_rescheduled"]
    assert d.messages[0]["when"] == "Tuesday, 8 December 2026, 12:00"
    [mail] = mails(settings)
    assert "12:00" in mail["Subject"]


async def test_an_exact_free_time_is_taken_directly(sessionmaker, settings, slots, booked):
    form = ValidateRescheduleBookingForm(**deps(sessionmaker, settings))
    state = {"booking_reference": booked.reference, "booking_email": "ada@example.org",
             "booking_start": booked.start.isoformat(), "requested_slot": "booking_new_slot"}
    said, picked, _ = await step(form, "Dec 8 at 14:00", state, loop=MOVE)
    assert picked["booking_new_slot"] == str(slots[4].id)


# --- hostile input -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "x" * 100_000 + " ESD-7K3Q9",
    "<script>alert(1)</script>",
    "\x00\x1b[31mESD\x07",
])
async def test_hostile_input_is_a_miss_never_an_error(text):
    said, slots, _ = await step(ValidateCancelBookingForm(), text, {"requested_slot": "booking_reference"},
                                intent="nlu_fallback")
    assert said == ["utter_handoff_invalid_reference"] and slots["booking_misses"] == 1


async def test_header_injection_in_the_address_keeps_only_the_address():
    said, slots, _ = await step(ValidateCancelBookingForm(), "ada@example.org\r\nBcc: eve@example.org",
                                {"requested_slot": "booking_email", "booking_no_reference": True})
    assert slots["booking_email"] == "ada@example.org"

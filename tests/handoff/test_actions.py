"""The consultation form as plain async calls: hand-built Trackers, CollectingDispatcher, the
real domain (domain/*.yml) and real test databases. Assertions are on response names."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.consultation import (
    ActionAskBookingConfirmed, ActionAskPersonName, ActionSubmitConsultation,
    ValidateConsultationForm,
)
from actions.fallback import ActionDefaultAskAffirmation, ActionDefaultFallback
from actions.forms import ActionAnswerAside, ActionLeaveForm
from actions.slot_offer import ActionAskConsultationSlot
from bot.db.models import Booking, Ticket, TranscriptEntry
from bot.db.session import make_engine, make_sessionmaker
from bot.handoff import service
from bot.handoff.dates import slot_key
from bot.settings import Settings
from bot.tools.stack import free_port
from tests.handoff.conftest import NOW, contact
from tests.handoff.trackers import DOMAIN, responses, slot_events, tracker

FORM = "consultation_form"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return replace(Settings(), smtp_host=None, mail_outbox=tmp_path / "outbox")


def deps(sessionmaker, settings):
    return dict(sessionmaker=sessionmaker, settings=settings, clock=lambda: NOW)

CONSENTED = {"privacy_consent": "yes"}


async def validate(text: str, slots: dict | None = None, intent: str | None = None,
                   events: list | None = None, form=None, active_loop: str | None = FORM):
    """Runs the form's validation on `text`: (responses, slot events)."""
    d = CollectingDispatcher()
    t = tracker(slots, text, intent, events=events, active_loop=active_loop)
    result = await (form or ValidateConsultationForm()).run(d, t, DOMAIN)
    return responses(d), slot_events(result)


# --- consent, stopping -----------------------------------------------------------------

async def test_consent_yes_then_name_and_address_are_asked():
    said, events = await validate("Ja, einverstanden", {"requested_slot": "privacy_consent"})
    assert events["privacy_consent"] == "yes" and events["requested_slot"] == "person_name"
    assert said == []


@pytest.mark.parametrize(("text", "response"), [("no", "utter_handoff_no_consent"),
                                                 ("abbrechen", "utter_handoff_stopped")])
async def test_no_consent_or_stop_ends_the_form_and_clears_everything(text, response):
    said, events = await validate(text, {"requested_slot": "privacy_consent"})
    assert said == [response]
    assert events["requested_slot"] is None and events["privacy_consent"] is None


@pytest.mark.parametrize("text", ["cancel", "no thanks", "nein danke"])
async def test_stop_or_no_thanks_in_the_middle_clears_what_was_typed(text):
    said, events = await validate(text, {"requested_slot": "email", **CONSENTED,
                                         "person_name": "Ada"}, intent="deny")
    assert said == ["utter_handoff_stopped"]
    assert events["person_name"] is None and events["email"] is None
    assert events["requested_slot"] is None


async def test_unclear_consent_is_asked_again():
    said, events = await validate("what?", {"requested_slot": "privacy_consent"})
    assert said == ["utter_handoff_consent_unclear"] and events["privacy_consent"] is None


async def test_before_consent_only_what_is_not_personal_is_taken():
    text = "I'm Anna Kowalski, anna.k@web.de, booking for our company, next Tuesday morning by phone"
    said, events = await validate(text, {"requested_slot": "privacy_consent"})
    assert "person_name" not in events and "email" not in events
    assert events["client_type"] == "company" and events["consultation_mode"] == "phone"
    assert events["time_wish"] == text


# --- every value from any message ------------------------------------------------------

async def test_name_and_address_in_one_line_then_the_time_is_asked():
    said, events = await validate("Anna Kowalski, anna.k@web.de",
                                  {"requested_slot": "person_name", **CONSENTED})
    assert said == []
    assert (events["person_name"], events["email"]) == ("Anna Kowalski", "anna.k@web.de")
    assert events["requested_slot"] == "consultation_slot"


async def test_an_address_given_for_the_name_is_kept_and_the_name_asked():
    said, events = await validate("anna.k@web.de", {"requested_slot": "person_name", **CONSENTED})
    assert events["email"] == "anna.k@web.de" and events.get("person_name") is None
    assert events["requested_slot"] == "person_name" and said == []
    d = CollectingDispatcher()
    await ActionAskPersonName().run(d, tracker({"email": "anna.k@web.de"}), DOMAIN)
    assert responses(d) == ["utter_ask_person_name"]
    d = CollectingDispatcher()
    await ActionAskPersonName().run(d, tracker({}), DOMAIN)
    assert responses(d) == ["utter_ask_person_name_and_email"]


async def test_topic_from_the_conversation_and_language_from_the_chat_are_never_asked():
    history = [{"event": "user", "text": "Blaue Karte?", "parse_data": {"intent": {"name": "blue_card"}}}]
    said, events = await validate("Ich möchte einen Termin", {"language": "de"}, "request_human",
                                  events=history, active_loop=None)
    assert events["topic"] == "blue_card" and events["consultation_language"] == "de"
    said, events = await validate("Beratung bitte auf Englisch",
                                  {"requested_slot": "person_name", **CONSENTED, "language": "de",
                                   "consultation_language": "de"})
    assert events["consultation_language"] == "en"


@pytest.mark.parametrize(("text", "kind", "company"), [
    ("für unser Unternehmen", "company", None),
    ("We work for Siemens AG", "company", "Siemens AG"),
    ("Müller Maschinenbau GmbH", "company", "Müller Maschinenbau GmbH"),
    ("for myself", "individual", None),
    ("privat", "individual", None),
])
async def test_client_type_and_company_from_what_was_said(text, kind, company):
    said, events = await validate(text, {"requested_slot": "client_type", **CONSENTED,
                                         "person_name": "A B", "email": "a@b.de",
                                         "consultation_slot": "1"})
    assert events["client_type"] == kind and events.get("company_name") == company


@pytest.mark.parametrize(("typed", "response"), [
    ("anna@", "utter_handoff_invalid_email_missing_domain"),
    ("anna@web", "utter_handoff_invalid_email_missing_domain"),
    ("anna.web.de", "utter_handoff_invalid_email_missing_at"),
    ("<b>x</b>", "utter_handoff_invalid_email"),
])
async def test_an_invalid_address_is_named_with_why_and_the_rest_is_kept(typed, response):
    said, events = await validate(typed, {"requested_slot": "email", **CONSENTED,
                                          "person_name": "Ada Lovelace"})
    assert said == [response] and events["email"] is None
    assert "person_name" not in events or events["person_name"] == "Ada Lovelace"


async def test_header_injection_in_the_address_is_not_stored():
    said, events = await validate("ada@example.org\r\nBcc: victim@example.org",
                                  {"requested_slot": "email", **CONSENTED})
    assert events["email"] == "ada@example.org"


@pytest.mark.parametrize("typed", ["<script>alert(1)</script>", "x" * 500, "Hallo", "\x00\x01"])
async def test_hostile_or_non_names_are_refused(typed):
    said, events = await validate(typed, {"requested_slot": "person_name", **CONSENTED})
    assert events.get("person_name") is None and said == ["utter_handoff_invalid_name"]


# --- giving way ------------------------------------------------------------------------

async def test_a_topic_question_mid_form_is_left_to_the_rules():
    said, events = await validate("What do I need for a Blue Card?",
                                  {"requested_slot": "person_name", **CONSENTED}, "blue_card")
    assert said == [] and events == {}  # nothing extracted: Rasa rejects the form
    d = CollectingDispatcher()
    await ActionAnswerAside().run(d, tracker({}, "?", "blue_card", active_loop=FORM), DOMAIN)
    assert responses(d) == ["utter_blue_card", "utter_back_to_consultation_form"]


async def test_goodbye_mid_form_ends_it_politely():
    said, events = await validate("bye", {"requested_slot": "email", **CONSENTED}, "goodbye")
    assert events == {}
    d = CollectingDispatcher()
    left = await ActionLeaveForm().run(
        d, tracker({**CONSENTED, "person_name": "Ada"}, "bye", "goodbye", active_loop=FORM), DOMAIN)
    assert responses(d) == ["utter_handoff_left_form", "utter_goodbye"]
    assert slot_events(left)["person_name"] is None and {"event": "active_loop", "name": None,
                                                          "timestamp": None} in left


async def test_two_misses_offer_the_contact_page_and_end_the_form():
    slots = {"requested_slot": "email", **CONSENTED, "person_name": "Ada Lovelace"}
    said, events = await validate("dunno", slots)
    assert said == ["utter_handoff_invalid_email"] and events["form_misses"] == 1
    said, events = await validate("dunno", {**slots, "form_misses": 1})
    assert said == ["utter_handoff_invalid_email", "utter_handoff_give_up"]
    assert events["requested_slot"] is None and events["person_name"] is None


# --- the time -------------------------------------------------------------------------

async def test_ask_slot_without_a_wish_shows_the_next_free_times(sessionmaker, slots, settings):
    ask = ActionAskConsultationSlot(**deps(sessionmaker, settings))
    d = CollectingDispatcher()
    events = slot_events(await ask.run(d, tracker({"language": "de"}, active_loop=FORM), DOMAIN))
    assert responses(d) == ["utter_ask_consultation_slot"]
    buttons = d.messages[0]["buttons"]
    assert buttons[0] == {"title": "Di., 8.12., 10:00", "payload": "2026-12-08 10:00"}
    assert buttons[-1] == {"title": "Spätere Termine", "payload": "later"} and len(buttons) == 5
    assert d.messages[0]["options"].startswith("1) Di., 8.12., 10:00\n2) Di., 8.12., 11:00")
    assert events["offered_slots"] == ["2026-12-08 10:00", "2026-12-08 11:00", "2026-12-08 12:00",
                                       "2026-12-08 13:00"]
    d = CollectingDispatcher()
    await ask.run(d, tracker({"slot_page": 1}, active_loop=FORM), DOMAIN)
    assert responses(d) == ["utter_handoff_later_slots"]
    assert [b["payload"] for b in d.messages[0]["buttons"]] == [
        "2026-12-08 14:00", "2026-12-08 15:00"]  # the last page: no "later"


@pytest.mark.parametrize(("wish", "response", "first"), [
    ("Tuesday afternoon", "utter_handoff_slots_for_wish", "2026-12-08 12:00"),
    ("Dienstag 14 Uhr", "utter_handoff_slots_for_wish", "2026-12-08 14:00"),
    ("Friday morning", "utter_handoff_no_fitting_slots", "2026-12-08 11:00"),  # nearest morning
])
async def test_a_typed_wish_brings_the_closest_free_times(sessionmaker, slots, settings, wish,
                                                          response, first):
    form = ValidateConsultationForm(**deps(sessionmaker, settings))
    said, events = await validate(wish, {"requested_slot": "consultation_slot", **CONSENTED},
                                  form=form)
    assert said == [] and events["time_wish"] == wish and events["consultation_slot"] is None
    d = CollectingDispatcher()
    await ActionAskConsultationSlot(**deps(sessionmaker, settings)).run(
        d, tracker({"time_wish": wish}, active_loop=FORM), DOMAIN)
    assert responses(d) == [response]
    assert d.messages[0]["buttons"][0]["payload"] == first


@pytest.mark.parametrize(("typed", "index"), [
    ("the second one", 1), ("2", 1), ("die erste", 0), ("12:00", 2), ("11 Uhr nehme ich", 1),
])
async def test_a_typed_choice_of_an_offered_time_picks_it(sessionmaker, slots, settings, typed,
                                                          index):
    form = ValidateConsultationForm(**deps(sessionmaker, settings))
    offered = [slot_key(s.start) for s in slots[:3]]
    said, events = await validate(typed, {"requested_slot": "consultation_slot", **CONSENTED,
                                          "offered_slots": offered}, form=form)
    assert events["consultation_slot"] == str(slots[index].id), said


async def test_a_mode_wish_picks_matching_times(sessionmaker, slots, settings):
    async with sessionmaker() as session, session.begin():
        row = await session.get(type(slots[4]), slots[4].id)
        row.mode = "phone"
    said, events = await validate("by phone please", {"requested_slot": "consultation_slot",
                                                      **CONSENTED},
                                  form=ValidateConsultationForm(**deps(sessionmaker, settings)))
    assert events["consultation_mode"] == "phone" and said == []
    d = CollectingDispatcher()
    await ActionAskConsultationSlot(**deps(sessionmaker, settings)).run(
        d, tracker({"consultation_mode": "phone"}, active_loop=FORM), DOMAIN)
    assert [b["payload"] for b in d.messages[0]["buttons"]] == ["2026-12-08 14:00"]


async def test_choosing_a_button_and_a_taken_slot(sessionmaker, slots, settings):
    form = ValidateConsultationForm(**deps(sessionmaker, settings))
    key = slot_key(slots[1].start)
    said, events = await validate(key, {"requested_slot": "consultation_slot"}, form=form)
    assert events["consultation_slot"] == str(slots[1].id)
    said, events = await validate("later", {"requested_slot": "consultation_slot", "slot_page": 0},
                                  form=form)
    assert events["consultation_slot"] is None and events["slot_page"] == 1
    await service.submit(sessionmaker, contact(), [], NOW, slots[1].id)
    said, events = await validate(key, {"requested_slot": "consultation_slot"}, form=form)
    assert events["consultation_slot"] is None and said == ["utter_handoff_slot_taken"]


async def test_nothing_free_goes_on_for_a_callback(sessionmaker, settings):
    d = CollectingDispatcher()
    events = await ActionAskConsultationSlot(**deps(sessionmaker, settings)).run(
        d, tracker(active_loop=FORM), DOMAIN)
    assert slot_events(events) == {"consultation_slot": "callback"}
    assert responses(d) == ["utter_handoff_no_slots_callback"]


# --- summary and yes ------------------------------------------------------------------

FILLED = {"privacy_consent": "yes", "client_type": "company", "company_name": "Acme GmbH",
          "person_name": "Anna Schmidt", "email": "anna@example.org", "topic": "blue_card",
          "consultation_language": "de"}


async def test_the_summary_names_everything(sessionmaker, slots, settings):
    d = CollectingDispatcher()
    await ActionAskBookingConfirmed(**deps(sessionmaker, settings)).run(
        d, tracker({"language": "de", **FILLED, "consultation_slot": str(slots[0].id)}), DOMAIN)
    [message] = d.messages
    assert message["response"] == "utter_ask_booking_confirmed"
    assert (message["when"], message["mode"], message["name"], message["email"], message["topic"]) == (
        "Dienstag, 8. Dezember 2026, 10:00 Uhr", "vor Ort am Desk", "Anna Schmidt",
        "anna@example.org", "Blaue Karte EU")


@pytest.mark.parametrize(("typed", "intent", "changed"), [
    ("yes", "affirm", {"booking_confirmed": "yes"}),
    ("change the e-mail", None, {"booking_confirmed": None, "email": None}),
    ("another time", None, {"booking_confirmed": None, "consultation_slot": None}),
    ("no", "deny", {"booking_confirmed": None, "consultation_slot": None}),
    ("Name ändern", None, {"booking_confirmed": None, "person_name": None}),
])
async def test_the_answer_to_the_summary_books_or_goes_back_to_one_item(typed, intent, changed):
    said, events = await validate(typed, {"requested_slot": "booking_confirmed", **FILLED,
                                          "consultation_slot": "3"}, intent)
    assert {k: events[k] for k in changed} == changed
    assert events.get("topic", "blue_card") == "blue_card"


async def test_a_new_address_at_the_summary_replaces_the_old_one():
    said, events = await validate("please use anna.new@web.de", {
        "requested_slot": "booking_confirmed", **FILLED, "consultation_slot": "3"})
    assert events["email"] == "anna.new@web.de" and events["booking_confirmed"] is None
    assert events.get("consultation_slot", "3") == "3"


# --- submit --------------------------------------------------------------------------------

HISTORY = [
    {"event": "user", "text": "Was verdient man mit der Blauen Karte?", "timestamp": 1_796_000_000.0,
     "parse_data": {"intent": {"name": "blue_card", "confidence": 0.95}}},
    {"event": "bot", "text": "Stand 2026 …", "timestamp": 1_796_000_001.0},
]
CONFIRMED = {**FILLED, "booking_confirmed": "yes"}


async def _count(sm, model) -> int:
    async with sm() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_submit_books_creates_ticket_and_writes_the_mail(sessionmaker, slots, settings):
    submit = ActionSubmitConsultation(**deps(sessionmaker, settings))
    d = CollectingDispatcher()
    t = tracker({"language": "de", **CONFIRMED, "consultation_slot": str(slots[0].id)}, "ja",
                events=HISTORY)
    events = slot_events(await submit.run(d, t, DOMAIN))
    assert responses(d) == ["utter_handoff_booked"]
    assert d.messages[0]["when"] == "Dienstag, 8. Dezember 2026, 10:00 Uhr"
    assert d.messages[0]["email"] == "anna@example.org"
    reference = d.messages[0]["reference"]
    assert events["email"] is None and events["consultation_slot"] is None
    assert events["booking_confirmed"] is None
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == reference))
        entries = (await session.scalars(select(TranscriptEntry).order_by(TranscriptEntry.position))).all()
    assert (ticket.company, ticket.client_type, ticket.language, ticket.conversation_id) == (
        "Acme GmbH", "company", "de", "conv-test")
    assert [e.sender for e in entries] == ["user", "bot", "user"] and entries[0].intent == "blue_card"
    [mail] = list(settings.mail_outbox.glob("*.eml"))
    text = mail.read_text()
    assert reference in text and "Dienstag, 8. Dezember 2026" in text


async def test_nothing_is_booked_without_the_yes(sessionmaker, slots, settings):
    d = CollectingDispatcher()
    events = await ActionSubmitConsultation(**deps(sessionmaker, settings)).run(
        d, tracker({**FILLED, "consultation_slot": str(slots[0].id)}), DOMAIN)
    assert events == [] and responses(d) == [] and await _count(sessionmaker, Ticket) == 0


async def test_submit_on_a_taken_slot_reopens_the_slot_question(sessionmaker, slots, settings):
    await service.submit(sessionmaker, contact(), [], NOW, slots[0].id)
    d = CollectingDispatcher()
    events = await ActionSubmitConsultation(**deps(sessionmaker, settings)).run(
        d, tracker({**CONFIRMED, "consultation_slot": str(slots[0].id)}), DOMAIN)
    assert responses(d) == ["utter_handoff_slot_taken"]
    assert {"event": "followup", "timestamp": None, "name": "consultation_form"} in events
    assert await _count(sessionmaker, Ticket) == 1


async def test_submit_without_free_slot_creates_a_callback_ticket(sessionmaker, settings):
    d = CollectingDispatcher()
    await ActionSubmitConsultation(**deps(sessionmaker, settings)).run(
        d, tracker({**CONFIRMED, "consultation_slot": "callback"}), DOMAIN)
    assert responses(d) == ["utter_handoff_callback"]
    async with sessionmaker() as session:
        assert (await session.scalar(select(Ticket))).callback_requested
    assert await _count(sessionmaker, Booking) == 0


async def test_submit_after_stop_or_refusal_stores_nothing(sessionmaker, settings):
    d = CollectingDispatcher()
    events = await ActionSubmitConsultation(**deps(sessionmaker, settings)).run(
        d, tracker({**CONFIRMED, "privacy_consent": None, "consultation_slot": "callback"}), DOMAIN)
    assert events == [] and responses(d) == []
    assert await _count(sessionmaker, Ticket) == 0


async def test_submit_with_the_database_down_says_try_again(settings, caplog):
    engine = make_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere")
    try:
        d = CollectingDispatcher()
        await ActionSubmitConsultation(sessionmaker=make_sessionmaker(engine), settings=settings,
                                       clock=lambda: NOW).run(
            d, tracker({**CONFIRMED, "consultation_slot": "1"}), DOMAIN)
    finally:
        await engine.dispose()
    assert responses(d) == ["utter_handoff_try_again"]
    assert "anna@example.org" not in caplog.text and "Anna Schmidt" not in caplog.text


# --- fallback -----------------------------------------------------------------------------

async def test_did_you_mean_offers_localized_buttons():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "tax_id", "confidence": 0.3},
               {"name": "health_insurance", "confidence": 0.2}]
    d = CollectingDispatcher()
    await ActionDefaultAskAffirmation().run(d, tracker({"language": "de"}, "steuer krankenkasse?",
                                                        "nlu_fallback", ranking=ranking), DOMAIN)
    assert responses(d) == ["utter_handoff_did_you_mean"]
    assert d.messages[0]["buttons"] == [
        {"title": "Steuer-ID und Steuern", "payload": "/tax_id"},
        {"title": "Krankenversicherung", "payload": "/health_insurance"},
        {"title": "Etwas anderes", "payload": "/out_of_scope"},
    ]


async def test_still_unclear_offers_a_consultation():
    d = CollectingDispatcher()
    events = await ActionDefaultFallback().run(d, tracker({}, "???"), DOMAIN)
    assert responses(d) == ["utter_handoff_offer_consultation"]
    assert events == [{"event": "rewind", "timestamp": None}]


@pytest.mark.parametrize(("requested", "text", "intent"), [
    ("consultation_slot", "Brauche ich ein Visum?", "visa_entry"),
    ("topic", "bye", "goodbye"),
    ("booking_confirmed", "Do I need a visa?", "visa_entry"),
])
async def test_asides_are_no_answers_at_free_text_questions(requested, text, intent):
    said, events = await validate(text, {"requested_slot": requested, **FILLED,
                                         "consultation_slot": "3"}, intent)
    assert said == [] and events == {}


async def test_next_tuesday_is_a_wish_and_next_alone_pages_on(sessionmaker, slots, settings):
    form = ValidateConsultationForm(**deps(sessionmaker, settings))
    said, events = await validate("next Tuesday morning", {"requested_slot": "consultation_slot"},
                                  form=form)
    assert events["time_wish"] == "next Tuesday morning" and "slot_page" in events
    said, events = await validate("next", {"requested_slot": "consultation_slot", "slot_page": 0},
                                  form=form)
    assert events["slot_page"] == 1 and events["time_wish"] is None


async def test_yes_to_a_proposal_takes_the_first_time(sessionmaker, slots, settings):
    form = ValidateConsultationForm(**deps(sessionmaker, settings))
    offered = [slot_key(s.start) for s in slots[2:4]]
    said, events = await validate("Ja, den nehme ich", {"requested_slot": "consultation_slot",
                                                        "offered_slots": offered}, "affirm",
                                  form=form)
    assert events["consultation_slot"] == str(slots[2].id)


async def test_bye_at_the_name_question_is_no_name():
    said, events = await validate("bye", {"requested_slot": "person_name", **CONSENTED}, "goodbye")
    assert said == [] and events == {}


async def test_the_topic_of_the_booking_request_itself_is_taken():
    ranking = [{"name": "request_human", "confidence": 0.5},
               {"name": "residence_permit_extension", "confidence": 0.3}]
    d = CollectingDispatcher()
    t = tracker({}, "My residence permit expires, I need a consultation", "request_human",
                ranking=ranking)
    events = slot_events(await ValidateConsultationForm().run(d, t, DOMAIN))
    assert events["topic"] == "residence_permit_extension"


def _activated(trigger: dict, before: list | None = None) -> list:
    """Events of a conversation whose consultation form `trigger` started."""
    return [*(before or []), {"event": "user", "text": trigger["text"], "parse_data": trigger},
            {"event": "active_loop", "name": FORM}]


async def test_the_topic_of_the_booking_request_is_known_after_consent():
    trigger = {"text": "I'd like to book a consultation for myself about my Blue Card",
               "intent": {"name": "request_human"},
               "intent_ranking": [{"name": "request_human", "confidence": 0.8}]}
    d = CollectingDispatcher()
    t = tracker({"requested_slot": "privacy_consent"}, "yes", "affirm",
                events=_activated(trigger), active_loop=FORM, trigger=trigger)
    events = slot_events(await ValidateConsultationForm().run(d, t, DOMAIN))
    assert events["privacy_consent"] == "yes" and events["topic"] == "my Blue Card"
    # Its ranking, when it names no topic after "about", "zur", "wegen"….
    trigger = {"text": "Meine Blaue Karte läuft bald ab, ich brauche einen Termin",
               "intent": {"name": "request_human"},
               "intent_ranking": [{"name": "request_human", "confidence": 0.6},
                                  {"name": "blue_card", "confidence": 0.3}]}
    t = tracker({"requested_slot": "privacy_consent"}, "Ja", "affirm",
                events=_activated(trigger), active_loop=FORM, trigger=trigger)
    events = slot_events(await ValidateConsultationForm().run(CollectingDispatcher(), t, DOMAIN))
    assert events["topic"] == "blue_card"


async def test_a_company_named_in_the_booking_request_is_taken_once_consent_is_given():
    trigger = {"text": "Wir möchten als Arbeitgeber einen Termin, Firma Nippon Trading Europe GmbH.",
               "intent": {"name": "request_human"}, "intent_ranking": []}
    before = tracker({"requested_slot": "privacy_consent"}, "Einverstanden", "affirm",
                     events=_activated(trigger), active_loop=FORM, trigger=trigger)
    events = slot_events(await ValidateConsultationForm().run(CollectingDispatcher(), before, DOMAIN))
    assert events["company_name"] == "Nippon Trading Europe GmbH"
    assert events["requested_slot"] == "person_name"


@pytest.mark.parametrize(("text", "intent"), [("Ja, buchen Sie den Termin", "affirm"),
                                              ("Ja, buchen Sie den Termin", "request_human"),
                                              ("yes, the one at 14", "affirm")])
async def test_a_yes_at_the_summary_that_names_what_is_shown_books(text, intent):
    slots = {"requested_slot": "booking_confirmed", **CONSENTED, "person_name": "Ada Lovelace",
             "email": "ada@example.org", "consultation_slot": "7", "client_type": "individual",
             "topic": "blue_card", "consultation_language": "en"}
    said, events = await validate(text, slots, intent)
    assert events["booking_confirmed"] == "yes" and events.get("consultation_slot", "7") == "7"
    said, events = await validate("yes, but another day", slots, "affirm")
    assert events.get("booking_confirmed") is None and events["consultation_slot"] is None


async def test_the_topic_of_an_own_case_question_before_the_booking_is_known():
    own_case = {"text": "I applied for my settlement permit four months ago, what is the status?",
                "intent": {"name": "own_case"},
                "intent_ranking": [{"name": "own_case", "confidence": 0.6},
                                   {"name": "settlement_permit", "confidence": 0.3}]}
    trigger = {"text": "yes, I'd like that consultation", "intent": {"name": "request_human"},
               "intent_ranking": [{"name": "request_human", "confidence": 0.9}]}
    before = [{"event": "user", "text": own_case["text"], "parse_data": own_case}]
    t = tracker({"requested_slot": "privacy_consent"}, "yes, fine", "affirm",
                events=_activated(trigger, before), active_loop=FORM, trigger=trigger)
    events = slot_events(await ValidateConsultationForm().run(CollectingDispatcher(), t, DOMAIN))
    assert events["topic"] == "settlement_permit"


@pytest.mark.parametrize("text", ["yes", "Ja", "Yes, book it"])
async def test_a_yes_at_the_topic_question_is_no_topic(text):
    said, events = await validate(text, {"requested_slot": "topic", **CONSENTED}, "affirm")
    assert said == ["utter_handoff_invalid_topic"] and events["topic"] is None


@pytest.mark.parametrize(("text", "intent"), [("as soon as possible", "goodbye"),
                                              ("Privatperson", "deny")])
async def test_a_misread_intent_does_not_lose_the_value(text, intent):
    slots = {"requested_slot": "consultation_slot" if intent == "goodbye" else "person_name",
             **CONSENTED}
    said, events = await validate(text, slots, intent)
    assert events  # a value was taken: the form goes on
    assert events.get("person_name") is None


async def test_a_topic_or_a_name_given_at_the_time_question_is_taken_without_a_miss():
    said, events = await validate("it's about registering my address and getting a tax ID",
                                  {"requested_slot": "consultation_slot", **CONSENTED,
                                   "person_name": "Lucas Dubois", "email": "l@d.fr"})
    assert said == [] and events["topic"] == "registering my address and getting a tax ID"
    assert events.get("consultation_slot") is None and events["form_misses"] == 0

"""Hand-off actions as plain async calls: hand-built Trackers, CollectingDispatcher, the real
domain (domain/*.yml) and real test databases. Assertions are on response names."""

from __future__ import annotations

import email
from dataclasses import replace
from email import policy
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.booking_changes import (
    ActionCancelBooking, ActionRescheduleBooking, ValidateCancelBookingForm,
    ValidateRescheduleBookingForm,
)
from actions.consultation import (
    ActionAskConsultationSlot, ActionAskTopic, ActionSubmitConsultation, ValidateConsultationForm,
)
from actions.fallback import ActionDefaultAskAffirmation, ActionDefaultFallback
from bot.db.models import Booking, Ticket, TranscriptEntry
from bot.db.session import make_engine, make_sessionmaker
from bot.handoff import service
from bot.handoff.dates import slot_key
from bot.settings import Settings
from bot.tools.stack import free_port
from tests.handoff.conftest import NOW, contact
from tests.domain_files import domain_files
from tests.mail_sink import running_mail_sink


def load_domain() -> dict[str, Any]:
    domain: dict[str, Any] = {"responses": {}, "slots": {}, "forms": {}}
    for part in domain_files().values():
        for key in domain:
            domain[key].update(part.get(key) or {})
    return domain


DOMAIN = load_domain()


def tracker(slots: dict | None = None, text: str = "", intent: str | None = None,
            set_slots: dict | None = None, events: list | None = None,
            active_loop: str | None = None, ranking: list | None = None) -> Tracker:
    """A tracker after the user said `text`; `set_slots` were extracted from it."""
    slots = {"language": "en", **(slots or {}), **(set_slots or {})}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9} if intent else {},
              "intent_ranking": ranking or [], "entities": []}
    all_events = list(events or []) + [
        {"event": "user", "text": text, "timestamp": 1_796_000_000.0,
         "parse_data": {"intent": latest["intent"]}}
    ] + [{"event": "slot", "name": k, "value": v} for k, v in (set_slots or {}).items()]
    return Tracker("conv-test", slots, latest, all_events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") for m in dispatcher.messages]


def slot_events(events: list) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
def settings(tmp_path) -> Settings:
    return replace(Settings(), smtp_host=None, mail_outbox=tmp_path / "outbox")


def deps(sessionmaker, settings):
    return dict(sessionmaker=sessionmaker, settings=settings, clock=lambda: NOW)


# --- consultation form validation -------------------------------------------------------

async def test_consent_yes_is_stored_as_yes():
    form = ValidateConsultationForm()
    t = tracker({"requested_slot": "privacy_consent"}, "Ja, einverstanden",
                set_slots={"privacy_consent": "Ja, einverstanden"}, active_loop="consultation_form")
    d = CollectingDispatcher()
    events = await form.run(d, t, DOMAIN)
    assert slot_events(events)["privacy_consent"] == "yes"
    assert slot_events(events)["requested_slot"] == "client_type"
    assert responses(d) == []


@pytest.mark.parametrize(("text", "response"), [("no", "utter_handoff_no_consent"),
                                                 ("abbrechen", "utter_handoff_stopped")])
async def test_no_consent_or_stop_ends_the_form_and_clears_everything(text, response):
    form = ValidateConsultationForm()
    t = tracker({"requested_slot": "privacy_consent", "person_name": None}, text,
                set_slots={"privacy_consent": text}, active_loop="consultation_form")
    d = CollectingDispatcher()
    events = slot_events(await form.run(d, t, DOMAIN))
    assert responses(d) == [response]
    assert events["requested_slot"] is None and events["privacy_consent"] is None


async def test_stop_in_the_middle_clears_what_was_typed():
    form = ValidateConsultationForm()
    t = tracker({"requested_slot": "email", "privacy_consent": "yes", "person_name": "Ada"},
                "cancel", set_slots={"email": "cancel"}, active_loop="consultation_form")
    d = CollectingDispatcher()
    events = slot_events(await form.run(d, t, DOMAIN))
    assert responses(d) == ["utter_handoff_stopped"]
    assert events["person_name"] is None and events["email"] is None and events["requested_slot"] is None


async def test_unclear_consent_is_asked_again():
    d = CollectingDispatcher()
    events = slot_events(await ValidateConsultationForm().run(
        d, tracker({"requested_slot": "privacy_consent"}, "what?", set_slots={"privacy_consent": "what?"}),
        DOMAIN))
    assert responses(d) == ["utter_handoff_consent_unclear"] and events["privacy_consent"] is None


async def test_individual_skips_company_name():
    d = CollectingDispatcher()
    t = tracker({"requested_slot": "client_type", "privacy_consent": "yes"}, "Privatperson",
                set_slots={"client_type": "Privatperson"}, active_loop="consultation_form")
    events = slot_events(await ValidateConsultationForm().run(d, t, DOMAIN))
    assert events["client_type"] == "individual" and events["requested_slot"] == "person_name"


async def test_company_asks_company_name():
    d = CollectingDispatcher()
    t = tracker({"requested_slot": "client_type", "privacy_consent": "yes"}, "company",
                set_slots={"client_type": "company"}, active_loop="consultation_form")
    form = ValidateConsultationForm()
    events = slot_events(await form.run(d, t, DOMAIN))
    assert events["client_type"] == "company"
    t.slots["client_type"] = "company"
    required = await form.required_slots(form.domain_slots(DOMAIN), d, t, DOMAIN)
    assert required[required.index("client_type") + 1] == "company_name"


@pytest.mark.parametrize(("typed", "stored", "reply"), [
    ("ada@example", None, ["utter_handoff_invalid_email"]),
    ("<b>x</b>", None, ["utter_handoff_invalid_email"]),
    ("It's Ada@Example.ORG", "Ada@example.org", []),
])
async def test_email_is_validated_and_re_asked_with_a_hint(typed, stored, reply):
    d = CollectingDispatcher()
    t = tracker({"requested_slot": "email"}, typed, set_slots={"email": typed})
    events = slot_events(await ValidateConsultationForm().run(d, t, DOMAIN))
    assert events["email"] == stored and responses(d) == reply


async def test_hostile_name_is_cleaned_and_limited():
    d = CollectingDispatcher()
    name = "<script>alert(1)</script>\x00" + "x" * 500
    t = tracker({"requested_slot": "person_name"}, name, set_slots={"person_name": name})
    events = slot_events(await ValidateConsultationForm().run(d, t, DOMAIN))
    assert events["person_name"].startswith("<script>alert(1)</script>x")
    assert len(events["person_name"]) == 200 and "\x00" not in events["person_name"]


async def test_topic_is_prefilled_from_the_conversation_and_confirmed():
    history = [{"event": "user", "text": "Blaue Karte?", "parse_data": {"intent": {"name": "blue_card"}}},
               {"event": "active_loop", "name": "consultation_form"},
               {"event": "user", "text": "Firma", "parse_data": {"intent": {"name": "employer_hiring"}}}]
    d = CollectingDispatcher()
    asked = slot_events(await ActionAskTopic().run(
        d, tracker({"language": "de"}, "Beratung buchen", "request_human", events=history), DOMAIN))
    assert responses(d) == ["utter_ask_topic_confirm"]
    assert d.messages[0]["topic_label"] == "Blaue Karte EU" and asked["suggested_topic"] == "blue_card"

    d = CollectingDispatcher()
    t = tracker({"requested_slot": "topic", "suggested_topic": "blue_card"}, "yes", "affirm",
                set_slots={"topic": "yes"})
    assert slot_events(await ValidateConsultationForm().run(d, t, DOMAIN))["topic"] == "blue_card"

    d = CollectingDispatcher()
    t = tracker({"requested_slot": "topic", "suggested_topic": "blue_card"}, "no", "deny",
                set_slots={"topic": "no"})
    declined = slot_events(await ValidateConsultationForm().run(d, t, DOMAIN))
    assert declined["topic"] is None and declined["suggested_topic"] == ""


async def test_topic_without_history_is_asked_openly():
    d = CollectingDispatcher()
    await ActionAskTopic().run(d, tracker({}, "book", "request_human"), DOMAIN)
    assert responses(d) == ["utter_ask_topic"]


async def test_language_choice():
    d = CollectingDispatcher()
    t = tracker({"requested_slot": "consultation_language"}, "Klingon",
                set_slots={"consultation_language": "Klingon"})
    events = slot_events(await ValidateConsultationForm().run(d, t, DOMAIN))
    assert events["consultation_language"] is None and responses(d) == ["utter_handoff_invalid_language"]


# --- slot choice (database) --------------------------------------------------------------

async def test_ask_slot_shows_free_slots_and_later_dates(sessionmaker, slots, settings):
    ask = ActionAskConsultationSlot(**deps(sessionmaker, settings))
    d = CollectingDispatcher()
    events = slot_events(await ask.run(d, tracker({"language": "de"}, active_loop="consultation_form"), DOMAIN))
    assert responses(d) == ["utter_ask_consultation_slot"]
    buttons = d.messages[0]["buttons"]
    assert buttons[0] == {"title": "Di., 8.12., 10:00", "payload": "2026-12-08 10:00"}
    assert buttons[-1] == {"title": "Spätere Termine", "payload": "later"} and len(buttons) == 5
    assert events["slot_page"] == 0

    d = CollectingDispatcher()
    await ask.run(d, tracker({"slot_page": 1}, active_loop="consultation_form"), DOMAIN)
    assert [b["payload"] for b in d.messages[0]["buttons"]] == ["2026-12-08 14:00", "2026-12-08 15:00"]

    d = CollectingDispatcher()
    await ask.run(d, tracker({"slot_page": 5}, active_loop="consultation_form"), DOMAIN)
    assert responses(d) == ["utter_handoff_no_later_dates", "utter_ask_consultation_slot"]


async def test_choosing_a_slot(sessionmaker, slots, settings):
    form = ValidateConsultationForm(**deps(sessionmaker, settings))
    key = slot_key(slots[1].start)
    d = CollectingDispatcher()
    t = tracker({"requested_slot": "consultation_slot"}, key, set_slots={"consultation_slot": key})
    assert slot_events(await form.run(d, t, DOMAIN))["consultation_slot"] == str(slots[1].id)

    d = CollectingDispatcher()
    t = tracker({"requested_slot": "consultation_slot", "slot_page": 0}, "later",
                set_slots={"consultation_slot": "later"})
    events = slot_events(await form.run(d, t, DOMAIN))
    assert events["consultation_slot"] is None and events["slot_page"] == 1

    # A slot chosen before (the form restarts after "try again") is checked again by id.
    d = CollectingDispatcher()
    t = tracker({}, "book", set_slots={"consultation_slot": str(slots[1].id)})
    assert slot_events(await form.run(d, t, DOMAIN))["consultation_slot"] == str(slots[1].id)

    await service.submit(sessionmaker, contact(), [], NOW, slots[1].id)
    d = CollectingDispatcher()
    t = tracker({}, "book", set_slots={"consultation_slot": str(slots[1].id)})
    assert slot_events(await form.run(d, t, DOMAIN))["consultation_slot"] is None
    d = CollectingDispatcher()
    t = tracker({"requested_slot": "consultation_slot"}, key, set_slots={"consultation_slot": key})
    assert slot_events(await form.run(d, t, DOMAIN))["consultation_slot"] is None
    assert responses(d) == ["utter_handoff_slot_taken"]


async def test_nothing_free_ends_the_form_for_a_callback(sessionmaker, settings):
    d = CollectingDispatcher()
    events = slot_events(await ActionAskConsultationSlot(**deps(sessionmaker, settings)).run(
        d, tracker(active_loop="consultation_form"), DOMAIN))
    assert events == {"consultation_slot": "callback", "requested_slot": None} and responses(d) == []


# --- submit --------------------------------------------------------------------------------

FILLED = {"privacy_consent": "yes", "client_type": "company", "company_name": "Acme GmbH",
          "person_name": "Anna Schmidt", "email": "anna@example.org", "topic": "blue_card",
          "consultation_language": "de"}
HISTORY = [
    {"event": "user", "text": "Was verdient man mit der Blauen Karte?", "timestamp": 1_796_000_000.0,
     "parse_data": {"intent": {"name": "blue_card", "confidence": 0.95}}},
    {"event": "bot", "text": "Stand 2026 …", "timestamp": 1_796_000_001.0},
]


async def _count(sm, model) -> int:
    async with sm() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_submit_books_creates_ticket_and_writes_the_mail(sessionmaker, slots, settings):
    submit = ActionSubmitConsultation(**deps(sessionmaker, settings))
    d = CollectingDispatcher()
    t = tracker({"language": "de", **FILLED, "consultation_slot": str(slots[0].id)}, "2026-12-08 10:00",
                events=HISTORY)
    events = slot_events(await submit.run(d, t, DOMAIN))
    assert responses(d) == ["utter_handoff_booked"]
    assert d.messages[0]["when"] == "Dienstag, 8. Dezember 2026, 10:00 Uhr"
    reference = d.messages[0]["reference"]
    assert events["email"] is None and events["consultation_slot"] is None
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == reference))
        entries = (await session.scalars(select(TranscriptEntry).order_by(TranscriptEntry.position))).all()
    assert (ticket.company, ticket.client_type, ticket.language, ticket.conversation_id) == (
        "Acme GmbH", "company", "de", "conv-test")
    assert [e.sender for e in entries] == ["user", "bot", "user"] and entries[0].intent == "blue_card"
    [mail] = list(settings.mail_outbox.glob("*.eml"))
    text = mail.read_text()
    assert reference in text and "Blaue Karte EU" in text and "Dienstag, 8. Dezember 2026" in text


async def test_submit_on_a_taken_slot_reopens_the_slot_question(sessionmaker, slots, settings):
    await service.submit(sessionmaker, contact(), [], NOW, slots[0].id)
    d = CollectingDispatcher()
    events = await ActionSubmitConsultation(**deps(sessionmaker, settings)).run(
        d, tracker({**FILLED, "consultation_slot": str(slots[0].id)}), DOMAIN)
    assert responses(d) == ["utter_handoff_slot_taken"]
    assert {"event": "followup", "timestamp": None, "name": "consultation_form"} in events
    assert await _count(sessionmaker, Ticket) == 1


async def test_submit_without_free_slot_creates_a_callback_ticket(sessionmaker, settings):
    d = CollectingDispatcher()
    await ActionSubmitConsultation(**deps(sessionmaker, settings)).run(
        d, tracker({**FILLED, "consultation_slot": "callback"}), DOMAIN)
    assert responses(d) == ["utter_handoff_callback"]
    async with sessionmaker() as session:
        assert (await session.scalar(select(Ticket))).callback_requested
    assert await _count(sessionmaker, Booking) == 0


async def test_submit_after_stop_or_refusal_stores_nothing(sessionmaker, settings):
    d = CollectingDispatcher()
    events = await ActionSubmitConsultation(**deps(sessionmaker, settings)).run(
        d, tracker({**FILLED, "privacy_consent": None, "consultation_slot": "callback"}), DOMAIN)
    assert events == [] and responses(d) == []
    assert await _count(sessionmaker, Ticket) == 0


async def test_submit_with_the_database_down_says_try_again(settings, caplog):
    engine = make_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere")
    try:
        d = CollectingDispatcher()
        await ActionSubmitConsultation(sessionmaker=make_sessionmaker(engine), settings=settings,
                                       clock=lambda: NOW).run(
            d, tracker({**FILLED, "consultation_slot": "1"}), DOMAIN)
    finally:
        await engine.dispose()
    assert responses(d) == ["utter_handoff_try_again"]
    assert "anna@example.org" not in caplog.text and "Anna Schmidt" not in caplog.text


# --- cancel and reschedule ------------------------------------------------------------------

async def test_cancel_booking_action(sessionmaker, slots, settings):
    booked = await service.submit(sessionmaker, contact(), [], NOW, slots[0].id)
    cancel = ActionCancelBooking(**deps(sessionmaker, settings))
    d = CollectingDispatcher()
    await cancel.run(d, tracker({"booking_reference": booked.reference, "booking_email": "x@example.org"}), DOMAIN)
    assert responses(d) == ["utter_handoff_booking_not_found"]
    assert not settings.mail_outbox.exists()  # nothing cancelled, nothing mailed
    d = CollectingDispatcher()
    await cancel.run(d, tracker({"booking_reference": booked.reference, "booking_email": "ada@example.org"}), DOMAIN)
    assert responses(d) == ["utter_handoff_cancelled"] and d.messages[0]["reference"] == booked.reference
    [mail] = list(settings.mail_outbox.glob("*.eml"))
    assert booked.reference in mail.name


@pytest.fixture
def smtp_server():
    with running_mail_sink() as sink:
        yield sink


def smtp_settings(settings: Settings, host: str, port: int) -> Settings:
    return replace(settings, smtp_host=host, smtp_port=port)


# The mail speaks the booking's language, like the booking mail, even if the chat switched since.
@pytest.mark.parametrize(("booked_in", "chat_in", "subject", "chat_when"), [
    ("de", "de", "Ihr Beratungstermin beim Expat Service Desk ist abgesagt: Dienstag, 8. Dezember 2026, 10:00 Uhr",
     "Dienstag, 8. Dezember 2026, 10:00 Uhr"),
    ("en", "en", "Your consultation with the Expat Service Desk is cancelled: Tuesday, 8 December 2026, 10:00",
     "Tuesday, 8 December 2026, 10:00"),
    ("de", "en", "Ihr Beratungstermin beim Expat Service Desk ist abgesagt: Dienstag, 8. Dezember 2026, 10:00 Uhr",
     "Tuesday, 8 December 2026, 10:00"),
], ids=["de", "en", "booked-de-chat-en"])
async def test_cancel_mails_one_cancellation_to_the_booking_address(
    sessionmaker, slots, settings, smtp_server, booked_in, chat_in, subject, chat_when
):
    settings = smtp_settings(settings, smtp_server.host, smtp_server.port)
    booked = await service.submit(sessionmaker, contact(language=booked_in, email="Ada@Example.org"),
                                  [], NOW, slots[0].id)
    d = CollectingDispatcher()
    await ActionCancelBooking(**deps(sessionmaker, settings)).run(
        d, tracker({"language": chat_in, "booking_reference": booked.reference,
                    "booking_email": "ada@example.org"}), DOMAIN)
    assert responses(d) == ["utter_handoff_cancelled"] and d.messages[0]["when"] == chat_when
    [mail] = smtp_server.messages
    assert mail["To"] == "Ada@Example.org"  # the address stored with the booking
    assert mail["Subject"] == subject
    assert booked.reference in mail.get_content()
    assert not settings.mail_outbox.exists()


async def test_cancel_stands_when_the_mail_server_is_down(sessionmaker, slots, settings, caplog):
    settings = smtp_settings(settings, "127.0.0.1", free_port())
    booked = await service.submit(sessionmaker, contact(), [], NOW, slots[0].id)
    d = CollectingDispatcher()
    events = slot_events(await ActionCancelBooking(**deps(sessionmaker, settings)).run(
        d, tracker({"booking_reference": booked.reference, "booking_email": "ada@example.org"}), DOMAIN))
    assert responses(d) == ["utter_handoff_cancelled"] and events["booking_reference"] is None
    async with sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.reference == booked.reference))
        booking = await session.scalar(select(Booking).where(Booking.ticket_id == ticket.id))
    assert ticket.status == "cancelled" and booking.slot_id is None
    assert "confirmation mail not delivered" in caplog.text and "ada@example.org" not in caplog.text


async def test_cancel_form_validates_reference():
    d = CollectingDispatcher()
    t = tracker({"requested_slot": "booking_reference"}, "my ref is esd 7k3q9",
                set_slots={"booking_reference": "my ref is esd 7k3q9"}, active_loop="cancel_booking_form")
    assert slot_events(await ValidateCancelBookingForm().run(d, t, DOMAIN))["booking_reference"] == "ESD-7K3Q9"
    d = CollectingDispatcher()
    t = tracker({"requested_slot": "booking_reference"}, "dunno", set_slots={"booking_reference": "dunno"})
    assert slot_events(await ValidateCancelBookingForm().run(d, t, DOMAIN))["booking_reference"] is None
    assert responses(d) == ["utter_handoff_invalid_reference"]


async def test_reschedule_checks_the_booking_then_moves_it(sessionmaker, slots, settings):
    booked = await service.submit(sessionmaker, contact(), [], NOW, slots[0].id)
    form = ValidateRescheduleBookingForm(**deps(sessionmaker, settings))
    d = CollectingDispatcher()
    t = tracker({"requested_slot": "booking_email", "booking_reference": booked.reference},
                "wrong@example.org", set_slots={"booking_email": "wrong@example.org"},
                active_loop="reschedule_booking_form")
    events = slot_events(await form.run(d, t, DOMAIN))
    assert responses(d) == ["utter_handoff_booking_not_found"] and events["requested_slot"] is None

    d = CollectingDispatcher()
    t = tracker({"requested_slot": "booking_email", "booking_reference": booked.reference},
                "ada@example.org", set_slots={"booking_email": "ada@example.org"},
                active_loop="reschedule_booking_form")
    events = slot_events(await form.run(d, t, DOMAIN))
    assert responses(d) == [] and events["booking_email"] == "ada@example.org"

    d = CollectingDispatcher()
    await ActionRescheduleBooking(**deps(sessionmaker, settings)).run(
        d, tracker({"booking_reference": booked.reference, "booking_email": "ada@example.org",
                    "consultation_slot": str(slots[2].id)}), DOMAIN)
    assert responses(d) == ["utter_handoff_rescheduled"]
    assert d.messages[0]["when"] == "Tuesday, 8 December 2026, 12:00"
    # Only the booking mail with the new time: moving is not cancelling.
    [mail] = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
              for p in settings.mail_outbox.glob("*.eml")]
    assert mail["Subject"] == "Your consultation with the Expat Service Desk: Tuesday, 8 December 2026, 12:00"


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

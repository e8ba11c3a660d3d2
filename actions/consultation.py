"""The consultation form: consent, then only what is still unknown, a summary and an explicit
yes; then booking + ticket.

Every value a message contains is taken (bot.handoff.form_values, bot.handoff.slot_reply):
"Anna Kowalski, anna.k@web.de" fills name and address, "for our company, next Tuesday
morning by phone" client type, time wish and mode. Consent comes first and is the legal
basis: before it only what is not personal (client type, time wish, mode, language) is taken,
and without it the form ends (nothing stored, contact page instead). The topic comes from the
conversation, the consultation language from the conversation language, unless the user says
otherwise.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.handoff_base import (
    HandoffFormValidation, checked_email, cleared, language, latest_intent, latest_text,
)
from actions.booking_change_form import yes_or_no
from actions.form_base import is_aside
from actions.slot_offer import CALLBACK, CONSULTATION_FORM, mode_label
from bot.desk.contact import Contact
from bot.desk.intents import topic_intents
from bot.desk.slots import free_slot
from bot.handoff import answers, form_values, service
from bot.handoff.dates import format_datetime, parse_slot_key
from bot.handoff.labels import intent_label, suggested_topic, turn_topic
from bot.handoff.mail import mail_client
from bot.handoff.runtime import HandoffDeps
from bot.handoff.sanitize import COMPANY_MAX, NAME_MAX, TOPIC_MAX, clean_line
from bot.handoff.slot_reply import names_a_choice, summary_change, time_wish_in
from bot.handoff.transcript import transcript_from_events

log = logging.getLogger(__name__)

FORM = CONSULTATION_FORM
FORM_SLOTS = [
    "privacy_consent", "person_name", "email", "consultation_slot", "client_type",
    "company_name", "topic", "consultation_language", "booking_confirmed",
]


def _line(value: Any, limit: int) -> Optional[str]:
    text = clean_line(value, limit)
    return text if len(text) >= 2 else None


def _asked(tracker: Tracker, slot: str) -> bool:
    return tracker.get_slot(REQUESTED_SLOT) == slot


def _consented(tracker: Tracker) -> bool:
    return tracker.get_slot("privacy_consent") == "yes"


def topic_text(domain: DomainDict, topic: Optional[str], lang: str) -> str:
    """A topic intent by its label ("Blaue Karte EU"), a typed topic as typed."""
    return (intent_label(domain, topic, lang) if topic in topic_intents() else None) or topic or ""


def _trigger_message(tracker: Tracker) -> Dict[Text, Any]:
    """The message that started the form (Rasa keeps it with the active loop); while the form
    is being activated, the latest message."""
    loop = tracker.active_loop or {}
    if loop.get("name") == FORM and loop.get("trigger_message"):
        return loop["trigger_message"]
    return tracker.latest_message if loop.get("name") in (None, FORM) else {}


# Words that make a "yes" at the summary a change ("ja, aber lieber einen anderen Tag").
_CHANGE_WORDS = re.compile(
    r"\b(?:change|ändern|änder\w*|correct|korrigier\w*|wrong|falsch\w*|another|other|"
    r"different|andere[nmrs]?|lieber|rather|instead|statt|but|aber|not|nicht)\b", re.I)


def _confirms(text: str, tracker: Tracker) -> bool:
    """A yes to the summary that changes nothing: "Ja, buchen Sie den Termin", "yes, the one at
    14" (naming what is shown is no change)."""
    return bool(yes_or_no(text, latest_intent(tracker))) and not _CHANGE_WORDS.search(text)


def _answers_the_time(text: str, tracker: Tracker) -> bool:
    """Whether `text` is an answer to "when would suit you?" beyond a time wish: a button, a
    pick ("the second one", "yes"), "later", a mode. Anything else is left to the other slots
    (a name, a topic said now) or, if nothing takes it, to the form's miss handling."""
    short = len(text.split()) <= 5
    return bool(parse_slot_key(text) or names_a_choice(text) or answers.wants_later(text)
                or form_values.mode_in(text) or text.isdigit()
                or short and answers.yes_no(text, latest_intent(tracker)) is not None)


class ValidateConsultationForm(HandoffFormValidation):
    def name(self) -> Text:
        return "validate_consultation_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if tracker.get_slot("client_type") != "individual":
            return domain_slots  # a company name may come before the client type
        return [slot for slot in domain_slots if slot != "company_name"]

    async def stop_response(self, tracker: Tracker) -> Optional[Text]:
        if _asked(tracker, "privacy_consent") and answers.yes_no(
                latest_text(tracker), latest_intent(tracker)) is False:
            return "utter_handoff_no_consent"
        return await super().stop_response(tracker)

    # --- extraction: every value the latest message holds ---------------------------------

    def extract_privacy_consent(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if _asked(tracker, "privacy_consent") and answers.yes_no(
                latest_text(tracker), latest_intent(tracker)):
            return {"privacy_consent": "yes"}
        return {}

    def extract_person_name(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not _consented(tracker) or _asked(tracker, "booking_confirmed"):
            return {}
        name = form_values.name_in(latest_text(tracker), asked=_asked(tracker, "person_name"))
        return {"person_name": name} if name else {}

    def extract_email(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not _consented(tracker):
            return {}
        reading = form_values.email_in(latest_text(tracker), asked=_asked(tracker, "email"))
        if reading.address or reading.problem and "@" in latest_text(tracker):
            return {"email": latest_text(tracker)}  # validate_email says why it is invalid
        return {}

    def extract_company_name(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not _consented(tracker):
            return {}
        company = form_values.company_in(latest_text(tracker),
                                         asked=_asked(tracker, "company_name"))
        return {"company_name": company} if company else {}

    def extract_client_type(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        kind = form_values.client_type_in(latest_text(tracker),
                                          asked=_asked(tracker, "client_type"))
        return {"client_type": kind} if kind else {}

    def extract_topic(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if _asked(tracker, "topic"):
            return {} if is_aside(tracker, "topic") else {"topic": latest_text(tracker)}
        said = form_values.topic_in(latest_text(tracker)) if _consented(tracker) else None
        return {"topic": said} if said else {}

    def extract_consultation_language(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        wished = form_values.language_in(latest_text(tracker),
                                         asked=_asked(tracker, "consultation_language"))
        return {"consultation_language": wished} if wished else {}

    def known_values(self, tracker: Tracker) -> Dict[Text, Any]:
        """The conversation language, and the topic: named in the booking request itself ("a
        consultation about my Blue Card", read once consent is given), else what the
        conversation was about before the form (bot.handoff.labels.suggested_topic)."""
        known = {"consultation_language": language(tracker)}
        trigger = _trigger_message(tracker)
        asked_for = trigger.get("text") or ""
        said = None
        if _consented(tracker):  # what the booking request itself said, now that it may be kept
            said = form_values.topic_in(asked_for)
            known.update({slot: value for slot, value in (
                ("company_name", form_values.company_in(asked_for)),
                ("person_name", form_values.name_in(asked_for)),
                ("email", form_values.email_in(asked_for).address)) if value})
        # While the form is being activated, its activation is not in the events yet.
        active = any(e.get("event") == "active_loop" and e.get("name") == FORM
                     for e in tracker.events)
        topic = said or suggested_topic(tracker.events, FORM if active else None) or (
            None if active else turn_topic(trigger))
        return {**known, "topic": topic} if topic else known

    def extract_consultation_slot(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        """Asked: the answer (validated below). Unasked: a typed wish and mode are kept for
        the time question; at the summary a new wish replaces the chosen time."""
        text = latest_text(tracker)
        wish = time_wish_in(text, language(tracker), self.now(), asked=False)
        if _asked(tracker, "consultation_slot") and (wish or _answers_the_time(text, tracker)):
            return {"consultation_slot": text}
        found: Dict[Text, Any] = {}
        mode = form_values.mode_in(text)
        if mode and mode != tracker.get_slot("consultation_mode"):
            found["consultation_mode"] = mode
        if wish:
            found["time_wish"] = clean_line(text, 300)
        if found and _asked(tracker, "booking_confirmed"):
            if _confirms(text, tracker):
                return {}  # "yes, the one at 14": the time shown is confirmed, not changed
            found.update(consultation_slot=None, slot_page=0)
        return found

    def extract_booking_confirmed(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = latest_text(tracker)
        if not _asked(tracker, "booking_confirmed") or (
                is_aside(tracker, "booking_confirmed") and summary_change(text) is None):
            return {}
        return {"booking_confirmed": text}

    # --- validation --------------------------------------------------------------------

    def validate_privacy_consent(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value == "yes" or answers.yes_no(str(value or ""), latest_intent(tracker)):
            return {"privacy_consent": "yes"}
        dispatcher.utter_message(response="utter_handoff_consent_unclear")
        return {"privacy_consent": None}

    def validate_client_type(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        kind = value if value in ("company", "individual") else answers.client_type(str(value))
        if kind is None:
            dispatcher.utter_message(response="utter_handoff_invalid_client_type")
            return {"client_type": None}
        return {"client_type": kind} if kind == "company" else {"client_type": kind,
                                                                "company_name": None}

    def validate_company_name(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        company = form_values.company_in(str(value or ""), asked=True)
        company = _line(company, COMPANY_MAX) if company else None
        if company is None:
            dispatcher.utter_message(response="utter_handoff_invalid_company")
        return {"company_name": company}

    def validate_person_name(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        name = form_values.name_in(str(value or ""), asked=True)
        name = _line(name, NAME_MAX) if name else None
        if name is None:
            dispatcher.utter_message(response="utter_handoff_invalid_name")
        return {"person_name": name}

    def validate_email(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        address = checked_email(value, dispatcher)
        return {"email": address} if address else {"email": None, "booking_confirmed": None}

    def validate_topic(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if value in topic_intents():
            return {"topic": value}
        # "yes" / "Yes, book it" answer another question (the summary they expect), not this one.
        typed = str(value or "")
        intent = latest_intent(tracker) if typed == latest_text(tracker) else None
        short_answer = len(typed.split()) <= 4 and answers.yes_no(typed, intent) is not None
        topic = None if short_answer else _line(value, TOPIC_MAX)
        if topic is None:
            dispatcher.utter_message(response="utter_handoff_invalid_topic")
        return {"topic": topic}

    def validate_consultation_language(self, value, dispatcher, tracker,
                                       domain) -> Dict[Text, Any]:
        chosen = value if value in answers.LANGUAGE_WORDS else answers.consultation_language(
            str(value or ""))
        if chosen is None:
            dispatcher.utter_message(response="utter_handoff_invalid_language")
        return {"consultation_language": chosen}

    async def validate_consultation_slot(self, value, dispatcher, tracker,
                                         domain) -> Dict[Text, Any]:
        if value == CALLBACK:
            return {"consultation_slot": CALLBACK}
        return await super().validate_consultation_slot(value, dispatcher, tracker, domain)

    def validate_booking_confirmed(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        """Yes books; a named item ("change the e-mail", "another time") is asked again."""
        text = str(value or "")
        change = summary_change(text)
        if _confirms(text, tracker):
            return {"booking_confirmed": "yes"}
        if tracker.slots.get("consultation_slot") is None or form_values.email_in(text).address:
            return {"booking_confirmed": None}  # a new time wish or address was typed
        if change in (None, "consultation_mode"):
            change = "consultation_slot"  # a plain "no": most often the time does not suit
        reset: Dict[Text, Any] = {"booking_confirmed": None, change: None}
        if change == "consultation_slot":
            reset.update(slot_page=0, time_wish=None)
        return reset


class ActionAskPersonName(Action):
    """Name and address in one question while both are missing."""

    def name(self) -> Text:
        return "action_ask_person_name"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        both = tracker.get_slot("email") is None
        dispatcher.utter_message(
            response="utter_ask_person_name_and_email" if both else "utter_ask_person_name")
        return []


class ActionAskBookingConfirmed(HandoffDeps, Action):
    """The summary: weekday, date, time (German time), mode, name, address, topic."""

    def name(self) -> Text:
        return "action_ask_booking_confirmed"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        lang = language(tracker)
        chosen = tracker.get_slot("consultation_slot")
        values = dict(name=tracker.get_slot("person_name"), email=tracker.get_slot("email"),
                      topic=topic_text(domain, tracker.get_slot("topic"), lang))
        if chosen == CALLBACK:
            dispatcher.utter_message(response="utter_ask_booking_confirmed_callback", **values)
            return []
        try:
            async with self.sessionmaker() as session:
                slot = await free_slot(session, int(chosen), self.now()) if chosen else None
        except service.DATABASE_ERRORS:
            dispatcher.utter_message(response="utter_handoff_try_again")
            return []
        if slot is None:  # taken meanwhile: choose again
            dispatcher.utter_message(response="utter_handoff_slot_taken")
            return [SlotSet("consultation_slot", None), FollowupAction(FORM)]
        when = format_datetime(slot.start, lang, self.settings.timezone)
        mode = mode_label(domain, slot.mode, lang)
        dispatcher.utter_message(response="utter_ask_booking_confirmed", when=when, mode=mode,
                                 **values)
        return []


class ActionSubmitConsultation(HandoffDeps, Action):
    """Ticket + booking in one transaction; then the confirmation (chat and e-mail)."""

    def name(self) -> Text:
        return "action_submit_consultation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        values = {slot: tracker.get_slot(slot) for slot in FORM_SLOTS}
        needed = ("client_type", "person_name", "email", "topic", "consultation_language",
                  "consultation_slot")
        if values["privacy_consent"] != "yes" or values["booking_confirmed"] != "yes" or not all(
                values[s] for s in needed):
            return []  # stopped or refused: the form already said so, nothing is stored
        lang = language(tracker)
        contact = Contact(
            language=lang, client_type=values["client_type"], name=values["person_name"],
            email=values["email"],
            company=values["company_name"] if values["client_type"] == "company" else None,
            topic=values["topic"], consultation_language=values["consultation_language"],
            conversation_id=tracker.sender_id,
        )
        chosen = values["consultation_slot"]
        slot_id = None if chosen == CALLBACK else int(chosen)
        try:
            confirmation = await service.submit(
                self.sessionmaker, contact, transcript_from_events(tracker.events), self.now(),
                slot_id,
            )
        except service.DATABASE_ERRORS:
            log.warning("database unavailable at submit; nothing stored",
                        extra={"conversation": tracker.sender_id})
            dispatcher.utter_message(response="utter_handoff_try_again")
            return []
        if confirmation is None:
            dispatcher.utter_message(response="utter_handoff_slot_taken")
            return [SlotSet("consultation_slot", None), SlotSet("booking_confirmed", None),
                    SlotSet("slot_page", 0), FollowupAction(FORM)]
        log.info("ticket %s created (booking: %s)", confirmation.reference,
                 confirmation.start is not None, extra={"conversation": tracker.sender_id})
        if confirmation.start is None:
            dispatcher.utter_message(response="utter_handoff_callback",
                                     reference=confirmation.reference, email=contact.email)
            await mail_client(self.settings, "callback", confirmation, domain)
        else:
            when = format_datetime(confirmation.start, lang, self.settings.timezone)
            dispatcher.utter_message(
                response="utter_handoff_booked", reference=confirmation.reference, when=when,
                email=contact.email, mode=mode_label(domain, confirmation.mode, lang))
            await mail_client(self.settings, "booking", confirmation, domain)
        return cleared(FORM_SLOTS)

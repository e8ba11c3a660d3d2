"""The consultation form: who, contact, topic, language, a free slot; then book + ticket.

Consent comes first: nothing the user types is stored in the app database before it, and
without it the form ends (nothing stored, contact page instead).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.handoff_base import (
    HandoffFormValidation, checked_email, cleared, language, latest_intent, latest_text,
)
from bot.desk.contact import Contact
from bot.desk.slots import has_more_free_slots, next_free_slots
from bot.handoff import answers, service
from bot.handoff.dates import format_button, format_datetime, slot_key
from bot.handoff.labels import intent_label, response_text, suggested_topic
from bot.handoff.mail import mail_client
from bot.handoff.runtime import HandoffDeps
from bot.handoff.sanitize import COMPANY_MAX, NAME_MAX, TOPIC_MAX, clean_line
from bot.handoff.transcript import transcript_from_events

log = logging.getLogger(__name__)

FORM = "consultation_form"
FORM_SLOTS = [
    "privacy_consent", "client_type", "company_name", "person_name", "email", "topic",
    "consultation_language", "consultation_slot",
]
CALLBACK = "callback"  # consultation_slot when nothing is free: ticket without booking


def _line(value: Any, limit: int) -> Optional[str]:
    text = clean_line(value, limit)
    return text if len(text) >= 2 else None


class ValidateConsultationForm(HandoffFormValidation):
    def name(self) -> Text:
        return "validate_consultation_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if tracker.get_slot("client_type") == "company":
            return domain_slots
        return [slot for slot in domain_slots if slot != "company_name"]

    async def stop_response(self, tracker: Tracker) -> Optional[Text]:
        if (
            tracker.get_slot(REQUESTED_SLOT) == "privacy_consent"
            and answers.yes_no(latest_text(tracker), latest_intent(tracker)) is False
        ):
            return "utter_handoff_no_consent"
        return await super().stop_response(tracker)

    def validate_privacy_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if answers.yes_no(str(value or ""), latest_intent(tracker)):
            return {"privacy_consent": "yes"}
        dispatcher.utter_message(response="utter_handoff_consent_unclear")
        return {"privacy_consent": None}

    def validate_client_type(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        kind = answers.client_type(str(value or ""))
        if kind is None:
            dispatcher.utter_message(response="utter_handoff_invalid_client_type")
            return {"client_type": None}
        return {"client_type": kind} if kind == "company" else {"client_type": kind, "company_name": None}

    def validate_company_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        company = _line(value, COMPANY_MAX)
        if company is None:
            dispatcher.utter_message(response="utter_handoff_invalid_name")
        return {"company_name": company}

    def validate_person_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        name = _line(value, NAME_MAX)
        if name is None:
            dispatcher.utter_message(response="utter_handoff_invalid_name")
        return {"person_name": name}

    def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {"email": checked_email(value, dispatcher)}

    def validate_topic(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(value or "")
        offered = tracker.get_slot("suggested_topic")
        if offered:
            answer = answers.yes_no(text, latest_intent(tracker))
            if answer is True:
                return {"topic": offered}
            if answer is False:  # ask again, without the suggestion
                return {"topic": None, "suggested_topic": ""}
        topic = _line(text, TOPIC_MAX)
        if topic is None:
            dispatcher.utter_message(response="utter_handoff_invalid_topic")
        return {"topic": topic}

    def validate_consultation_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        chosen = answers.consultation_language(str(value or ""))
        if chosen is None:
            dispatcher.utter_message(response="utter_handoff_invalid_language")
        return {"consultation_language": chosen}


class ActionAskTopic(Action):
    """Offers the topic the conversation was about for confirmation, else asks openly."""

    def name(self) -> Text:
        return "action_ask_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        offered = tracker.get_slot("suggested_topic")
        if offered is None:
            offered = suggested_topic(tracker.events, FORM)
        label = intent_label(domain, offered, language(tracker)) if offered else None
        if label:
            dispatcher.utter_message(response="utter_ask_topic_confirm", topic_label=label)
            return [SlotSet("suggested_topic", offered)]
        dispatcher.utter_message(response="utter_ask_topic")
        return [SlotSet("suggested_topic", "")]


class ActionAskConsultationSlot(HandoffDeps, Action):
    """Buttons with the next free slots (page `slot_page`) and "later dates"."""

    def name(self) -> Text:
        return "action_ask_consultation_slot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        lang, tz, now = language(tracker), self.settings.timezone, self.now()
        page = int(tracker.get_slot("slot_page") or 0)
        try:
            async with self.sessionmaker() as session:
                slots = await next_free_slots(session, now, page=page)
                if not slots and page:
                    dispatcher.utter_message(response="utter_handoff_no_later_dates")
                    page = 0
                    slots = await next_free_slots(session, now)
                more = await has_more_free_slots(session, now, page=page)
        except service.DATABASE_ERRORS:
            log.warning("database unavailable while listing slots",
                        extra={"conversation": tracker.sender_id})
            dispatcher.utter_message(response="utter_handoff_try_again")
            return []
        if not slots:
            return self._nothing_free(dispatcher, tracker, domain)
        buttons = [{"title": format_button(s.start, lang, tz), "payload": slot_key(s.start, tz)}
                   for s in slots]
        if more:
            later = response_text(domain, "utter_handoff_later_dates_button", lang)
            buttons.append({"title": later or "…", "payload": "later"})
        dispatcher.utter_message(response="utter_ask_consultation_slot", buttons=buttons)
        return [SlotSet("slot_page", page)]

    @staticmethod
    def _nothing_free(
        dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.active_loop.get("name") == FORM:
            # The form ends here; the submit action records a call-back request.
            return [SlotSet("consultation_slot", CALLBACK), SlotSet(REQUESTED_SLOT, None)]
        dispatcher.utter_message(response="utter_handoff_no_slots_to_reschedule")
        return [*cleared(["booking_reference", "booking_email", "consultation_slot"]),
                SlotSet(REQUESTED_SLOT, None)]


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
        if values["privacy_consent"] != "yes" or not all(values[s] for s in needed):
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
            return [SlotSet("consultation_slot", None), SlotSet("slot_page", 0),
                    FollowupAction(FORM)]
        log.info("ticket %s created (booking: %s)", confirmation.reference,
                 confirmation.start is not None, extra={"conversation": tracker.sender_id})
        if confirmation.start is None:
            dispatcher.utter_message(response="utter_handoff_callback",
                                     reference=confirmation.reference)
            await mail_client(self.settings, "callback", confirmation, domain)
        else:
            when = format_datetime(confirmation.start, lang, self.settings.timezone)
            dispatcher.utter_message(response="utter_handoff_booked",
                                     reference=confirmation.reference, when=when)
            await mail_client(self.settings, "booking", confirmation, domain)
        return cleared(FORM_SLOTS)

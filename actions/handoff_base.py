"""Shared, abstract bases of the hand-off actions (not registered: they have no name)."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from bot.desk.languages import choose
from bot.desk.slots import free_slot, free_slot_at
from bot.handoff import answers
from bot.handoff.dates import parse_slot_key
from bot.handoff.runtime import HandoffDeps
from bot.handoff.service import DATABASE_ERRORS

log = logging.getLogger(__name__)

# Slots only the actions set; cleared together with a form's slots.
HELPER_SLOTS = ("slot_page", "suggested_topic")


def language(tracker: Tracker) -> str:
    return choose(tracker.get_slot("language"))


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def checked_email(value: Any, dispatcher: CollectingDispatcher) -> Optional[str]:
    """The normalised address, or None after re-asking with the localized hint."""
    address = answers.email_address(str(value or ""))
    if address is None:
        dispatcher.utter_message(response="utter_handoff_invalid_email")
    return address


def cleared(slots: List[Text]) -> List[EventType]:
    return [SlotSet(slot, None) for slot in (*slots, *HELPER_SLOTS)]


class HandoffFormValidation(HandoffDeps, FormValidationAction, ABC):
    """Stopping ("abbrechen", "cancel") clears the form and stores nothing; slot choice."""

    @abstractmethod
    def name(self) -> Text: ...

    async def stop_response(self, tracker: Tracker) -> Optional[Text]:
        """The response that ends the form now, or None to go on validating."""
        return "utter_handoff_stopped" if answers.is_stop(latest_text(tracker)) else None

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot(REQUESTED_SLOT):
            response = await self.stop_response(tracker)
            if response:
                log.info("form %s ended early (%s)", self.form_name(), response,
                         extra={"conversation": tracker.sender_id})
                dispatcher.utter_message(response=response)
                return [*cleared(self.domain_slots(domain)), SlotSet(REQUESTED_SLOT, None)]
        return await super().run(dispatcher, tracker, domain)

    async def validate_consultation_slot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = str(value or "")
        page = int(tracker.get_slot("slot_page") or 0)
        if answers.wants_later(text):
            return {"consultation_slot": None, "slot_page": page + 1}
        start = parse_slot_key(text, self.settings.timezone)
        # A digit string is a slot chosen earlier (the form re-validates it when it restarts).
        if start is None and not text.isdigit():
            dispatcher.utter_message(response="utter_handoff_invalid_slot")
            return {"consultation_slot": None}
        try:
            async with self.sessionmaker() as session:
                if start is None:
                    slot = await free_slot(session, int(text), self.now())
                else:
                    slot = await free_slot_at(session, start, self.now())
        except DATABASE_ERRORS:
            log.warning("database unavailable while checking a slot",
                        extra={"conversation": tracker.sender_id})
            dispatcher.utter_message(response="utter_handoff_try_again")
            return {"consultation_slot": None}
        if slot is None:
            dispatcher.utter_message(response="utter_handoff_slot_taken")
            return {"consultation_slot": None, "slot_page": 0}
        return {"consultation_slot": str(slot.id)}

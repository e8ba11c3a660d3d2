"""What every form of the desk shares (abstract: not registered): reading the tracker, ending
a form, and giving way.

A form takes a message as the answer to its question unless the message is something else:
a question on a topic, a goodbye, "no thanks", a language switch. Then the validation
extracts nothing, Rasa rejects the form, and the rules in data/rules/forms.yml answer it
(then return to the question) or end the form. After two answers the form could not use in
a row, it offers the contact page and ends: no state where only a magic word gets out.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from bot.desk.intents import topic_intents
from bot.desk.languages import choose
from bot.handoff import answers

log = logging.getLogger(__name__)

# Slots only the actions set; cleared together with a form's slots.
HELPER_SLOTS = ("slot_page", "time_wish", "consultation_mode", "offered_slots", "form_misses")
# Intents answered beside a form (data/rules/forms.yml): topic questions and small talk.
SMALL_TALK = ("own_case", "help", "bot_challenge", "thank", "greet", "out_of_scope")
# Intents with their own rules inside or instead of a form.
OWN_RULES = ("goodbye", "switch_language", "request_human", "cancel_booking",
             "reschedule_booking")
# Slots whose question is a yes/no question: there "no" is an answer, elsewhere it leaves.
YES_NO_SLOTS = ("privacy_consent", "booking_confirmed", "consultation_slot")
MAX_MISSES = 2
_GOODBYE = re.compile(r"\b(?:bye|goodbye|good bye|tschüss|tschüs|ciao|wiedersehen|see you|"
                      r"bis dann|bis bald|schönen tag noch|have a nice day)\b", re.I)


def language(tracker: Tracker) -> str:
    return choose(tracker.get_slot("language"))


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def cleared(slots: List[Text]) -> List[EventType]:
    return [SlotSet(slot, None) for slot in (*slots, *HELPER_SLOTS)]


def aside_intents() -> tuple[str, ...]:
    return (*topic_intents(), *SMALL_TALK)


def is_aside(tracker: Tracker, requested: Optional[str]) -> bool:
    """Whether the latest message is not an answer to the form's question (see module doc)."""
    intent = latest_intent(tracker)
    if intent in OWN_RULES:
        return True
    if intent == "deny":
        return requested not in YES_NO_SLOTS
    return intent in aside_intents() and requested != "topic"


class GivingWayFormValidation(FormValidationAction, ABC):
    """Stopping ("abbrechen", "cancel") clears the form; an aside is left to the rules; a
    message the form cannot use is its answer (the validator says why); two misses end it."""

    @abstractmethod
    def name(self) -> Text: ...

    async def stop_response(self, tracker: Tracker) -> Optional[Text]:
        """The response that ends the form now, or None to go on validating: "stop", or a
        "no thanks" where no yes/no question was asked."""
        text = latest_text(tracker)
        no_thanks = (tracker.get_slot(REQUESTED_SLOT) not in YES_NO_SLOTS
                     and answers.yes_no(text) is False and len(text.split()) <= 4)
        return "utter_handoff_stopped" if answers.is_stop(text) or no_thanks else None

    def ended(self, domain: DomainDict) -> List[EventType]:
        return [*cleared(self.domain_slots(domain)), SlotSet(REQUESTED_SLOT, None)]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if not self.fresh(tracker):  # the form resumes after an aside: nothing new typed
            return await self._extract_validation_events(dispatcher, tracker, domain)
        requested = tracker.get_slot(REQUESTED_SLOT)
        if requested:
            response = await self.stop_response(tracker)
            if response:
                log.info("form %s ended early (%s)", self.form_name(), response,
                         extra={"conversation": tracker.sender_id})
                dispatcher.utter_message(response=response)
                return self.ended(domain)
        intent = latest_intent(tracker)
        if intent == "switch_language" or (
                intent == "goodbye" and _GOODBYE.search(latest_text(tracker))):
            return []  # never a value: the rule for a switch / a goodbye in a form takes it
        extracted = await self.get_extraction_events(dispatcher, tracker, domain)
        typed = tracker.slots_to_validate()
        if requested and not extracted and requested not in typed:
            if is_aside(tracker, requested):
                return []  # nothing extracted: Rasa rejects the form, a rule takes over
            extracted = [SlotSet(requested, latest_text(tracker))]
        tracker.add_slots(extracted)  # known values may depend on them (consent given now)
        known = [SlotSet(slot, value) for slot, value in self.known_values(tracker).items()
                 if tracker.get_slot(slot) is None and slot not in {e["name"] for e in extracted}]
        tracker.add_slots(known)
        said = len(dispatcher.messages)
        events = await self._extract_validation_events(dispatcher, tracker, domain)
        validated = {event["name"] for event in events}
        events += [event for event in (*extracted, *known) if event["name"] not in validated]
        return self._counted(events, requested, len(dispatcher.messages) > said,
                             dispatcher, tracker, domain)

    async def next_requested_slot(self, dispatcher, tracker, domain) -> Optional[EventType]:
        """Always the first empty required slot (rasa-sdk leaves it to Rasa when
        `required_slots` returns the domain's list; one rule for both cases is clearer)."""
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker,
                                             domain)
        return SlotSet(REQUESTED_SLOT, next((s for s in required if tracker.slots.get(s) is None),
                                            None))

    def known_values(self, tracker: Tracker) -> dict:
        """Values the conversation already gives (never asked), for slots still empty."""
        return {}

    def fresh(self, tracker: Tracker) -> bool:
        """Whether the form validates a new message (not a resumption after other actions)."""
        after: List[dict] = []
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                break
            after.append(event)
        return not any(e.get("event") == "action_execution_rejected" or (
            e.get("event") == "action" and e.get("name") != self.form_name()) for e in after)

    def _counted(
        self, events: List[EventType], requested: Optional[str], complained: bool,
        dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
    ) -> List[EventType]:
        """A miss: the asked slot is still empty and its validator said why. Two in a row end
        the form with the contact page."""
        if not requested:
            return events
        if tracker.slots.get(requested) is not None or not complained:
            return [*events, SlotSet("form_misses", 0)]
        misses = int(tracker.get_slot("form_misses") or 0) + 1
        if misses < MAX_MISSES:
            return [*events, SlotSet("form_misses", misses)]
        log.info("form %s ended after %s misses at %s", self.form_name(), misses, requested,
                 extra={"conversation": tracker.sender_id})
        dispatcher.utter_message(response="utter_handoff_give_up")
        return [*events, *self.ended(domain)]

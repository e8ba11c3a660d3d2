"""Cancelling and moving a booking as a conversation without traps: the two forms' validation.

Every message is read whole, because its values depend on each other (the lookup needs both):
a reference and an e-mail address in any order, in one line or two; "I don't have the number"
(intent lost_reference) switches to links by mail; the booking found is shown and confirmed
(yes / no are answers here, not new intents); moving reads typed time wishes. A message that
holds nothing for the form and carries another intent (a goodbye, a topic question, a booking
request) leaves the flow: the form gives way to that intent's own rule. Two misses (a wrong
reference, no booking found, an answer not understood) end the flow with the contact page.
Nothing changes before the explicit yes (actions/booking_changes.py does the change).
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.form_base import aside_intents
from actions.handoff_base import cleared, language, latest_intent, latest_text
from bot.desk.bookings import BookingNotFound
from bot.desk.references import find_reference
from bot.desk.slots import free_slot_at
from bot.desk.time_parser import parse_time_wish
from bot.handoff import answers, service
from bot.handoff.dates import parse_slot_key
from bot.handoff.runtime import HandoffDeps
from bot.handoff.sanitize import clean_line
from bot.handoff.slot_reply import offered_choice

log = logging.getLogger(__name__)

FORM_SLOTS = [
    "booking_reference", "booking_email", "booking_no_reference", "booking_start",
    "booking_time_wish", "booking_new_slot", "booking_new_start", "change_confirmed",
    "booking_misses", "booking_offered",
]
MAX_MISSES = 2
MESSAGE_MAX = 1000  # a longer message is read only up to here (answers here are short)
# Intents a message inside these flows carries as part of them (besides the form's own).
FLOW_INTENTS = frozenset({"lost_reference", "affirm", "deny", "nlu_fallback"})
# A message that looks like a reference or an address typed wrong: a miss, not a new topic.
_ATTEMPT = re.compile(r"@|\besd\b|^\W*[a-z]*\d[a-z0-9-]*\W*$", re.I)
_DIGIT_OR_PREFIX = re.compile(r"\d|esd", re.I)
# "another time" at the move confirmation: back to the times, not "no".
_OTHER_TIME = re.compile(r"\b(?:another|other|different|andere[nmrs]?|anderen)\b", re.I)
# What the user hears when an answer to the pending question could not be used.
MISS_RESPONSES = {
    "booking_reference": "utter_handoff_invalid_reference",
    "booking_email": "utter_handoff_invalid_email",
    "booking_new_slot": "utter_booking_time_unclear",
    "change_confirmed": "utter_booking_confirm_unclear",
}


@dataclass
class Reading:
    """What a message means for the form: slot `values`; or the flow `ends` with a response
    (`leave`: and gives way to the message's own rule); or it is an `aside` (a topic question,
    small talk) that the shared rules answer before the form asks again (data/rules/forms.yml)."""

    values: Dict[Text, Any] = field(default_factory=dict)
    ends: Optional[Text] = None
    leave: bool = False
    aside: bool = False


def reference_in(text: str) -> Optional[str]:
    """A reference in the message; without the ESD prefix only with a digit ("7K3Q9"), so a
    word such as "danke" is not read as one."""
    found = find_reference(text)
    return found if found and _DIGIT_OR_PREFIX.search(text) else None


def yes_or_no(text: str, intent: Optional[str]) -> Optional[bool]:
    """yes / no / None, also when a longer answer opens with it ("Nein, doch nicht, ich
    behalte ihn", "actually no thanks, I'll keep it")."""
    answer = answers.yes_no(text, intent)
    if answer is None:
        opening = text.lower().replace(",", " ").split()[:2]
        if any(word in answers.NO for word in opening):
            return False
        if any(word in answers.YES for word in opening):
            return True
    return answer


def answer_text(tracker: Tracker) -> str:
    """The latest message as one bounded line without control characters."""
    return clean_line(latest_text(tracker), MESSAGE_MAX)


class BookingChangeValidation(HandoffDeps, FormValidationAction, ABC):
    """Both forms: lookup (or links without the reference), then `steps`, then the yes."""

    own_intent: Text = ""
    steps: tuple = ()

    @abstractmethod
    def name(self) -> Text: ...

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        if tracker.get_slot("booking_no_reference"):
            return ["booking_email"]
        return ["booking_reference", "booking_email", *self.steps, "change_confirmed"]

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if latest_intent(tracker) == "switch_language":
            return []  # Rasa rejects the form: the switch rule confirms, the form asks again
        reading = await self.read(dispatcher, tracker)
        if reading.aside:
            return []  # Rasa rejects the form: the aside is answered, then the form asks again
        if reading.ends:
            log.info("form %s ended (%s)", self.form_name(), reading.ends,
                     extra={"conversation": tracker.sender_id})
            dispatcher.utter_message(response=reading.ends)
            events = [*cleared(FORM_SLOTS), SlotSet(REQUESTED_SLOT, None)]
            if reading.leave:
                # The loop ends and this run counts as rejected: Rasa predicts again for the
                # same message, now outside the form, and the message's own rule answers it.
                events += [ActiveLoop(None), ActionExecutionRejected(self.form_name())]
            return events
        events = [SlotSet(slot, value) for slot, value in reading.values.items()]
        tracker.add_slots(events)
        required = await self.required_slots([], dispatcher, tracker, domain)
        missing = next((slot for slot in required if tracker.get_slot(slot) is None), None)
        return [*events, SlotSet(REQUESTED_SLOT, missing)]

    async def read(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Reading:
        text, intent = answer_text(tracker), latest_intent(tracker)
        requested = tracker.get_slot(REQUESTED_SLOT)
        if tracker.get_slot("booking_start") is None:
            reading = await self.read_lookup(dispatcher, tracker, text, intent)
        elif requested == "booking_new_slot":
            reading = await self.read_new_time(dispatcher, tracker, text)
        elif requested == "change_confirmed":
            reading = await self.read_confirmation(dispatcher, tracker, text, intent)
        else:  # the form (re)starts after the lookup: nothing in this message is for it
            reading = Reading()
        if reading.values or reading.ends or requested not in MISS_RESPONSES:
            return reading
        return self.unusable(dispatcher, tracker, text, intent, requested)

    async def read_lookup(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str, intent: Optional[str]
    ) -> Reading:
        values: Dict[Text, Any] = {}
        reference, address = reference_in(text), answers.email_address(text)
        if reference:
            values.update(booking_reference=reference, booking_no_reference=None)
        elif intent == "lost_reference":
            values["booking_no_reference"] = True
        if address:
            values["booking_email"] = address
        if not values:
            return Reading()
        known = {slot: tracker.get_slot(slot) for slot in
                 ("booking_reference", "booking_email", "booking_no_reference")} | values
        if known["booking_no_reference"] or not (known["booking_reference"] and known["booking_email"]):
            return Reading(values)
        return await self.look_up(dispatcher, tracker, known["booking_reference"],
                                  known["booking_email"], values)

    async def look_up(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, reference: str, address: str,
        values: Dict[Text, Any],
    ) -> Reading:
        try:
            found = await service.find(self.sessionmaker, reference, address)
        except BookingNotFound:
            return self.miss(dispatcher, tracker, "utter_booking_not_found_retry",
                             {"booking_reference": None, "booking_email": None})
        except service.DATABASE_ERRORS:
            log.warning("database unavailable while looking up a booking",
                        extra={"conversation": tracker.sender_id})
            return Reading(ends="utter_handoff_try_again")
        return Reading({**values, "booking_start": found.start.isoformat()})

    async def read_new_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str
    ) -> Reading:
        tz, now, lang = self.settings.timezone, self.now(), language(tracker)
        shown = (parse_slot_key(str(key), tz) for key in tracker.get_slot("booking_offered") or [])
        offered = [start for start in shown if start]
        # A clicked button, or one of the times shown picked by typing ("the second one").
        standing = tracker.get_slot("booking_time_wish")
        standing = parse_time_wish(standing, lang, now) if standing else None
        start = parse_slot_key(text, tz) or offered_choice(text, offered, lang, now, standing)
        clicked = start is not None
        if not clicked:
            wish = parse_time_wish(text, lang, now)
            if wish is None:
                if answers.wants_later(text):
                    page = int(tracker.get_slot("slot_page") or 0)
                    return Reading({"booking_time_wish": None, "slot_page": page + 1})
                return Reading()
            if wish.exact is None:
                return Reading({"booking_time_wish": text})
            start = wish.exact
        try:
            async with self.sessionmaker() as session:
                slot = await free_slot_at(session, start, now)
        except service.DATABASE_ERRORS:
            log.warning("database unavailable while checking a slot",
                        extra={"conversation": tracker.sender_id})
            return Reading(ends="utter_handoff_try_again")
        if slot is not None:
            return Reading({"booking_new_slot": str(slot.id),
                            "booking_new_start": slot.start.isoformat()})
        if clicked:
            dispatcher.utter_message(response="utter_handoff_slot_taken")
            return Reading({"booking_time_wish": None, "slot_page": 0})
        return Reading({"booking_time_wish": text})  # not free then: the nearest are offered

    async def read_confirmation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str, intent: Optional[str]
    ) -> Reading:
        if "booking_new_slot" in self.steps:
            if _OTHER_TIME.search(text) or answers.wants_later(text):
                return Reading({"booking_new_slot": None, "booking_new_start": None,
                                "booking_time_wish": None})
            if parse_time_wish(text, language(tracker), self.now()):
                # A time named at the question ("10 am please"): read as the new time, and
                # confirmed only by the next yes.
                reading = await self.read_new_time(dispatcher, tracker, text)
                if "booking_new_slot" not in reading.values:
                    reading.values.update(booking_new_slot=None, booking_new_start=None)
                return reading
        if intent == "goodbye":  # "ok forget it, bye" is no yes: the flow is left
            return Reading()
        answer = yes_or_no(text, intent)
        if answer is None and intent == self.own_intent and not re.search(r"\d", text):
            answer = True  # "cancel it" / "move it"; with a number it may be a time: ask again
        if answer:
            return Reading({"change_confirmed": "yes"})
        return Reading(ends="utter_booking_kept") if answer is False else Reading()

    def unusable(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str,
        intent: Optional[str], requested: str,
    ) -> Reading:
        """An answer the pending question cannot use: "no" / "stop" keep the booking, an aside
        is answered beside the form, another concern (bye, a new booking) leaves the flow,
        anything else is a miss."""
        if answers.yes_no(text, intent) is False or (answers.is_stop(text) and intent != self.own_intent):
            return Reading(ends="utter_booking_kept")
        if intent in aside_intents() and not _ATTEMPT.search(text):
            return Reading(aside=True)
        if intent is None or intent == self.own_intent or intent in FLOW_INTENTS or _ATTEMPT.search(text):
            return self.miss(dispatcher, tracker, MISS_RESPONSES[requested], {requested: None})
        return Reading(ends="utter_booking_change_left", leave=True)

    @staticmethod
    def miss(
        dispatcher: CollectingDispatcher, tracker: Tracker, response: str, values: Dict[Text, Any]
    ) -> Reading:
        misses = int(tracker.get_slot("booking_misses") or 0) + 1
        if misses >= MAX_MISSES:
            return Reading(ends="utter_booking_change_contact")
        dispatcher.utter_message(response=response)
        return Reading({**values, "booking_misses": misses})


class ValidateCancelBookingForm(BookingChangeValidation):
    own_intent = "cancel_booking"

    def name(self) -> Text:
        return "validate_cancel_booking_form"


class ValidateRescheduleBookingForm(BookingChangeValidation):
    own_intent = "reschedule_booking"
    steps = ("booking_new_slot",)

    def name(self) -> Text:
        return "validate_reschedule_booking_form"

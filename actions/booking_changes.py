"""Cancelling and rescheduling a booking: reference + the e-mail address used."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.handoff_base import (
    HandoffFormValidation, checked_email, cleared, language, latest_text,
)
from bot.desk.bookings import BookingNotFound
from bot.desk.contact import Confirmation
from bot.desk.references import find_reference
from bot.handoff import answers, service
from bot.handoff.dates import format_datetime
from bot.handoff.mail import mail_client
from bot.handoff.runtime import HandoffDeps

log = logging.getLogger(__name__)

LOOKUP_SLOTS = ["booking_reference", "booking_email"]
RESCHEDULE_FORM = "reschedule_booking_form"


class BookingLookupValidation(HandoffFormValidation):
    """Reference and e-mail, checked for their form only (abstract: no name)."""

    def validate_booking_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        reference = find_reference(str(value or ""))
        if reference is None:
            dispatcher.utter_message(response="utter_handoff_invalid_reference")
        return {"booking_reference": reference}

    def validate_booking_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return {"booking_email": checked_email(value, dispatcher)}


class ValidateCancelBookingForm(BookingLookupValidation):
    def name(self) -> Text:
        return "validate_cancel_booking_form"


class ValidateRescheduleBookingForm(BookingLookupValidation):
    def name(self) -> Text:
        return "validate_reschedule_booking_form"

    async def stop_response(self, tracker: Tracker) -> Optional[Text]:
        """Before offering new times, the booking must exist."""
        stop = await super().stop_response(tracker)
        if stop or tracker.get_slot(REQUESTED_SLOT) != "booking_email":
            return stop
        reference = tracker.get_slot("booking_reference")
        address = answers.email_address(latest_text(tracker))
        if not reference or not address:
            return None  # validation re-asks
        try:
            await service.find(self.sessionmaker, reference, address)
        except BookingNotFound:
            return "utter_handoff_booking_not_found"
        except service.DATABASE_ERRORS:
            log.warning("database unavailable while looking up a booking",
                        extra={"conversation": tracker.sender_id})
            return "utter_handoff_try_again"
        return None


def _lookup(tracker: Tracker) -> tuple[Optional[str], Optional[str]]:
    return tracker.get_slot("booking_reference"), tracker.get_slot("booking_email")


# What the client gets after a committed change: (chat response, mail kind).
_DONE = {"cancelled": ("utter_handoff_cancelled", "cancellation"),
         "rescheduled": ("utter_handoff_rescheduled", "booking")}  # the mail names the new time


async def _done(
    deps: HandoffDeps, change: str, dispatcher: CollectingDispatcher, tracker: Tracker,
    domain: DomainDict, confirmation: Confirmation,
) -> None:
    """Say it in the chat's language, then mail it in the booking's (a mail problem is
    logged; the change stands)."""
    response, mail_kind = _DONE[change]
    log.info("booking %s %s", confirmation.reference, change,
             extra={"conversation": tracker.sender_id})
    when = format_datetime(confirmation.start, language(tracker), deps.settings.timezone)
    dispatcher.utter_message(response=response, reference=confirmation.reference, when=when)
    await mail_client(deps.settings, mail_kind, confirmation, domain)


class ActionCancelBooking(HandoffDeps, Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference, address = _lookup(tracker)
        if not reference or not address:
            return []  # the form was stopped
        try:
            confirmation = await service.cancel(self.sessionmaker, reference, address, self.now())
        except BookingNotFound:
            dispatcher.utter_message(response="utter_handoff_booking_not_found")
            return cleared(LOOKUP_SLOTS)
        except service.DATABASE_ERRORS:
            log.warning("database unavailable at cancel; nothing changed",
                        extra={"conversation": tracker.sender_id})
            dispatcher.utter_message(response="utter_handoff_try_again")
            return cleared(LOOKUP_SLOTS)
        await _done(self, "cancelled", dispatcher, tracker, domain, confirmation)
        return cleared(LOOKUP_SLOTS)


class ActionRescheduleBooking(HandoffDeps, Action):
    """Cancel and re-book in one transaction: the booking moves to the new slot."""

    def name(self) -> Text:
        return "action_reschedule_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference, address = _lookup(tracker)
        chosen = tracker.get_slot("consultation_slot")
        if not reference or not address or not chosen:
            return []
        slots = [*LOOKUP_SLOTS, "consultation_slot"]
        try:
            confirmation = await service.reschedule(
                self.sessionmaker, reference, address, int(chosen), self.now()
            )
        except BookingNotFound:
            dispatcher.utter_message(response="utter_handoff_booking_not_found")
            return cleared(slots)
        except service.DATABASE_ERRORS:
            log.warning("database unavailable at reschedule; nothing changed",
                        extra={"conversation": tracker.sender_id})
            dispatcher.utter_message(response="utter_handoff_try_again")
            return cleared(slots)
        if confirmation is None:
            dispatcher.utter_message(response="utter_handoff_slot_taken")
            return [SlotSet("consultation_slot", None), SlotSet("slot_page", 0),
                    FollowupAction(RESCHEDULE_FORM)]
        await _done(self, "rescheduled", dispatcher, tracker, domain, confirmation)
        return cleared(slots)

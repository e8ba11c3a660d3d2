"""Cancelling and moving a booking: the forms' questions and the change after the yes
(the forms' validation: actions/booking_change_form.py).

The questions show what will change (the booking found, the new time) in German time; the
change itself is one transaction of the desk's rules (bot.handoff.service → bot.desk.bookings),
then the client gets a mail in the booking's language. Without the reference the address gets
one-time links (bot.desk.booking_links), and the chat says the same whether or not it has
bookings.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from datetime import datetime
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.booking_change_form import FORM_SLOTS
from actions.handoff_base import cleared, language
from actions.slot_proposal import offer, slot_buttons
from bot.desk.booking_links import request_links
from bot.desk.bookings import BookingNotFound
from bot.desk.contact import Confirmation
from bot.desk.time_parser import parse_time_wish
from bot.handoff import service
from bot.handoff.dates import format_datetime
from bot.handoff.mail import mail_client, mail_links
from bot.handoff.runtime import HandoffDeps

log = logging.getLogger(__name__)

RESCHEDULE_FORM = "reschedule_booking_form"
# Links mails still being prepared (kept referenced until done; tests await them).
LINK_JOBS: set[asyncio.Task] = set()


async def links_sent() -> None:
    """Until every pending links mail is out."""
    while LINK_JOBS:
        await asyncio.gather(*LINK_JOBS)


def _moment(value: Optional[str]) -> Optional[datetime]:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


class ActionAskBookingEmail(Action):
    """The address question: for the lookup, or for the links when the reference is missing."""

    def name(self) -> Text:
        return "action_ask_booking_email"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        links = tracker.get_slot("booking_no_reference")
        dispatcher.utter_message(
            response="utter_ask_booking_email_for_links" if links else "utter_ask_booking_email")
        return []


class ActionAskBookingNewSlot(HandoffDeps, Action):
    """The booking found, then free times: for the typed wish, else the next ones (buttons
    are shortcuts; a typed wish is always understood)."""

    def name(self) -> Text:
        return "action_ask_booking_new_slot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        lang, tz, now = language(tracker), self.settings.timezone, self.now()
        wish_text = tracker.get_slot("booking_time_wish")
        wish = parse_time_wish(wish_text, lang, now) if wish_text else None
        page = int(tracker.get_slot("slot_page") or 0)
        offered = await offer(self.sessionmaker, wish, now, page, None, dispatcher, tracker)
        if offered is None:
            return []
        proposal, page = offered.proposal, offered.page
        if not proposal.starts:
            dispatcher.utter_message(response="utter_handoff_no_slots_to_reschedule")
            return [*cleared(FORM_SLOTS), SlotSet(REQUESTED_SLOT, None)]
        if tracker.get_slot("slot_page") is None:  # the first time: what is being moved
            current = _moment(tracker.get_slot("booking_start"))
            dispatcher.utter_message(
                response="utter_booking_move_current",
                reference=tracker.get_slot("booking_reference"),
                when=format_datetime(current, lang, tz) if current else "")
        if wish is None:
            response = "utter_ask_booking_new_slot"
        else:
            response = "utter_booking_move_proposal" if proposal.matched else "utter_booking_move_no_fit"
        buttons = slot_buttons(proposal.starts, lang, tz, domain, later=proposal.more)
        dispatcher.utter_message(response=response, buttons=buttons)
        return [SlotSet("slot_page", page),
                SlotSet("booking_offered", [b["payload"] for b in buttons if b["payload"] != "later"])]


class ActionAskChangeConfirmed(HandoffDeps, Action):
    """ "Shall I cancel it?" / "Shall I move it from … to …?" with the times in German time."""

    def name(self) -> Text:
        return "action_ask_change_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        lang, tz = language(tracker), self.settings.timezone
        current = _moment(tracker.get_slot("booking_start"))
        new = _moment(tracker.get_slot("booking_new_start"))
        when = format_datetime(current, lang, tz) if current else ""
        if new is not None:
            dispatcher.utter_message(response="utter_ask_move_confirm", old_when=when,
                                     when=format_datetime(new, lang, tz))
        else:
            dispatcher.utter_message(response="utter_ask_cancel_confirm", when=when,
                                     reference=tracker.get_slot("booking_reference"))
        return []


# What the client gets after a committed change: (chat response, mail kind).
_DONE = {"cancelled": ("utter_handoff_cancelled", "cancellation"),
         "rescheduled": ("utter_handoff_rescheduled", "rescheduled")}


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


class BookingChangeAction(HandoffDeps, Action, ABC):
    """After the form: links when the reference is missing, else the change once confirmed."""

    @abstractmethod
    def name(self) -> Text: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        reference, address = tracker.get_slot("booking_reference"), tracker.get_slot("booking_email")
        if tracker.get_slot("booking_no_reference") and address:
            await self.send_links(dispatcher, tracker, domain, address)
        elif reference and address and tracker.get_slot("change_confirmed") == "yes":
            return await self.change(dispatcher, tracker, domain, reference, address)
        return cleared(FORM_SLOTS)  # the form ended early: it has said why

    async def send_links(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        address: str,
    ) -> None:
        # The same answer, at once, with or without bookings: the lookup and the mails run
        # after the reply, so neither the text nor the time it takes reveals an address.
        dispatcher.utter_message(response="utter_booking_links_sent")
        job = asyncio.create_task(self._mail_links(tracker.sender_id, domain, address))
        LINK_JOBS.add(job)
        job.add_done_callback(LINK_JOBS.discard)

    async def _mail_links(self, conversation: str, domain: DomainDict, address: str) -> None:
        try:
            async with self.sessionmaker() as session:
                bookings = await request_links(session, address, self.now())
        except service.DATABASE_ERRORS:
            log.warning("database unavailable at a links request; no links sent",
                        extra={"conversation": conversation})
            return
        await mail_links(self.settings, bookings, domain)

    @abstractmethod
    async def change(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        reference: str, address: str,
    ) -> List[EventType]: ...


class ActionCancelBooking(BookingChangeAction):
    def name(self) -> Text:
        return "action_cancel_booking"

    async def change(self, dispatcher, tracker, domain, reference, address) -> List[EventType]:
        try:
            confirmation = await service.cancel(self.sessionmaker, reference, address, self.now())
        except BookingNotFound:  # cancelled meanwhile (staff app, a link)
            dispatcher.utter_message(response="utter_handoff_booking_not_found")
            return cleared(FORM_SLOTS)
        except service.DATABASE_ERRORS:
            log.warning("database unavailable at cancel; nothing changed",
                        extra={"conversation": tracker.sender_id})
            dispatcher.utter_message(response="utter_handoff_try_again")
            return cleared(FORM_SLOTS)
        await _done(self, "cancelled", dispatcher, tracker, domain, confirmation)
        return cleared(FORM_SLOTS)


class ActionRescheduleBooking(BookingChangeAction):
    """Moves the booking to the confirmed new slot in one transaction (the old one is free)."""

    def name(self) -> Text:
        return "action_reschedule_booking"

    async def change(self, dispatcher, tracker, domain, reference, address) -> List[EventType]:
        chosen = tracker.get_slot("booking_new_slot")
        if not chosen:
            return cleared(FORM_SLOTS)
        try:
            confirmation = await service.reschedule(
                self.sessionmaker, reference, address, int(chosen), self.now())
        except BookingNotFound:
            dispatcher.utter_message(response="utter_handoff_booking_not_found")
            return cleared(FORM_SLOTS)
        except service.DATABASE_ERRORS:
            log.warning("database unavailable at reschedule; nothing changed",
                        extra={"conversation": tracker.sender_id})
            dispatcher.utter_message(response="utter_handoff_try_again")
            return cleared(FORM_SLOTS)
        if confirmation is None:  # taken meanwhile: other times, the booking still found
            dispatcher.utter_message(response="utter_handoff_slot_taken")
            return [SlotSet("booking_new_slot", None), SlotSet("booking_new_start", None),
                    SlotSet("change_confirmed", None), SlotSet("slot_page", 0),
                    FollowupAction(RESCHEDULE_FORM)]
        await _done(self, "rescheduled", dispatcher, tracker, domain, confirmation)
        return cleared(FORM_SLOTS)

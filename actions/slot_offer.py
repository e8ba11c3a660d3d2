"""Choosing a consultation time by typing or clicking (booking and moving a booking).

The question shows free times: the 1–3 closest to the user's typed wish (slot `time_wish`;
actions/slot_proposal.py, shared with moving a booking), else the next free ones, as numbered
text and as buttons (shortcuts,
never the only way). An answer is a button, a position ("the second one"), an offered time
("10:30"), "later" or a new wish, which brings a new proposal instead of an error.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import language, latest_intent, latest_text
from actions.slot_proposal import offer, slot_buttons
from bot.desk.modes import checked_mode
from bot.desk.slots import free_slot, free_slot_at
from bot.desk.time_parser import parse_time_wish
from bot.handoff import answers, service
from bot.handoff.dates import format_button, parse_slot_key, slot_key
from bot.handoff.form_values import mode_in
from bot.handoff.labels import response_text
from bot.handoff.runtime import HandoffDeps
from bot.handoff.slot_reply import offered_choice, time_wish_in

log = logging.getLogger(__name__)

CONSULTATION_FORM = "consultation_form"
CALLBACK = "callback"  # consultation_slot when nothing is free: ticket without booking
NO_WORDS = {"no", "nein", "none", "keiner", "keine", "nope", "nee"}


def mode_label(domain: DomainDict, mode: Optional[str], lang: str) -> str:
    return response_text(domain, f"utter_handoff_mode_{checked_mode(mode) or 'desk'}", lang) or ""


def options_text(starts: Sequence[datetime], lang: str, tz: str) -> str:
    """ "1) Tue 8 Dec, 10:00" lines: what "the second one" refers to."""
    return "\n".join(f"{n}) {format_button(start, lang, tz)}" for n, start in enumerate(starts, 1))


def offered_starts(tracker: Tracker, tz: str) -> List[datetime]:
    keys = tracker.get_slot("offered_slots") or []
    return [start for start in (parse_slot_key(str(k), tz) for k in keys) if start]


class SlotChoiceValidation(HandoffDeps):
    """`validate_consultation_slot` for a form (mixin, no name)."""

    async def validate_consultation_slot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text, tz, lang = str(value or ""), self.settings.timezone, language(tracker)
        mode = checked_mode(tracker.get_slot("consultation_mode"))
        page = int(tracker.get_slot("slot_page") or 0)
        if text != latest_text(tracker) and text.isdigit():
            return await self._checked(dispatcher, tracker, slot_id=int(text), mode=mode)
        offered = offered_starts(tracker, tz)
        standing = tracker.get_slot("time_wish")
        standing = parse_time_wish(standing, lang, self.now()) if standing else None
        start = parse_slot_key(text, tz) or offered_choice(text, offered, lang, self.now(),
                                                           standing)
        if start is None and offered and len(text.split()) <= 5 and answers.yes_no(
                text, latest_intent(tracker)):
            start = offered[0]  # "yes, I'll take it": the first (best) time offered
        if start is not None:
            return await self._checked(dispatcher, tracker, start=start, mode=mode)
        # "next Tuesday" is a wish, "next" alone asks for later times.
        wish = time_wish_in(text, lang, self.now(), asked=False)
        no_more = answers.wants_later(text) or (
            latest_intent(tracker) == "deny" and set(text.lower().split()) <= NO_WORDS)
        if no_more and wish is None:
            return {"consultation_slot": None, "slot_page": page + 1, "time_wish": None}
        if wish or time_wish_in(text, lang, self.now(), asked=True):
            return {"consultation_slot": None, "time_wish": text[:300], "slot_page": 0}
        wished_mode = mode_in(text)
        if wished_mode:
            return {"consultation_slot": None, "consultation_mode": wished_mode}
        dispatcher.utter_message(response="utter_handoff_slot_unclear")
        return {"consultation_slot": None}

    async def _checked(self, dispatcher: CollectingDispatcher, tracker: Tracker, *,
                       start: Optional[datetime] = None, slot_id: Optional[int] = None,
                       mode: Optional[str] = None) -> Dict[Text, Any]:
        try:
            async with self.sessionmaker() as session:
                if start is None:
                    slot = await free_slot(session, slot_id, self.now())
                else:
                    slot = await free_slot_at(session, start, self.now())
        except service.DATABASE_ERRORS:
            log.warning("database unavailable while checking a slot",
                        extra={"conversation": tracker.sender_id})
            dispatcher.utter_message(response="utter_handoff_try_again")
            return {"consultation_slot": None}
        if slot is None:
            dispatcher.utter_message(response="utter_handoff_slot_taken")
            return {"consultation_slot": None, "slot_page": 0}
        # The slot's own mode is what the booking gets (a click may pick another mode).
        return {"consultation_slot": str(slot.id), "consultation_mode": slot.mode or mode}


class ActionAskConsultationSlot(HandoffDeps, Action):
    """Proposes free times for the wish (or the next free ones, page `slot_page`)."""

    def name(self) -> Text:
        return "action_ask_consultation_slot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        lang, tz, now = language(tracker), self.settings.timezone, self.now()
        mode = checked_mode(tracker.get_slot("consultation_mode"))
        wish_text = tracker.get_slot("time_wish")
        wish = parse_time_wish(wish_text, lang, now) if wish_text else None
        page = 0 if wish else int(tracker.get_slot("slot_page") or 0)
        offered = await offer(self.sessionmaker, wish, now, page, mode, dispatcher, tracker)
        if offered is None:
            return []
        proposal, page = offered.proposal, offered.page
        if offered.mode_missing:
            dispatcher.utter_message(response="utter_handoff_no_slots_in_mode",
                                     mode=mode_label(domain, mode, lang))
        if not proposal.starts:
            return self._nothing_free(dispatcher, tracker)
        if wish is not None:
            response = ("utter_handoff_slots_for_wish" if proposal.matched
                        else "utter_handoff_no_fitting_slots")
        else:
            response = "utter_ask_consultation_slot" if page == 0 else "utter_handoff_later_slots"
        buttons = slot_buttons(proposal.starts, lang, tz, domain,
                               later=wish is not None or proposal.more)
        dispatcher.utter_message(response=response, buttons=buttons,
                                 options=options_text(proposal.starts, lang, tz))
        return [SlotSet("slot_page", page),
                SlotSet("offered_slots", [slot_key(start, tz) for start in proposal.starts])]

    @staticmethod
    def _nothing_free(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """Nothing to choose: the form goes on to its other questions and the submit action
        records a call-back request."""
        dispatcher.utter_message(response="utter_handoff_no_slots_callback")
        return [SlotSet("consultation_slot", CALLBACK), FollowupAction(CONSULTATION_FORM)]

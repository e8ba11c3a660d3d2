"""Choosing a consultation time by typing or clicking (booking and moving a booking).

The question shows 1–3 free times: the closest to the user's typed wish (slot `time_wish`,
bot.desk.slot_choice), else the next free ones, as numbered text and as buttons (shortcuts,
never the only way). An answer is a button, a position ("the second one"), an offered time
("10:30"), "later" or a new wish, which brings a new proposal instead of an error.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_base import language, latest_intent, latest_text
from bot.desk.modes import checked_mode
from bot.desk.slot_choice import closest_slots
from bot.desk.slots import FreeSlot, free_slot, free_slot_at, next_free_slots
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
SHOWN = 3  # times shown per question
CANDIDATES = 200  # free slots a wish is matched against
NO_WORDS = {"no", "nein", "none", "keiner", "keine", "nope", "nee"}


def mode_label(domain: DomainDict, mode: Optional[str], lang: str) -> str:
    return response_text(domain, f"utter_handoff_mode_{checked_mode(mode) or 'desk'}", lang) or ""


def options_text(slots: List[FreeSlot], domain: DomainDict, lang: str, tz: str) -> str:
    """ "1) Tue 8 Dec, 10:00 (by phone)" lines: what "the second one" refers to."""
    return "\n".join(f"{n}) {format_button(s.start, lang, tz)} ({mode_label(domain, s.mode, lang)})"
                     for n, s in enumerate(slots, 1))


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
        start = parse_slot_key(text, tz) or offered_choice(text, offered, lang, self.now())
        if start is None and offered and answers.yes_no(text, latest_intent(tracker)):
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
        try:
            async with self.sessionmaker() as session:
                free = await next_free_slots(session, now, page_size=CANDIDATES, mode=mode)
                if not free and mode:
                    dispatcher.utter_message(response="utter_handoff_no_slots_in_mode",
                                             mode=mode_label(domain, mode, lang))
                    free = await next_free_slots(session, now, page_size=CANDIDATES)
        except service.DATABASE_ERRORS:
            log.warning("database unavailable while listing slots",
                        extra={"conversation": tracker.sender_id})
            dispatcher.utter_message(response="utter_handoff_try_again")
            return []
        if not free:
            return self._nothing_free(dispatcher, tracker)
        response, shown, page = self._proposal(tracker, free, lang, now)
        buttons = [{"title": format_button(s.start, lang, tz), "payload": slot_key(s.start, tz)}
                   for s in shown]
        later = response_text(domain, "utter_handoff_later_dates_button", lang)
        buttons.append({"title": later or "…", "payload": "later"})
        dispatcher.utter_message(response=response, buttons=buttons,
                                 options=options_text(shown, domain, lang, tz))
        return [SlotSet("slot_page", page),
                SlotSet("offered_slots", [slot_key(s.start, tz) for s in shown])]

    @staticmethod
    def _proposal(tracker: Tracker, free: List[FreeSlot], lang: str,
                  now: datetime) -> tuple[str, List[FreeSlot], int]:
        """(response, slots shown, page): for the wish, else the page of next free times."""
        wish_text = tracker.get_slot("time_wish")
        wish = parse_time_wish(wish_text, lang, now) if wish_text else None
        if wish is not None:
            by_start = {s.start: s for s in free}
            choice = closest_slots(wish, by_start, limit=SHOWN)
            shown = [by_start[start] for start in choice.starts]
            return ("utter_handoff_slots_for_wish" if choice.matched
                    else "utter_handoff_no_fitting_slots"), shown, 0
        page = int(tracker.get_slot("slot_page") or 0)
        if page * SHOWN >= len(free):
            page = 0  # after the last page, start again
        shown = free[page * SHOWN:(page + 1) * SHOWN]
        return ("utter_ask_consultation_slot" if page == 0
                else "utter_handoff_later_slots"), shown, page

    @staticmethod
    def _nothing_free(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """Nothing to choose: the form goes on to its other questions and the submit action
        records a call-back request."""
        dispatcher.utter_message(response="utter_handoff_no_slots_callback")
        return [SlotSet("consultation_slot", CALLBACK), FollowupAction(CONSULTATION_FORM)]

"""Shared actions for every form giving way (rules in data/rules/forms.yml).

An aside inside a form (a topic question, small talk) is answered with the topic's own
response, then "Back to your booking:" and the form asks its question again. A goodbye or
"no thanks" ends the form politely and clears what it had collected.
"""

from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.forms import REQUESTED_SLOT

from actions.form_base import cleared, latest_intent

# Small talk whose answer is not called utter_<intent>.
ANSWERS = {"own_case": "utter_own_case"}


def active_form(tracker) -> str | None:
    return tracker.active_loop.get("name")


class ActionAnswerAside(Action):
    """The latest intent's answer, then the way back into the active form."""

    def name(self) -> Text:
        return "action_answer_aside"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        intent = latest_intent(tracker) or ""
        answer = ANSWERS.get(intent, f"utter_{intent}")
        if answer in (domain.get("responses") or {}):
            dispatcher.utter_message(response=answer)
        form = active_form(tracker)
        back = f"utter_back_to_{form}"
        if form and back in (domain.get("responses") or {}):
            dispatcher.utter_message(response=back)
        return []


class ActionLeaveForm(Action):
    """Ends the active form: nothing it collected is kept; a goodbye is answered too."""

    def name(self) -> Text:
        return "action_leave_form"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        form = active_form(tracker)
        slots = list(((domain.get("forms") or {}).get(form) or {}).get("required_slots") or [])
        dispatcher.utter_message(response="utter_handoff_left_form")
        if latest_intent(tracker) == "goodbye":
            dispatcher.utter_message(response="utter_goodbye")
        return [*cleared(slots), SlotSet(REQUESTED_SLOT, None), ActiveLoop(None)]

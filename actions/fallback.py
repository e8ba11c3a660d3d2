"""Two-stage fallback (Rasa's action_two_stage_fallback calls these two by name):
low confidence → "did you mean …?" with localized buttons → still unclear → consultation."""

from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff_base import language
from bot.handoff.labels import did_you_mean, response_text


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        lang = language(tracker)
        buttons = did_you_mean(tracker.latest_message.get("intent_ranking") or [], domain, lang)
        other = response_text(domain, "utter_handoff_something_else_button", lang)
        # out_of_scope tells Rasa's two-stage fallback "none of these": it asks to rephrase.
        buttons.append({"title": other or "…", "payload": "/out_of_scope"})
        dispatcher.utter_message(response="utter_handoff_did_you_mean", buttons=buttons)
        return []


class ActionDefaultFallback(Action):
    def name(self) -> Text:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_handoff_offer_consultation")
        return [UserUtteranceReverted()]

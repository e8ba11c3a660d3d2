"""Session start: carry slots over and take the widget's page language as the start value."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

LANGUAGES = ("de", "en")
# Without a page language (a client that is not our widget) the conversation starts in
# English until the user's first clear sentence says otherwise; so the slot is always set.
DEFAULT_LANGUAGE = "en"


def page_language(metadata: Dict[Text, Any] | None) -> str | None:
    value = (metadata or {}).get("language")
    return value if value in LANGUAGES else None


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        # Carry over what the previous session knew (Rasa's default behaviour).
        for key, value in tracker.current_slot_values().items():
            if value is not None and key != "session_started_metadata":
                events.append(SlotSet(key, value))
        if not tracker.get_slot("language"):
            hint = page_language(tracker.get_slot("session_started_metadata"))
            events.append(SlotSet("language", hint or DEFAULT_LANGUAGE))
        events.append(ActionExecuted("action_listen"))
        return events

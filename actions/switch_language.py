"""A switch request without a target ("Sprache ändern", "change language") flips the language."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from rasa_side.nlu.detect import OTHER, explicit_request, names_a_language


def language_before_latest_message(tracker: Tracker) -> Optional[Text]:
    """The `language` slot as it was when the user sent the latest message (the message's
    own `language` entity may have changed it since: "change language" reads as English)."""
    value = before = None
    for event in tracker.events:
        if event.get("event") == "user":
            before = value
        elif event.get("event") == "slot" and event.get("name") == "language":
            value = event.get("value")
    return before or tracker.get_slot("language")


class ActionSwitchLanguage(Action):
    """Runs before utter_language_switched. A request naming its language ("auf Englisch
    bitte") has set the slot through the `language` entity; a message that mentions a
    language without asking for it is left alone; only a request naming none flips."""

    def name(self) -> Text:
        return "action_switch_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if explicit_request(text) or names_a_language(text):
            return []
        return [SlotSet("language", OTHER.get(language_before_latest_message(tracker), "de"))]

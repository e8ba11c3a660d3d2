"""action_switch_language: only a switch request that names no language flips the slot."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.switch_language import ActionSwitchLanguage


def _tracker(before, text, detected=None):
    """`before`: the language when the message came; `detected`: what its entity set."""
    latest = {"text": text, "intent": {"name": "switch_language", "confidence": 0.9},
              "entities": [{"entity": "language", "value": detected}] if detected else []}
    events = [{"event": "slot", "name": "language", "value": before}, {"event": "user", "text": text}]
    if detected:
        events.append({"event": "slot", "name": "language", "value": detected})
    return Tracker("c1", {"language": detected or before}, latest, events, False, None, {},
                   "action_listen")


async def _run(tracker):
    dispatcher = CollectingDispatcher()
    events = await ActionSwitchLanguage().run(dispatcher, tracker, {})
    assert dispatcher.messages == []  # the rule's utter_language_switched confirms
    return events


@pytest.mark.parametrize("current, text, new", [
    ("de", "Sprache ändern", "en"),
    ("en", "change language please", "de"),
    ("en", "andere Sprache bitte", "de"),
    (None, "Sprache wechseln", "de"),
])
async def test_a_request_naming_no_language_flips(current, text, new):
    assert await _run(_tracker(current, text)) == [SlotSet("language", new)]


async def test_a_named_language_is_left_to_the_entity():
    assert await _run(_tracker("en", "Bitte auf Deutsch", detected="de")) == []


async def test_the_flip_starts_from_the_language_before_the_message():
    # "change language" is English, so its entity already set "en": still a flip from en.
    assert await _run(_tracker("en", "change language", detected="en")) == [SlotSet("language", "de")]
    assert await _run(_tracker("de", "change language", detected="en")) == [SlotSet("language", "en")]


async def test_a_language_mentioned_without_a_request_keeps_the_language():
    # e.g. a question misread as switch_language: "can I get advice from you in English?"
    assert await _run(_tracker("en", "can I get advice from you in English?")) == []
    assert await _run(_tracker("de", "Ich lerne gerade die deutsche Sprache")) == []

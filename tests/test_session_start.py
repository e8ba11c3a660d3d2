"""action_session_start: page language at session start, carried-over slots, a default."""

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.session_start import ActionSessionStart


def _tracker(slots: dict) -> Tracker:
    return Tracker("c1", slots, {}, [], False, None, {}, "action_listen")


async def _slot_sets(slots: dict) -> dict:
    events = await ActionSessionStart().run(CollectingDispatcher(), _tracker(slots), {})
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_page_language_starts_the_conversation():
    assert (await _slot_sets({"session_started_metadata": {"language": "de"}}))["language"] == "de"


async def test_without_a_page_language_the_slot_is_still_set():
    assert (await _slot_sets({"session_started_metadata": None}))["language"] == "en"
    assert (await _slot_sets({"session_started_metadata": {"language": "fr"}}))["language"] == "en"


async def test_a_known_language_is_carried_over_not_replaced_by_the_page():
    sets = await _slot_sets({"language": "de", "town": "Hilden",
                             "session_started_metadata": {"language": "en"}})
    assert sets == {"language": "de", "town": "Hilden"}
    assert SlotSet("language", "de") in await ActionSessionStart().run(
        CollectingDispatcher(), _tracker({"language": "de"}), {})

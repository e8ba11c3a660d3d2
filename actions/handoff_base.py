"""Shared, abstract bases of the hand-off forms (not registered: they have no name)."""

from __future__ import annotations

from abc import ABC
from typing import Any, Optional

from rasa_sdk.executor import CollectingDispatcher

from actions.form_base import (  # noqa: F401  (the forms' shared helpers, imported from here)
    HELPER_SLOTS, GivingWayFormValidation, cleared, language, latest_intent, latest_text,
)
from actions.slot_offer import SlotChoiceValidation
from bot.handoff.form_values import email_in

# Why an address is invalid -> the response that says so.
EMAIL_PROBLEMS = {
    "missing_at": "utter_handoff_invalid_email_missing_at",
    "missing_domain": "utter_handoff_invalid_email_missing_domain",
}


def checked_email(value: Any, dispatcher: CollectingDispatcher) -> Optional[str]:
    """The normalised address, or None after saying that (and why) it is invalid."""
    reading = email_in(str(value or ""), asked=True)
    if reading.address is None:
        dispatcher.utter_message(
            response=EMAIL_PROBLEMS.get(reading.problem or "", "utter_handoff_invalid_email"))
    return reading.address


class HandoffFormValidation(SlotChoiceValidation, GivingWayFormValidation, ABC):
    """A desk form: gives way to asides, ends after two misses, chooses times (abstract)."""

"""The one place where the conversation language (slot `language`) is set: a Rasa policy.

The decision itself is `rasa_side.nlu.detect.conversation_language` (pure, no Rasa). A
policy is where Rasa hands over both the message (its text, and the widget's page language
in its metadata) and the tracker (the language so far), inside the Rasa process, so the
decision costs no action-server round trip.

The policy never predicts an action: its probabilities are all zero, so another policy
always wins. Rasa 3.6 applies the `events` of every policy's prediction whichever policy
wins (`DefaultPolicyPredictionEnsemble._pick_best_policy`), first to the tracker the
predicted action runs with, then to the conversation (`MessageProcessor._run_action`), so
the first answer of the turn is already rendered in the new language, and the change is a
`slot` event in Rasa's event stream.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.constants import POLICY_PRIORITY
from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME, SESSION_START_METADATA_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_side.policies.rule_based import RuleBasedPolicy
from rasa_side.nlu.detect import conversation_language

SLOT = "language"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class LanguagePolicy(RuleBasedPolicy):
    """Abstains from predicting actions; sets `language` on the user message's first prediction."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Below every built-in policy: were all predictions zero, a real one still wins.
        return {POLICY_PRIORITY: 0}

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        return self._prediction(self._default_predictions(domain), events=language_events(tracker))


def language_events(tracker: DialogueStateTracker) -> List[SlotSet]:
    """`SlotSet("language", …)` when the latest user message changes the language.

    Only until the first action after the message has run (the latest action is still
    `action_listen`): then the slot already holds the decision. A rejected action (a form
    the message does not fill) logs no `ActionExecuted` and drops the prediction's events,
    so the next prediction of the same turn makes them again.
    """
    message = tracker.latest_message
    if tracker.latest_action_name != ACTION_LISTEN_NAME or message is None:
        return []
    language = language_after(tracker, message.text, message.metadata)
    return [] if language == tracker.get_slot(SLOT) else [SlotSet(SLOT, language)]


def language_after(
    tracker: DialogueStateTracker, text: Optional[Text], metadata: Optional[Dict[Text, Any]]
) -> Text:
    """The conversation language after a message (its text and metadata), given the
    tracker's language before it. The page language comes from the message's metadata
    (REST `metadata`, socket.io `customData`), else from the session start's."""
    hints = (metadata, tracker.get_slot(SESSION_START_METADATA_SLOT))
    page = next((h["language"] for h in hints if isinstance(h, dict) and h.get("language")), None)
    return conversation_language(text or "", tracker.get_slot(SLOT), page)

"""Base of our policies that decide by rule and learn nothing (bot env)."""

from __future__ import annotations

from typing import Any, List

from rasa.core.policies.policy import Policy
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates


class RuleBasedPolicy(Policy):
    """Abstract: subclasses implement `predict_action_probabilities` only."""

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Nothing to learn. The (empty) resource is written so that the model loads it
        like any trained policy's."""
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

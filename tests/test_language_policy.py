"""rasa_side.policies.language.LanguagePolicy in the bot env, through Rasa's own storage and
ensemble (tests/bot_env/language_policy_check.py); whole conversations through the real
servers are in tests/e2e/test_language.py."""

import json
import subprocess

import pytest

from bot.settings import PROJECT_ROOT
from bot.tools.model import BOT_ENV, bot_env


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    result = subprocess.run(
        [str(BOT_ENV / "bin" / "python"), str(PROJECT_ROOT / "tests" / "bot_env" / "language_policy_check.py"),
         str(tmp_path_factory.mktemp("storage"))],
        cwd=PROJECT_ROOT, env=bot_env(), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_trains_persists_and_loads(out):
    assert out["trained_resource"] == "language_policy"
    assert out["priority"] == 0  # below every built-in policy


@pytest.mark.parametrize("case, events", [
    ("first message, German page", ["de"]),
    ("first message, English page", ["en"]),
    ("first message, no page", ["en"]),
    ("first message, clear English on a German page", ["en"]),
    ("sticky", []),
    ("flip de", ["en"]),
    ("flip en", ["de"]),
    ("known miss", ["en"]),
    # Once the turn's first action ran, the slot holds the decision: nothing more.
    ("after the first action", []),
    # A rejected form dropped the events: the next prediction of the turn makes them again.
    ("after a rejected form", ["en"]),
])
def test_sets_the_language_only_when_it_changes(out, case, events):
    prediction = out["predictions"][case]
    assert prediction["events"] == events
    assert prediction["other_events"] == []
    assert prediction["max_confidence"] == 0.0  # never predicts an action


def test_another_policy_wins_and_the_language_event_is_applied(out):
    assert out["ensemble"] == {"policy": "RulePolicy", "action": "utter_language_switched",
                               "language_events": ["en"]}

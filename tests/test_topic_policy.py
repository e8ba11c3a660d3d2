"""rasa_side.policies.topic.TopicPolicy and rasa_side.nlu.evidence.EvidenceGate in the bot env on
hand-built trackers and messages (tests/bot_env/topic_policy_check.py); whole conversations
through the real servers are tests/dialogue/test_followups.py."""

import json
import subprocess

import pytest

from bot.settings import PROJECT_ROOT
from bot.tools.model import BOT_ENV, bot_env


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    result = subprocess.run(
        [str(BOT_ENV / "bin" / "python"), str(PROJECT_ROOT / "tests" / "bot_env" / "topic_policy_check.py"),
         str(tmp_path_factory.mktemp("storage"))],
        cwd=PROJECT_ROOT, env=bot_env(), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_ranks_above_the_rule_policy(out):
    assert out["priority"] == 7


@pytest.mark.parametrize("case, action, events", [
    ("topic question, general", "utter_blue_card", [["context_topic", "blue_card"]]),
    ("topic question, specific", "utter_blue_card/salary", [["context_topic", "blue_card"]]),
    ("button", "utter_blue_card/salary", [["context_topic", "blue_card"]]),
    ("follow-up in context", "utter_blue_card/salary", []),
    ("follow-up without an answer", "utter_blue_card_no_detail", []),
    ("follow-up without a topic", "utter_followup_no_topic", []),
    ("follow-up that names a topic", "utter_blue_card/salary", [["context_topic", "blue_card"]]),
    # never the overview twice
    ("same topic again", "utter_blue_card/salary", []),
    ("unsure message in context", "utter_blue_card/salary", []),
    ("booking question in context", "utter_address_registration/appointment", []),
    ("booking request in context", None, []),
    ("another topic", "utter_address_registration/cost", [["context_topic", "address_registration"]]),
    ("town variant", "utter_address_registration/appointment",
     [["context_topic", "address_registration"], ["answer_variant", "town:Ratingen"]]),
    ("district variant", "utter_address_registration/appointment",
     [["context_topic", "address_registration"], ["answer_variant", "district:kreis_mettmann"]]),
    ("goodbye", None, []),
    ("yes to the consultation offered", "consultation_form", []),
    ("yes after a plain answer", None, []),
    ("after its answer", "action_listen", []),
    ("inside a form", None, []),
])
def test_predictions(out, case, action, events):
    assert out["predictions"][case] == {"action": action, "events": events}


@pytest.mark.parametrize("text, intent", [
    ("bye then", "goodbye"),
    ("und wie lange gilt die?", "followup"),  # a question is never a goodbye
    ("nein danke", "deny"),
    ("nein, und was kostet das?", "followup"),
    ("Auf Englisch bitte", "switch_language"),
    ("Geht das?", "followup"),  # no language named
    ("Ich möchte meinen Termin absagen", "cancel_booking"),
    ("Kann ich die Versicherung wechseln?", "health_insurance"),  # no booking word
    ("/goodbye", "goodbye"),  # a button
])
def test_the_evidence_gate(out, text, intent):
    assert out["gate"][text][0] == intent


def test_a_topic_asked_follow_up_style_is_no_ambiguity(out):
    # intent 0.8 and followup 0.15 next to it: one intent, 0.95, for the fallback
    assert out["gate"]["what is the average additional contribution?"] == ["health_insurance", 0.95]

"""The hand-off domain is bilingual, covers every contract intent, and actions import cheaply."""

import subprocess
import sys

import pytest
import yaml

from bot.settings import PROJECT_ROOT

CONTRACT = PROJECT_ROOT.parent / "shared" / "spec" / "intents.yml"
AREAS = ("handoff.yml", "booking_changes.yml", "intent_labels.yml")
RESPONSES = {name: variations for area in AREAS
             for name, variations in yaml.safe_load((PROJECT_ROOT / "domain" / area).read_text())["responses"].items()}
LABELS = yaml.safe_load((PROJECT_ROOT / "domain" / "intent_labels.yml").read_text())


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_has_de_en_and_a_default(name):
    variations = RESPONSES[name]
    languages = [c["value"] for v in variations for c in v.get("condition", []) if c["name"] == "language"]
    assert sorted(languages) == ["de", "en"]
    assert sum(1 for v in variations if not v.get("condition")) == 1
    assert all(v.get("text") for v in variations)


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared/spec not beside the project")
def test_a_label_for_every_contract_intent():
    contract = yaml.safe_load(CONTRACT.read_text())
    intents = {*contract["conversation"], *contract["topics"]}
    assert {f"utter_intent_label_{i}" for i in intents} <= set(LABELS["responses"])


def test_actions_import_without_creating_engines():
    code = (
        "import actions.consultation, actions.booking_changes, actions.fallback\n"
        "from bot.desk.intents import topic_intents\n"
        "from bot.handoff import runtime\n"
        "from bot.handoff.labels import domain_labels\n"
        "assert topic_intents.cache_info().currsize == 0  # the domain is read on first use\n"
        "assert domain_labels.cache_info().currsize == 0\n"
        "assert runtime.default_sessionmaker.cache_info().currsize == 0\n"
        "assert runtime.default_settings.cache_info().currsize == 0\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

"""rasa_side.nlu.linear_intent.LinearIntentClassifier trained, persisted and loaded by Rasa's own
machinery in the bot env (tests/bot_env/linear_intent_check.py); the whole-model figures are
in tests/test_nlu_quality.py."""

import json
import subprocess

from bot.settings import PROJECT_ROOT
from bot.tools.model import BOT_ENV, bot_env


def test_trains_persists_loads_and_ranks(tmp_path):
    result = subprocess.run(
        [str(BOT_ENV / "bin" / "python"), str(PROJECT_ROOT / "tests" / "bot_env" / "linear_intent_check.py"),
         str(tmp_path)],
        cwd=PROJECT_ROOT, env=bot_env(), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    expected = {"wo bleibt meine Steuer-ID": "tax_id", "looking for a flat in Ratingen": "housing",
                "hallo zusammen": "greet"}
    for text, intent in expected.items():
        ranking = out[text]["ranking"]
        assert out[text]["intent"] == ranking[0] and ranking[0]["name"] == intent, out[text]
        confidences = [r["confidence"] for r in ranking]
        assert confidences == sorted(confidences, reverse=True) and ranking[0]["confidence"] > 0.5
        assert abs(sum(confidences) - 1) < 1e-6 and len(ranking) == 3  # all three intents
    # Nothing known (no feature seen in training): no intent, so the FallbackClassifier answers.
    assert out["ЖЖЖ ЩЩЩ"] == {"intent": {"name": None, "confidence": 0.0}, "ranking": []}
    # A component that was never trained classifies nothing instead of failing.
    assert out["_untrained"] is None

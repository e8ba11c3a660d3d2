"""The trained model meets the accuracy target (≥ 0.95 per language) on both held-out splits.

Runs `make eval`'s evaluator (rasa_side.evaluate, bot env) on the model for the current
data. heldout/first is the project's split (≥ 10 examples per intent and language);
heldout/blind was written later by someone who saw neither the training data nor that split.
"""

import json
import subprocess

import pytest

from bot.settings import PROJECT_ROOT
from bot.training.near_duplicates import TRAIN_DIR, load
from bot.tools.model import BOT_ENV, bot_env, train

SPLITS = {"first": 10, "blind": 0}  # split -> minimum examples per intent and language


@pytest.mark.parametrize("split, minimum", SPLITS.items())
def test_accuracy_target_per_language(split, minimum, tmp_path):
    model = train()
    result = subprocess.run(
        [str(BOT_ENV / "bin" / "python"), "-m", "rasa_side.evaluate", "--model", str(model),
         "--holdout", str(PROJECT_ROOT / "heldout" / split), "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, env=bot_env(), capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    report = json.loads((tmp_path / "report.json").read_text())
    assert set(report["languages"]) == {"de", "en"}
    trained = {example.intent for example in load(TRAIN_DIR)}
    for language, metrics in report["languages"].items():
        if minimum:
            assert set(metrics["per_intent"]) == trained, language
        assert min(m["support"] for m in metrics["per_intent"].values()) >= minimum, language
        assert metrics["accuracy"] >= report["target_accuracy"] == 0.95, result.stdout[-4000:]

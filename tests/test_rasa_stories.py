"""The end-to-end test stories (tests/stories, real user text) pass against the current model.

Runs Rasa's story test in the bot env (rasa_side.stories wraps
`rasa test core --stories tests/stories --fail-on-prediction-errors`). `make test`
trains the model for the current data first; without one this test trains it.
"""

import json
import subprocess

import yaml

from bot.settings import PROJECT_ROOT
from bot.tools.model import BOT_ENV, bot_env, train


def test_stories_have_no_prediction_errors(tmp_path):
    model = train()
    result = subprocess.run(
        [str(BOT_ENV / "bin" / "python"), "-m", "rasa_side.stories",
         "--model", str(model), "--stories", str(PROJECT_ROOT / "tests" / "stories"),
         "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, env=bot_env(), capture_output=True, text=True, timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (detail or "") + result.stdout[-3000:] + result.stderr[-6000:]
    # The story test must have run every story, not silently found none.
    stories = sum(
        1 for path in (PROJECT_ROOT / "tests" / "stories").glob("*.yml")
        for story in (yaml.safe_load(path.read_text()) or {}).get("stories") or []
    )
    report = json.loads((tmp_path / "story_report.json").read_text())
    assert report["conversation_accuracy"]["total"] == stories > 0
    assert report["conversation_accuracy"]["correct"] == stories

"""`rasa data validate` runs in the bot env and passes."""

import subprocess

from bot.settings import PROJECT_ROOT
from bot.tools.model import RASA, bot_env


def test_rasa_data_validate():
    result = subprocess.run(
        [str(RASA), "data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml"],
        cwd=PROJECT_ROOT, env=bot_env(), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

"""Rasa's own CLI works in the project root with its defaults (config.yml, domain.yml, data/),
as Rasa users expect: no --domain / --data / --config flags."""

import json
import subprocess

from bot.settings import PROJECT_ROOT
from bot.tools.model import BOT_ENV, RASA, bot_env
from tests.domain_files import domain_files

# What Rasa's CLI builds from its default paths (the importer comes from config.yml; an importer
# that cannot be loaded would make Rasa fall back silently to domain.yml alone).
LOAD_DOMAIN = """
import json
from rasa.shared.importers.importer import TrainingDataImporter
domain = TrainingDataImporter.load_from_config("config.yml", "domain.yml", ["data"]).get_domain()
print(json.dumps({"intents": sorted(domain.intents), "responses": sorted(domain.responses),
                  "slots": sorted(s.name for s in domain.slots), "forms": sorted(domain.forms)}))
"""


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(args), cwd=PROJECT_ROOT, env=bot_env(), capture_output=True, text=True, timeout=600,
    )


def test_rasa_data_validate_with_defaults():
    result = run(str(RASA), "data", "validate")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_rasa_train_dry_run_with_defaults(tmp_path):
    """Rasa's verdict is printed (exit 0: nothing to train, 1: training needed); a load error
    tracebacks or exits otherwise."""
    result = run(str(RASA), "train", "--dry-run", "--out", str(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), output[-4000:]
    assert "Traceback" not in output, output[-4000:]
    assert "The model needs to be retrained" in output or "No training" in output, output[-4000:]


def test_default_paths_give_the_whole_domain():
    result = run(str(BOT_ENV / "bin" / "python"), "-c", LOAD_DOMAIN)
    assert result.returncode == 0, result.stderr[-4000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    files = domain_files()
    assert any(path.name == "domain.yml" for path in files)
    for key in ("intents", "responses", "slots", "forms"):
        declared = set()
        for content in files.values():
            value = content.get(key) or []
            declared |= set(value if isinstance(value, list) else value.keys())
        assert declared and declared <= set(loaded[key]), (key, sorted(declared - set(loaded[key])))
    assert {"utter_blue_card", "utter_greet", "utter_language_switched"} <= set(loaded["responses"])

"""Which trained model belongs to the current data and config, and how to train it."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

BOT_ENV = PROJECT_ROOT / ".venv" / "bot"
RASA = BOT_ENV / "bin" / "rasa"
MODELS_DIR = PROJECT_ROOT / "models"
# Everything that changes the trained model: training data, domain, pipeline, our components.
MODEL_INPUTS = ("config.yml", "domain.yml", "domain", "data", "knowledge", "rasa_side/nlu",
                "rasa_side/policies", "rasa_side/importer.py", "rasa_side/knowledge.py")


def _files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in MODEL_INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sorted(files)


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for path in _files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def model_path(root: Path = PROJECT_ROOT) -> Path:
    return root / "models" / f"model-{fingerprint(root)}.tar.gz"


def bot_env(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """Environment for bot-env subprocesses: the project importable, quiet TensorFlow."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(
        PYTHONPATH=str(root),
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore",
        RASA_TELEMETRY_ENABLED="false",
    )
    return env


def train(
    root: Path = PROJECT_ROOT, *, force: bool = False, extra_args: list[str] | None = None,
    out_dir: Path | None = None,
) -> Path:
    """Train into models/model-<fingerprint>.tar.gz unless that model already exists
    (`out_dir`: the same name in another folder, e.g. retraining's candidates)."""
    target = model_path(root)
    if out_dir is not None:
        target = out_dir / target.name
    if target.exists() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            # Rasa's defaults: config.yml, domain.yml (+ domain/ via the importer), data/.
            str(RASA), "train",
            "--out", str(target.parent), "--fixed-model-name", target.name[: -len(".tar.gz")],
            *(extra_args or []),
        ],
        cwd=root,
        env=bot_env(root),
        check=True,
        stdout=sys.stderr,  # stdout carries only the model path (`make eval` reads it)
    )
    return target


if __name__ == "__main__":
    force = "--force" in sys.argv
    print(train(force=force))

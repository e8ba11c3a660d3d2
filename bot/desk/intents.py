"""Which intents the domain declares, and which of them are topics (one knowledge file each,
knowledge/topics/*.yml, from which rasa_side.knowledge generates the answers).

Read from the domain files on first use and cached: the action server imports `actions/`
wholesale, so nothing here runs at import time.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

# The intent Rasa's FallbackClassifier predicts when it is unsure.
FALLBACK_INTENT = "nlu_fallback"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def domain_paths(root: Path = PROJECT_ROOT) -> list[Path]:
    """domain.yml (the entry point) and every file under domain/ that Rasa merges into it."""
    paths = [root / "domain.yml"] if (root / "domain.yml").is_file() else []
    return paths + (sorted((root / "domain").rglob("*.yml")) if (root / "domain").is_dir() else [])


def read_domain_file(path: Path) -> dict:
    """One domain file's content; {} when it is empty or not valid YAML."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    except yaml.YAMLError:
        return {}


def declared_intents(paths: list[Path]) -> list[str]:
    names: list[str] = []
    for path in paths:
        for entry in read_domain_file(path).get("intents") or []:
            name = next(iter(entry)) if isinstance(entry, dict) else entry
            if isinstance(name, str) and name not in names:
                names.append(name)
    return names


def known_intents(root: Path = PROJECT_ROOT) -> list[str]:
    """Every intent of the domain but the fallback, sorted (what a message may be labelled)."""
    return sorted((set(declared_intents(domain_paths(root))) | set(topic_intents(root)))
                  - {FALLBACK_INTENT})


@cache
def topic_intents(root: Path = PROJECT_ROOT) -> tuple[str, ...]:
    """The topic intents: one per knowledge file in knowledge/topics/, sorted."""
    names = (read_domain_file(p).get("topic") for p in sorted((root / "knowledge" / "topics").glob("*.yml")))
    return tuple(n for n in names if isinstance(n, str))

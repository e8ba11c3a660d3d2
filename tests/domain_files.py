"""The domain as Rasa sees it: domain.yml (the entry point) and every YAML file under domain/,
merged (rasa_side/importer.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOMAIN_DIR = PROJECT_ROOT / "domain"


def domain_files(root: Path = PROJECT_ROOT) -> dict[Path, dict]:
    paths = [root / "domain.yml", *sorted((root / "domain").rglob("*.yml"))]
    return {path: yaml.safe_load(path.read_text(encoding="utf-8")) or {} for path in paths}


def responses(root: Path = PROJECT_ROOT) -> dict[str, list[dict]]:
    merged: dict[str, list[dict]] = {}
    for content in domain_files(root).values():
        merged.update(content.get("responses") or {})
    return merged

"""The domain as Rasa sees it: domain.yml (the entry point) and every YAML file under domain/,
merged with the answers generated from knowledge/ (rasa_side/importer.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

from rasa_side import knowledge

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOMAIN_DIR = PROJECT_ROOT / "domain"


def domain_files(root: Path = PROJECT_ROOT) -> dict[Path, dict]:
    paths = [root / "domain.yml", *sorted((root / "domain").rglob("*.yml"))]
    return {path: yaml.safe_load(path.read_text(encoding="utf-8")) or {} for path in paths}


def responses(root: Path = PROJECT_ROOT) -> dict[str, list[dict]]:
    merged: dict[str, list[dict]] = {}
    for content in domain_files(root).values():
        merged.update(content.get("responses") or {})
    topics = knowledge.load_topics(root / "knowledge" / "topics")
    figures = knowledge.load_figures(root / "knowledge" / "figures.yml")
    labels = knowledge.topic_labels(root / "domain" / "intent_labels.yml")
    merged.update(knowledge.domain_part(topics, figures, labels)["responses"])
    return merged

"""The domain as Rasa sees it: every YAML file under domain/, merged."""

from __future__ import annotations

from pathlib import Path

import yaml

DOMAIN_DIR = Path(__file__).resolve().parents[1] / "domain"


def domain_files(root: Path = DOMAIN_DIR) -> dict[Path, dict]:
    return {
        path: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for path in sorted(root.rglob("*.yml")) + sorted(root.rglob("*.yaml"))
    }


def responses(root: Path = DOMAIN_DIR) -> dict[str, list[dict]]:
    merged: dict[str, list[dict]] = {}
    for content in domain_files(root).values():
        merged.update(content.get("responses") or {})
    return merged

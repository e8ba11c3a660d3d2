"""`rasa test core` on the end-to-end test stories, failing on prediction errors (bot env).

    .venv/bot/bin/python -m rasa_side.stories --model PATH [--stories tests/stories] [--out DIR]

Runs Rasa's own story test (`rasa test core --fail-on-prediction-errors`) with one
change: entities are compared only for the entity types a story annotates.
Our in-process extractors add entities to nearly every message by design (the
`language` entity on every confident message, `district`/`nationality_group`
beside each town/nationality), and Rasa's end-to-end check would otherwise count
each of them as a prediction error unless every story spelled them out. Intents,
actions and the annotated `town` / `nationality` values are still checked exactly.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _compare_annotated_entities_only() -> None:
    from rasa.core.test import EvaluationStore

    def mismatch(self: EvaluationStore) -> bool:
        annotated = {e.get("entity") for e in self.entity_targets}
        targets = {tuple(sorted(e.items())) for e in self.entity_targets}
        predictions = {
            tuple(sorted(e.items())) for e in self.entity_predictions
            if e.get("entity") in annotated
        }
        return targets != predictions

    EvaluationStore._check_entity_prediction_target_mismatch = mismatch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--stories", default=str(PROJECT_ROOT / "tests" / "stories"))
    parser.add_argument("--out", default=str(PROJECT_ROOT / "reports" / "stories"))
    args = parser.parse_args(argv)

    _compare_annotated_entities_only()
    from rasa.__main__ import main as rasa_main

    sys.argv = [
        "rasa", "test", "core", "--model", args.model, "--stories", args.stories,
        "--out", args.out, "--fail-on-prediction-errors", "--no-plot",
    ]
    try:
        rasa_main()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())

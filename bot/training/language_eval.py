"""Language-decision accuracy on the labelled set in tests/language/messages.yml.

`make eval` runs this after the NLU evaluation. The decision under test is
`rasa_side.nlu.detect.conversation_language` (the function Rasa's LanguagePolicy runs),
asked once for a German and once for an English conversation; what it does in both gives
the message's label: "de"/"en" (the conversation goes to that language), "keep" (it stays
as it was), "switch" (it goes to the other one: "Sprache ändern").

    python -m bot.training.language_eval [--set PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from rasa_side.nlu.detect import conversation_language
from bot.settings import PROJECT_ROOT

LABELLED_SET = PROJECT_ROOT / "tests" / "language" / "messages.yml"
LABELS = ("de", "en", "keep", "switch")
# The language after the message in a German and in an English conversation -> label.
_LABEL_OF = {("de", "de"): "de", ("en", "en"): "en", ("de", "en"): "keep", ("en", "de"): "switch"}
# Errors that answer in the wrong language whichever language the conversation had.
_WRONG_EITHER_WAY = ({"de", "en"}, {"keep", "switch"})
EASY_CATEGORY = "plain"


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    category: str

    @property
    def hard(self) -> bool:
        return self.category != EASY_CATEGORY


def load(path: Path = LABELLED_SET) -> list[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = []
    for category, by_label in data.items():
        for label, texts in by_label.items():
            if label not in LABELS:
                raise ValueError(f"{path}: unknown label {label!r} in {category}")
            examples.extend(Example(str(text), label, category) for text in texts)
    return examples


def predict(text: str) -> str:
    return _LABEL_OF[(conversation_language(text, "de"), conversation_language(text, "en"))]


def evaluate(examples: list[Example]) -> dict:
    """Accuracy overall, on the hard part, per category; the errors grouped by expected label."""
    errors: dict[str, list[dict]] = defaultdict(list)
    per_category: dict[str, Counter] = defaultdict(Counter)
    confusion: Counter = Counter()
    for example in examples:
        got = predict(example.text)
        confusion[(example.label, got)] += 1
        per_category[example.category]["total"] += 1
        if got == example.label:
            per_category[example.category]["correct"] += 1
        else:
            errors[example.label].append(
                {"text": example.text, "got": got, "category": example.category}
            )
    total = len(examples)
    correct = total - sum(len(e) for e in errors.values())
    hard = [e for e in examples if e.hard]
    hard_errors = sum(1 for errs in errors.values() for e in errs if e["category"] != EASY_CATEGORY)
    return {
        "total": total,
        "hard": len(hard),
        "accuracy": correct / total if total else 0.0,
        "hard_accuracy": (len(hard) - hard_errors) / len(hard) if hard else 0.0,
        # The costly error: answering in the wrong language whatever the conversation's
        # language was (not merely staying put, or moving, where it should not).
        "wrong_language": sum(
            n for (want, got), n in confusion.items() if {want, got} in _WRONG_EITHER_WAY
        ),
        "per_category": {
            name: round(c["correct"] / c["total"], 4) for name, c in sorted(per_category.items())
        },
        "confusion": {f"{want}->{got}": n for (want, got), n in sorted(confusion.items())},
        "errors": {label: errors.get(label, []) for label in LABELS},
    }


def report(result: dict) -> str:
    lines = [
        f"Language decision: accuracy {result['accuracy']:.4f} on {result['total']} messages "
        f"(hard {result['hard']}: {result['hard_accuracy']:.4f}); "
        f"wrong language {result['wrong_language']}",
        "  per category: " + ", ".join(f"{k} {v:.3f}" for k, v in result["per_category"].items()),
        "  confusion (expected->got): " + ", ".join(f"{k} {v}" for k, v in result["confusion"].items()),
    ]
    for label in LABELS:
        errs = result["errors"][label]
        lines.append(f"  errors on {label!r}: {len(errs)}")
        lines.extend(f"    [{e['category']}] {e['text']!r} -> {e['got']}" for e in errs)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=LABELLED_SET, help="labelled YAML")
    parser.add_argument("--out", type=Path, help="directory for language_report.json")
    args = parser.parse_args(argv)
    result = evaluate(load(args.set))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "language_report.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

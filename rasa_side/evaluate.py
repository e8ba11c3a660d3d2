"""NLU evaluation on the project's held-out split (`make eval`, bot env).

    .venv/bot/bin/python -m rasa_side.evaluate [--model PATH] [--holdout DIR] [--out DIR]

Loads the trained model in-process, parses every example under
``<holdout>/{de,en}/*.yml`` and writes ``<out>/report.json`` plus confusion-matrix
images. ``make eval`` passes the model for the current data/config (``bot.tools.model``, app env,
trains it first if it is missing): this module imports only the stdlib and Rasa.

Scoring: the prediction is what the running bot would act on, i.e. after the
FallbackClassifier. ``nlu_fallback`` counts as wrong for every intent except
``out_of_scope`` (for an off-topic question the fallback is a safe answer, the
point is not to answer with a wrong topic). The raw classifier prediction is
kept per example, so ``--tune`` can replay other fallback thresholds without
re-parsing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from rasa_side.scoring import FALLBACK, LANGUAGES, TARGET_ACCURACY, best_threshold, score, tune

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_HOLDOUT = PROJECT_ROOT / "heldout" / "first"
DEFAULT_OUT = PROJECT_ROOT / "reports" / "eval"


# ---------------------------------------------------------------- loading data
def load_holdout(holdout_dir: Path) -> list[dict[str, Any]]:
    """Every held-out example as {language, intent, text, entities, file}."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples: list[dict[str, Any]] = []
    for language in LANGUAGES:
        for path in sorted((Path(holdout_dir) / language).glob("*.yml")):
            for message in load_data(str(path)).intent_examples:
                examples.append(
                    {
                        "language": language,
                        "intent": message.get("intent"),
                        "text": message.get("text"),
                        "entities": [
                            {"entity": e["entity"], "value": str(e.get("value"))}
                            for e in message.get("entities") or []
                        ],
                        "file": str(path.relative_to(holdout_dir)),
                    }
                )
    return examples


# ---------------------------------------------------------------- predictions
def _raw_ranking(parsed: dict[str, Any]) -> list[tuple[str, float]]:
    ranking = [
        (r["name"], float(r["confidence"]))
        for r in parsed.get("intent_ranking") or []
        if r["name"] != FALLBACK
    ]
    if not ranking and parsed.get("intent"):
        ranking = [(parsed["intent"]["name"], float(parsed["intent"]["confidence"]))]
    return ranking


def fallback_config(model_path: Path) -> dict[str, float]:
    """The FallbackClassifier thresholds the model was trained with."""
    import tarfile

    with tarfile.open(model_path) as tar:
        for member in tar.getmembers():
            if member.name.lstrip("/") == "metadata.json":
                metadata = json.load(tar.extractfile(member))
                for node in metadata["predict_schema"]["nodes"].values():
                    if node["uses"].endswith("FallbackClassifier"):
                        cfg = node.get("config", {})
                        return {
                            "threshold": float(cfg.get("threshold", 0.3)),
                            "ambiguity_threshold": float(cfg.get("ambiguity_threshold", 0.1)),
                        }
    return {"threshold": 0.0, "ambiguity_threshold": 0.0}


def _quiet() -> None:
    """Rasa logs every parse at debug level through structlog; keep the summary readable."""
    import logging

    import structlog

    logging.getLogger().setLevel(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(name).setLevel(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


async def _parse_all(model_path: Path, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    _quiet()

    agent = Agent.load(str(model_path))
    return [await agent.parse_message(text) for text in texts]


def predict(model_path: Path, examples: list[dict[str, Any]]) -> None:
    """Adds raw ranking and entities to each example (in place)."""
    parsed = asyncio.run(_parse_all(model_path, [e["text"] for e in examples]))
    for example, result in zip(examples, parsed):
        example["ranking"] = _raw_ranking(result)[:3]
        example["predicted_entities"] = [
            {"entity": e["entity"], "value": str(e.get("value"))}
            for e in result.get("entities") or []
            if e["entity"] != "language"
        ]


# ---------------------------------------------------------------- images
def write_confusion_images(examples: list[dict[str, Any]], out_dir: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    written = []
    for name, subset in [("all", examples)] + [
        (lang, [e for e in examples if e["language"] == lang]) for lang in LANGUAGES
    ]:
        if not subset:
            continue
        truth = [e["intent"] for e in subset]
        pred = [e["scored"] for e in subset]
        labels = sorted(set(truth) | set(pred))
        matrix = confusion_matrix(truth, pred, labels=labels)
        size = max(6.0, 0.32 * len(labels) + 2)
        fig, ax = plt.subplots(figsize=(size, size))
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"Held-out confusion matrix ({name})")
        for i in range(len(labels)):
            for j in range(len(labels)):
                if matrix[i, j]:
                    ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=6,
                            color="white" if i == j else "red")
        fig.tight_layout()
        filename = "confusion_matrix.png" if name == "all" else f"confusion_matrix_{name}.png"
        fig.savefig(out_dir / filename, dpi=110)
        plt.close(fig)
        written.append(filename)
    return written


# ---------------------------------------------------------------- entry points
def evaluate(model_path: Path | str, holdout_dir: Path | str = DEFAULT_HOLDOUT) -> dict:
    """Parse the held-out split with the model; returns the report (no files written)."""
    model_path = Path(model_path)
    examples = load_holdout(Path(holdout_dir))
    predict(model_path, examples)
    cfg = fallback_config(model_path)
    report = score(examples, cfg["threshold"], cfg["ambiguity_threshold"])
    report["model"] = str(model_path)
    report["holdout"] = str(holdout_dir)
    report["_examples"] = examples
    return report


def summary(report: dict[str, Any]) -> str:
    lines = [f"model   {report.get('model')}",
             f"holdout {report.get('holdout')}  "
             f"(fallback threshold {report['fallback']['threshold']}, "
             f"ambiguity {report['fallback']['ambiguity_threshold']})", ""]
    lines.append(f"{'language':<10}{'n':>6}{'accuracy':>10}{'macro-F1':>10}{'fallback':>10}")
    for language, m in report["languages"].items():
        lines.append(f"{language:<10}{m['n']:>6}{m['accuracy']:>10.3f}{m['macro_f1']:>10.3f}"
                     f"{m['fallback_rate']:>10.3f}")
    o = report["overall"]
    lines.append(f"{'all':<10}{o['n']:>6}{o['accuracy']:>10.3f}{o['macro_f1']:>10.3f}"
                 f"{o['fallback_rate']:>10.3f}")
    lines.append("")
    lines.append("per-intent F1 (de / en):")
    intents = sorted({i for m in report["languages"].values() for i in m["per_intent"]})
    for intent in intents:
        cells = []
        for language in LANGUAGES:
            m = report["languages"].get(language, {}).get("per_intent", {}).get(intent)
            cells.append(f"{m['f1']:.2f} ({m['support']})" if m else "   -    ")
        flag = "  <" if any(c.strip()[:4] not in ("1.00", "-") for c in cells) else ""
        lines.append(f"  {intent:<28}{cells[0]:>12}{cells[1]:>12}{flag}")
    lines.append("")
    between = [c for c in report["worst_confusions"] if c["predicted"] != FALLBACK]
    fallbacks = [c for c in report["worst_confusions"] if c["predicted"] == FALLBACK]
    lines.append("worst confusions between intents (true -> predicted: count):")
    lines.extend(f"  {c['intent']} -> {c['predicted']}: {c['count']}" for c in between[:12])
    if not between:
        lines.append("  none")
    lines.append("most fallbacks (true intent: count): " + (", ".join(
        f"{c['intent']} {c['count']}" for c in fallbacks[:10]) or "none"))
    lines.append(f"out_of_scope answered with a topic: {report['out_of_scope_as_topic']}")
    if report["entities"]:
        lines.append("entities: " + ", ".join(
            f"{k} F1 {v['f1']:.2f} (n={v['support']})" for k, v in report["entities"].items()))
    lines.append("")
    verdict = "PASS" if report["passed"] else "BELOW TARGET"
    lines.append(f"target accuracy >= {TARGET_ACCURACY} per language: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="model .tar.gz (`make eval` passes the model for the current data)")
    parser.add_argument("--holdout", default=str(DEFAULT_HOLDOUT))
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--tune", action="store_true", help="also print a fallback-threshold table")
    args = parser.parse_args(argv)

    model = Path(args.model)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)

    report = evaluate(model, args.holdout)
    examples = report.pop("_examples")
    report["images"] = write_confusion_images(examples, out_dir)
    if args.tune:
        report["tuning"] = tune(examples)
        report["tuning_best"] = best_threshold(report["tuning"])
        cfg = report["fallback"]
        score(examples, cfg["threshold"], cfg["ambiguity_threshold"])  # restore labels
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(summary(report))
    if args.tune:
        print("\nfallback tuning (threshold, ambiguity: acc_de acc_en oos_as_topic fallback_rate)")
        for row in report["tuning"]:
            print(f"  {row['threshold']:.2f} {row['ambiguity_threshold']:.2f}: "
                  f"{row.get('acc_de', 0):.3f} {row.get('acc_en', 0):.3f} "
                  f"{row['oos_as_topic']:>3} {row['fallback_rate']:.3f}")
        print(f"best: {report['tuning_best']}")
    print(f"\nwrote {out_dir / 'report.json'} and {', '.join(report['images'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

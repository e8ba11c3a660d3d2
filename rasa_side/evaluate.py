"""NLU evaluation on the project's held-out split (`make eval`, bot env).

    .venv/bot/bin/python -m rasa_side.evaluate [--model PATH] [--holdout DIR] [--out DIR]

Loads the trained model in-process, parses every example under
``<holdout>/{de,en}/*.yml`` and writes ``<out>/report.json`` plus confusion-matrix
images. ``make eval`` passes the model for the current data/config (``bot.tools.model``, app env,
trains it first if it is missing): this module imports only the stdlib and Rasa.

Sub-answers (issue 13): ``<holdout>/{de,en}/sub/*.yml`` (questions with topic words, labelled
``<topic>/<sub>``) and ``followup/*.yml`` (follow-ups without topic words, asked after the topic)
are parsed too and answered the way the running bot answers (rasa_side.policies.topic.choose:
no topic so far for sub/, the labelled topic for followup/); reported per language: the
top-level accuracy of sub/ and the share answered with the right sub-answer.

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
    return (await _parse_with_domain(model_path, texts))[0]


async def _parse_with_domain(model_path: Path, texts: list[str]) -> tuple[list[dict], Any]:
    from rasa.core.agent import Agent

    _quiet()

    agent = Agent.load(str(model_path))
    return [await agent.parse_message(text) for text in texts], agent.domain


# ---------------------------------------------------------------- sub-answers
SUB_TARGET = 0.90
SUB_SPLITS = ("sub", "followup")


def load_sub_examples(holdout_dir: Path) -> list[dict[str, Any]]:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for language in LANGUAGES:
        for split in SUB_SPLITS:
            for path in sorted((Path(holdout_dir) / language / split).glob("*.yml")):
                for message in load_data(str(path)).intent_examples:
                    label = message.get_full_intent()
                    examples.append({"language": language, "split": split, "label": label,
                                     "topic": label.split("/")[0], "text": message.get("text"),
                                     "file": str(path.relative_to(holdout_dir))})
    return examples


def evaluate_subs(model_path: Path, holdout_dir: Path) -> dict[str, Any]:
    """Top-level and sub-answer accuracy of the sub/ and followup/ splits, per language."""
    from rasa_side.policies.topic import Knowledge, choose

    examples = load_sub_examples(holdout_dir)
    if not examples:
        return {}
    parsed, domain = asyncio.run(_parse_with_domain(model_path, [e["text"] for e in examples]))
    knowledge = Knowledge.of(domain)
    for example, parse in zip(examples, parsed):
        context = example["topic"] if example["split"] == "followup" else None
        chosen = choose(knowledge, parse, context)
        example["intent_predicted"] = (parse.get("intent") or {}).get("name")
        example["answer"] = chosen[0] if chosen else None
        example["answered_right"] = example["answer"] == f"utter_{example['label']}"
    report: dict[str, Any] = {"target": SUB_TARGET, "languages": {}, "errors": []}
    for language in LANGUAGES:
        row = {}
        for split in SUB_SPLITS:
            subset = [e for e in examples if e["language"] == language and e["split"] == split]
            if not subset:
                continue
            row[split] = {"n": len(subset),
                          "sub_accuracy": sum(e["answered_right"] for e in subset) / len(subset)}
            if split == "sub":
                row[split]["top_level_accuracy"] = sum(
                    e["intent_predicted"] == e["topic"] for e in subset) / len(subset)
        both = [e for e in examples if e["language"] == language]
        row["sub_accuracy"] = sum(e["answered_right"] for e in both) / len(both)
        report["languages"][language] = row
    report["errors"] = [{k: e[k] for k in ("language", "split", "text", "label", "answer")}
                        for e in examples if not e["answered_right"]]
    report["passed"] = all(r["sub_accuracy"] >= SUB_TARGET for r in report["languages"].values())
    return report


def sub_summary(report: dict[str, Any]) -> str:
    if not report:
        return "sub-answers: no sub/ or followup/ examples"
    lines = ["", "sub-answers (answer as the bot gives it; sub/: no topic before, followup/: "
             "asked after the topic):",
             f"{'language':<10}{'sub n':>7}{'top-level':>11}{'sub-answer':>12}"
             f"{'follow n':>10}{'sub-answer':>12}{'all':>8}"]
    for language, row in report["languages"].items():
        sub, follow = row.get("sub", {}), row.get("followup", {})
        lines.append(f"{language:<10}{sub.get('n', 0):>7}{sub.get('top_level_accuracy', 0):>11.3f}"
                     f"{sub.get('sub_accuracy', 0):>12.3f}{follow.get('n', 0):>10}"
                     f"{follow.get('sub_accuracy', 0):>12.3f}{row['sub_accuracy']:>8.3f}")
    lines.append("wrong answers (first 15):")
    lines.extend(f"  [{e['language']} {e['split']}] {e['text']!r}: {e['label']} -> {e['answer']}"
                 for e in report["errors"][:15])
    verdict = "PASS" if report["passed"] else "BELOW TARGET"
    lines.append(f"target sub-answer accuracy >= {SUB_TARGET} per language: {verdict}")
    return "\n".join(lines)


def predict(model_path: Path, examples: list[dict[str, Any]]) -> None:
    """Adds raw ranking and entities to each example (in place)."""
    parsed = asyncio.run(_parse_all(model_path, [e["text"] for e in examples]))
    from rasa_side.knowledge import named_topic

    for example, result in zip(examples, parsed):
        ranking = _raw_ranking(result)
        # What the bot acts on: a "follow-up" that names a topic is that topic (no context
        # yet: a held-out example is a first message; rasa_side.policies.topic does the same).
        named = named_topic(ranking[0][0] if ranking else None, result.get("sub_answers") or {})
        if named:
            ranking = [(named, ranking[0][1])] + [r for r in ranking[1:] if r[0] != named]
        example["ranking"] = ranking[:3]
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
    report["sub_answers"] = evaluate_subs(model, Path(args.holdout))
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(summary(report))
    print(sub_summary(report["sub_answers"]))
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

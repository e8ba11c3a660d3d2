"""Scoring rules of `make eval` (pure: no model, no Rasa): the fallback decision replayed on
a raw ranking, what counts as right, per-language metrics, threshold tuning."""

from __future__ import annotations

from collections import Counter
from typing import Any

LANGUAGES = ("de", "en")
FALLBACK = "nlu_fallback"
FALLBACK_OK = frozenset({"out_of_scope"})
TARGET_ACCURACY = 0.95


def decide(ranking: list[tuple[str, float]], threshold: float, ambiguity: float) -> str:
    """What the FallbackClassifier makes of a raw ranking."""
    if not ranking:
        return FALLBACK
    top, confidence = ranking[0]
    if confidence < threshold:
        return FALLBACK
    if len(ranking) > 1 and confidence - ranking[1][1] < ambiguity:
        return FALLBACK
    return top


# A first message classified as a follow-up gets "which topic do you mean?" (no topic yet):
# as safe as the fallback for an off-topic question, wrong for every other intent.
FOLLOWUP = "followup"


def scored_label(truth: str, predicted: str) -> str:
    """The label used for scoring: fallback (or "which topic?") on an off-topic question is
    accepted."""
    if predicted in (FALLBACK, FOLLOWUP) and truth in FALLBACK_OK:
        return truth
    return predicted


# ---------------------------------------------------------------- metrics
def _metrics(truth: list[str], pred: list[str]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    labels = sorted(set(truth))
    p, r, f, support = precision_recall_fscore_support(
        truth, pred, labels=labels, zero_division=0
    )
    per_intent = {
        label: {
            "precision": round(float(p[i]), 4),
            "recall": round(float(r[i]), 4),
            "f1": round(float(f[i]), 4),
            "support": int(support[i]),
        }
        for i, label in enumerate(labels)
    }
    return {
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, pred)), 4),
        "macro_f1": round(sum(v["f1"] for v in per_intent.values()) / max(len(labels), 1), 4),
        "fallback_rate": round(sum(1 for x in pred if x == FALLBACK) / max(len(pred), 1), 4),
        "per_intent": per_intent,
    }


def _entity_metrics(examples: list[dict[str, Any]]) -> dict[str, Any]:
    """Exact (entity, value) matches, for the entity types the held-out split annotates,
    in the files that annotate them (other files mention towns without annotating them)."""
    annotated = {e["entity"] for example in examples for e in example["entities"]}
    files = {example["file"] for example in examples if example["entities"]}
    counts: dict[str, Counter] = {}
    for example in examples:
        if example["file"] not in files:
            continue
        gold = {(e["entity"], e["value"]) for e in example["entities"]}
        found = {
            (e["entity"], e["value"]) for e in example["predicted_entities"]
            if e["entity"] in annotated
        }
        for entity in {e for e, _ in gold | found}:
            c = counts.setdefault(entity, Counter())
            g = {x for x in gold if x[0] == entity}
            f = {x for x in found if x[0] == entity}
            c["tp"] += len(g & f)
            c["fp"] += len(f - g)
            c["fn"] += len(g - f)
    out = {}
    for entity, c in sorted(counts.items()):
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[entity] = {
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "support": c["tp"] + c["fn"],
        }
    return out


def score(
    examples: list[dict[str, Any]], threshold: float, ambiguity: float
) -> dict[str, Any]:
    """Report for the given fallback thresholds (examples must carry a ranking)."""
    for example in examples:
        example["predicted"] = decide(example["ranking"], threshold, ambiguity)
        example["scored"] = scored_label(example["intent"], example["predicted"])
    report: dict[str, Any] = {
        "fallback": {"threshold": threshold, "ambiguity_threshold": ambiguity},
        "target_accuracy": TARGET_ACCURACY,
        "languages": {},
    }
    for language in LANGUAGES:
        subset = [e for e in examples if e["language"] == language]
        if subset:
            report["languages"][language] = _metrics(
                [e["intent"] for e in subset], [e["scored"] for e in subset]
            )
    report["overall"] = _metrics([e["intent"] for e in examples], [e["scored"] for e in examples])
    del report["overall"]["per_intent"]
    confusions = Counter(
        (e["intent"], e["scored"]) for e in examples if e["intent"] != e["scored"]
    )
    report["worst_confusions"] = [
        {"intent": t, "predicted": p, "count": n} for (t, p), n in confusions.most_common(60)
    ]
    report["errors"] = [
        {
            "language": e["language"], "text": e["text"], "intent": e["intent"],
            "predicted": e["predicted"], "ranking": [[n, round(c, 3)] for n, c in e["ranking"]],
        }
        for e in examples if e["intent"] != e["scored"]
    ]
    report["out_of_scope_as_topic"] = sum(
        1 for e in examples
        if e["intent"] == "out_of_scope" and e["predicted"] not in (FALLBACK, "out_of_scope")
    )
    report["entities"] = _entity_metrics(examples)
    report["passed"] = all(
        m["accuracy"] >= TARGET_ACCURACY for m in report["languages"].values()
    ) and bool(report["languages"])
    return report


def tune(examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replays fallback thresholds on the raw predictions (no re-parsing)."""
    rows = []
    for threshold in [round(0.05 * i, 2) for i in range(0, 19)]:
        for ambiguity in (0.0, 0.05, 0.1):
            r = score(examples, threshold, ambiguity)
            rows.append(
                {
                    "threshold": threshold, "ambiguity_threshold": ambiguity,
                    **{f"acc_{k}": v["accuracy"] for k, v in r["languages"].items()},
                    "oos_as_topic": r["out_of_scope_as_topic"],
                    "fallback_rate": r["overall"]["fallback_rate"],
                }
            )
    return rows


def best_threshold(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The tuning row with the best worse-language accuracy; ties: fewer off-topic
    questions answered with a topic, then the lower thresholds."""
    def key(row: dict[str, Any]) -> tuple:
        worst = min(v for k, v in row.items() if k.startswith("acc_"))
        return (-worst, row["oos_as_topic"], row["threshold"], row["ambiguity_threshold"])
    return min(rows, key=key)

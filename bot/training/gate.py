"""The regression gate: may a retrained candidate replace the current model?

Pure functions over two evaluation reports of `rasa_side.evaluate` (same held-out
split): `report["languages"][lang]` with `accuracy`, `macro_f1` and `per_intent`
(`f1`, `support`).

The rule (defaults, stated by `Tolerance.describe()` in every verdict):
- for every language the current model is measured on, the candidate's accuracy and
  macro-F1 may be at most 0.02 (two points) below the current model's; a language
  missing from the candidate's report refuses it;
- no intent with at least 5 held-out examples in a language may lose more than 0.15 F1.

Why these numbers: one held-out example is ~0.3 points of a language's accuracy and
~0.05-0.08 of one intent's F1 (the intent classifier is deterministic, DIET trained
twice on the same data differed by about a point); the gate is there to catch real
damage (mislabelled examples pulling an intent over), not small wording shifts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

METRICS = ("accuracy", "macro_f1")
METRIC_NAMES = {"accuracy": "accuracy", "macro_f1": "macro-F1"}


@dataclass(frozen=True)
class Tolerance:
    metric: float = 0.02
    intent_f1: float = 0.15
    min_support: int = 5

    def describe(self) -> str:
        return (
            f"accuracy and macro-F1 per language may drop at most {self.metric:.3f}; "
            f"no intent with ≥{self.min_support} held-out examples may lose more than "
            f"{self.intent_f1:.2f} F1"
        )


@dataclass(frozen=True)
class Verdict:
    accept: bool
    reasons: list[str] = field(default_factory=list)
    tolerance: Tolerance = Tolerance()

    def explain(self) -> str:
        head = "ACCEPTED: the candidate replaces the current model." if self.accept else (
            "REFUSED: the current model stays.")
        lines = [head, f"  tolerance: {self.tolerance.describe()}"]
        lines += [f"  - {reason}" for reason in self.reasons]
        return "\n".join(lines)


def _languages(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return report.get("languages") or {}


def intent_deltas(current: dict[str, Any], candidate: dict[str, Any]) -> list[dict[str, Any]]:
    """Per language and intent: F1 of both models and the change, largest losses first."""
    rows = []
    cur_langs, cand_langs = _languages(current), _languages(candidate)
    for language in sorted(set(cur_langs) | set(cand_langs)):
        cur = (cur_langs.get(language) or {}).get("per_intent") or {}
        cand = (cand_langs.get(language) or {}).get("per_intent") or {}
        for intent in sorted(set(cur) | set(cand)):
            before = cur.get(intent, {}).get("f1")
            after = cand.get(intent, {}).get("f1")
            delta = None if before is None or after is None else round(after - before, 4)
            support = (cand.get(intent) or cur.get(intent) or {}).get("support", 0)
            rows.append({"language": language, "intent": intent, "current": before,
                         "candidate": after, "delta": delta, "support": support})
    return sorted(rows, key=lambda r: (r["delta"] is None, r["delta"] or 0.0, r["language"], r["intent"]))


def decide(
    current: dict[str, Any] | None, candidate: dict[str, Any], tolerance: Tolerance = Tolerance()
) -> Verdict:
    """Accept the candidate unless it is worse than the current model beyond `tolerance`."""
    cand_langs = _languages(candidate)
    if not cand_langs:
        return Verdict(False, ["the candidate's report has no per-language results"], tolerance)
    if current is None or not _languages(current):
        return Verdict(True, ["no current model to compare with"], tolerance)
    problems: list[str] = []
    for language, before in sorted(_languages(current).items()):
        after = cand_langs.get(language)
        if after is None:
            problems.append(f"{language}: not measured for the candidate")
            continue
        for metric in METRICS:
            old, new = before.get(metric), after.get(metric)
            if old is None or new is None:
                problems.append(f"{language} {METRIC_NAMES[metric]}: missing in a report")
            elif new < old - tolerance.metric - 1e-9:
                problems.append(
                    f"{language} {METRIC_NAMES[metric]} {old:.3f} → {new:.3f} "
                    f"({new - old:+.3f}, allowed -{tolerance.metric:.3f})"
                )
    for row in intent_deltas(current, candidate):
        if (row["delta"] is not None and row["support"] >= tolerance.min_support
                and row["language"] in _languages(current)
                and row["delta"] < -tolerance.intent_f1 - 1e-9):
            problems.append(
                f"{row['language']} intent {row['intent']}: F1 {row['current']:.2f} → "
                f"{row['candidate']:.2f} ({row['delta']:+.2f}, allowed -{tolerance.intent_f1:.2f})"
            )
    if problems:
        return Verdict(False, problems, tolerance)
    return Verdict(True, ["not worse than the current model beyond the tolerance"], tolerance)


def comparison_table(current: dict[str, Any] | None, candidate: dict[str, Any], top: int = 12) -> str:
    """Side-by-side figures: per language accuracy and macro-F1, then per-intent F1 changes."""
    current = current or {}
    lines = [f"{'':<10}{'accuracy':>30}{'macro-F1':>30}",
             f"{'language':<10}" + f"{'current':>10}{'candidate':>10}{'delta':>10}" * 2]
    cur_langs, cand_langs = _languages(current), _languages(candidate)
    for language in sorted(set(cur_langs) | set(cand_langs)):
        cells = f"{language:<10}"
        for metric in METRICS:
            old = (cur_langs.get(language) or {}).get(metric)
            new = (cand_langs.get(language) or {}).get(metric)
            cells += _cell(old) + _cell(new) + (
                f"{new - old:>+10.3f}" if old is not None and new is not None else f"{'':>10}")
        lines.append(cells)
    deltas = [r for r in intent_deltas(current, candidate) if r["delta"]]
    if deltas:
        lines += ["", f"per-intent F1 changes ({len(deltas)} non-zero; largest shown):",
                  f"  {'lang':<5}{'intent':<30}{'current':>8}{'cand.':>8}{'delta':>8}{'n':>5}"]
        shown = deltas[:top] + [r for r in deltas[::-1][:top] if r not in deltas[:top] and r["delta"] > 0]
        for r in sorted(shown, key=lambda r: r["delta"]):
            lines.append(f"  {r['language']:<5}{r['intent']:<30}{r['current']:>8.2f}"
                         f"{r['candidate']:>8.2f}{r['delta']:>+8.2f}{r['support']:>5}")
    else:
        lines += ["", "per-intent F1: no changes"]
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return f"{value:>10.3f}" if value is not None else f"{'—':>10}"

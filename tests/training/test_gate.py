"""The regression gate refuses a worse candidate and accepts a better one."""

from __future__ import annotations

import copy

from bot.training.gate import Tolerance, comparison_table, decide, intent_deltas


def report(de_acc=0.90, de_f1=0.88, en_acc=0.91, en_f1=0.89, intents=None):
    intents = intents or {"blue_card": 0.90, "tax_id": 0.85, "greet": 1.0}

    def per_intent(shift=0.0):
        return {name: {"precision": f1, "recall": f1, "f1": round(f1 + shift, 4), "support": 12}
                for name, f1 in intents.items()}

    return {"languages": {
        "de": {"n": 300, "accuracy": de_acc, "macro_f1": de_f1, "per_intent": per_intent()},
        "en": {"n": 310, "accuracy": en_acc, "macro_f1": en_f1, "per_intent": per_intent()},
    }}


def test_better_candidate_is_accepted():
    current = report()
    better = report(de_acc=0.93, de_f1=0.92, en_acc=0.92, en_f1=0.90,
                    intents={"blue_card": 0.95, "tax_id": 0.90, "greet": 1.0})
    verdict = decide(current, better)
    assert verdict.accept, verdict.explain()
    assert "ACCEPTED" in verdict.explain()


def test_equal_or_slightly_worse_within_tolerance_is_accepted():
    current = report()
    assert decide(current, copy.deepcopy(current)).accept
    noise = report(de_acc=0.885, de_f1=0.865)  # −0.015: inside the 0.02 tolerance
    assert decide(current, noise).accept


def test_deliberately_worse_candidate_is_refused_with_reasons():
    current = report()
    worse = report(en_acc=0.85, en_f1=0.80)
    verdict = decide(current, worse)
    assert not verdict.accept
    assert any("en accuracy 0.910 → 0.850" in r for r in verdict.reasons)
    assert any("en macro-F1 0.890 → 0.800" in r for r in verdict.reasons)
    assert not any(r.startswith("de") for r in verdict.reasons)
    assert "REFUSED" in verdict.explain() and "0.020" in verdict.explain()


def test_one_intent_collapsing_is_refused_even_if_averages_hold():
    current = report()
    broken = report(intents={"blue_card": 0.60, "tax_id": 0.85, "greet": 1.0})
    verdict = decide(current, broken)
    assert not verdict.accept
    assert verdict.reasons == [
        "de intent blue_card: F1 0.90 → 0.60 (-0.30, allowed -0.15)",
        "en intent blue_card: F1 0.90 → 0.60 (-0.30, allowed -0.15)",
    ]
    # A looser stated tolerance lets it through.
    assert decide(current, broken, Tolerance(intent_f1=0.5)).accept


def test_missing_language_or_report_is_refused_and_first_model_accepted():
    current = report()
    only_de = report()
    del only_de["languages"]["en"]
    assert not decide(current, only_de).accept
    assert not decide(current, {"languages": {}}).accept
    assert decide(None, report()).accept


def test_side_by_side_comparison_shows_languages_and_intent_deltas():
    current = report()
    candidate = report(de_acc=0.95, intents={"blue_card": 0.80, "tax_id": 0.95, "greet": 1.0})
    table = comparison_table(current, candidate)
    assert "de" in table and "0.900" in table and "0.950" in table and "+0.050" in table
    assert "blue_card" in table and "-0.10" in table and "+0.10" in table
    deltas = intent_deltas(current, candidate)
    assert deltas[0]["delta"] == -0.1 and deltas[0]["intent"] == "blue_card"

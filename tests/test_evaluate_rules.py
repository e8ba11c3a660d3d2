"""Scoring rules of `make eval` (rasa_side/scoring.py) that need no model."""

from rasa_side.scoring import FALLBACK, best_threshold, decide, scored_label


def test_decide_replays_the_fallback_classifier():
    ranking = [("tax_id", 0.62), ("health_insurance", 0.30)]
    assert decide(ranking, threshold=0.5, ambiguity=0.1) == "tax_id"
    assert decide(ranking, threshold=0.7, ambiguity=0.1) == FALLBACK  # below threshold
    assert decide([("tax_id", 0.55), ("housing", 0.5)], 0.5, 0.1) == FALLBACK  # ambiguous
    assert decide([], 0.5, 0.1) == FALLBACK


def test_fallback_is_wrong_for_topics_but_fine_for_out_of_scope():
    assert scored_label("tax_id", FALLBACK) == FALLBACK
    assert scored_label("out_of_scope", FALLBACK) == "out_of_scope"
    assert scored_label("out_of_scope", "tax_id") == "tax_id"
    # "which topic do you mean?" is as safe as the fallback for an off-topic question only
    assert scored_label("out_of_scope", "followup") == "out_of_scope"
    assert scored_label("tax_id", "followup") == "followup"


def test_best_threshold_maximises_the_worse_language():
    rows = [
        {"threshold": 0.3, "ambiguity_threshold": 0.0, "acc_de": 0.97, "acc_en": 0.93, "oos_as_topic": 1},
        {"threshold": 0.5, "ambiguity_threshold": 0.0, "acc_de": 0.95, "acc_en": 0.95, "oos_as_topic": 3},
        {"threshold": 0.6, "ambiguity_threshold": 0.0, "acc_de": 0.95, "acc_en": 0.95, "oos_as_topic": 0},
    ]
    assert best_threshold(rows)["threshold"] == 0.6

"""Topic → follow-up conversations (issue 13, "Proof") through the test session's real stack.

tests/dialogue/followups/{de,en}/ holds the set: a topic question, then 1–3 follow-ups without
topic words that must get the topic's specific sub-answer (not the first answer again), in the
conversation's language; one conversation per file, written blind from facts.md. The pass rate
is reported and held to FOLLOWUP_RATE_FLOOR; `python -m tests.dialogue.runner --root
tests/dialogue/followups` prints the same report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dialogue.played import play_and_report
from tests.dialogue.report import SuiteResult
from tests.dialogue.suite import LANGUAGES, load_suite

FOLLOWUPS = Path(__file__).resolve().parent / "followups"
# The issue's target: the second answer is the specific one (every turn passes).
FOLLOWUP_RATE_TARGET = 1.0
# Measured on 2026-12-02: 0.329 of all turns before the sub-answers landed, 0.893 (133/149) with
# them (python -m tests.dialogue.runner --root tests/dialogue/followups); the floor sits a little
# below so that a regression fails the build.
FOLLOWUP_RATE_FLOOR = 0.85


def _topics(conversations) -> set[str]:
    return {name.split("/")[0] for c in conversations for t in c.turns
            for name in t.expect.get("utters") or []}


def test_the_set_has_the_shape_the_issue_asks_for():
    conversations = load_suite(root=FOLLOWUPS)
    assert len(conversations) >= 40
    for language in LANGUAGES:
        assert sum(c.language == language for c in conversations) >= 20
    assert len(_topics(conversations)) >= 16
    for conversation in conversations:
        first, *follow_ups = conversation.turns
        assert 1 <= len(follow_ups) <= 3, conversation.id
        for turn in conversation.turns:
            assert turn.expect.get("language") == conversation.language, conversation.id
        for turn in follow_ups:  # the specific answer, or at least never the first one again
            assert turn.expect.get("utters") or turn.expect.get("not_utters"), conversation.id
            assert "utter_goodbye" in conversation.forbid["not_utters"], conversation.id


@pytest.fixture(scope="module")
def followup_result(stack, mail_sink) -> tuple[SuiteResult, str]:
    return play_and_report(stack, mail_sink.messages, load_suite(root=FOLLOWUPS))


def test_every_turn_of_every_conversation_is_played(followup_result):
    result, report = followup_result
    conversations = load_suite(root=FOLLOWUPS)
    assert len(result.turns) == result.played == sum(len(c.turns) for c in conversations)
    broken = [t for t in result.turns if any(f.startswith("the turn ran") for f in t.failures)]
    assert not broken, report


def test_the_follow_up_rate_holds_the_floor(followup_result):
    result, report = followup_result
    follow_ups = [t for t in result.turns if t.number > 1]
    specific = sum(t.passed for t in follow_ups)
    print(f"turns {result.passed()}/{len(result.turns)} ({result.rate:.3f}); follow-up turns "
          f"{specific}/{len(follow_ups)}; floor {FOLLOWUP_RATE_FLOOR}, target {FOLLOWUP_RATE_TARGET}")
    assert FOLLOWUP_RATE_FLOOR < FOLLOWUP_RATE_TARGET
    assert result.rate >= FOLLOWUP_RATE_FLOOR, report

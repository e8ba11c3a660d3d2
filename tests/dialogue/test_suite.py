"""The dialogue suite (issue 12, "Proof") through the test session's real stack.

The runner must play every turn of every conversation; the pass rate is reported and held
to PASS_RATE_FLOOR, which now sits above PASS_RATE_TARGET (the issue's 95 %, reached) just under
the measured rate (tests/dialogue/runner.py). `make eval-dialogue` prints the same report.
"""

from __future__ import annotations

import pytest

from tests.dialogue.played import play_and_report
from tests.dialogue.report import SuiteResult
from tests.dialogue.runner import PASS_RATE_FLOOR, PASS_RATE_TARGET
from tests.dialogue.suite import LANGUAGES, load_suite


@pytest.fixture(scope="module")
def suite_result(stack, mail_sink) -> tuple[SuiteResult, str]:
    return play_and_report(stack, mail_sink.messages, load_suite())


def test_the_runner_plays_every_turn_of_every_conversation(suite_result):
    result, report = suite_result
    conversations = load_suite()
    assert len(result.turns) == sum(len(c.turns) for c in conversations)
    assert result.played >= len(result.turns) - sum(t.when_asks is not None for c in conversations
                                                    for t in c.turns)
    broken = [t for t in result.turns if any(f.startswith("the turn ran") for f in t.failures)]
    assert not broken, report
    for language in LANGUAGES:
        assert len(result.conversations(language)) >= 20
        assert f"{language}: turns {result.passed(language)}/{len(result.of(language))}" in report


def test_the_pass_rate_holds_the_floor(suite_result):
    result, report = suite_result
    print(f"pass rate {result.rate:.3f}; floor {PASS_RATE_FLOOR}, target {PASS_RATE_TARGET}")
    assert PASS_RATE_FLOOR >= PASS_RATE_TARGET  # the target reached is never given up again
    assert result.rate >= PASS_RATE_FLOOR, report

"""A dialogue set played once through the test session's stack, with its printed report.

Shared by the suites' tests (test_suite.py, test_followups.py).
"""

from __future__ import annotations

import asyncio
import io

from bot.tools.seed import seed
from tests.dialogue.report import SuiteResult, print_report
from tests.dialogue.runner import Runner
from tests.dialogue.suite import Conversation


def play_and_report(stack, messages: list, conversations: list[Conversation]) -> tuple[SuiteResult, str]:
    runner = Runner(stack, messages)
    try:
        result = runner.run(conversations)
    finally:
        runner.close()
        # Playing a conversation empties the slot table; leave the demo slots behind.
        asyncio.run(seed(stack.settings.database_url, stack.settings.timezone))
    out = io.StringIO()
    print_report(result, out)
    print(out.getvalue())
    return result, out.getvalue()

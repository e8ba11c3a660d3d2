"""Results of a suite run: turns passed / total per language, and each failed turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from tests.dialogue.suite import Conversation


@dataclass(frozen=True)
class TurnResult:
    conversation: str
    number: int
    user: str
    failures: list[str]
    reply: str
    skipped: bool = False  # an optional turn the conversation did not need

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class SuiteResult:
    turns: list[TurnResult] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)  # conversation id → language
    typed: dict[str, bool] = field(default_factory=dict)

    def add(self, conversation: Conversation, turns: list[TurnResult]) -> None:
        self.languages[conversation.id] = conversation.language
        self.typed[conversation.id] = conversation.typed
        self.turns.extend(turns)

    def of(self, language: str | None = None) -> list[TurnResult]:
        """The played (scored) turns."""
        return [t for t in self.turns if not t.skipped
                and (language is None or self.languages[t.conversation] == language)]

    def skipped(self, language: str | None = None) -> int:
        return sum(t.skipped and (language is None or self.languages[t.conversation] == language)
                   for t in self.turns)

    def passed(self, language: str | None = None) -> int:
        return sum(t.passed for t in self.of(language))

    def rate_of(self, language: str | None = None) -> float:
        turns = self.of(language)
        return self.passed(language) / len(turns) if turns else 0.0

    @property
    def rate(self) -> float:
        return self.rate_of()

    @property
    def played(self) -> int:
        return len(self.of())

    def conversations(self, language: str | None = None) -> list[str]:
        return [c for c, lang in self.languages.items() if language is None or lang == language]

    def clean_conversations(self, language: str | None = None) -> int:
        failed = {t.conversation for t in self.turns if not t.passed}
        return sum(c not in failed for c in self.conversations(language))

    def failures(self) -> list[TurnResult]:
        return [t for t in self.turns if not t.passed]

    def as_dict(self) -> dict:
        return {
            "rate": self.rate,
            "languages": {lang: {"passed": self.passed(lang), "total": len(self.of(lang))}
                          for lang in sorted(set(self.languages.values()))},
            "failures": [{"conversation": t.conversation, "turn": t.number, "user": t.user,
                          "expected": t.failures, "reply": t.reply} for t in self.failures()],
        }


def print_report(result: SuiteResult, out: TextIO) -> None:
    failures = result.failures()
    if failures:
        print(f"\n== {len(failures)} failed turn(s) ==", file=out)
    for turn in failures:
        print(f"\n[{turn.conversation}] turn {turn.number}: user: {turn.user!r}", file=out)
        for failure in turn.failures:
            print(f"    expected {failure}", file=out)
        reply = " | ".join(line for line in turn.reply.splitlines() if line.strip())
        print(f"    bot: {reply[:400]!r}", file=out)
    print("\n== dialogue suite ==", file=out)
    for language in sorted(set(result.languages.values())):
        ids = result.conversations(language)
        typed = sum(result.typed[c] for c in ids)
        print(f"{language}: turns {result.passed(language)}/{len(result.of(language))} passed "
              f"({result.rate_of(language):.1%}); conversations {result.clean_conversations(language)}"
              f"/{len(ids)} without a failed turn; {typed} typed only; "
              f"{result.skipped(language)} optional turn(s) skipped", file=out)
    print(f"all: turns {result.passed()}/{result.played} passed ({result.rate:.1%})", file=out)

"""Plays the dialogue suite through the real servers and scores every turn.

`make eval-dialogue` (python -m tests.dialogue.runner) starts the stack once (Rasa, action
server, web app, ingestion on free ports, a throwaway database, a local SMTP sink), then plays
each conversation over the REST channel with a fresh sender id: its setup goes into the app
database, each user text is sent with the page language as metadata, and the turn is scored
on the replies, the tracker (response names, slots, requested slot) and, where asked, the
stored ticket, booking and mails. tests/dialogue/test_suite.py runs the same Runner on the
test session's stack.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bot.db.migrate import upgrade
from bot.db.session import make_engine, make_sessionmaker
from bot.settings import Settings
from bot.tools.model import train
from bot.tools.stack import Stack, free_port
from tests.dialogue.moments import DESK_TZ, Moment, local_start
from tests.dialogue.report import SuiteResult, TurnResult, print_report
from tests.dialogue.scoring import Context, Observation, check_turn
from tests.dialogue.store import ConversationStore, add_booking, add_slot, reset_slots
from tests.dialogue.suite import ROOT, Conversation, load_suite, merge
from tests.mail_sink import running_mail_sink

# The target (issue 12, "Proof"): at least 95 % of all turns pass.
PASS_RATE_TARGET = 0.95
# What `make test` holds: the rate measured on 2026-12-02 was 1.00 (231/231 turns; 0.80 before
# issue 12's fixes); the floor sits a little below it (the suite's days move with the calendar)
# so that a regression fails the build.
PASS_RATE_FLOOR = 0.97
HTTP_TIMEOUT = 60


def _json(url: str, body: dict | None = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
        return json.load(response)


def turn_observation(replies: list[dict], tracker: dict) -> Observation:
    """The bot's side of the last turn: bot events after the last user event."""
    events = tracker.get("events") or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    actions = [
        (e.get("metadata") or {}).get("utter_action")
        for e in events[last_user + 1:] if e.get("event") == "bot"
    ]
    loop = (tracker.get("active_loop") or {}).get("name")
    return Observation(replies, [a for a in actions if a], dict(tracker.get("slots") or {}), loop)


@dataclass
class Runner:
    """Plays conversations against a running stack; `messages` is the mail sink's list."""

    stack: Stack
    messages: list
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.stack.settings.database_url)
        self.sessionmaker = make_sessionmaker(self.engine)

    def close(self) -> None:
        self.loop.run_until_complete(self.engine.dispose())
        self.loop.close()

    def _run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def send(self, sender: str, text: str, language: str) -> list[dict]:
        return _json(f"{self.stack.rasa_url}/webhooks/rest/webhook",
                     {"sender": sender, "message": text, "metadata": {"language": language}})

    def tracker(self, sender: str) -> dict:
        token = self.stack.settings.rasa_token
        return _json(f"{self.stack.rasa_url}/conversations/{sender}/tracker?token={token}")

    async def _setup(self, conversation: Conversation, now: datetime) -> tuple[dict, dict, str | None]:
        today = now.astimezone(DESK_TZ).date()
        starts = {s["name"]: local_start(str(s["day"]), str(s["time"]), today)
                  for s in conversation.setup.get("slots") or []}
        modes = {s["name"]: s.get("mode") for s in conversation.setup.get("slots") or []}
        reference = None
        async with self.sessionmaker() as session, session.begin():
            await reset_slots(session, now)
            ids = {name: await add_slot(session, start, modes[name]) for name, start in starts.items()}
            if booking := conversation.setup.get("booking"):
                reference = await add_booking(session, booking, ids[booking["slot"]], now)
        return starts, ids, reference

    def play(self, conversation: Conversation) -> list[TurnResult]:
        now = datetime.now(timezone.utc)
        try:
            starts, ids, reference = self._run(self._setup(conversation, now))
        except Exception as error:  # a broken setup fails its conversation, not the suite
            failure = [f"the turn ran (setup failed: {type(error).__name__}: {error})"[:500]]
            return [TurnResult(conversation.id, n, t.user, failure, "")
                    for n, t in enumerate(conversation.turns, 1)]
        sender = f"dlg-{conversation.id.replace('/', '-')}-{uuid.uuid4().hex[:8]}"
        values = {}
        if booking := conversation.setup.get("booking"):
            values = {"booking.reference": reference, "booking.email": booking["email"]}
        ctx = Context(conversation.language,
                      {n: Moment(s, conversation.language) for n, s in starts.items()}, values)
        store = ConversationStore(self._run, self.sessionmaker, sender, starts, ids, self.messages,
                                  mail_start=len(self.messages), setup_reference=reference)
        results, asked = [], None
        for number, turn in enumerate(conversation.turns, 1):
            text = ctx.text(turn.user)
            if turn.when_asks and asked != turn.when_asks:
                results.append(TurnResult(conversation.id, number, text, [], "", skipped=True))
                continue
            try:
                replies = self.send(sender, text, conversation.language)
                observation = turn_observation(replies, self.tracker(sender))
                observation.asked_before, asked = asked, observation.asks
                failures = check_turn(merge(turn.expect, conversation.forbid), observation, store, ctx)
                reply = observation.text
            except (urllib.error.URLError, OSError, ValueError) as error:
                failures, reply = [f"the turn ran (got {type(error).__name__}: {error})"], ""
            results.append(TurnResult(conversation.id, number, text, failures, reply))
        return results

    def run(self, conversations: list[Conversation]) -> SuiteResult:
        result = SuiteResult()
        for conversation in conversations:
            result.add(conversation, self.play(conversation))
        return result


def stack_settings(var_dir: Path, smtp_host: str, smtp_port: int) -> Settings:
    """A throwaway stack like the test session's (tests/conftest.py)."""
    return Settings.from_env({
        "DATABASE_URL": f"sqlite:///{var_dir / 'app.db'}",
        "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(free_port()), "RASA_TOKEN": uuid.uuid4().hex,
        "MAIL_OUTBOX": str(var_dir / "outbox"),
        "SMTP_HOST": smtp_host, "SMTP_PORT": str(smtp_port),
    })


@contextmanager
def output_to(log: Path) -> Iterator[None]:
    """Our and our children's stdout/stderr into `log` (Rasa's training chatter); on an
    error its tail is shown."""
    sys.stdout.flush(), sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "ab") as out:
        os.dup2(out.fileno(), 1), os.dup2(out.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved[0], 1), os.dup2(saved[1], 2)
            print("\n".join(log.read_text(errors="replace").splitlines()[-30:]), file=sys.stderr)
            raise
        finally:
            os.dup2(saved[0], 1), os.dup2(saved[1], 2)
            os.close(saved[0]), os.close(saved[1])


@contextmanager
def running_stack(var_dir: Path) -> Iterator[tuple[Stack, list]]:
    with running_mail_sink() as sink:
        settings = stack_settings(var_dir, sink.host, sink.port)
        upgrade(settings.database_url)
        print("Checking the model (trains only when data, domain or config changed)…", flush=True)
        with output_to(var_dir / "train.log"):
            model = train()
        stack = Stack(settings=settings, model=model, var_dir=var_dir, log_dir=var_dir / "logs")
        stack.start()
        try:
            stack.wait_ready(timeout=300)
            yield stack, sink.messages
        finally:
            stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="play only conversations whose id contains this")
    parser.add_argument("--min-rate", type=float, default=None,
                        help=f"exit 1 below this pass rate (the issue's target: {PASS_RATE_TARGET})")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the conversations' folder (e.g. tests/dialogue/followups)")
    args = parser.parse_args(argv)
    conversations = load_suite(root=args.root, only=args.only)
    print(f"Dialogue suite: {len(conversations)} conversation(s); starting the stack…", flush=True)
    with tempfile.TemporaryDirectory(prefix="dialogue-") as tmp, running_stack(Path(tmp)) as (stack, messages):
        runner = Runner(stack, messages)
        try:
            result = runner.run(conversations)
        finally:
            runner.close()
    print_report(result, sys.stdout)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    if args.min_rate is not None and result.rate < args.min_rate:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

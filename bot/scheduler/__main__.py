"""The scheduler process.

    python -m bot.scheduler          # run the jobs every SCHEDULER_POLL_SECONDS (make run)
    python -m bot.scheduler --once   # one round of every job, then exit

SIGTERM or Ctrl-C ends it after the round in progress.
"""

from __future__ import annotations

import sys

from bot.db.session import make_engine, make_sessionmaker
from bot.scheduler.jobs import stack_jobs
from bot.scheduler.runner import Runner
from bot.settings import Settings
from bot.tools.service_process import service_main, stop_on_signals


async def run(settings: Settings, once: bool) -> None:
    engine = make_engine(settings.database_url)
    try:
        runner = Runner(stack_jobs(make_sessionmaker(engine), settings))
        if once:
            await runner.run_due()
        else:
            await runner.follow(settings.scheduler_poll_seconds, stop_on_signals())
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    return service_main(argv, "Run the stack's periodic jobs (reminder mails).",
                        "one round of every job, then exit", run)


if __name__ == "__main__":
    sys.exit(main())

"""The scheduler process.

    python -m bot.scheduler          # run the jobs every SCHEDULER_POLL_SECONDS (make run)
    python -m bot.scheduler --once   # one round of every job, then exit

SIGTERM or Ctrl-C ends it after the round in progress.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.db.session import make_engine, make_sessionmaker
from bot.scheduler.jobs import stack_jobs
from bot.scheduler.runner import Runner
from bot.settings import Settings


async def run(settings: Settings, once: bool) -> None:
    engine = make_engine(settings.database_url)
    try:
        runner = Runner(stack_jobs(make_sessionmaker(engine), settings))
        if once:
            await runner.run_due()
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await runner.follow(settings.scheduler_poll_seconds, stop)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the stack's periodic jobs (reminders).")
    parser.add_argument("--once", action="store_true", help="one round of every job, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        asyncio.run(run(Settings.from_env(), args.once))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

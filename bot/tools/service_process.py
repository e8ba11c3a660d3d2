"""What the stack's background processes (ingestion consumer, scheduler) share: a command
line with `--once`, logging, the settings from the environment, and a stop on SIGTERM/Ctrl-C
after the work in progress."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.settings import Settings


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT (call inside the running loop)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


def service_main(
    argv: list[str] | None, description: str, once_help: str,
    run: Callable[[Settings, bool], Awaitable[None]],
) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--once", action="store_true", help=once_help)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        asyncio.run(run(Settings.from_env(), args.once))
    except KeyboardInterrupt:
        pass
    return 0

"""A small generic runner of periodic jobs: each job runs when its interval has passed
since its last run in this process; a job that fails is logged and tried again next time,
the others run on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.base import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[datetime], Awaitable[object]]  # gets the round's `now`


class Runner:
    def __init__(self, jobs: Sequence[Job], clock: Callable[[], datetime] = utcnow) -> None:
        self.jobs = list(jobs)
        self.clock = clock
        self.last_run: dict[str, datetime] = {}

    async def run_due(self) -> list[str]:
        """One round: every job whose interval has passed; returns the names that ran."""
        ran = []
        for job in self.jobs:
            now = self.clock()
            last = self.last_run.get(job.name)
            if last is not None and now - last < job.every:
                continue
            self.last_run[job.name] = now
            ran.append(job.name)
            try:
                result = await job.run(now)
            except Exception:  # one job's failure must not stop the others
                log.exception("job %s failed; it runs again next time", job.name)
                continue
            log.info("job %s done: %s", job.name, result)
        return ran

    async def follow(self, poll_seconds: float, stop: asyncio.Event) -> None:
        """Rounds every `poll_seconds` until `stop` is set (after the round in progress)."""
        while not stop.is_set():
            await self.run_due()
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
            except asyncio.TimeoutError:
                pass

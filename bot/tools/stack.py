"""Start the five processes (Rasa, action server, web app, ingestion consumer, scheduler)
and stop them together.

Used by `make run` (`python -m bot.tools.stack`) and by the end-to-end tests, so
that the tests drive exactly what a newcomer starts.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.db.migrate import main as migrate
from bot.settings import ENV_NAMES, PROJECT_ROOT, Settings
from bot.tools.endpoints import events_db_url, tracker_db_url, write_endpoints
from bot.tools.model import RASA, bot_env, train
from bot.tools.seed import main as seed_demo_slots

APP_PYTHON = Path(sys.executable)

# Client mails carry one-time links, signed with the secret key, to the public web address.
_MAIL = ("smtp_host", "smtp_port", "mail_from", "mail_outbox", "timezone", "secret_key",
         "public_url")
# Where personal data lives besides the app database: retention purge and erasure (issue 15).
_STORES = ("events_db_url", "tracker_db_url", "log_dir", "retention_days")
# What each child reads with Settings.from_env, and nothing else of ours: a variable set
# in the parent's environment reaches a child only through the Settings object.
CHILD_SETTINGS: dict[str, tuple[str, ...]] = {
    # Booking and its confirmation mails (SMTP if configured, else the outbox).
    "actions": ("database_url", *_MAIL),
    # Staff app: bootstrap account, API token (contracts.md), login limit shared through
    # Redis, the demo page's Rasa URL; mails for what staff change on bookings.
    "web": ("database_url", "host", "web_port", "rasa_url", "staff_email", "staff_password",
            "staff_api_token", "cookie_secure", "redis_url", *_MAIL, *_STORES),
    "ingest": ("database_url", "events_db_url", "inbox_poll_seconds"),
    # Periodic jobs: reminder mails (with their one-time links). Its own process: see
    # bot/scheduler/__init__.py for why.
    "scheduler": ("database_url", "scheduler_poll_seconds", *_MAIL, *_STORES),
    # Rasa reads its endpoints file and command line.
    "rasa": (),
}


def child_env(settings: Settings, name: str, base: Mapping[str, str]) -> dict[str, str]:
    """The environment of child `name`: `base` (PATH, HOME, locale, …) without any of our
    settings variables, plus exactly the settings that child reads."""
    ours = set(ENV_NAMES.values())
    env = {k: v for k, v in base.items() if k not in ours}
    env.update(settings.to_env(CHILD_SETTINGS[name]))
    return env


class PortInUse(RuntimeError):
    pass


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    """The running processes of one stack; `stop()` ends them and their children."""

    settings: Settings
    model: Path
    var_dir: Path
    log_dir: Path | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    endpoints_template: Path = PROJECT_ROOT / "endpoints.yml"
    launches: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.settings.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://localhost:{self.settings.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.settings.web_port}"

    def check_ports(self) -> None:
        for name, port, setting in (
            ("Rasa server", self.settings.rasa_port, "rasa_port"),
            ("action server", self.settings.action_port, "action_port"),
            ("web app", self.settings.web_port, "web_port"),
        ):
            if not port_is_free(port):
                raise PortInUse(
                    f"Port {port} (needed by the {name}) is already in use. "
                    f"Stop what uses it, or choose another port: {ENV_NAMES[setting]}=<port> make run"
                )

    def child_settings(self) -> Settings:
        """The settings as the children see them: events read (and purged) where this stack's
        Rasa writes, logs where this stack writes them."""
        where = (self.settings, self.var_dir, self.endpoints_template)
        return replace(self.settings, events_db_url=events_db_url(*where),
                       tracker_db_url=tracker_db_url(*where),
                       log_dir=self.log_dir or self.var_dir / "logs")

    def stop_process(self, name: str, timeout: float = 20) -> None:
        """Stop one of the processes (fault tests); `start_process` brings it back."""
        process = self.processes[name]
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()

    def start_process(self, name: str) -> None:
        self._spawn(name, *self.launches[name])

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        self.launches[name] = (cmd, env)
        out = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            cmd, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
        )

    def start(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        endpoints = write_endpoints(
            self.var_dir / "endpoints.yml", self.settings, self.var_dir, self.endpoints_template)
        settings = self.child_settings()
        app_base = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        app_base["PYTHONPATH"] = str(PROJECT_ROOT)
        python = str(APP_PYTHON)
        self._spawn("actions", [python, "-m", "rasa_sdk", "--actions", "actions",
                                "--port", str(settings.action_port)],
                    child_env(settings, "actions", app_base))
        self._spawn("web", [python, "-m", "bot.web"], child_env(settings, "web", app_base))
        self._spawn("ingest", [python, "-m", "bot.ingest"], child_env(settings, "ingest", app_base))
        self._spawn("scheduler", [python, "-m", "bot.scheduler"],
                    child_env(settings, "scheduler", app_base))
        rasa_cmd = [
            str(RASA), "run", "--model", str(self.model), "--endpoints", str(endpoints),
            "--credentials", "credentials.yml", "--port", str(settings.rasa_port),
            "--cors", "*",
        ]
        if settings.rasa_token:
            # "=" form: a token may start with "-" (token_urlsafe), which argparse would misread.
            rasa_cmd += ["--enable-api", f"--auth-token={settings.rasa_token}"]
        self._spawn("rasa", rasa_cmd, child_env(settings, "rasa", bot_env()))

    def wait_ready(self, timeout: float = 300) -> None:
        """Until every server answers its health check; a process that exits meanwhile
        (the consumer and the scheduler have no port: they only have to stay up) fails the start."""
        checks = {
            "actions": f"{self.action_url}/health",
            "web": f"{self.web_url}/health",
            # The REST channel answers only once the model is loaded.
            "rasa": f"{self.rasa_url}/webhooks/rest/",
        }
        deadline = time.monotonic() + timeout
        pending = dict(checks)
        while pending:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode} during start")
            for name, url in list(pending.items()):
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            del pending[name]
                except OSError:
                    pass
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout:.0f}s: {', '.join(pending)}")
            if pending:
                time.sleep(0.5)

    def stop(self, timeout: float = 20) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        # Children the processes may have left behind in their groups.
        for process in self.processes.values():
            _signal_group(process, signal.SIGKILL)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def ensure_token(settings: Settings, var_dir: Path) -> tuple[Settings, Path | None]:
    """RASA_TOKEN unset → generate one, keep it in var/rasa_token, say where it is."""
    if settings.rasa_token:
        return settings, None
    path = var_dir / "rasa_token"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return replace(settings, rasa_token=path.read_text().strip()), path


def show_logs(stack: Stack, names: list[str], lines: int = 25) -> None:
    """The last lines of each named process's log (var/logs/<name>.log) on stderr."""
    for name in names:
        path = stack.log_dir / f"{name}.log"
        if path.exists():
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            shown = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
            print(f"--- last lines of {shown} ---", file=sys.stderr)
            print("\n".join(tail), file=sys.stderr)


def main() -> int:
    settings = Settings.from_env()
    var_dir = PROJECT_ROOT / "var"
    settings, token_file = ensure_token(settings, var_dir)
    # The servers log to files: their start-up warnings would bury the URLs.
    stack = Stack(settings=settings, model=Path(), var_dir=var_dir, log_dir=var_dir / "logs")
    try:
        stack.check_ports()
    except PortInUse as error:
        print(f"make run: {error}", file=sys.stderr)
        return 2
    migrate([settings.database_url])
    seed_demo_slots(only_if_empty=True, settings=settings)  # a fresh machine can book right away
    print("Checking the model (trains only when data, domain or config changed)…", flush=True)
    started = time.monotonic()
    stack.model = train()
    print(f"Model: {stack.model.relative_to(PROJECT_ROOT)} ({time.monotonic() - started:.0f}s)")
    started = time.monotonic()
    stopping = False

    def _stop(*_):
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    # Explicit: a shell that starts us in the background may have ignored SIGINT.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    try:
        stack.start()
        print("Starting Rasa, the action server, the web app, the inbox ingestion and the "
              "scheduler…", flush=True)
        stack.wait_ready()
        print(f"\nReady in {time.monotonic() - started:.0f}s.")
        print(f"  Demo page with the chat widget: {stack.web_url}/?lang=en  ({stack.web_url}/?lang=de)")
        print(f"  Staff app:                      {stack.web_url}/staff")
        print(f"  Rasa REST channel:              {stack.rasa_url}/webhooks/rest/webhook")
        print(f"  Action server:                  {stack.action_url}/health")
        if token_file:
            print(f"  Rasa HTTP API token:            in {token_file.relative_to(PROJECT_ROOT)}")
        print(f"  Logs:                           {stack.log_dir.relative_to(PROJECT_ROOT)}/"
              f"{{{','.join(stack.processes)}}}.log")
        print(f"Press Ctrl-C to stop all {len(stack.processes)} processes.", flush=True)
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(0.5)
        dead = [n for n, p in stack.processes.items() if p.poll() is not None]
        print(f"make run: {', '.join(dead)} stopped unexpectedly; stopping the rest.", file=sys.stderr)
        show_logs(stack, dead)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"make run: {error}", file=sys.stderr)
        show_logs(stack, [n for n, p in stack.processes.items() if p.poll() is not None])
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())

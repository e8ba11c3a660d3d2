"""Start the three processes (Rasa, action server, web app) and stop them together.

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
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from urllib.parse import unquote, urlsplit

from bot.settings import PROJECT_ROOT, Settings, redis_prefix
from bot.tools.model import RASA, bot_env

APP_PYTHON = Path(sys.executable)


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


def write_endpoints(
    target: Path, action_port: int, var_dir: Path, template: Path,
    tracker_store_url: str | None = None, redis_url: str | None = None,
    event_broker_url: str | None = None,
) -> Path:
    """The committed endpoints file with the action server's port and store paths filled in.

    With TRACKER_STORE_URL (and REDIS_URL) set, the production profile: PostgreSQL tracker
    store and event broker, Redis lock store (needed for two or more Rasa replicas).
    """
    endpoints = yaml.safe_load(template.read_text())
    endpoints["action_endpoint"]["url"] = f"http://localhost:{action_port}/webhook"
    if tracker_store_url:
        # Rasa's tracker store and SQL broker both name their table `events`, so they
        # cannot share a database. Without a broker database the inbox reads the tracker
        # store's `events` table, which has the same id / sender_id / data columns.
        endpoints["tracker_store"] = {"type": "SQL", **sql_store_config(tracker_store_url)}
        if event_broker_url:
            endpoints["event_broker"] = {"type": "SQL", **sql_store_config(event_broker_url)}
        else:
            endpoints.pop("event_broker", None)
    else:
        for key in ("tracker_store", "event_broker"):
            store = endpoints.get(key) or {}
            if store.get("dialect") == "sqlite":
                store["db"] = str(var_dir / Path(store["db"]).name)
    if redis_url:
        endpoints["lock_store"] = redis_lock_store_config(redis_url)
    target.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    return target


def sql_store_config(url: str) -> dict:
    """postgresql://user:pw@host:port/db → Rasa's SQL store keys."""
    parsed = urlsplit(url)
    config = {
        "dialect": "postgresql",
        "url": parsed.hostname or "localhost",
        "port": parsed.port or 5432,
        "db": parsed.path.lstrip("/") or "rasa",
    }
    if parsed.username:
        config["username"] = unquote(parsed.username)
    if parsed.password:
        config["password"] = unquote(parsed.password)
    return config


def redis_lock_store_config(url: str) -> dict:
    """redis://[:pw@]host:port/db → Rasa's Redis lock store keys."""
    parsed = urlsplit(url)
    config = {
        "type": "redis",
        "url": parsed.hostname or "localhost",
        "port": parsed.port or 6379,
        "db": int(parsed.path.lstrip("/") or 1),
        "key_prefix": redis_prefix(url),
    }
    if parsed.password:
        config["password"] = unquote(parsed.password)
    return config


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
        for name, port, var in (
            ("Rasa server", self.settings.rasa_port, "RASA_PORT"),
            ("action server", self.settings.action_port, "ACTION_PORT"),
            ("web app", self.settings.web_port, "WEB_PORT"),
        ):
            if not port_is_free(port):
                raise PortInUse(
                    f"Port {port} (needed by the {name}) is already in use. "
                    f"Stop what uses it, or choose another port: {var}=<port> make run"
                )

    def _env(self, base: dict[str, str]) -> dict[str, str]:
        env = dict(base)
        env.update(
            DATABASE_URL=self.settings.database_url,
            RASA_PORT=str(self.settings.rasa_port),
            ACTION_PORT=str(self.settings.action_port),
            WEB_PORT=str(self.settings.web_port),
            RASA_URL=self.rasa_url,
            EVENTS_DB_URL=self.settings.event_broker_url or self.settings.tracker_store_url
            or f"sqlite:///{self.var_dir / 'rasa_events.db'}",
        )
        if self.settings.rasa_token:
            env["RASA_TOKEN"] = self.settings.rasa_token
        if self.settings.redis_url:  # the web app's shared login limit (bot/web/ratelimit.py)
            env["REDIS_URL"] = self.settings.redis_url
        # Staff app: bootstrap account and API token (contracts.md), when given.
        for name, value in (("STAFF_EMAIL", self.settings.staff_email),
                            ("STAFF_PASSWORD", self.settings.staff_password),
                            ("STAFF_API_TOKEN", self.settings.staff_api_token)):
            if value:
                env[name] = value
        # Confirmation mails of the action server: SMTP if configured, else the outbox.
        env["MAIL_OUTBOX"] = str(self.settings.mail_outbox)
        if self.settings.smtp_host:
            env.update(SMTP_HOST=self.settings.smtp_host, SMTP_PORT=str(self.settings.smtp_port))
        return env

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
            self.var_dir / "endpoints.yml", self.settings.action_port, self.var_dir,
            self.endpoints_template, self.settings.tracker_store_url, self.settings.redis_url,
            self.settings.event_broker_url,
        )
        app_env = self._env({k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
        app_env["PYTHONPATH"] = str(PROJECT_ROOT)
        self._spawn(
            "actions",
            [str(APP_PYTHON), "-m", "rasa_sdk", "--actions", "actions",
             "--port", str(self.settings.action_port)],
            app_env,
        )
        self._spawn("web", [str(APP_PYTHON), "-m", "bot.web"], app_env)
        rasa_cmd = [
            str(RASA), "run", "--model", str(self.model), "--endpoints", str(endpoints),
            "--credentials", "credentials.yml", "--port", str(self.settings.rasa_port),
            "--cors", "*",
        ]
        if self.settings.rasa_token:
            # "=" form: a token may start with "-" (token_urlsafe), which argparse would misread.
            rasa_cmd += ["--enable-api", f"--auth-token={self.settings.rasa_token}"]
        self._spawn("rasa", rasa_cmd, self._env(bot_env()))

    def wait_ready(self, timeout: float = 300) -> None:
        checks = {
            "actions": f"{self.action_url}/health",
            "web": f"{self.web_url}/health",
            # The REST channel answers only once the model is loaded.
            "rasa": f"{self.rasa_url}/webhooks/rest/",
        }
        deadline = time.monotonic() + timeout
        pending = dict(checks)
        while pending:
            for name, url in list(pending.items()):
                process = self.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode} during start")
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
    from dataclasses import replace

    return replace(settings, rasa_token=path.read_text().strip()), path


def _show_logs(stack: Stack, names: list[str], lines: int = 25) -> None:
    for name in names:
        path = stack.log_dir / f"{name}.log"
        if path.exists():
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            print(f"--- last lines of {path.relative_to(PROJECT_ROOT)} ---", file=sys.stderr)
            print("\n".join(tail), file=sys.stderr)


def main() -> int:
    from bot.db.migrate import main as migrate
    from bot.tools.model import train

    settings = Settings.from_env()
    var_dir = PROJECT_ROOT / "var"
    settings, token_file = ensure_token(settings, var_dir)
    # The three servers log to files: their start-up warnings would bury the URLs.
    stack = Stack(settings=settings, model=Path(), var_dir=var_dir, log_dir=var_dir / "logs")
    try:
        stack.check_ports()
    except PortInUse as error:
        print(f"make run: {error}", file=sys.stderr)
        return 2
    os.environ["DATABASE_URL"] = settings.database_url
    migrate([])
    from bot.tools.seed import main as seed_demo_slots

    seed_demo_slots(only_if_empty=True)  # a fresh machine can book consultations right away
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
        print("Starting Rasa, the action server and the web app…", flush=True)
        stack.wait_ready()
        print(f"\nReady in {time.monotonic() - started:.0f}s.")
        print(f"  Demo page with the chat widget: {stack.web_url}/?lang=en  ({stack.web_url}/?lang=de)")
        print(f"  Staff app:                      {stack.web_url}/staff")
        print(f"  Rasa REST channel:              {stack.rasa_url}/webhooks/rest/webhook")
        print(f"  Action server:                  {stack.action_url}/health")
        if token_file:
            print(f"  Rasa HTTP API token:            in {token_file.relative_to(PROJECT_ROOT)}")
        print(f"  Logs:                           {stack.log_dir.relative_to(PROJECT_ROOT)}/"
              "{rasa,actions,web}.log")
        print("Press Ctrl-C to stop all three.", flush=True)
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(0.5)
        dead = [n for n, p in stack.processes.items() if p.poll() is not None]
        print(f"make run: {', '.join(dead)} stopped unexpectedly; stopping the rest.", file=sys.stderr)
        _show_logs(stack, dead)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"make run: {error}", file=sys.stderr)
        _show_logs(stack, [n for n, p in stack.processes.items() if p.poll() is not None])
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())

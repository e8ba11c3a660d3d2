"""`make run` fails clearly: a port in use, python3.10 missing."""

import os
import socket
import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT, Settings
from bot.tools.stack import Stack, free_port, show_logs


def test_port_in_use_is_named_with_the_variable_to_change_it(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = dict(os.environ, RASA_PORT=str(port), ACTION_PORT=str(free_port()),
                   WEB_PORT=str(free_port()), DATABASE_URL=f"sqlite:///{tmp_path}/app.db")
        result = subprocess.run([sys.executable, "-m", "bot.tools.stack"], cwd=PROJECT_ROOT,
                                env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"Port {port}" in result.stderr and "RASA_PORT=" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_python310_says_what_to_install():
    result = subprocess.run(["make", "-s", "check-python", "PYTHON310="], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "python3.10 was not found" in result.stderr and "Install it" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_process_that_dies_during_start_is_named_and_its_log_shown(tmp_path, capsys):
    """Any of the four, also the consumer, which has no port to health-check."""
    stack = Stack(settings=Settings(), model=tmp_path, var_dir=tmp_path, log_dir=tmp_path / "logs")
    stack._spawn("ingest", [sys.executable, "-c", "print('no database here'); raise SystemExit(3)"],
                 dict(os.environ))
    try:
        with pytest.raises(RuntimeError, match="ingest exited with code 3 during start"):
            stack.wait_ready(timeout=30)
    finally:
        stack.stop()
    show_logs(stack, ["ingest"])
    err = capsys.readouterr().err
    assert "logs/ingest.log" in err and "no database here" in err

"""`make run` fails clearly: a port in use, python3.10 missing."""

import os
import socket
import subprocess
import sys

from bot.settings import PROJECT_ROOT
from bot.tools.stack import free_port


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

"""What `make run` runs: ready with URLs printed, answers, ingests, and Ctrl-C leaves no
process behind."""

import json
import os
import sqlite3
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import closing

from bot.settings import PROJECT_ROOT
from bot.tools.stack import free_port


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def _inbox_texts(database: str, sender: str) -> list[str]:
    with closing(sqlite3.connect(database)) as conn:
        rows = conn.execute("SELECT text FROM inbox_message WHERE conversation_id = ?", (sender,))
        return [text for (text,) in rows]


def test_run_answers_ingests_and_ctrl_c_stops_all_five(tmp_path):
    ports = {name: free_port() for name in ("RASA_PORT", "ACTION_PORT", "WEB_PORT")}
    env = dict(os.environ, **{k: str(v) for k, v in ports.items()},
               DATABASE_URL=f"sqlite:///{tmp_path}/app.db", MAIL_OUTBOX=str(tmp_path / "outbox"))
    run = subprocess.Popen([sys.executable, "-m", "bot.tools.stack"], cwd=PROJECT_ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = run.stdout.readline()
            if not line:
                break
            output.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        assert any(line.startswith("Ready in") for line in output), "".join(output)[-3000:]
        sender = f"run-{uuid.uuid4().hex}"
        body = json.dumps({"sender": sender, "message": "Hallo"}).encode()
        request = urllib.request.Request(
            f"http://localhost:{ports['RASA_PORT']}/webhooks/rest/webhook", data=body,
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert json.load(response)[0]["text"].startswith("Hallo")
        # The fourth process, the ingestion consumer, brings the message into the inbox.
        deadline = time.monotonic() + 60
        while not _inbox_texts(f"{tmp_path}/app.db", sender) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _inbox_texts(f"{tmp_path}/app.db", sender) == ["Hallo"]
        children = [int(p) for p in subprocess.run(
            ["pgrep", "-P", str(run.pid)], capture_output=True, text=True).stdout.split()]
        assert len(children) == 5  # rasa, actions, web, ingest, scheduler
        run.send_signal(signal.SIGINT)
        assert run.wait(timeout=60) == 0
        time.sleep(1)
        assert [pid for pid in children if _alive(pid)] == []
    finally:
        if run.poll() is None:
            run.kill()

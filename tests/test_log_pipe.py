"""The stack's log files hold no personal data (bot/tools/log_pipe.py): lines of a real child
process are copied with addresses, SQL parameters and message texts removed."""

from __future__ import annotations

import subprocess
import sys

from bot.tools.log_pipe import follow, redact_line

# As Rasa 3.6 prints them (tracker store error with SQLAlchemy's message; structlog failure).
SQL_ERROR = ("2026-12-02 10:01:02 ERROR    rasa.core.tracker_store  - Error happened when trying "
             "to save conversation tracker to 'SQLTrackerStore'. Please investigate the following "
             "error: (sqlite3.OperationalError) database is locked [SQL: INSERT INTO events "
             "(sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)] [parameters: ('c1', "
             "'user', 1.0, '{\"event\": \"user\", \"text\": \"Anna Schmidt\"}')] (Background on "
             "this error at: https://sqlalche.me/e/14/e3q8).")
STRUCTLOG = ("2026-12-02 10:01:03 [error    ] rest.message.received.failure   "
             "text='Anna Schmidt, anna.schmidt@example.org' sender_id=c1")


def test_sql_parameters_and_message_texts_are_removed_spacing_kept():
    line = redact_line(SQL_ERROR)
    assert "Anna" not in line and "[parameters: <removed>]" in line and "(Background on" in line
    line = redact_line(STRUCTLOG)
    assert line == ("2026-12-02 10:01:03 [error    ] rest.message.received.failure   "
                    "text=<removed> sender_id=c1")
    assert redact_line("  File \"x.py\", mail to a.b@example.org") == '  File "x.py", mail to <EMAIL>'
    assert redact_line("INFO ready on port 5005") == "INFO ready on port 5005"


def test_a_child_process_output_reaches_the_file_redacted(tmp_path):
    script = ("import sys; print('booked for li.wei@example.net'); "
              "print('Traceback: [parameters: (1, 2)]', file=sys.stderr); print('done')")
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    thread = follow(child.stdout, tmp_path / "child.log", "child")
    child.wait(30)
    thread.join(30)
    text = (tmp_path / "child.log").read_text()
    assert text.splitlines() == ["booked for <EMAIL>", "Traceback: [parameters: <removed>]", "done"]

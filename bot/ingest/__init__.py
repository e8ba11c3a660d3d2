"""Inbox ingestion: the consumer process that reads Rasa's events into the review inbox.

`python -m bot.ingest` runs it (`make run` starts exactly one, beside Rasa, the action
server and the web app); `python -m bot.ingest --once` reads what is new and exits.

    events.py        Rasa's `events` table, read in order by row id
    conversation.py  per-conversation state: language, form slot, the turn in progress
    capture.py       what the inbox keeps of one user message
    redact.py        personal data → placeholders, before anything is stored
    progress.py      the cursor and the conversation states, saved with the inbox rows
    inbox.py         grouping and storing captured messages
    consumer.py      one batch after another, and the polling loop

Nothing here imports the web app: the web app only reads the inbox.
"""

"""The chat side of the hand-off to a human, around the desk's rules (bot/desk): reading form
answers, the transcript, wording for people (dates, intent labels), the client's mails, and
the steps the actions run as one transaction each.

Plain functions, unit-tested without Rasa; the actions in `actions/` only call them.
"""

"""Hand-off to a human: consultation slots, bookings, tickets with transcripts, mails.

Plain functions, unit-tested without Rasa; the actions in `actions/` only call them.
Query functions take the caller's session first (`async with sm() as s, s.begin():`).
"""

"""The desk domain layer: every business rule of the desk, once.

One module per aggregate (slots, bookings, tickets, inbox items, staff users, audit). The
chat's actions, the staff views, the staff JSON API and the commands are thin adapters over
it. Every function takes the caller's session first (the caller owns the transaction:
`async with sessionmaker() as session, session.begin():`) and the time as `now` from the
caller (`bot.db.base.utcnow` is the one clock). This package imports nothing at import time.
"""

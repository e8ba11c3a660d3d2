"""Staff-side queries: users, sessions, tickets, slots, audit, statistics.

Every function takes the session first; the caller owns the transaction.
"""


class NotFound(LookupError):
    """A staff-side object does not exist; the web layer turns it into a 404."""


class Invalid(ValueError):
    """A staff request breaks a business rule (e.g. a status change not in the workflow)."""

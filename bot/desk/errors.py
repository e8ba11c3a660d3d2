"""What a desk rule says when it refuses; the web layer maps both in one place (bot/web/errors.py)."""


class NotFound(LookupError):
    """A desk object (ticket, slot) does not exist: 404."""


class Invalid(ValueError):
    """A request breaks a business rule (e.g. a status change not in the workflow); the
    message is an i18n key of the staff UI."""

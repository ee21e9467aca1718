"""Domain errors: one family whose message is shown to the user in Simplified Chinese.

Nothing here knows about HTTP: legis/web/errors.py maps each kind to a status code,
and the CLI prints the message and exits non-zero.
"""

from __future__ import annotations


class LegisError(Exception):
    """A problem the user can understand and fix. Raise one of the kinds below."""

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field     # the form field the message belongs beside, if any
        # Transitional, for code written before this family (branches in flight when it
        # came): LegisError(..., status=409) and error.status keep working. New code raises
        # a kind and lets legis/web/errors.py choose the status.
        self.legacy_status = status

    @property
    def status(self) -> int:
        """Transitional: the HTTP status the web answers with (see legis/web/errors.py)."""
        from legis.web.errors import status_of

        return status_of(self)


class ValidationError(LegisError):
    """The input is wrong; ``field`` says where, the message what to do."""


class DraftParseError(ValidationError):
    """A draft file that cannot be read or split into articles."""


class TooLarge(ValidationError):
    """An upload or a file over the size or row limit."""


class NotFound(LegisError):
    """The thing asked for does not exist (or is not shown to this user)."""


class Gone(LegisError):
    """It existed but has been cleaned up (an old export file)."""


class Forbidden(LegisError):
    """Signed in, but this role or contact point may not do this."""


class Unauthorized(LegisError):
    """Not signed in, or the credentials were wrong."""


class Conflict(LegisError):
    """The data changed in between, or the action clashes with its current state."""


class RateLimited(LegisError):
    """Too many attempts; ``retry_after`` seconds until the next one is allowed."""

    def __init__(self, message: str, *, retry_after: int = 0, field: str | None = None):
        super().__init__(message, field=field)
        self.retry_after = retry_after


class Unavailable(LegisError):
    """A resource (the database) is briefly unavailable; trying again is safe."""


class Moved(LegisError):
    """A draft's old address: the web answers with a redirect to the current one."""

    def __init__(self, *, slug: str, current: str):
        super().__init__(f"这部草案的网址已改为 /drafts/{current}。")
        self.slug = slug
        self.current = current

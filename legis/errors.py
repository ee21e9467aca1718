"""Domain errors: one exception type whose message is shown to the user in Chinese."""

from __future__ import annotations


class LegisError(Exception):
    """A problem the user can understand and fix; ``message`` is Simplified Chinese.

    ``status`` is the HTTP status the web layer answers with; the CLI prints the
    message to stderr and exits non-zero. Nothing else about the error leaks.
    """

    status: int = 400

    def __init__(self, message: str, *, status: int | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class NotFound(LegisError):
    status = 404


class Forbidden(LegisError):
    status = 403


class Conflict(LegisError):
    status = 409


class DraftParseError(LegisError):
    """A draft file that cannot be read or split into articles."""

    status = 422


class Moved(LegisError):
    """A draft's old web address: the web layer redirects to the current one."""

    status = 301

    def __init__(self, *, slug: str, current: str):
        super().__init__(f"这部草案的网址已改为 /drafts/{current}。")
        self.slug = slug
        self.current = current

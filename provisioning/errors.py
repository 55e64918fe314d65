"""The errors every service raises, and what each means to a caller.

    MailhiveError                 base: a code, a human message and the field at fault (if any)
     ├── InvalidInput             400  the request is malformed or a value is out of range
     ├── PermissionDenied         403  the principal may not do this
     ├── NotFound                 404  no such object (also for objects of other tenants)
     ├── Conflict                 409  a name or address is taken, or the state forbids the change
     ├── QuotaExceeded            422  the change would exceed a quota
     └── AuthenticationFailed     401  wrong credentials, disabled or locked account

Interfaces render them: the API as ``{"error": {"code", "message", "field"}}`` with ``status``,
the CLI as a one-line reason, protocols as their own reply codes. A service that raises has
changed nothing.
"""
from __future__ import annotations


class MailhiveError(Exception):
    """A fault in the caller's request, rendered to the caller by whichever interface it used."""

    status = 400
    code = "error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


class InvalidInput(MailhiveError):
    status = 400
    code = "invalid"


class PermissionDenied(MailhiveError):
    status = 403
    code = "forbidden"


class NotFound(MailhiveError):
    status = 404
    code = "not_found"


class Conflict(MailhiveError):
    status = 409
    code = "conflict"


class QuotaExceeded(MailhiveError):
    status = 422
    code = "quota_exceeded"


class AuthenticationFailed(MailhiveError):
    status = 401
    code = "authentication_failed"

"""The faults of the POP3 core, and the RFC 2449 / RFC 3206 response codes that qualify an -ERR.

    Exception
     ├── LocalProtocolError    the caller (session or server adapter) misused the core: a bug in
     │                         our code. Raised to the caller; nothing is sent to the client.
     └── RemoteProtocolError   the client sent something the protocol does not allow. Never leaves
                               the core: it is caught there and rendered as an ``-ERR`` line
                               carried by a ``BadCommand`` event.

``Pop3Options`` raises ``ValueError`` for an impossible configuration (a fault of the process edge).
"""
from __future__ import annotations

import enum


class ResponseCode(enum.Enum):
    """Extended response codes: RFC 2449 section 8 (IN-USE, LOGIN-DELAY) and RFC 3206 (SYS, AUTH)."""

    IN_USE = "IN-USE"            # the maildrop is locked by another session
    LOGIN_DELAY = "LOGIN-DELAY"  # logged in too recently (see the LOGIN-DELAY capability)
    SYS_TEMP = "SYS/TEMP"        # a transient system fault: try again later
    SYS_PERM = "SYS/PERM"        # a permanent system fault: retrying will not help
    AUTH = "AUTH"                # the credentials are wrong (or not acceptable here)


class LocalProtocolError(Exception):
    """The caller broke the core's contract (answered twice, answered the wrong event, an illegal
    state transition, a response text with a line break...)."""


class RemoteProtocolError(Exception):
    """The client broke the protocol; rendered to the wire, never raised out of the core."""

    def __init__(self, reason: str, code: ResponseCode | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def to_response(self) -> bytes:
        """The ``-ERR`` line telling the client what was wrong (reasons are our own ASCII text)."""
        prefix = f"[{self.code.value}] " if self.code is not None else ""
        return f"-ERR {prefix}{self.reason}\r\n".encode("ascii")

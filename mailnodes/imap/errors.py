"""The faults of the IMAP core.

    Exception
     ├── LocalProtocolError    the caller (session or server adapter) misused the core: a bug in
     │                         our code (answered twice, an EXPUNGE while a FETCH runs, a response
     │                         text with a line break...). Raised to the caller; nothing is sent.
     └── RemoteProtocolError   the client sent something the protocol does not allow. Never leaves
                               the core: it is caught there and rendered as a tagged BAD (or NO:
                               ``status``), an untagged BAD when no tag could be read, or an
                               untagged BYE when the connection cannot go on (``fatal``).

``ImapOptions`` raises ``ValueError`` for an impossible configuration (a fault of the process edge).
"""
from __future__ import annotations

import re

# RFC 9051 tag: ASTRING-CHAR except "+", i.e. no SP, CTL, 8-bit, ( ) { % * " \ or +. We cap the length.
TAG = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\+]{1,64}')
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


class LocalProtocolError(Exception):
    """The caller broke the core's contract."""


class RemoteProtocolError(Exception):
    """The client broke the protocol. ``reason`` is our own ASCII text sent to the client; ``code``
    a response code to put before it (``"BADCHARSET (US-ASCII UTF-8)"``, ``"TOOBIG"``...);
    ``status`` is ``"BAD"`` (syntax, state) or ``"NO"`` (well formed but refused); ``fatal`` asks
    for an untagged BYE and the end of the connection."""

    def __init__(self, reason: str, *, code: str | None = None, status: str = "BAD", fatal: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.status = status
        self.fatal = fatal

    def to_response(self, tag: bytes | None) -> bytes:
        """The line telling the client what was wrong: ``tag BAD ...``, ``* BAD ...`` when the tag
        is unknown or unusable, ``* BYE ...`` when fatal."""
        reason = _UNSAFE.sub("?", self.reason)
        code = f"[{self.code}] " if self.code else ""
        if self.fatal:
            return f"* BYE {code}{reason}\r\n".encode()
        if tag is None or not TAG.fullmatch(tag):
            return f"* {self.status} {code}{reason}\r\n".encode()
        return tag + f" {self.status} {code}{reason}\r\n".encode()

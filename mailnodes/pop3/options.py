"""``Pop3Options``: the configuration of a POP3 connection core, built once at the process edge
(from settings) and passed to every ``Pop3Connection``."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Mechanisms whose exchange the core decodes itself; any other advertised name is caller-driven.
CORE_MECHANISMS = ("PLAIN", "LOGIN", "CRAM-MD5")
# Mechanisms that send the password in the clear, hidden without TLS unless plaintext is allowed.
PLAINTEXT_MECHANISMS = frozenset({"PLAIN", "LOGIN"})
_MECHANISM = re.compile(r"[A-Z0-9_-]{1,20}")


@dataclass(frozen=True, slots=True)
class Pop3Options:
    """What a POP3 server offers and the bounds it keeps.

    ``allow_plaintext_auth`` governs USER/PASS and SASL PLAIN/LOGIN on a connection without TLS;
    ``expire`` is the EXPIRE capability's value (days, "NEVER", or None not to advertise it);
    ``login_delay`` the LOGIN-DELAY capability's seconds (None: not advertised);
    ``idle_timeout`` the autologout timer in seconds (RFC 1939 asks for at least 600);
    ``max_line`` the longest command line accepted, CRLF included (RFC 2449 says 255; we allow
    more); ``max_auth_line`` the same for SASL responses and an AUTH command with an initial
    response (long tokens such as XOAUTH2's do not fit in 255 octets);
    ``max_buffer`` the most unread input held (more closes the connection);
    ``max_bad_commands`` the count of client mistakes at which the connection is closed.
    """

    apop: bool = False
    sasl_mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN")
    allow_plaintext_auth: bool = False
    stls: bool = False
    implementation: str | None = "Mailhive"
    expire: int | str | None = None
    login_delay: int | None = None
    pipelining: bool = True
    idle_timeout: float = 600.0
    max_line: int = 512
    max_auth_line: int = 8192
    max_buffer: int = 65536
    max_bad_commands: int = 20

    def __post_init__(self) -> None:
        for name in self.sasl_mechanisms:
            if not _MECHANISM.fullmatch(name):
                raise ValueError(f"invalid SASL mechanism name {name!r} (upper case, at most 20 characters)")
        if len(set(self.sasl_mechanisms)) != len(self.sasl_mechanisms):
            raise ValueError("SASL mechanisms listed twice")
        if self.implementation is not None and not re.fullmatch(r"[\x20-\x7e]{1,200}", self.implementation):
            raise ValueError("implementation must be 1-200 printable ASCII characters")
        if self.expire is not None and self.expire != "NEVER" and not (
                isinstance(self.expire, int) and self.expire >= 0):
            raise ValueError("expire must be a number of days, 'NEVER' or None")
        if self.login_delay is not None and self.login_delay < 0:
            raise ValueError("login_delay must be a non-negative number of seconds")
        if self.idle_timeout <= 0:
            raise ValueError("idle_timeout must be positive")
        if self.max_line < 255 or self.max_auth_line < self.max_line:
            raise ValueError("max_line must be at least 255 (RFC 2449) and max_auth_line at least max_line")
        if self.max_buffer < self.max_auth_line:
            raise ValueError("max_buffer must hold at least one SASL line")
        if self.max_bad_commands < 1:
            raise ValueError("max_bad_commands must be at least 1")

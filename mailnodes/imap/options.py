"""``ImapOptions``: the configuration of an IMAP connection core, built once at the process edge (from
settings) and passed to every ``ImapConnection``: which extensions are offered, SASL mechanisms,
TLS policy, limits and timers."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Extensions this core can parse and frame. Each one gates its commands and capability atoms.
KNOWN_EXTENSIONS = frozenset({
    "IMAP4rev2",        # RFC 9051 (IMAP4rev1 is always offered too)
    "LITERAL+",         # RFC 7888 (without it we announce LITERAL-)
    "SASL-IR",          # RFC 4959
    "ENABLE",           # RFC 5161
    "IDLE",             # RFC 2177
    "NAMESPACE",        # RFC 2342
    "UIDPLUS",          # RFC 4315
    "MOVE",             # RFC 6851
    "UNSELECT",         # RFC 3691
    "CHILDREN",         # RFC 3348
    "LIST-EXTENDED",    # RFC 5258
    "LIST-STATUS",      # RFC 5819
    "SPECIAL-USE",      # RFC 6154
    "CREATE-SPECIAL-USE",
    "ESEARCH",          # RFC 4731
    "SEARCHRES",        # RFC 5182
    "CONDSTORE",        # RFC 7162
    "QRESYNC",          # RFC 7162
    "ID",               # RFC 2971
    "QUOTA",            # RFC 9208
    "BINARY",           # RFC 3516
    "MULTIAPPEND",      # RFC 3502
    "SORT",             # RFC 5256
    "ESORT",            # RFC 5267
    "THREAD",           # RFC 5256 (advertised as THREAD=ORDEREDSUBJECT THREAD=REFERENCES)
    "UTF8=ACCEPT",      # RFC 6855
    "COMPRESS=DEFLATE",  # RFC 4978
    "WITHIN",           # RFC 5032
    "APPENDLIMIT",      # RFC 7889 (with ``max_append_size``)
    "STATUS=SIZE",      # RFC 8438
})
# What IMAP4rev2 includes (RFC 9051 appendix E): offering IMAP4rev2 offers these commands and syntax.
REV2_INCLUDES = frozenset({"NAMESPACE", "UNSELECT", "UIDPLUS", "ESEARCH", "SEARCHRES", "ENABLE", "IDLE", "SASL-IR",
                           "LIST-EXTENDED", "LIST-STATUS", "MOVE", "BINARY", "SPECIAL-USE", "STATUS=SIZE",
                           "CHILDREN"})
ENABLEABLE = frozenset({"CONDSTORE", "QRESYNC", "UTF8=ACCEPT", "IMAP4rev2"})
CORE_MECHANISMS = ("PLAIN", "LOGIN")  # decoded by the core; any other is driven by the caller
PLAINTEXT_MECHANISMS = frozenset({"PLAIN", "LOGIN"})
_MECHANISM = re.compile(r"[A-Z0-9_-]{1,20}")


@dataclass(frozen=True, slots=True)
class ImapOptions:
    """What an IMAP server offers and the bounds it keeps.

    ``extensions``: the subset of ``KNOWN_EXTENSIONS`` offered. ``allow_plaintext_auth`` governs
    LOGIN and SASL PLAIN/LOGIN without TLS (else LOGINDISABLED is advertised). ``starttls``
    offers STARTTLS. ``login_timeout`` / ``autologout`` are the idle timers before and after login
    in seconds (RFC 9051 section 5.4: at least 30 minutes once authenticated). ``max_line`` is the
    longest command line (each line between literals, CRLF included), ``max_auth_line`` the same
    for an AUTHENTICATE line or SASL response; ``max_literal`` bounds a literal in any command but
    APPEND, ``max_append_size`` a message in APPEND (and APPENDLIMIT); ``max_command_size`` the
    whole of one command (MULTIAPPEND included); ``max_depth`` the nesting of parentheses;
    ``max_bad_commands`` the consecutive client mistakes after which the connection is closed.
    """

    extensions: frozenset[str] = KNOWN_EXTENSIONS
    sasl_mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN")
    allow_plaintext_auth: bool = False
    starttls: bool = False
    login_timeout: float = 60.0
    autologout: float = 1800.0
    max_line: int = 8192
    max_auth_line: int = 16384
    max_literal: int = 65536
    max_append_size: int = 64 * 1024 * 1024
    max_command_size: int = 256 * 1024 * 1024
    max_depth: int = 32
    max_bad_commands: int = 20
    server_id: tuple[tuple[str, str], ...] = (("name", "Mailhive"),)

    def __post_init__(self) -> None:
        unknown = set(self.extensions) - KNOWN_EXTENSIONS
        if unknown:
            raise ValueError(f"unknown IMAP extensions: {sorted(unknown)}")
        if "QRESYNC" in self.extensions and "CONDSTORE" not in self.extensions:
            raise ValueError("QRESYNC needs CONDSTORE")
        if ("QRESYNC" in self.extensions or "UTF8=ACCEPT" in self.extensions) and not self.supports("ENABLE"):
            raise ValueError("QRESYNC and UTF8=ACCEPT need ENABLE")
        if self.supports("LIST-STATUS") and not self.supports("LIST-EXTENDED"):
            raise ValueError("LIST-STATUS needs LIST-EXTENDED")
        for name in self.sasl_mechanisms:
            if not _MECHANISM.fullmatch(name):
                raise ValueError(f"invalid SASL mechanism name {name!r} (upper case, at most 20 characters)")
        if len(set(self.sasl_mechanisms)) != len(self.sasl_mechanisms):
            raise ValueError("SASL mechanisms listed twice")
        if self.login_timeout <= 0 or self.autologout <= 0:
            raise ValueError("timers must be positive")
        if self.max_line < 1000 or self.max_auth_line < self.max_line:
            raise ValueError("max_line must be at least 1000 (RFC 7162 section 4) and max_auth_line at least max_line")
        if self.max_literal < 4096 or self.max_append_size < 1 or self.max_command_size < self.max_append_size:
            raise ValueError("max_literal must be at least 4096 (LITERAL-) and max_command_size hold one message")
        if not 2 <= self.max_depth <= 1000:
            raise ValueError("max_depth must be between 2 and 1000")
        if self.max_bad_commands < 1:
            raise ValueError("max_bad_commands must be at least 1")
        for key, value in self.server_id:
            if not (0 < len(key.encode()) <= 30 and len(value.encode()) <= 1024):
                raise ValueError("ID fields: keys of 1-30 octets, values of at most 1024 (RFC 2971)")

    def supports(self, extension: str) -> bool:
        """Whether ``extension``'s commands and syntax are accepted (offered, or part of IMAP4rev2)."""
        return extension in self.extensions or ("IMAP4rev2" in self.extensions and extension in REV2_INCLUDES)

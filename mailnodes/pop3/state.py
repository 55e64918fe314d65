"""The POP3 session state machine (states, the legal transitions, which command each state allows)
and the maildrop the core keeps during TRANSACTION (sizes, unique ids, deletion marks).

Theory of operation
-------------------
A POP3 server connection lives in one of five states:

    AUTHORIZATION ──AUTH──▶ AUTH_IN_PROGRESS ──failed / "*" / bad base64──▶ AUTHORIZATION
         │                        │
         │ PASS / APOP accepted   │ SASL exchange accepted
         ▼                        ▼
    TRANSACTION ◀─────────────────┘
         │ QUIT
         ▼
      UPDATE ──the caller has applied (or failed to apply) the deletions──▶ CLOSED

and any state may go to CLOSED directly: QUIT in AUTHORIZATION (nothing to update), the client
closing the connection, the idle timer (RFC 1939 section 3: an autologout does NOT enter UPDATE, so
nothing is deleted), too many bad commands, a flood of input, or the server closing on its own.
``TRANSITIONS`` is the whole table; ``StateMachine.go`` raises ``LocalProtocolError`` for any other
move, because only a bug in the caller or the core can ask for one. A client's mistake never moves
the machine: it gets an ``-ERR``.

Inside AUTHORIZATION two facts are kept by the connection, not as states: the name given by an
accepted USER (PASS is refused without it and it is forgotten after every login attempt and after
STLS), and whether TLS is active.

The maildrop: the caller (session) hands the core a ``Maildrop`` (each message's POP3 size and
unique id, in message-number order) when it reports a successful login. From then on the core alone
answers STAT, LIST, UIDL, DELE, RSET and NOOP, and checks every message number (out of range,
deleted) before RETR or TOP reach the caller. Deletion marks live in ``MaildropState``; QUIT in
TRANSACTION hands the marked message numbers to the caller, which removes those messages from the
store in the UPDATE state (RFC 1939 section 6) and then answers. The snapshot is what RFC 1939
asks for: message numbers and sizes do not change during a session, even if new mail arrives.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mailnodes.pop3.errors import LocalProtocolError, RemoteProtocolError


class State(enum.Enum):
    AUTHORIZATION = "AUTHORIZATION"
    AUTH_IN_PROGRESS = "AUTH_IN_PROGRESS"  # a SASL exchange (RFC 5034) is under way
    TRANSACTION = "TRANSACTION"
    UPDATE = "UPDATE"
    CLOSED = "CLOSED"


TRANSITIONS: dict[State, frozenset[State]] = {
    State.AUTHORIZATION: frozenset({State.AUTH_IN_PROGRESS, State.TRANSACTION, State.CLOSED}),
    State.AUTH_IN_PROGRESS: frozenset({State.AUTHORIZATION, State.TRANSACTION, State.CLOSED}),
    State.TRANSACTION: frozenset({State.UPDATE, State.CLOSED}),
    State.UPDATE: frozenset({State.CLOSED}),
    State.CLOSED: frozenset(),
}

_AUTH = frozenset({State.AUTHORIZATION})
_TRANS = frozenset({State.TRANSACTION})

# The states in which each command is accepted (RFC 1939, RFC 2449, RFC 2595, RFC 5034).
# AUTH_IN_PROGRESS and UPDATE appear nowhere: in them client lines are SASL responses, or
# nothing is read at all.
COMMAND_STATES: dict[str, frozenset[State]] = {
    "USER": _AUTH,
    "PASS": _AUTH,
    "APOP": _AUTH,
    "AUTH": _AUTH,
    "STLS": _AUTH,
    "CAPA": _AUTH | _TRANS,
    "QUIT": _AUTH | _TRANS,
    "STAT": _TRANS,
    "LIST": _TRANS,
    "RETR": _TRANS,
    "DELE": _TRANS,
    "NOOP": _TRANS,
    "RSET": _TRANS,
    "TOP": _TRANS,
    "UIDL": _TRANS,
}


class StateMachine:
    """The current state; ``go`` follows ``TRANSITIONS`` or raises ``LocalProtocolError``."""

    def __init__(self) -> None:
        self.state = State.AUTHORIZATION

    def go(self, target: State) -> None:
        if target not in TRANSITIONS[self.state]:
            raise LocalProtocolError(f"illegal POP3 state transition {self.state.name} -> {target.name}")
        self.state = target


_UNIQUE_ID = re.compile(r"[\x21-\x7e]{1,70}")  # RFC 1939 section 7


@dataclass(frozen=True, slots=True)
class Maildrop:
    """The messages of a maildrop at login, in message-number order (message n is index n-1):
    each one's size in octets as RETR will send it (see ``responses.pop3_size``) and its unique
    id (1 to 70 printable ASCII characters, RFC 1939 section 7)."""

    sizes: tuple[int, ...]
    uids: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.sizes) != len(self.uids):
            raise LocalProtocolError("a maildrop needs one size and one unique id per message")
        for size in self.sizes:
            if not isinstance(size, int) or size < 0:
                raise LocalProtocolError(f"invalid message size {size!r}")
        for uid in self.uids:
            if not isinstance(uid, str) or not _UNIQUE_ID.fullmatch(uid):
                raise LocalProtocolError(f"invalid unique id {uid!r}: 1-70 printable ASCII characters")
        if len(set(self.uids)) != len(self.uids):
            raise LocalProtocolError("unique ids must be unique within the maildrop")

    @classmethod
    def of(cls, messages: Sequence[tuple[int, str]]) -> Maildrop:
        """A maildrop from ``(size, uid)`` pairs."""
        return cls(tuple(size for size, _ in messages), tuple(uid for _, uid in messages))

    def __len__(self) -> int:
        return len(self.sizes)


class MaildropState:
    """A maildrop and the deletion marks set by DELE in this session."""

    def __init__(self, maildrop: Maildrop) -> None:
        self.maildrop = maildrop
        self._deleted: set[int] = set()

    def check(self, msg: int) -> int:
        """``msg`` if it names a message that exists and is not marked deleted."""
        if not 1 <= msg <= len(self.maildrop):
            raise RemoteProtocolError(f"no such message, only {len(self.maildrop)} messages in maildrop")
        if msg in self._deleted:
            raise RemoteProtocolError(f"message {msg} already deleted")
        return msg

    def delete(self, msg: int) -> None:
        self._deleted.add(self.check(msg))

    def reset(self) -> None:
        self._deleted.clear()

    def size(self, msg: int) -> int:
        return self.maildrop.sizes[self.check(msg) - 1]

    def uid(self, msg: int) -> str:
        return self.maildrop.uids[self.check(msg) - 1]

    def visible(self) -> list[int]:
        """The message numbers not marked deleted, in order."""
        return [n for n in range(1, len(self.maildrop) + 1) if n not in self._deleted]

    def stat(self) -> tuple[int, int]:
        """(count, octets) of the messages not marked deleted."""
        shown = self.visible()
        return len(shown), sum(self.maildrop.sizes[n - 1] for n in shown)

    @property
    def deleted(self) -> tuple[int, ...]:
        return tuple(sorted(self._deleted))

"""The IMAP connection state machine (RFC 9051 section 3): the four states, the legal transitions,
which command each state allows, the reading modes inside a state, and the client's view of the
selected mailbox (its message count as the responses sent so far define it).

Theory of operation
-------------------
::

                  +--------------------------------------+
                  |         connection established       |
                  +--------------------------------------+
                    | OK greeting            | PREAUTH greeting
                    v                        |
          +-------------------+              |
          | NOT_AUTHENTICATED |              |
          +-------------------+              |
             | LOGIN /                       |
             | AUTHENTICATE ok               v
             |                  +-------------------+
             +----------------->|   AUTHENTICATED   |<----------+
                                +-------------------+           |
                                   | SELECT/EXAMINE ok          | CLOSE, UNSELECT ok,
                                   v                            | SELECT/EXAMINE refused
                                +-------------------+           |
                                |     SELECTED      |-----------+
                                +-------------------+
                                   (SELECT ok: SELECTED again, another mailbox)

    every state --LOGOUT, BYE, autologout, client gone--> LOGOUT (the connection is over)

``TRANSITIONS`` is the whole table; ``StateMachine.go`` raises ``LocalProtocolError`` for any other
move, because only a bug in the caller or the core can ask for one. A client's mistake never moves
the machine: it gets a BAD or NO.

Inside a state the connection reads in one of several ``Mode``s: commands; the lines of an
AUTHENTICATE exchange; the "DONE" that ends IDLE; nothing at all between an accepted STARTTLS or
COMPRESS and the caller's word that the layer has started (input read then is dropped: a
plaintext command pipelined after STARTTLS must never run, CVE-2011-0411).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from mailnodes.imap.errors import LocalProtocolError


class State(enum.Enum):
    NOT_AUTHENTICATED = "not authenticated"
    AUTHENTICATED = "authenticated"
    SELECTED = "selected"
    LOGOUT = "logout"


class Mode(enum.Enum):
    COMMAND = "command"            # reading commands
    SASL = "sasl"                  # AUTHENTICATE exchange: reading base64 lines or "*"
    IDLE = "idle"                  # IDLE accepted: reading "DONE"
    AWAITING_TLS = "awaiting tls"  # STARTTLS accepted: input is dropped until the handshake
    AWAITING_COMPRESSION = "awaiting compression"  # COMPRESS accepted: until the caller starts it


TRANSITIONS: dict[State, frozenset[State]] = {
    State.NOT_AUTHENTICATED: frozenset({State.AUTHENTICATED, State.LOGOUT}),
    State.AUTHENTICATED: frozenset({State.SELECTED, State.LOGOUT}),
    State.SELECTED: frozenset({State.SELECTED, State.AUTHENTICATED, State.LOGOUT}),
    State.LOGOUT: frozenset(),
}

_ANY = frozenset({State.NOT_AUTHENTICATED, State.AUTHENTICATED, State.SELECTED})
_NOT_AUTH = frozenset({State.NOT_AUTHENTICATED})
_AUTH = frozenset({State.AUTHENTICATED, State.SELECTED})
_SELECTED = frozenset({State.SELECTED})

# The states in which each command is valid (RFC 9051 section 6 and the extensions' RFCs).
COMMAND_STATES: dict[str, frozenset[State]] = {
    "CAPABILITY": _ANY, "NOOP": _ANY, "LOGOUT": _ANY, "ID": _ANY,
    "STARTTLS": _NOT_AUTH, "AUTHENTICATE": _NOT_AUTH, "LOGIN": _NOT_AUTH,
    # RFC 5161 allows ENABLE only before a mailbox is selected.
    "ENABLE": frozenset({State.AUTHENTICATED}),
    "SELECT": _AUTH, "EXAMINE": _AUTH, "CREATE": _AUTH, "DELETE": _AUTH, "RENAME": _AUTH,
    "SUBSCRIBE": _AUTH, "UNSUBSCRIBE": _AUTH, "LIST": _AUTH, "LSUB": _AUTH, "NAMESPACE": _AUTH,
    "STATUS": _AUTH, "APPEND": _AUTH, "IDLE": _AUTH, "GETQUOTA": _AUTH, "GETQUOTAROOT": _AUTH,
    "SETQUOTA": _AUTH, "COMPRESS": _AUTH,
    "CHECK": _SELECTED, "CLOSE": _SELECTED, "UNSELECT": _SELECTED, "EXPUNGE": _SELECTED,
    "SEARCH": _SELECTED, "FETCH": _SELECTED, "STORE": _SELECTED, "COPY": _SELECTED, "MOVE": _SELECTED,
    "UID": _SELECTED, "SORT": _SELECTED, "THREAD": _SELECTED,
}


def allowed_in(name: str, state: State) -> bool:
    """Whether command ``name`` (UID commands as "UID") is valid in ``state``."""
    return state in COMMAND_STATES.get(name, frozenset())


class StateMachine:
    """The current state; ``go`` follows ``TRANSITIONS`` or raises ``LocalProtocolError``."""

    def __init__(self, state: State = State.NOT_AUTHENTICATED) -> None:
        self.state = state

    def go(self, target: State) -> None:
        if target not in TRANSITIONS[self.state]:
            raise LocalProtocolError(f"illegal IMAP state transition {self.state.name} -> {target.name}")
        self.state = target


@dataclass(slots=True)
class SelectedMailbox:
    """The mailbox of the SELECTED state as the client knows it: its name, whether it is
    read-only (EXAMINE, or the session said READ-ONLY), and ``exists``, the message count the
    client has been told (EXISTS sets it, EXPUNGE and non-EARLIER VANISHED lower it), which is
    what ``*`` and message sequence numbers in the client's commands refer to."""

    name: str
    read_only: bool
    exists: int = 0

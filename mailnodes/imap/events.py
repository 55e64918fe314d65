"""The events ``ImapConnection.next_event`` returns: frozen, slotted facts about what the client did.

Two families, told apart with ``isinstance``:

* ``Request``: the core needs the caller (the session) to answer before it reads the next command.
  The answer is any number of untagged responses (``conn.send(...)``) and then exactly one
  completion (``conn.ok/no/bad``, or the special methods named on each class).
* ``Answered``: the core has decided and rendered the answer itself; the caller writes
  ``event.response`` to the client (and may log the event, or act on it: ``CommandAnswered`` for
  ENABLE tells the session which extensions are now on). Nothing else is due.

``ConnectionClosed`` is neither: it is returned once the connection reached LOGOUT, and again on
every later call. ``NEED_DATA`` means "feed me more bytes"; ``PAUSED`` means "answer the pending
request (or finish STARTTLS / COMPRESS, or end IDLE) first".
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from mailnodes.imap.commands import Command


class Pending(enum.Enum):
    NEED_DATA = "NEED_DATA"
    PAUSED = "PAUSED"


NEED_DATA = Pending.NEED_DATA
PAUSED = Pending.PAUSED


class Event:
    """Base of every event."""

    __slots__ = ()


class Request(Event):
    """An event the caller must answer before the core reads on; ``tag`` is the command's."""

    __slots__ = ()
    tag: str


class Answered(Event):
    """An event the core has answered; ``response`` is to be written to the client as is."""

    __slots__ = ()
    response: bytes


# ---------------------------------------------------------------- requests


@dataclass(frozen=True, slots=True)
class CommandReceived(Request):
    """A well-formed command, valid in the current state, for the session to carry out. Answer
    with ``send(...)`` for untagged data, then ``ok()``, ``no()`` or ``bad()``. What ``ok()``
    also does: SELECT/EXAMINE enters SELECTED (read-only with ``code=READ_ONLY`` or EXAMINE);
    CLOSE and UNSELECT return to AUTHENTICATED; STARTTLS waits for ``starttls_started()``;
    COMPRESS waits for ``compression_started()``. IDLE is answered with ``idle_started()`` (or
    ``no()``), and stays pending until the client's DONE (``IdleEnded``). LOGIN and AUTHENTICATE
    never come as this event: see ``CredentialsGiven`` and ``AuthRequested``."""

    command: Command

    @property
    def tag(self) -> str:  # type: ignore[override]
        return self.command.tag


@dataclass(frozen=True, slots=True)
class CredentialsGiven(Request):
    """A user name and password: the LOGIN command (``mechanism`` None) or an AUTHENTICATE PLAIN or
    LOGIN exchange decoded by the core (``authzid`` "" when none was given). Answer
    ``login_succeeded()`` or ``login_failed()``."""

    tag: str
    mechanism: str | None
    authzid: str
    username: str
    password: str


@dataclass(frozen=True, slots=True)
class AuthRequested(Request):
    """AUTHENTICATE with a mechanism the caller drives (CRAM-MD5, SCRAM, XOAUTH2...):
    ``initial_response`` decoded (SASL-IR; ``b""`` for "=", None when absent). Answer
    ``challenge(data)``, ``login_succeeded()`` or ``login_failed()``."""

    tag: str
    mechanism: str
    initial_response: bytes | None


@dataclass(frozen=True, slots=True)
class AuthResponseGiven(Request):
    """A decoded client response in a caller-driven SASL exchange. Answer ``challenge()``,
    ``login_succeeded()`` or ``login_failed()``."""

    tag: str
    mechanism: str
    data: bytes


# ---------------------------------------------------------------- answered by the core


@dataclass(frozen=True, slots=True)
class CommandAnswered(Answered):
    """A command the core carried out alone: CAPABILITY, LOGOUT (the connection then closes),
    ENABLE (see ``ImapConnection.enabled``), ID (the server's ID from the options)."""

    command: Command
    response: bytes


@dataclass(frozen=True, slots=True)
class CommandRejected(Answered):
    """A client mistake or a refusal decided by the core: syntax, unknown command, wrong state,
    STARTTLS or LOGIN where not allowed, a literal too big, a change to a read-only mailbox...
    ``tag`` is None when none could be read; ``command`` the name when one could be read, else
    ""; ``status`` BAD or NO."""

    tag: str | None
    command: str
    status: str
    reason: str
    response: bytes


@dataclass(frozen=True, slots=True)
class LiteralGoAhead(Answered):
    """A synchronising literal was announced and accepted: ``response`` is the "+" continuation
    request; the literal's octets come next."""

    tag: str
    size: int
    response: bytes


@dataclass(frozen=True, slots=True)
class AuthStarted(Answered):
    """A PLAIN or LOGIN exchange began: ``response`` is the core's first "+" challenge."""

    tag: str
    mechanism: str
    response: bytes


@dataclass(frozen=True, slots=True)
class AuthContinued(Answered):
    """The core sent LOGIN's password prompt after the user name."""

    tag: str
    mechanism: str
    response: bytes


@dataclass(frozen=True, slots=True)
class AuthCancelled(Answered):
    """The client sent "*" (or broke the exchange): tagged BAD, back to NOT AUTHENTICATED."""

    tag: str
    mechanism: str
    response: bytes


@dataclass(frozen=True, slots=True)
class IdleEnded(Answered):
    """The client sent DONE: IDLE is over; ``response`` is its tagged OK. Stop the live updates."""

    tag: str
    response: bytes


@dataclass(frozen=True, slots=True)
class IdleTimedOut(Answered):
    """The autologout timer expired: ``response`` is the BYE; the connection is over."""

    response: bytes


@dataclass(frozen=True, slots=True)
class ConnectionAborted(Answered):
    """The core gave up on the client (too many bad commands, a literal too big to swallow):
    ``response`` is the BYE; the connection is over."""

    reason: str
    response: bytes


@dataclass(frozen=True, slots=True)
class ConnectionClosed(Event):
    """The connection is over (LOGOUT state); close the transport. ``reason`` says why."""

    reason: str

"""The events ``Pop3Connection.next_event`` returns: frozen, slotted facts about what the client did.

Two families, told apart with ``isinstance``:

* ``Request``: the core needs the caller (the session) to answer, with exactly one of the
  connection's answer methods, before it reads the next command. Which methods fit which request is
  listed on each class.
* ``Answered``: the core has decided and rendered the answer itself; the caller writes
  ``event.response`` to the client (and may log the event). Nothing else is due.

``ConnectionClosed`` is neither: it is returned once the connection reached CLOSED, and again on
every later call. ``NEED_DATA`` means "feed me more bytes"; ``PAUSED`` means "answer the pending
request (or finish STLS) first".
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Pending(enum.Enum):
    NEED_DATA = "NEED_DATA"
    PAUSED = "PAUSED"


NEED_DATA = Pending.NEED_DATA
PAUSED = Pending.PAUSED


class Event:
    """Base of every event."""

    __slots__ = ()


class Request(Event):
    """An event the caller must answer before the core reads on."""

    __slots__ = ()


class Answered(Event):
    """An event the core has answered; ``response`` is to be written to the client as is."""

    __slots__ = ()
    response: bytes


# ---------------------------------------------------------------- requests: AUTHORIZATION

@dataclass(frozen=True, slots=True)
class UserGiven(Request):
    """USER name. Answer ``ok()`` (PASS may follow) or ``err()``."""

    name: str


@dataclass(frozen=True, slots=True)
class PassGiven(Request):
    """PASS after an accepted USER. Answer ``login_succeeded()`` or ``login_failed()``."""

    username: str
    password: str


@dataclass(frozen=True, slots=True)
class ApopGiven(Request):
    """APOP name digest; ``digest`` (lower-case hex) should be MD5(timestamp + secret) with the
    greeting's ``timestamp``. Answer ``login_succeeded()`` or ``login_failed()``."""

    name: str
    digest: str
    timestamp: str


@dataclass(frozen=True, slots=True)
class CredentialsGiven(Request):
    """A PLAIN or LOGIN exchange decoded by the core (``authzid`` is "" when none was given).
    Answer ``login_succeeded()`` or ``login_failed()``."""

    mechanism: str
    authzid: str
    username: str
    password: str


@dataclass(frozen=True, slots=True)
class CramMd5ResponseGiven(Request):
    """The client's CRAM-MD5 answer to ``challenge``: digest should be HMAC-MD5(secret, challenge)
    in lower-case hex. Answer ``login_succeeded()`` or ``login_failed()``."""

    username: str
    digest: str
    challenge: bytes


@dataclass(frozen=True, slots=True)
class AuthRequested(Request):
    """AUTH with a mechanism the caller drives: CRAM-MD5 (answer ``challenge(<random.time@host>)``)
    or any other advertised one beyond PLAIN and LOGIN (answer ``challenge()``,
    ``login_succeeded()`` or ``login_failed()``). ``initial_response`` is decoded, None if absent."""

    mechanism: str
    initial_response: bytes | None


@dataclass(frozen=True, slots=True)
class AuthResponseGiven(Request):
    """A decoded client response in a caller-driven SASL exchange (not PLAIN, LOGIN or CRAM-MD5).
    Answer ``challenge()``, ``login_succeeded()`` or ``login_failed()``."""

    mechanism: str
    data: bytes


@dataclass(frozen=True, slots=True)
class StlsRequested(Request):
    """STLS (RFC 2595), TLS offered and not yet active. Answer ``ok()`` and then start TLS and call
    ``tls_started()``, or ``err()`` if TLS cannot start."""


# ---------------------------------------------------------------- requests: TRANSACTION

@dataclass(frozen=True, slots=True)
class RetrRequested(Request):
    """RETR msg (checked: exists, not deleted). Answer ``message(data)`` or ``err()``."""

    msg: int


@dataclass(frozen=True, slots=True)
class TopRequested(Request):
    """TOP msg lines (checked). Answer ``message(data)`` (the core cuts it) or ``err()``."""

    msg: int
    lines: int


@dataclass(frozen=True, slots=True)
class QuitRequested(Request):
    """QUIT in TRANSACTION: the connection is in UPDATE. Remove the messages numbered ``deleted``
    from the store, then answer ``ok()`` or ``err()`` (RFC 1939: "some deleted messages not
    removed"). Either way the connection then closes."""

    deleted: tuple[int, ...]


# ---------------------------------------------------------------- answered by the core

@dataclass(frozen=True, slots=True)
class StatRequested(Answered):
    count: int
    octets: int
    response: bytes


@dataclass(frozen=True, slots=True)
class ListRequested(Answered):
    msg: int | None
    response: bytes


@dataclass(frozen=True, slots=True)
class UidlRequested(Answered):
    msg: int | None
    response: bytes


@dataclass(frozen=True, slots=True)
class DeleRequested(Answered):
    """The message is now marked deleted (removed at QUIT)."""

    msg: int
    response: bytes


@dataclass(frozen=True, slots=True)
class RsetRequested(Answered):
    """Every deletion mark is gone."""

    response: bytes


@dataclass(frozen=True, slots=True)
class NoopRequested(Answered):
    response: bytes


@dataclass(frozen=True, slots=True)
class CapaRequested(Answered):
    response: bytes


@dataclass(frozen=True, slots=True)
class AuthMechanismsListed(Answered):
    """AUTH without argument: the mechanisms offered, as a multi-line list (pre-RFC 5034 clients)."""

    response: bytes


@dataclass(frozen=True, slots=True)
class AuthStarted(Answered):
    """A PLAIN or LOGIN exchange began: ``response`` is the core's first ``+`` challenge."""

    mechanism: str
    response: bytes


@dataclass(frozen=True, slots=True)
class AuthContinued(Answered):
    """The core sent LOGIN's password prompt after the user name."""

    mechanism: str
    response: bytes


@dataclass(frozen=True, slots=True)
class AuthCancelled(Answered):
    """The client sent "*": the exchange is abandoned, back to AUTHORIZATION."""

    mechanism: str
    response: bytes


@dataclass(frozen=True, slots=True)
class QuitBeforeLogin(Answered):
    """QUIT in AUTHORIZATION: signed off, nothing to update; the connection is CLOSED."""

    response: bytes


@dataclass(frozen=True, slots=True)
class BadCommand(Answered):
    """A client mistake answered with -ERR: syntax, unknown command, wrong state, argument out of
    range, overlong line, bad base64 in a SASL exchange (which then ends). ``command`` is the
    keyword when one could be read, else ""."""

    command: str
    reason: str
    response: bytes


@dataclass(frozen=True, slots=True)
class IdleTimedOut(Answered):
    """The autologout timer expired: the connection is CLOSED without UPDATE."""

    response: bytes


@dataclass(frozen=True, slots=True)
class ConnectionAborted(Answered):
    """The core gave up on the client (too many bad commands, too much unread input): CLOSED
    without UPDATE."""

    reason: str
    response: bytes


@dataclass(frozen=True, slots=True)
class ConnectionClosed(Event):
    """The connection is CLOSED; close the transport. ``reason`` says why."""

    reason: str

"""POP3 for the mail node. This package holds the sans-IO protocol core (RFC 1939, RFC 2449 CAPA
and response codes, RFC 2595 STLS, RFC 5034 SASL, RFC 3206): ``parser`` (client input),
``responses`` (server output), ``state`` (the state machine and the maildrop snapshot),
``events``, ``options`` and ``connection`` (``Pop3Connection``). The session over the store and
the asyncio server adapter build on it."""
from __future__ import annotations

from mailnodes.pop3.connection import Pop3Connection
from mailnodes.pop3.errors import LocalProtocolError, RemoteProtocolError, ResponseCode
from mailnodes.pop3.events import (
    NEED_DATA,
    PAUSED,
    Answered,
    ApopGiven,
    AuthCancelled,
    AuthContinued,
    AuthMechanismsListed,
    AuthRequested,
    AuthResponseGiven,
    AuthStarted,
    BadCommand,
    CapaRequested,
    ConnectionAborted,
    ConnectionClosed,
    CramMd5ResponseGiven,
    CredentialsGiven,
    DeleRequested,
    Event,
    IdleTimedOut,
    ListRequested,
    NoopRequested,
    PassGiven,
    Pending,
    QuitBeforeLogin,
    QuitRequested,
    Request,
    RetrRequested,
    RsetRequested,
    StatRequested,
    StlsRequested,
    TopRequested,
    UidlRequested,
    UserGiven,
)
from mailnodes.pop3.options import Pop3Options
from mailnodes.pop3.responses import pop3_size
from mailnodes.pop3.state import Maildrop, State

__all__ = [
    "NEED_DATA", "PAUSED", "Answered", "ApopGiven", "AuthCancelled", "AuthContinued",
    "AuthMechanismsListed", "AuthRequested", "AuthResponseGiven", "AuthStarted", "BadCommand",
    "CapaRequested", "ConnectionAborted", "ConnectionClosed", "CramMd5ResponseGiven",
    "CredentialsGiven", "DeleRequested", "Event", "IdleTimedOut", "ListRequested",
    "LocalProtocolError", "Maildrop", "NoopRequested", "PassGiven", "Pending", "Pop3Connection",
    "Pop3Options", "QuitBeforeLogin", "QuitRequested", "RemoteProtocolError", "Request",
    "ResponseCode", "RetrRequested", "RsetRequested", "State", "StatRequested", "StlsRequested",
    "TopRequested", "UidlRequested", "UserGiven", "pop3_size",
]

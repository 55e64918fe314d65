"""IMAP for the mail node. This package holds the sans-IO protocol core (RFC 3501 IMAP4rev1,
RFC 9051 IMAP4rev2 and the extensions listed in ``options.KNOWN_EXTENSIONS``): ``parser`` (framing
and command parsing), ``commands`` (the typed commands), ``responses`` (server output),
``state`` (the state machine), ``events``, ``options``, ``mutf7`` and ``connection``
(``ImapConnection``). The session over the store and the asyncio server adapter build on it."""
from __future__ import annotations

from mailnodes.imap import commands, responses
from mailnodes.imap.connection import ImapConnection
from mailnodes.imap.errors import LocalProtocolError, RemoteProtocolError
from mailnodes.imap.events import (
    NEED_DATA,
    PAUSED,
    Answered,
    AuthCancelled,
    AuthContinued,
    AuthRequested,
    AuthResponseGiven,
    AuthStarted,
    CommandAnswered,
    CommandReceived,
    CommandRejected,
    ConnectionAborted,
    ConnectionClosed,
    CredentialsGiven,
    Event,
    IdleEnded,
    IdleTimedOut,
    LiteralGoAhead,
    Pending,
    Request,
)
from mailnodes.imap.options import KNOWN_EXTENSIONS, ImapOptions
from mailnodes.imap.state import Mode, SelectedMailbox, State

__all__ = [
    "KNOWN_EXTENSIONS", "NEED_DATA", "PAUSED", "Answered", "AuthCancelled", "AuthContinued", "AuthRequested",
    "AuthResponseGiven", "AuthStarted", "CommandAnswered", "CommandReceived", "CommandRejected",
    "ConnectionAborted", "ConnectionClosed", "CredentialsGiven", "Event", "IdleEnded", "IdleTimedOut",
    "ImapConnection", "ImapOptions", "LiteralGoAhead", "LocalProtocolError", "Mode", "Pending",
    "RemoteProtocolError", "Request", "SelectedMailbox", "State", "commands", "responses",
]

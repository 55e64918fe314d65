"""Drivers for the POP3 core in tests: a greeted connection, feeding lines, draining events, and
``ScriptedSession``, an in-memory stand-in for the session that answers every request the way the
real one will (fixed users, fixed maildrop)."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from mailnodes.pop3 import (
    NEED_DATA,
    PAUSED,
    Answered,
    ApopGiven,
    AuthRequested,
    AuthResponseGiven,
    ConnectionClosed,
    CramMd5ResponseGiven,
    CredentialsGiven,
    Event,
    Maildrop,
    PassGiven,
    Pop3Connection,
    Pop3Options,
    QuitRequested,
    Request,
    RetrRequested,
    State,
    StlsRequested,
    TopRequested,
    UserGiven,
    pop3_size,
)

PLAIN_OK = Pop3Options(allow_plaintext_auth=True)
TIMESTAMP = "<1896.697170952@dbc.mtview.ca.us>"
CHALLENGE = b"<1896.697170952@postoffice.reston.mci.net>"
MESSAGES = [
    b"From: a@example.com\r\nSubject: one\r\n\r\nline 1\r\n.line 2\r\nline 3\r\n",
    b"From: b@example.com\nSubject: two\n\nbody\n",
    b"Subject: three\r\n\r\n",
]
MAILDROP = Maildrop.of([(pop3_size(m), f"uid-{i}") for i, m in enumerate(MESSAGES, 1)])


def connect(options: Pop3Options = PLAIN_OK, *, tls: bool = False, now: float = 0.0) -> Pop3Connection:
    """A connection whose greeting has been sent."""
    conn = Pop3Connection(options, now=now, tls_active=tls)
    conn.greeting("ready", TIMESTAMP if options.apop else None)
    return conn


def send(conn: Pop3Connection, data: bytes | str, now: float = 1.0) -> Event:
    """Feed ``data`` (a str gets CRLF appended) and return the next event, which must be one."""
    if isinstance(data, str):
        data = data.encode() + b"\r\n"
    conn.receive_data(data, now)
    event = conn.next_event()
    assert isinstance(event, Event), event
    return event


def drain(conn: Pop3Connection) -> list[Event]:
    """Every event available without answering anything (stops at NEED_DATA/PAUSED/closed)."""
    found: list[Event] = []
    while True:
        event = conn.next_event()
        if event is NEED_DATA or event is PAUSED:
            return found
        assert isinstance(event, Event)
        found.append(event)
        if isinstance(event, ConnectionClosed):
            return found


def login(conn: Pop3Connection, maildrop: Maildrop = MAILDROP) -> bytes:
    assert isinstance(send(conn, "USER alice"), UserGiven)
    conn.ok()
    assert isinstance(send(conn, "PASS secret"), PassGiven)
    return conn.login_succeeded(maildrop)


def in_transaction(options: Pop3Options = PLAIN_OK, maildrop: Maildrop = MAILDROP) -> Pop3Connection:
    conn = connect(options)
    login(conn, maildrop)
    assert conn.state is State.TRANSACTION
    return conn


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


@dataclass
class ScriptedSession:
    """Answers requests like the real session: user "alice", password "secret", ``MESSAGES``."""

    secret: str = "secret"
    messages: list[bytes] = field(default_factory=lambda: list(MESSAGES))
    applied: list[tuple[int, ...]] = field(default_factory=list)

    def maildrop(self) -> Maildrop:
        return Maildrop.of([(pop3_size(m), f"uid-{i}") for i, m in enumerate(self.messages, 1)])

    def answer(self, conn: Pop3Connection, event: Request) -> bytes:
        if isinstance(event, UserGiven):
            return conn.ok()
        if isinstance(event, StlsRequested):
            out = conn.ok()
            conn.tls_started()  # the handshake, in memory
            return out
        if isinstance(event, (PassGiven, CredentialsGiven)):
            good = event.password == self.secret and event.username == "alice"
            return conn.login_succeeded(self.maildrop()) if good else conn.login_failed()
        if isinstance(event, ApopGiven):
            good = event.name == "alice" and event.digest == md5_hex(event.timestamp + self.secret)
            return conn.login_succeeded(self.maildrop()) if good else conn.login_failed()
        if isinstance(event, AuthRequested) and event.mechanism == "CRAM-MD5":
            return conn.challenge(CHALLENGE)
        if isinstance(event, CramMd5ResponseGiven):
            expected = hmac.new(self.secret.encode(), event.challenge, "md5").hexdigest()
            good = event.username == "alice" and event.digest == expected
            return conn.login_succeeded(self.maildrop()) if good else conn.login_failed()
        if isinstance(event, (AuthRequested, AuthResponseGiven)):
            return conn.login_failed("mechanism not available")
        if isinstance(event, (RetrRequested, TopRequested)):
            return conn.message(self.messages[event.msg - 1])
        if isinstance(event, QuitRequested):
            self.applied.append(event.deleted)
            return conn.ok()
        raise AssertionError(f"unexpected request {event!r}")

    def run(self, conn: Pop3Connection) -> bytes:
        """Drain the connection, answering each request; the bytes written to the client."""
        out = bytearray()
        while True:
            event = conn.next_event()
            if event is NEED_DATA or isinstance(event, ConnectionClosed):
                return bytes(out)
            assert event is not PAUSED, "paused with nothing pending"
            if isinstance(event, Answered):
                out += event.response
            else:
                assert isinstance(event, Request)
                out += self.answer(conn, event)

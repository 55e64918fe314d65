"""Every command in every state: accepted where RFC 1939/2449/2595/5034 allow it, "-ERR ... not
allowed" elsewhere, and never a change of state for a refused one."""
from __future__ import annotations

import pytest

from mailnodes.pop3 import (
    PAUSED,
    Answered,
    BadCommand,
    Pop3Connection,
    Pop3Options,
    Request,
    State,
)
from tests.unit.pop3.helpers import connect, in_transaction, send

OPTIONS = Pop3Options(apop=True, allow_plaintext_auth=True, stls=True,
                      sasl_mechanisms=("PLAIN", "LOGIN", "CRAM-MD5"))
LINES = {
    "USER": "USER alice", "PASS": "PASS secret", "APOP": "APOP alice c4c9334bac560ecc979e58001b3e22fb",
    "AUTH": "AUTH PLAIN", "STLS": "STLS", "CAPA": "CAPA", "QUIT": "QUIT", "STAT": "STAT",
    "LIST": "LIST", "RETR": "RETR 1", "DELE": "DELE 1", "NOOP": "NOOP", "RSET": "RSET",
    "TOP": "TOP 1 0", "UIDL": "UIDL",
}
BEFORE_LOGIN = {"USER", "PASS", "APOP", "AUTH", "STLS", "CAPA", "QUIT"}
AFTER_LOGIN = {"CAPA", "QUIT", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP", "UIDL"}


def authorization() -> Pop3Connection:
    conn = connect(OPTIONS)
    send(conn, "USER alice")  # so PASS is acceptable
    conn.ok()
    return conn


@pytest.mark.parametrize("keyword", sorted(LINES))
def test_in_authorization(keyword: str) -> None:
    conn = authorization()
    event = send(conn, LINES[keyword])
    if keyword in BEFORE_LOGIN:
        assert not isinstance(event, BadCommand), event
    else:
        assert event == BadCommand(keyword, f"{keyword} not allowed before login",
                                   f"-ERR {keyword} not allowed before login\r\n".encode())
        assert conn.state is State.AUTHORIZATION


@pytest.mark.parametrize("keyword", sorted(LINES))
def test_in_transaction(keyword: str) -> None:
    conn = in_transaction(OPTIONS)
    event = send(conn, LINES[keyword])
    if keyword in AFTER_LOGIN:
        assert not isinstance(event, BadCommand), event
    else:
        assert event == BadCommand(keyword, f"{keyword} not allowed after login",
                                   f"-ERR {keyword} not allowed after login\r\n".encode())
        assert conn.state is State.TRANSACTION


@pytest.mark.parametrize("keyword", sorted(LINES))
def test_in_auth_in_progress_every_line_is_a_sasl_response(keyword: str) -> None:
    conn = connect(OPTIONS)
    send(conn, "AUTH LOGIN")
    assert conn.state is State.AUTH_IN_PROGRESS
    event = send(conn, LINES[keyword])
    # A command is never run here: it is either read as base64 (a user name) or refused.
    assert type(event).__name__ in {"AuthContinued", "BadCommand"}
    assert conn.state in (State.AUTH_IN_PROGRESS, State.AUTHORIZATION)


@pytest.mark.parametrize("keyword", sorted(LINES))
def test_in_update_nothing_is_read(keyword: str) -> None:
    conn = in_transaction(OPTIONS)
    send(conn, "QUIT")
    conn.receive_data(LINES[keyword].encode() + b"\r\n", 2.0)
    assert conn.next_event() is PAUSED
    assert conn.state is State.UPDATE


def test_unknown_commands_in_both_states() -> None:
    for conn in (connect(), in_transaction()):
        for line in ("LAST", "XTND XMIT", "HELO", "EHLO x"):
            event = send(conn, line)
            assert isinstance(event, BadCommand)
            assert event.response == b"-ERR unknown command\r\n"


def test_every_event_is_a_request_or_answered() -> None:
    conn = in_transaction(OPTIONS)
    for line in ("STAT", "LIST", "UIDL", "NOOP", "RSET", "CAPA", "DELE 1"):
        assert isinstance(send(conn, line), Answered)
    assert isinstance(send(conn, "RETR 2"), Request)

"""The TRANSACTION and UPDATE states: STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP, QUIT, and
the deletion marks the core keeps."""
from __future__ import annotations

import pytest

from mailnodes.pop3 import (
    PAUSED,
    BadCommand,
    ConnectionClosed,
    DeleRequested,
    ListRequested,
    LocalProtocolError,
    Maildrop,
    NoopRequested,
    QuitBeforeLogin,
    QuitRequested,
    ResponseCode,
    RetrRequested,
    RsetRequested,
    State,
    StatRequested,
    TopRequested,
    UidlRequested,
)
from tests.unit.pop3.helpers import MESSAGES, connect, in_transaction, send


def assert_bad(event: object, response: bytes) -> None:
    assert isinstance(event, BadCommand), event
    assert event.response == response


def test_stat() -> None:
    assert send(in_transaction(), "STAT") == StatRequested(3, 123, b"+OK 3 123\r\n")


def test_stat_of_an_empty_maildrop() -> None:
    conn = in_transaction(maildrop=Maildrop((), ()))
    assert send(conn, "STAT") == StatRequested(0, 0, b"+OK 0 0\r\n")
    assert send(conn, "LIST") == ListRequested(None, b"+OK 0 messages (0 octets)\r\n.\r\n")
    assert_bad(send(conn, "RETR 1"), b"-ERR no such message, only 0 messages in maildrop\r\n")


def test_list_with_and_without_argument() -> None:
    conn = in_transaction()
    assert send(conn, "LIST") == ListRequested(None, b"+OK 3 messages (123 octets)\r\n1 62\r\n2 43\r\n3 18\r\n.\r\n")
    assert send(conn, "LIST 2") == ListRequested(2, b"+OK 2 43\r\n")


def test_uidl_with_and_without_argument() -> None:
    conn = in_transaction()
    assert send(conn, "UIDL") == UidlRequested(
        None, b"+OK unique-id listing follows\r\n1 uid-1\r\n2 uid-2\r\n3 uid-3\r\n.\r\n")
    assert send(conn, "UIDL 3") == UidlRequested(3, b"+OK 3 uid-3\r\n")


def test_deleted_messages_are_hidden_from_stat_list_and_uidl() -> None:
    conn = in_transaction()
    assert send(conn, "DELE 2") == DeleRequested(2, b"+OK message 2 deleted\r\n")
    assert conn.deleted == (2,)
    assert send(conn, "STAT") == StatRequested(2, 80, b"+OK 2 80\r\n")
    assert send(conn, "LIST") == ListRequested(None, b"+OK 2 messages (80 octets)\r\n1 62\r\n3 18\r\n.\r\n")
    assert send(conn, "UIDL") == UidlRequested(None, b"+OK unique-id listing follows\r\n1 uid-1\r\n3 uid-3\r\n.\r\n")
    deleted = b"-ERR message 2 already deleted\r\n"
    for line in ("LIST 2", "UIDL 2", "RETR 2", "TOP 2 0", "DELE 2"):
        assert_bad(send(conn, line), deleted)


def test_rset_unmarks() -> None:
    conn = in_transaction()
    send(conn, "DELE 1")
    send(conn, "DELE 3")
    assert send(conn, "RSET") == RsetRequested(b"+OK maildrop has 3 messages (123 octets)\r\n")
    assert conn.deleted == ()
    assert isinstance(send(conn, "RETR 1"), RetrRequested)


def test_noop() -> None:
    assert send(in_transaction(), "NOOP") == NoopRequested(b"+OK\r\n")


@pytest.mark.parametrize("line, response", [
    ("RETR 0", b"-ERR no such message: messages are numbered from 1\r\n"),
    ("RETR 4", b"-ERR no such message, only 3 messages in maildrop\r\n"),
    ("RETR 99999999999", b"-ERR invalid message number\r\n"),
    ("RETR abc", b"-ERR invalid message number\r\n"),
    ("RETR -1", b"-ERR invalid message number\r\n"),
    ("RETR", b"-ERR RETR needs more arguments\r\n"),
    ("RETR 1 2", b"-ERR too many arguments for RETR\r\n"),
    ("LIST 4", b"-ERR no such message, only 3 messages in maildrop\r\n"),
    ("LIST 1 2", b"-ERR too many arguments for LIST\r\n"),
    ("UIDL x", b"-ERR invalid message number\r\n"),
    ("DELE", b"-ERR DELE needs more arguments\r\n"),
    ("DELE 0", b"-ERR no such message: messages are numbered from 1\r\n"),
    ("TOP 1", b"-ERR TOP needs more arguments\r\n"),
    ("TOP 1 -1", b"-ERR invalid number of lines\r\n"),
    ("TOP 1 x", b"-ERR invalid number of lines\r\n"),
    ("TOP 9 1", b"-ERR no such message, only 3 messages in maildrop\r\n"),
    ("TOP 1 1 1", b"-ERR too many arguments for TOP\r\n"),
    ("STAT 1", b"-ERR too many arguments for STAT\r\n"),
    ("NOOP x", b"-ERR too many arguments for NOOP\r\n"),
    ("RSET x", b"-ERR too many arguments for RSET\r\n"),
    ("QUIT now", b"-ERR too many arguments for QUIT\r\n"),
])
def test_argument_errors_are_answered_by_the_core(line: str, response: bytes) -> None:
    conn = in_transaction()
    assert_bad(send(conn, line), response)
    assert conn.state is State.TRANSACTION and conn.pending is None


def test_retr_answered_with_the_message() -> None:
    conn = in_transaction()
    assert send(conn, "RETR 1") == RetrRequested(1)
    assert conn.next_event() is PAUSED
    assert conn.message(MESSAGES[0]) == (
        b"+OK 62 octets\r\nFrom: a@example.com\r\nSubject: one\r\n\r\nline 1\r\n..line 2\r\nline 3\r\n.\r\n")


def test_retr_of_a_bare_lf_message_announces_its_listed_size() -> None:
    conn = in_transaction()
    send(conn, "RETR 2")
    out = conn.message(MESSAGES[1])
    assert out.startswith(b"+OK 43 octets\r\n")
    assert len(out) - len(b"+OK 43 octets\r\n") - len(b".\r\n") == 43


def test_retr_can_fail_in_the_store() -> None:
    conn = in_transaction()
    send(conn, "RETR 1")
    assert conn.err("message vanished", ResponseCode.SYS_TEMP) == b"-ERR [SYS/TEMP] message vanished\r\n"
    assert conn.state is State.TRANSACTION


@pytest.mark.parametrize("lines, expected", [
    (0, b"From: a@example.com\r\nSubject: one\r\n\r\n.\r\n"),
    (2, b"From: a@example.com\r\nSubject: one\r\n\r\nline 1\r\n..line 2\r\n.\r\n"),
    (50, b"From: a@example.com\r\nSubject: one\r\n\r\nline 1\r\n..line 2\r\nline 3\r\n.\r\n"),
])
def test_top(lines: int, expected: bytes) -> None:
    conn = in_transaction()
    assert send(conn, f"TOP 1 {lines}") == TopRequested(1, lines)
    assert conn.message(MESSAGES[0]) == b"+OK top of message follows\r\n" + expected


def test_quit_in_transaction_enters_update_with_the_marks() -> None:
    conn = in_transaction()
    send(conn, "DELE 3")
    send(conn, "DELE 1")
    assert send(conn, "QUIT") == QuitRequested((1, 3))
    assert conn.state is State.UPDATE
    assert conn.next_event() is PAUSED
    assert conn.ok() == b"+OK POP3 server signing off\r\n"
    assert conn.state is State.CLOSED
    assert conn.next_event() == ConnectionClosed("the client quit")


def test_quit_with_failed_deletions() -> None:
    conn = in_transaction()
    send(conn, "DELE 1")
    send(conn, "QUIT")
    assert conn.err("some deleted messages not removed", ResponseCode.SYS_TEMP) == (
        b"-ERR [SYS/TEMP] some deleted messages not removed\r\n")
    assert conn.state is State.CLOSED


def test_quit_in_authorization_updates_nothing() -> None:
    conn = connect()
    assert send(conn, "QUIT") == QuitBeforeLogin(b"+OK POP3 server signing off\r\n")
    assert conn.state is State.CLOSED
    assert conn.next_event() == ConnectionClosed("the client quit")


def test_commands_after_quit_are_never_read() -> None:
    conn = in_transaction()
    conn.receive_data(b"QUIT\r\nDELE 1\r\n", 1.0)
    assert conn.next_event() == QuitRequested(())
    assert conn.next_event() is PAUSED
    conn.ok()
    assert isinstance(conn.next_event(), ConnectionClosed)
    conn.receive_data(b"STAT\r\n", 2.0)
    assert isinstance(conn.next_event(), ConnectionClosed)


def test_answers_must_fit_the_request() -> None:
    conn = in_transaction()
    send(conn, "RETR 1")
    with pytest.raises(LocalProtocolError):
        conn.ok()
    with pytest.raises(LocalProtocolError):
        conn.login_succeeded(Maildrop((), ()))
    with pytest.raises(LocalProtocolError):
        conn.challenge(b"x")
    conn.message(b"x")
    with pytest.raises(LocalProtocolError, match="no request is waiting"):
        conn.message(b"x")

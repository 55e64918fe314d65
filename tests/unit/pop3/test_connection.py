"""The connection as a whole: pipelining, framing limits, flood and abuse bounds, end of input,
the idle timer, and the caller's contract (LocalProtocolError)."""
from __future__ import annotations

import pytest

from mailnodes.pop3 import (
    NEED_DATA,
    PAUSED,
    BadCommand,
    CapaRequested,
    ConnectionAborted,
    ConnectionClosed,
    DeleRequested,
    IdleTimedOut,
    ListRequested,
    LocalProtocolError,
    Maildrop,
    NoopRequested,
    PassGiven,
    Pop3Connection,
    Pop3Options,
    QuitRequested,
    RetrRequested,
    State,
    StatRequested,
    UserGiven,
)
from tests.unit.pop3.helpers import MAILDROP, PLAIN_OK, TIMESTAMP, connect, drain, in_transaction, send

# ---------------------------------------------------------------- pipelining

def test_pipelined_commands_become_events_in_order() -> None:
    conn = connect()
    conn.receive_data(b"USER alice\r\nPASS secret\r\nSTAT\r\nLIST 1\r\nDELE 1\r\nRETR 2\r\nQUIT\r\n", 1.0)
    assert conn.next_event() == UserGiven("alice")
    assert conn.next_event() is PAUSED  # PASS waits until USER is answered
    conn.ok()
    assert conn.next_event() == PassGiven("alice", "secret")
    conn.login_succeeded(MAILDROP)
    # STAT is read only now, in TRANSACTION, which the answer to PASS produced.
    assert drain(conn) == [
        StatRequested(3, 123, b"+OK 3 123\r\n"),
        ListRequested(1, b"+OK 1 62\r\n"),
        DeleRequested(1, b"+OK message 1 deleted\r\n"),
        RetrRequested(2),
    ]
    conn.message(b"x")
    assert conn.next_event() == QuitRequested((1,))


def test_pipelined_commands_after_a_failed_login_are_read_in_authorization() -> None:
    conn = connect()
    conn.receive_data(b"USER alice\r\nPASS wrong\r\nSTAT\r\n", 1.0)
    conn.next_event()
    conn.ok()
    conn.next_event()
    conn.login_failed()
    event = conn.next_event()
    assert isinstance(event, BadCommand) and event.reason == "STAT not allowed before login"


def test_one_byte_at_a_time() -> None:
    conn = in_transaction()
    events = []
    for byte in b"STAT\r\nNOOP\r\n":
        conn.receive_data(bytes([byte]), 1.0)
        events += drain(conn)
    assert [type(e) for e in events] == [StatRequested, NoopRequested]


def test_bare_lf_ends_a_command() -> None:
    assert isinstance(send(in_transaction(), b"STAT\n"), StatRequested)


def test_empty_lines_are_bad_commands() -> None:
    event = send(connect(), "")
    assert isinstance(event, BadCommand) and event.response == b"-ERR empty command line\r\n"


# ---------------------------------------------------------------- limits

def test_overlong_line_is_refused_and_reading_resumes() -> None:
    conn = in_transaction()
    conn.receive_data(b"NOOP " + b"x" * 600 + b"\r\nSTAT\r\n", 1.0)
    event = conn.next_event()
    assert event == BadCommand("", "line too long", b"-ERR line too long\r\n")
    assert isinstance(conn.next_event(), StatRequested)


def test_overlong_line_without_end_is_bounded() -> None:
    conn = in_transaction()
    conn.receive_data(b"x" * 1000, 1.0)
    assert conn.next_event() == BadCommand("", "line too long", b"-ERR line too long\r\n")
    for _ in range(100):
        conn.receive_data(b"y" * 1000, 1.0)  # the same line goes on: dropped, not stored
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"\r\nSTAT\r\n", 1.0)
    assert isinstance(conn.next_event(), StatRequested)


def test_limit_is_configurable_and_counts_crlf() -> None:
    conn = in_transaction(Pop3Options(allow_plaintext_auth=True, max_line=255))
    assert isinstance(send(conn, "NOOP" + " " * 249), NoopRequested)  # 253 + CRLF = 255
    assert send(conn, "NOOP" + " " * 250).reason == "line too long"


def test_too_much_unread_input_aborts() -> None:
    conn = in_transaction(Pop3Options(allow_plaintext_auth=True, max_buffer=10_000))
    conn.receive_data(b"RETR 1\r\n", 1.0)
    assert isinstance(conn.next_event(), RetrRequested)
    conn.receive_data(b"NOOP\r\n" * 2000, 1.0)  # pipelined while the RETR is being answered
    assert conn.state is State.CLOSED
    event = conn.next_event()
    assert event == ConnectionAborted("too much unread input", b"-ERR too much input, closing\r\n")
    assert conn.next_event() == ConnectionClosed("too much unread input")
    with pytest.raises(LocalProtocolError):
        conn.message(b"late")  # the pending RETR died with the connection


def test_too_many_bad_commands_abort() -> None:
    conn = connect(Pop3Options(allow_plaintext_auth=True, max_bad_commands=3))
    conn.receive_data(b"XXXX\r\nYYYY\r\nZZZZ\r\nCAPA\r\n", 1.0)
    events = drain(conn)
    assert [type(e) for e in events] == [BadCommand, BadCommand, BadCommand, ConnectionAborted, ConnectionClosed]
    assert events[3].response == b"-ERR too many errors, closing connection\r\n"


# ---------------------------------------------------------------- end of input

def test_client_closing_in_transaction_does_not_update() -> None:
    conn = in_transaction()
    send(conn, "DELE 1")
    conn.receive_data(b"", 2.0)
    assert conn.next_event() == ConnectionClosed("the client closed the connection")
    assert conn.state is State.CLOSED


def test_commands_before_end_of_input_are_still_served() -> None:
    conn = in_transaction()
    conn.receive_data(b"DELE 1\r\nQUIT\r\n", 1.0)
    conn.receive_data(b"", 1.0)
    assert isinstance(conn.next_event(), DeleRequested)
    assert conn.next_event() == QuitRequested((1,))  # QUIT was received: UPDATE happens
    conn.ok()
    assert conn.next_event() == ConnectionClosed("the client quit")


def test_an_incomplete_line_at_end_of_input_is_dropped() -> None:
    conn = in_transaction()
    conn.receive_data(b"DELE 1", 1.0)
    conn.receive_data(b"", 1.0)
    assert conn.next_event() == ConnectionClosed("the client closed the connection")
    assert conn.deleted == ()


def test_server_close() -> None:
    conn = in_transaction()
    assert conn.close("server shutting down", None) == b"-ERR server shutting down\r\n"
    assert conn.state is State.CLOSED
    assert conn.next_event() == ConnectionClosed("closed by the server")
    assert conn.close("again") == b""
    assert connect().close() == b""


def test_refusing_a_connection_instead_of_greeting() -> None:
    conn = Pop3Connection(PLAIN_OK, now=0.0)
    assert conn.close("too many connections") == b"-ERR too many connections\r\n"
    assert isinstance(conn.next_event(), ConnectionClosed)
    with pytest.raises(LocalProtocolError):
        conn.greeting()


# ---------------------------------------------------------------- idle timer

def test_idle_timer_closes_without_update() -> None:
    conn = in_transaction()
    send(conn, "DELE 1", now=100.0)
    assert conn.get_timer() == 700.0  # RFC 1939's ten minutes after the last input
    conn.handle_timer(699.9)
    assert conn.state is State.TRANSACTION
    conn.handle_timer(700.0)
    assert conn.state is State.CLOSED
    assert conn.next_event() == IdleTimedOut(b"-ERR autologout: idle for too long\r\n")
    assert conn.next_event() == ConnectionClosed("idle timeout")
    assert conn.get_timer() is None


def test_input_rearms_the_timer() -> None:
    conn = connect(Pop3Options(allow_plaintext_auth=True, idle_timeout=30.0), now=0.0)
    assert conn.get_timer() == 30.0
    conn.receive_data(b"CA", 20.0)
    assert conn.get_timer() == 50.0
    conn.note_activity(45.0)
    assert conn.get_timer() == 75.0


def test_timer_stops_while_the_caller_owes_an_answer() -> None:
    conn = in_transaction()
    send(conn, "RETR 1", now=5.0)
    assert conn.get_timer() is None
    conn.handle_timer(10_000.0)
    assert conn.state is State.TRANSACTION
    conn.message(b"x")
    conn.note_activity(10_000.0)
    assert conn.get_timer() == 10_600.0


def test_timer_in_authorization() -> None:
    conn = connect(now=0.0)
    conn.handle_timer(600.0)
    assert isinstance(conn.next_event(), IdleTimedOut)


# ---------------------------------------------------------------- the caller's contract

def test_next_event_before_greeting_raises() -> None:
    conn = Pop3Connection(PLAIN_OK, now=0.0)
    with pytest.raises(LocalProtocolError, match="greeting"):
        conn.next_event()


def test_greeting_rules() -> None:
    with pytest.raises(LocalProtocolError):
        Pop3Connection(Pop3Options(apop=True), now=0).greeting("ready")
    with pytest.raises(LocalProtocolError):
        Pop3Connection(PLAIN_OK, now=0).greeting("ready", TIMESTAMP)
    for bad in ("1896.697170952@host", "<nohost>", "<a b@c>", "<a@b"):
        with pytest.raises(LocalProtocolError):
            Pop3Connection(Pop3Options(apop=True), now=0).greeting("ready", bad)
    with pytest.raises(LocalProtocolError):
        Pop3Connection(PLAIN_OK, now=0).greeting("two\r\nlines")
    conn = connect()
    with pytest.raises(LocalProtocolError):
        conn.greeting()


def test_answer_without_request_raises() -> None:
    conn = connect()
    for call in (lambda: conn.ok(), lambda: conn.err("x"), lambda: conn.login_failed(),
                 lambda: conn.login_succeeded(MAILDROP), lambda: conn.challenge(b"x"),
                 lambda: conn.message(b"x")):
        with pytest.raises(LocalProtocolError):
            call()


def test_a_bad_answer_text_changes_nothing() -> None:
    conn = connect()
    send(conn, "USER alice")
    with pytest.raises(LocalProtocolError):
        conn.ok("two\r\nlines")
    assert conn.pending == UserGiven("alice")
    assert conn.ok() == b"+OK send PASS\r\n"


def test_login_succeeded_needs_a_maildrop() -> None:
    conn = connect()
    send(conn, "USER alice")
    conn.ok()
    send(conn, "PASS x")
    with pytest.raises(LocalProtocolError):
        conn.login_succeeded([(1, "a")])  # type: ignore[arg-type]
    assert conn.state is State.AUTHORIZATION
    conn.login_succeeded(Maildrop.of([(1, "a")]))


def test_challenge_only_in_a_caller_driven_exchange() -> None:
    conn = connect()
    send(conn, "AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=")
    with pytest.raises(LocalProtocolError):
        conn.challenge(b"x")
    conn2 = connect(Pop3Options(sasl_mechanisms=("CRAM-MD5",)))
    send(conn2, "AUTH CRAM-MD5")
    with pytest.raises(LocalProtocolError):
        conn2.challenge(b"")


def test_tls_started_without_stls_raises() -> None:
    with pytest.raises(LocalProtocolError):
        connect().tls_started()


@pytest.mark.parametrize("kwargs", [
    {"sasl_mechanisms": ("plain",)}, {"sasl_mechanisms": ("PLAIN", "PLAIN")},
    {"implementation": "a\r\nb"}, {"expire": -1}, {"expire": "SOMETIMES"}, {"login_delay": -5},
    {"idle_timeout": 0}, {"max_line": 100}, {"max_auth_line": 300}, {"max_buffer": 100},
    {"max_bad_commands": 0},
])
def test_impossible_options_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Pop3Options(**kwargs)  # type: ignore[arg-type]


def test_data_after_close_is_ignored() -> None:
    conn = connect()
    send(conn, "QUIT")
    conn.receive_data(b"CAPA\r\n", 2.0)
    assert isinstance(conn.next_event(), ConnectionClosed)
    assert not isinstance(conn.next_event(), CapaRequested)

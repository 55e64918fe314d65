"""Framing: lines and literals, split across ``receive_data`` calls at every byte boundary,
pipelined commands, synchronising and non-synchronising literals (LITERAL+ / LITERAL-), literal8,
limits on lines and literals, and recovery after each fault."""
from __future__ import annotations

import pytest

from mailnodes.imap import (
    NEED_DATA,
    CommandReceived,
    CommandRejected,
    ConnectionAborted,
    ConnectionClosed,
    CredentialsGiven,
    ImapOptions,
    LiteralGoAhead,
    LocalProtocolError,
    State,
)
from mailnodes.imap import commands as c
from mailnodes.imap.parser import (
    CommandFramer,
    Frame,
    FrameError,
    Framing,
    LiteralAnnounced,
    literal_announcement,
)
from tests.unit.imap.helpers import PLAIN_OK, authenticated, connect, drain, send

APPEND = b"A1 APPEND INBOX (\\Seen) {11}\r\nHello World {3+}\r\nabc\r\n"


def test_literal_announcement_detection() -> None:
    assert literal_announcement(b"a LOGIN {5}") == (5, True, False)
    assert literal_announcement(b"a LOGIN {5+}") == (5, False, False)
    assert literal_announcement(b"a APPEND x ~{7}") == (7, True, True)
    assert literal_announcement(b'a LOGIN "x{5}') is None       # inside an (unterminated) quoted string
    assert literal_announcement(b'a LOGIN "x\\"{5}') is None
    assert literal_announcement(b'a LOGIN "x\\\\" {5}') == (5, True, False)
    assert literal_announcement(b"a LOGIN {5} x") is None
    assert literal_announcement(b"a LOGIN {-5}") is None


def test_framer_assembles_a_command_with_literals() -> None:
    framer = CommandFramer()
    framer.feed(b"a LOGIN {5}\r\n")
    announced = framer.next_command(1000)
    assert announced == LiteralAnnounced(5, True, False, b"a LOGIN {5}\r\n")
    with pytest.raises(LocalProtocolError):
        framer.next_command(1000)  # decide first
    framer.accept_literal()
    assert framer.next_command(1000) is Framing.INCOMPLETE
    framer.feed(b"alice secret\r\nb NOOP\n")
    assert framer.next_command(1000) == Frame(b"a LOGIN {5}\r\nalice secret")
    assert framer.next_command(1000) == Frame(b"b NOOP")
    assert framer.next_command(1000) is Framing.INCOMPLETE
    assert not framer.in_command


def test_framer_refuse_and_discard() -> None:
    framer = CommandFramer()
    framer.feed(b"a LOGIN {5}\r\nb NOOP\r\n")
    assert isinstance(framer.next_command(1000), LiteralAnnounced)
    framer.refuse_literal()
    assert framer.next_command(1000) == Frame(b"b NOOP")
    framer.feed(b"c APPEND x {4+}\r\nabcd {2+}\r\nxy\r\nd NOOP\r\n")
    assert isinstance(framer.next_command(1000), LiteralAnnounced)
    framer.discard_literal("too big")
    assert framer.next_command(1000) == FrameError("too big", b"c APPEND x {4+}")
    assert framer.next_command(1000) == Frame(b"d NOOP")


def test_framer_overlong_lines() -> None:
    framer = CommandFramer()
    framer.feed(b"a NOOP " + b"x" * 50)
    assert framer.next_command(40) is Framing.INCOMPLETE  # the line's end has not come yet
    framer.feed(b"y" * 50 + b"\r\nb NOOP\r\n")
    error = framer.next_command(40)
    assert isinstance(error, FrameError) and error.reason == "line too long" and error.head.startswith(b"a NOOP")
    assert framer.next_command(40) == Frame(b"b NOOP")
    framer.feed(b"z" * 100)
    assert framer.next_line(40) is Framing.TOO_LONG
    framer.feed(b"zzz\r\nDONE\r\n")
    assert framer.next_line(40) == b"DONE"


@pytest.mark.parametrize("split", range(1, len(APPEND)))
def test_append_split_at_every_byte(split: int) -> None:
    conn = authenticated()
    conn.receive_data(APPEND[:split], 1.0)
    events = drain(conn)
    conn.receive_data(APPEND[split:], 2.0)
    events += drain(conn)
    goahead = [e for e in events if isinstance(e, LiteralGoAhead)]
    assert [e.response for e in goahead] == [b"+ Ready for literal data\r\n"]
    (request,) = [e for e in events if isinstance(e, CommandReceived)]
    assert request.command == c.Append("A1", "INBOX", (c.AppendMessage(b"Hello World", ("\\Seen",)),
                                                       c.AppendMessage(b"abc")))
    assert len(events) == 2


def test_append_byte_by_byte() -> None:
    conn = authenticated()
    events = []
    for i in range(len(APPEND)):
        conn.receive_data(APPEND[i: i + 1], 1.0)
        events += drain(conn)
    assert [type(e) for e in events] == [LiteralGoAhead, CommandReceived]


def test_pipelined_commands_are_read_one_answer_at_a_time() -> None:
    conn = connect()
    conn.receive_data(b"a1 CAPABILITY\r\na2 LOGIN alice secret\r\na3 SELECT INBOX\r\na4 NOOP\r\n", 1.0)
    first = conn.next_event()
    assert first.response.endswith(b"a1 OK CAPABILITY completed\r\n")  # type: ignore[union-attr]
    assert isinstance(conn.next_event(), CredentialsGiven)
    assert conn.next_event().name == "PAUSED"  # type: ignore[union-attr]
    conn.login_succeeded()
    select = conn.next_event()
    assert isinstance(select, CommandReceived) and conn.state is State.AUTHENTICATED  # seen after the login
    conn.ok()
    assert isinstance(conn.next_event(), CommandReceived)


def test_quoted_braces_are_not_a_literal() -> None:
    conn = connect()
    event = send(conn, 'a LOGIN alice "{5}"')
    assert isinstance(event, CredentialsGiven) and event.password == "{5}"


def test_synchronising_literal_checked_before_go_ahead() -> None:
    conn = connect()
    event = send(conn, b"a SELECT {5}\r\n")  # not allowed before login: no "+", the client stops
    assert isinstance(event, CommandRejected) and b"+" not in event.response
    assert event.response == b"a BAD SELECT not allowed in the not authenticated state\r\n"
    assert isinstance(send(conn, "b NOOP"), CommandReceived)


def test_literal_size_limits() -> None:
    options = ImapOptions(allow_plaintext_auth=True, max_literal=4096, max_append_size=100)
    conn = authenticated(options)
    event = send(conn, b"a APPEND INBOX {101}\r\n")
    assert isinstance(event, CommandRejected)
    assert event.response == b"a NO [TOOBIG] message too big\r\n"
    event = send(conn, b"b STATUS {5000}\r\n")
    assert event.response == b"b BAD literal too big\r\n"  # type: ignore[union-attr]
    event = send(conn, b"c SELECT ~{5}\r\n")
    assert event.response == b"c BAD literal8 is allowed only in APPEND\r\n"  # type: ignore[union-attr]
    assert isinstance(send(conn, b"d APPEND INBOX {100}\r\n"), LiteralGoAhead)


def test_too_big_non_synchronising_literal_is_swallowed_then_refused() -> None:
    options = ImapOptions(allow_plaintext_auth=True, max_append_size=10)
    conn = authenticated(options)
    conn.receive_data(b"a APPEND INBOX {20+}\r\n" + b"x" * 20 + b"\r\nb NOOP\r\n", 1.0)
    rejected, noop = drain(conn)
    assert rejected.response == b"a NO [TOOBIG] message too big\r\n"  # type: ignore[union-attr]
    assert isinstance(noop, CommandReceived) and noop.tag == "b"


def test_huge_non_synchronising_literal_closes_the_connection() -> None:
    conn = authenticated(ImapOptions(allow_plaintext_auth=True, max_append_size=10, max_command_size=100))
    conn.receive_data(b"a APPEND INBOX {1000+}\r\n", 1.0)
    aborted, closed = drain(conn)
    assert isinstance(aborted, ConnectionAborted) and aborted.response.startswith(b"* BYE")
    assert isinstance(closed, ConnectionClosed)


def test_literal_minus() -> None:
    options = ImapOptions(allow_plaintext_auth=True,
                          extensions=frozenset({"UIDPLUS"}))  # no LITERAL+: LITERAL- rules
    conn = connect(options)
    assert "LITERAL-" in conn.capabilities()
    event = send(conn, b"a LOGIN {5+}\r\nalice {6+}\r\nsecret\r\n")
    assert isinstance(event, CredentialsGiven)
    conn.login_succeeded()
    big = b"a APPEND INBOX {5000+}\r\n" + b"x" * 5000 + b"\r\nb NOOP\r\n"
    conn.receive_data(big, 2.0)
    rejected, noop = drain(conn)
    assert rejected.response == b"a BAD non-synchronizing literal larger than 4096 octets (LITERAL-)\r\n"  # type: ignore[union-attr]
    assert isinstance(noop, CommandReceived)


def test_overlong_command_line() -> None:
    conn = connect(ImapOptions(max_line=1000))
    conn.receive_data(b"a1 NOOP " + b"x" * 2000 + b"\r\na2 CAPABILITY\r\n", 1.0)
    rejected, capability = drain(conn)
    assert rejected.response == b"a1 BAD line too long\r\n"  # type: ignore[union-attr]
    assert capability.response.endswith(b"a2 OK CAPABILITY completed\r\n")  # type: ignore[union-attr]


def test_line_after_literal_is_bounded_too() -> None:
    conn = connect(ImapOptions(allow_plaintext_auth=True, max_line=1000))
    conn.receive_data(b"a1 LOGIN {5+}\r\nalice " + b"y" * 1500 + b"\r\n", 1.0)
    (rejected,) = drain(conn)
    assert rejected.response == b"a1 BAD line too long\r\n"  # type: ignore[union-attr]


def test_untagged_bad_when_no_tag() -> None:
    conn = connect()
    for line, reason in ((b"\r\n", b"empty command line"), (b"+ NOOP\r\n", b"missing or invalid tag"),
                         (b"   \r\n", b"empty command line")):
        event = send(conn, line)
        assert isinstance(event, CommandRejected) and event.tag is None
        assert event.response == b"* BAD " + reason + b"\r\n"


def test_end_of_input_mid_command() -> None:
    conn = connect()
    conn.receive_data(b"a LOGIN {5}\r\n", 1.0)
    assert isinstance(conn.next_event(), LiteralGoAhead)
    conn.receive_data(b"ali", 1.0)
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"", 2.0)
    assert isinstance(conn.next_event(), ConnectionClosed)


def test_flood_of_input_while_paused() -> None:
    conn = connect(ImapOptions(allow_plaintext_auth=True, max_append_size=100, max_command_size=1000))
    send(conn, "a LOGIN alice secret")
    conn.receive_data(b"x" * 1001, 1.0)
    events = drain(conn)
    assert isinstance(events[0], ConnectionAborted) and isinstance(events[1], ConnectionClosed)
    assert conn.state is State.LOGOUT


def test_plain_options_default() -> None:
    assert PLAIN_OK.allow_plaintext_auth

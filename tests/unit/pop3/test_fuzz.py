"""Property tests: whatever bytes a client sends, in whatever pieces, the core raises nothing (the
caller here keeps its contract, so not even LocalProtocolError) and every response it produces is
well formed; and every message survives RETR byte-exact modulo line-end normalisation."""
from __future__ import annotations

import base64

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailnodes.pop3 import (
    NEED_DATA,
    PAUSED,
    Answered,
    AuthMechanismsListed,
    CapaRequested,
    ConnectionClosed,
    ListRequested,
    Pop3Connection,
    Pop3Options,
    Request,
    RetrRequested,
    State,
    TopRequested,
    UidlRequested,
)
from mailnodes.pop3.responses import message_response, pop3_size, split_lines
from tests.unit.pop3.helpers import TIMESTAMP, ScriptedSession

OPTIONS = [
    Pop3Options(allow_plaintext_auth=True),
    Pop3Options(apop=True, stls=True, sasl_mechanisms=("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2")),
    Pop3Options(allow_plaintext_auth=True, max_line=255, max_auth_line=300, max_buffer=600, max_bad_commands=5),
]
B64 = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
LINES = [
    "USER alice", "PASS secret", "PASS wrong", "APOP alice c4c9334bac560ecc979e58001b3e22fb",
    "AUTH", "AUTH PLAIN", "AUTH LOGIN", "AUTH CRAM-MD5", "AUTH XOAUTH2 =", "AUTH PLAIN " + B64("\0alice\0secret"),
    B64("\0alice\0secret"), B64("alice"), B64("secret"), "*", "=", "STLS", "CAPA", "STAT", "LIST",
    "LIST 1", "LIST 9", "UIDL", "UIDL 2", "RETR 1", "RETR 3", "RETR 0", "TOP 1 0", "TOP 2 5",
    "DELE 1", "DELE 2", "RSET", "NOOP", "QUIT", "", ".", "RETR 1 2",
]
LOGINS = [b"USER alice\r\nPASS secret\r\n", b"AUTH PLAIN " + B64("\0alice\0secret").encode() + b"\r\n",
          b"AUTH LOGIN\r\n" + B64("alice").encode() + b"\r\n" + B64("secret").encode() + b"\r\n"]
chunk = st.one_of(
    st.binary(max_size=80),
    st.sampled_from(LOGINS),
    st.sampled_from(LINES).map(lambda line: line.encode() + b"\r\n"),
    st.sampled_from(LINES).map(lambda line: line.encode() + b"\r\n"),
    st.sampled_from(LINES).map(lambda line: line.encode() + b"\n"),
)
# A login first (most of the time) so that TRANSACTION is explored too; timer or EOF last.
script = st.tuples(st.sampled_from([b"", *LOGINS, *LOGINS]), st.lists(chunk, max_size=40),
                   st.sampled_from([None, "timer", "eof"])).map(
    lambda t: [t[0], *t[1], *([t[2]] if t[2] else [])])


def assert_single_line(response: bytes) -> None:
    assert response.endswith(b"\r\n"), response
    line = response[:-2]
    assert b"\r" not in line and b"\n" not in line, response
    assert line.startswith((b"+OK", b"-ERR", b"+ ")), response
    if line.startswith(b"+ "):
        base64.b64decode(line[2:], validate=True)
    else:
        assert len(response) <= 512


def assert_multi_line(response: bytes) -> None:
    first, _, rest = response.partition(b"\r\n")
    assert_single_line(first + b"\r\n")
    if first.startswith(b"-ERR"):
        assert rest == b""
        return
    assert first.startswith(b"+OK") and rest.endswith(b".\r\n"), response
    body = rest[:-3]
    assert body == b"" or body.endswith(b"\r\n")
    for line in body.split(b"\r\n")[:-1]:
        assert b"\r" not in line and b"\n" not in line
        assert not line.startswith(b".") or line.startswith(b".."), line


def is_multi_line(event: object) -> bool:
    if isinstance(event, (CapaRequested, AuthMechanismsListed)):
        return True
    if isinstance(event, (ListRequested, UidlRequested)):
        return event.msg is None
    return isinstance(event, (RetrRequested, TopRequested))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(options=st.sampled_from(OPTIONS), chunks=script)
def test_random_input_never_breaks_the_core(options: Pop3Options, chunks: list[bytes | str]) -> None:
    conn = Pop3Connection(options, now=0.0)
    assert_single_line(conn.greeting("ready", TIMESTAMP if options.apop else None))
    session = ScriptedSession()
    now = 0.0
    for piece in chunks:
        now += 1.0
        if piece == "timer":
            now += options.idle_timeout
            conn.handle_timer(now)
        elif piece == "eof":
            conn.receive_data(b"", now)
        else:
            assert isinstance(piece, bytes)
            conn.receive_data(piece, now)
        while True:
            event = conn.next_event()
            if event is NEED_DATA or isinstance(event, ConnectionClosed):
                break
            assert event is not PAUSED  # this caller always answers at once
            if isinstance(event, Answered):
                response = event.response
            else:
                assert isinstance(event, Request)
                response = session.answer(conn, event)
            (assert_multi_line if is_multi_line(event) else assert_single_line)(response)
        if conn.state is State.CLOSED:
            assert conn.get_timer() is None
            assert isinstance(conn.next_event(), ConnectionClosed)
            return
        assert conn.get_timer() is not None


def client_reads(response: bytes) -> tuple[bytes, list[bytes]]:
    """What a client makes of a multi-line response: the status line and the unstuffed lines."""
    first, _, rest = response.partition(b"\r\n")
    assert rest.endswith(b".\r\n")
    lines = rest[:-3].split(b"\r\n")[:-1] if rest != b".\r\n" else []
    return first, [line[1:] if line.startswith(b".") else line for line in lines]


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300) | st.lists(st.sampled_from([b"a", b".", b"\r", b"\n", b"\r\n", b" "])).map(b"".join))
def test_retr_delivers_every_line_and_announces_its_size(data: bytes) -> None:
    response = message_response(data)
    first, lines = client_reads(response)
    assert lines == split_lines(data)
    octets = sum(len(line) + 2 for line in lines)
    assert first == f"+OK {octets} octets".encode()
    assert octets == pop3_size(data)
    assert_multi_line(response)


@settings(max_examples=300, deadline=None)
@given(data=st.lists(st.sampled_from([b"H: v", b"", b".", b"..x", b"body"]), max_size=12), n=st.integers(0, 20))
def test_top_is_a_prefix_of_retr(data: list[bytes], n: int) -> None:
    message = b"\r\n".join(data)
    _, whole = client_reads(message_response(message))
    _, top = client_reads(message_response(message, top=n))
    assert whole[: len(top)] == top
    if b"" in whole:
        blank = whole.index(b"")
        assert len(top) == min(len(whole), blank + 1 + n)
    else:
        assert top == whole

"""Property tests: whatever bytes a client sends, in whatever pieces, the core raises nothing (the
caller here keeps its contract, so not even LocalProtocolError), answers every command with
well-formed lines, and the parser alone only ever raises RemoteProtocolError."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailnodes.imap import (
    NEED_DATA,
    PAUSED,
    Answered,
    ConnectionClosed,
    ImapConnection,
    ImapOptions,
    RemoteProtocolError,
    Request,
    State,
)
from mailnodes.imap.parser import ParseContext, parse_command
from tests.unit.imap.helpers import ScriptedSession

OPTIONS = [
    ImapOptions(allow_plaintext_auth=True),
    ImapOptions(starttls=True, sasl_mechanisms=("PLAIN", "LOGIN", "CRAM-MD5")),
    ImapOptions(allow_plaintext_auth=True, extensions=frozenset(), max_line=1000, max_literal=4096,
                max_append_size=64, max_command_size=256, max_depth=4, max_bad_commands=5),
]
LINES = [
    "a1 CAPABILITY", "a2 LOGIN alice secret", "a3 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==", "a4 AUTHENTICATE PLAIN",
    "AGFsaWNlAHNlY3JldA==", "*", "a5 AUTHENTICATE CRAM-MD5", "a6 STARTTLS", "a7 SELECT INBOX", "a8 EXAMINE Sent",
    "a9 SELECT INBOX (QRESYNC (3857529045 1 1:*))", "b1 ENABLE QRESYNC IMAP4rev2 UTF8=ACCEPT", "b2 FETCH 1:* ALL",
    "b3 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER]) (CHANGEDSINCE 1 VANISHED)", "b4 STORE 1:2 +FLAGS (\\Deleted)",
    "b5 EXPUNGE", "b6 UID EXPUNGE 1:*", "b7 SEARCH RETURN (COUNT SAVE) UNSEEN", "b8 FETCH $ FLAGS", "b9 IDLE", "DONE",
    "c1 CLOSE", "c2 UNSELECT", "c3 LIST \"\" *", "c4 LIST (SUBSCRIBED) \"\" (INBOX %) RETURN (STATUS (MESSAGES))",
    "c5 STATUS INBOX (MESSAGES UIDNEXT UNSEEN SIZE)", "c6 APPEND INBOX (\\Seen) {5}", "hello", "c7 APPEND INBOX {3+}",
    "c8 CREATE &U,BTFw-", "c9 NOOP", "d1 LOGOUT", "d2 ID NIL", "d3 COMPRESS DEFLATE", "d4 MOVE 1 Trash",
    "d5 SORT (REVERSE DATE) UTF-8 ALL", "d6 THREAD REFERENCES UTF-8 ALL", "d7 GETQUOTAROOT INBOX", "", "d8 NAMESPACE",
    "d9 SEARCH OR (SEEN FLAGGED) NOT UID 1:4", "e1 FETCH 1 BINARY[1]<0.10>", "e2 COPY 2 Sent", "{5}", "e3 LOGIN {5}",
]
LOGINS = [b"L LOGIN alice secret\r\n", b"L AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n"]


def mutate(line: str, data: st.DataObject) -> bytes:
    raw = bytearray(line.encode())
    for _ in range(data.draw(st.integers(0, 3))):
        action = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        at = data.draw(st.integers(0, len(raw)))
        if action == "insert" or not raw:
            raw[at:at] = data.draw(st.sampled_from([b"(", b")", b"{", b"}", b"\"", b"\\", b" ", b"*", b"\r\n",
                                                    b"{2}\r\n", b"~", b"[", b"]", b"<", b"\x00", b"\xff", b"9"]))
        elif action == "delete":
            del raw[min(at, len(raw) - 1)]
        else:
            raw[min(at, len(raw) - 1)] ^= data.draw(st.integers(1, 255))
    return bytes(raw) + b"\r\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(options=st.sampled_from(OPTIONS), data=st.data())
def test_random_and_mutated_input_never_breaks_the_core(options: ImapOptions, data: st.DataObject) -> None:
    conn = ImapConnection(options, now=0.0)
    assert conn.greeting().endswith(b"\r\n")
    session = ScriptedSession()
    now = 0.0
    # Mostly a login and a SELECT first, so that every state is explored; then valid, mutated and
    # random input; a timer or the end of input now and then.
    steps = [data.draw(st.sampled_from([b"", *LOGINS, *LOGINS])),
             data.draw(st.sampled_from([b"", b"S SELECT INBOX\r\n", b"S SELECT INBOX\r\n"]))]
    valid = st.sampled_from(LINES).map(lambda line: line.encode() + b"\r\n")
    steps += data.draw(st.lists(st.one_of(
        st.binary(max_size=60), valid, valid, valid,
        st.sampled_from(LINES).flatmap(lambda line: st.just(mutate(line, data))),
        st.sampled_from(["timer", "eof"]),
    ), max_size=30))
    for piece in steps:
        now += 1.0
        if piece == "timer":
            now += options.autologout
            conn.handle_timer(now)
        elif piece == "eof":
            conn.receive_data(b"", now)
        else:
            assert isinstance(piece, bytes)
            # Split each piece at a random point: framing must not care.
            cut = data.draw(st.integers(0, len(piece)))
            for part in (piece[:cut], piece[cut:]):
                if part:
                    conn.receive_data(part, now)
        for _ in range(200):
            event = conn.next_event()
            if event is NEED_DATA or event is PAUSED or isinstance(event, ConnectionClosed):
                break
            if isinstance(event, Answered):
                response = event.response
            else:
                assert isinstance(event, Request)
                response = session.answer(conn, event)
            assert response.endswith(b"\r\n"), response
        if conn.state is State.LOGOUT:
            assert conn.get_timer() is None
            assert isinstance(conn.next_event(), ConnectionClosed)
            return


@settings(max_examples=1000, deadline=None)
@given(raw=st.binary(max_size=120), utf8=st.booleans(), qresync=st.booleans())
def test_the_parser_only_raises_remote_protocol_errors(raw: bytes, utf8: bool, qresync: bool) -> None:
    try:
        parse_command(raw, ParseContext(OPTIONS[0], utf8=utf8, qresync=qresync))
    except RemoteProtocolError as error:
        assert error.reason and "\n" not in error.reason


@settings(max_examples=1000, deadline=None)
@given(line=st.sampled_from(LINES), data=st.data())
def test_mutated_commands_only_raise_remote_protocol_errors(line: str, data: st.DataObject) -> None:
    raw = mutate(line, data)[:-2]
    try:
        parse_command(raw, ParseContext(OPTIONS[0], utf8=data.draw(st.booleans()), qresync=True))
    except RemoteProtocolError as error:
        assert error.to_response(b"a").endswith(b"\r\n")

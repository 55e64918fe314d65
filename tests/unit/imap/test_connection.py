"""``ImapConnection``: authentication (LOGIN, AUTHENTICATE PLAIN/LOGIN in the core, other
mechanisms driven by the caller), STARTTLS and its injection defence, LOGINDISABLED, selection,
read-only mailboxes, the rules on untagged EXPUNGE/VANISHED, IDLE, ENABLE, ID, COMPRESS, timers,
the bad-command limit, and the caller's contract (LocalProtocolError on misuse)."""
from __future__ import annotations

import base64

import pytest

from mailnodes.imap import (
    NEED_DATA,
    PAUSED,
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
    IdleEnded,
    IdleTimedOut,
    ImapConnection,
    ImapOptions,
    LocalProtocolError,
    Mode,
    State,
)
from mailnodes.imap import commands as c
from mailnodes.imap import responses as r
from tests.unit.imap.helpers import PLAIN_OK, authenticated, connect, drain, login, selected, send

B64 = lambda s: base64.b64encode(s).decode()  # noqa: E731
TLS_ONLY = ImapOptions(starttls=True)


# ---------------------------------------------------------------------------- greeting, capability, logout


def test_greeting_and_capability() -> None:
    conn = ImapConnection(TLS_ONLY, now=0.0)
    with pytest.raises(LocalProtocolError):
        conn.next_event()
    greeting = conn.greeting("ready")
    assert greeting.startswith(b"* OK [CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LOGINDISABLED LITERAL+ ")
    assert greeting.endswith(b"] ready\r\n")
    with pytest.raises(LocalProtocolError):
        conn.greeting()
    event = send(conn, "a CAPABILITY")
    assert isinstance(event, CommandAnswered)
    assert event.response.startswith(b"* CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LOGINDISABLED")
    assert b"AUTH=PLAIN" not in event.response  # plaintext mechanisms hidden without TLS
    assert event.response.endswith(b"\r\na OK CAPABILITY completed\r\n")


def test_preauth() -> None:
    conn = ImapConnection(PLAIN_OK, now=0.0)
    assert conn.greeting("hi", preauth=True).startswith(b"* PREAUTH [CAPABILITY IMAP4rev1")
    assert conn.state is State.AUTHENTICATED
    assert isinstance(send(conn, "a SELECT INBOX"), CommandReceived)


def test_logout_in_every_state() -> None:
    for conn in (connect(), authenticated(), selected()):
        event = send(conn, "z LOGOUT")
        assert isinstance(event, CommandAnswered)
        assert event.response == b"* BYE Logging out\r\nz OK LOGOUT completed\r\n"
        assert isinstance(conn.next_event(), ConnectionClosed)
        assert conn.state is State.LOGOUT and conn.get_timer() is None
        assert conn.close() == b""


def test_server_close() -> None:
    conn = authenticated()
    assert conn.close("Shutting down", r.ALERT) == b"* BYE [ALERT] Shutting down\r\n"
    assert conn.next_event() == ConnectionClosed("closed by the server")


# ---------------------------------------------------------------------------- LOGIN and LOGINDISABLED


def test_login_success_and_failure() -> None:
    conn = connect()
    event = send(conn, "a LOGIN alice wrong")
    assert event == CredentialsGiven("a", None, "", "alice", "wrong")
    assert conn.next_event() is PAUSED and conn.get_timer() is None
    assert conn.login_failed() == b"a NO [AUTHENTICATIONFAILED] Authentication failed\r\n"
    assert conn.state is State.NOT_AUTHENTICATED
    send(conn, "b LOGIN alice secret")
    out = conn.login_succeeded()
    assert out.startswith(b"b OK [CAPABILITY IMAP4rev1 ") and out.endswith(b"] LOGIN completed\r\n")
    assert b"AUTH=" not in out and b"SASL-IR" not in out
    assert conn.state is State.AUTHENTICATED
    event = send(conn, "c LOGIN alice secret")
    assert event.response == b"c BAD LOGIN not allowed in the authenticated state\r\n"  # type: ignore[union-attr]


def test_logindisabled_without_tls() -> None:
    conn = connect(TLS_ONLY)
    event = send(conn, "a LOGIN alice secret")
    assert isinstance(event, CommandRejected)
    assert event.response == b"a NO [PRIVACYREQUIRED] plaintext LOGIN is disabled; use STARTTLS first\r\n"
    # A literal password is refused before the client sends it.
    event = send(conn, b"b LOGIN alice {6}\r\n")
    assert event.response.startswith(b"b NO [PRIVACYREQUIRED]")  # type: ignore[union-attr]
    event = send(conn, "c AUTHENTICATE PLAIN")
    assert event.response.startswith(b"c NO [PRIVACYREQUIRED]")  # type: ignore[union-attr]
    conn = connect(TLS_ONLY, tls=True)
    assert "LOGINDISABLED" not in conn.capabilities() and "STARTTLS" not in conn.capabilities()
    assert isinstance(send(conn, "a LOGIN alice secret"), CredentialsGiven)


# ---------------------------------------------------------------------------- STARTTLS


def test_starttls_drops_pipelined_plaintext() -> None:
    conn = connect(TLS_ONLY)
    conn.receive_data(b"a STARTTLS\r\nb LOGIN alice secret\r\n", 1.0)
    event = conn.next_event()
    assert isinstance(event, CommandReceived) and isinstance(event.command, c.StartTls)
    assert conn.ok("Begin TLS negotiation now") == b"a OK Begin TLS negotiation now\r\n"
    assert conn.mode is Mode.AWAITING_TLS and conn.next_event() is PAUSED
    conn.receive_data(b"c LOGIN alice secret\r\n", 2.0)  # still plaintext: dropped too
    assert conn.get_timer() is None
    conn.starttls_started()
    assert conn.tls_active and conn.next_event() is NEED_DATA
    assert "STARTTLS" not in conn.capabilities()
    event = send(conn, "d STARTTLS")
    assert event.response == b"d BAD TLS is already active\r\n"  # type: ignore[union-attr]
    with pytest.raises(LocalProtocolError):
        conn.starttls_started()


def test_starttls_refused_keeps_reading() -> None:
    conn = connect(TLS_ONLY)
    conn.receive_data(b"a STARTTLS\r\nb NOOP\r\n", 1.0)
    conn.next_event()
    assert conn.no("TLS not available") == b"a NO TLS not available\r\n"
    assert isinstance(conn.next_event(), CommandReceived)


def test_starttls_not_offered_or_after_login() -> None:
    assert send(connect(), "a STARTTLS").response == b"a BAD unknown command STARTTLS\r\n"  # type: ignore[union-attr]
    conn = connect(ImapOptions(starttls=True, allow_plaintext_auth=True))
    login(conn)
    assert send(conn, "a STARTTLS").response == (  # type: ignore[union-attr]
        b"a BAD STARTTLS not allowed in the authenticated state\r\n")


# ---------------------------------------------------------------------------- AUTHENTICATE


def test_authenticate_plain_with_and_without_initial_response() -> None:
    conn = connect()
    event = send(conn, "a AUTHENTICATE PLAIN " + B64(b"\0alice\0secret"))
    assert event == CredentialsGiven("a", "PLAIN", "", "alice", "secret")
    assert conn.login_succeeded().endswith(b"] AUTHENTICATE completed\r\n")
    conn = connect()
    event = send(conn, "b AUTHENTICATE PLAIN")
    assert event == AuthStarted("b", "PLAIN", b"+ \r\n") and conn.mode is Mode.SASL
    event = send(conn, B64(b"admin\0alice\0secret"))
    assert event == CredentialsGiven("b", "PLAIN", "admin", "alice", "secret")
    assert conn.login_failed() == b"b NO [AUTHENTICATIONFAILED] Authentication failed\r\n"
    assert conn.mode is Mode.COMMAND and conn.state is State.NOT_AUTHENTICATED


def test_authenticate_login_mechanism() -> None:
    conn = connect()
    assert send(conn, "a AUTHENTICATE LOGIN") == AuthStarted("a", "LOGIN", b"+ VXNlcm5hbWU6\r\n")
    assert send(conn, B64(b"alice")) == AuthContinued("a", "LOGIN", b"+ UGFzc3dvcmQ6\r\n")
    assert send(conn, B64(b"secret")) == CredentialsGiven("a", "LOGIN", "", "alice", "secret")
    conn = connect()
    assert send(conn, "b AUTHENTICATE LOGIN " + B64(b"alice")).response == b"+ UGFzc3dvcmQ6\r\n"  # type: ignore[union-attr]


def test_authenticate_cancel_and_bad_base64() -> None:
    conn = connect()
    send(conn, "a AUTHENTICATE PLAIN")
    event = send(conn, "*")
    assert event == AuthCancelled("a", "PLAIN", b"a BAD AUTHENTICATE cancelled\r\n")
    assert conn.mode is Mode.COMMAND
    send(conn, "b AUTHENTICATE PLAIN")
    event = send(conn, "not base64!")
    assert isinstance(event, CommandRejected) and event.response == b"b BAD invalid base64 data\r\n"
    event = send(conn, "c AUTHENTICATE PLAIN " + B64(b"no-nul-here"))
    assert event.response == b"c BAD malformed PLAIN message\r\n"  # type: ignore[union-attr]
    assert conn.mode is Mode.COMMAND
    assert send(conn, "d AUTHENTICATE GSSAPI").response == b"d NO unsupported authentication mechanism\r\n"  # type: ignore[union-attr]


def test_authenticate_caller_driven_mechanism() -> None:
    conn = connect(ImapOptions(allow_plaintext_auth=True, sasl_mechanisms=("PLAIN", "CRAM-MD5")))
    assert "AUTH=CRAM-MD5" in conn.capabilities()
    event = send(conn, "a AUTHENTICATE CRAM-MD5")
    assert event == AuthRequested("a", "CRAM-MD5", None)
    with pytest.raises(LocalProtocolError):
        conn.ok()
    assert conn.challenge(b"<1896.697170952@postoffice.example.net>") == (
        b"+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+\r\n")
    event = send(conn, B64(b"tim b913a602c7eda7a495b4e6e7334d3890"))
    assert event == AuthResponseGiven("a", "CRAM-MD5", b"tim b913a602c7eda7a495b4e6e7334d3890")
    assert conn.login_succeeded().startswith(b"a OK [CAPABILITY")
    assert conn.state is State.AUTHENTICATED


def test_overlong_sasl_line() -> None:
    conn = connect(ImapOptions(allow_plaintext_auth=True, max_line=1000, max_auth_line=1000))
    send(conn, "a AUTHENTICATE PLAIN")
    conn.receive_data(b"A" * 1500 + b"\r\nb NOOP\r\n", 1.0)
    rejected, noop = drain(conn)
    assert rejected.response == b"a BAD SASL response too long\r\n"  # type: ignore[union-attr]
    assert isinstance(noop, CommandReceived)


# ---------------------------------------------------------------------------- selection


def test_select_examine_close_unselect() -> None:
    conn = authenticated()
    event = send(conn, "a SELECT INBOX")
    assert isinstance(event, CommandReceived) and conn.state is State.AUTHENTICATED
    assert conn.send(r.Exists(2)) == b"* 2 EXISTS\r\n"
    assert conn.ok() == b"a OK [READ-WRITE] SELECT completed\r\n"
    assert conn.state is State.SELECTED and conn.selected is not None
    assert (conn.selected.name, conn.selected.read_only, conn.selected.exists) == ("INBOX", False, 2)
    send(conn, "b CLOSE")
    assert conn.ok() == b"b OK CLOSE completed\r\n" and conn.state is State.AUTHENTICATED
    send(conn, "c EXAMINE Sent")
    assert conn.ok() == b"c OK [READ-ONLY] EXAMINE completed\r\n"
    assert conn.selected is not None and conn.selected.read_only
    send(conn, "d UNSELECT")
    conn.ok()
    assert conn.state is State.AUTHENTICATED and conn.selected is None
    send(conn, "e SELECT Shared")
    conn.ok(code=r.READ_ONLY)  # the session may make a SELECT read-only
    assert conn.selected is not None and conn.selected.read_only


def test_failed_select_leaves_no_mailbox_selected() -> None:
    conn = selected()
    send(conn, "a SELECT nosuch")
    assert conn.selected is None and conn.state is State.AUTHENTICATED
    assert conn.no("no such mailbox", r.NONEXISTENT) == b"a NO [NONEXISTENT] no such mailbox\r\n"
    assert conn.state is State.AUTHENTICATED
    assert send(conn, "b FETCH 1 FLAGS").response.startswith(b"b BAD FETCH not allowed")  # type: ignore[union-attr]


def test_reselect_announces_closed_to_qresync_clients() -> None:
    conn = selected(enable="QRESYNC")
    send(conn, "a SELECT Sent")
    assert conn.send(r.Exists(0)) == b"* OK [CLOSED] Previous mailbox is now closed\r\n* 0 EXISTS\r\n"
    assert conn.ok() == b"a OK [READ-WRITE] SELECT completed\r\n"
    send(conn, "b SELECT nosuch")
    assert conn.no("nope") == b"* OK [CLOSED] Previous mailbox is now closed\r\nb NO nope\r\n"
    plain = selected()
    send(plain, "a SELECT Sent")
    assert plain.ok() == b"a OK [READ-WRITE] SELECT completed\r\n"  # rev1 clients are not told


def test_read_only_mailbox_refuses_changes() -> None:
    conn = selected(examine=True)
    for line in ("a STORE 1 +FLAGS (\\Seen)", "b EXPUNGE", "c UID EXPUNGE 1", "d MOVE 1 Trash"):
        event = send(conn, line)
        assert isinstance(event, CommandRejected) and event.status == "NO", line
        assert event.response.endswith(b" NO [READ-ONLY] the mailbox is read-only\r\n")
    assert isinstance(send(conn, "e COPY 1 Trash"), CommandReceived)


def test_sequence_numbers_checked_against_the_clients_view() -> None:
    conn = selected(exists=3)
    assert isinstance(send(conn, "a FETCH 1:3 FLAGS"), CommandReceived)
    conn.ok()
    event = send(conn, "b FETCH 4 FLAGS")
    assert event.response == b"b BAD invalid message sequence number (the mailbox has 3 messages)\r\n"  # type: ignore[union-attr]
    assert isinstance(send(conn, "c UID FETCH 400 FLAGS"), CommandReceived)  # UIDs are the session's business
    conn.ok()
    send(conn, "d NOOP")
    conn.send(r.Exists(5))
    conn.ok()
    assert isinstance(send(conn, "e STORE 5 +FLAGS (\\Seen)"), CommandReceived)


@pytest.mark.parametrize(("line", "state"), [
    ("a SELECT INBOX", State.NOT_AUTHENTICATED), ("a FETCH 1 FLAGS", State.AUTHENTICATED),
    ("a ENABLE CONDSTORE", State.SELECTED), ("a AUTHENTICATE PLAIN", State.SELECTED),
    ("a UID FETCH 1 FLAGS", State.AUTHENTICATED), ("a IDLE", State.NOT_AUTHENTICATED),
])
def test_commands_refused_in_the_wrong_state(line: str, state: State) -> None:
    conn = {State.NOT_AUTHENTICATED: connect, State.AUTHENTICATED: authenticated, State.SELECTED: selected}[state]()
    event = send(conn, line)
    assert isinstance(event, CommandRejected) and event.status == "BAD"
    assert b"not allowed in the " + state.value.encode() + b" state" in event.response
    assert conn.state is state


# ---------------------------------------------------------------------------- untagged rules


def test_expunge_rules() -> None:
    conn = selected(exists=3)
    assert not conn.may_send_expunges()  # no command in progress
    with pytest.raises(LocalProtocolError):
        conn.send(r.Expunge(1))
    for line, allowed in (("a FETCH 1 FLAGS", False), ("b STORE 1 +FLAGS (\\Seen)", False), ("c SEARCH ALL", False),
                          ("d SORT (DATE) UTF-8 ALL", False), ("e THREAD REFERENCES UTF-8 ALL", False),
                          ("f UID FETCH 1 FLAGS", True), ("g UID SEARCH ALL", True), ("h NOOP", True),
                          ("i COPY 1 Trash", True), ("j CHECK", True)):
        send(conn, line)
        assert conn.may_send_expunges() is allowed, line
        if not allowed:
            with pytest.raises(LocalProtocolError):
                conn.send(r.Expunge(1))
        conn.ok()
    send(conn, "k EXPUNGE")
    assert conn.send(r.Expunge(3), r.Expunge(1)) == b"* 3 EXPUNGE\r\n* 1 EXPUNGE\r\n"
    assert conn.selected is not None and conn.selected.exists == 1
    with pytest.raises(LocalProtocolError):
        conn.send(r.Expunge(2))  # beyond the client's count
    with pytest.raises(LocalProtocolError):
        conn.send(r.Vanished((5,)))  # QRESYNC not enabled
    conn.ok()
    send(conn, "l NOOP")
    with pytest.raises(LocalProtocolError):
        conn.send(r.Exists(0))  # EXISTS never shrinks the mailbox


def test_qresync_uses_vanished() -> None:
    conn = selected(exists=5, enable="QRESYNC")
    assert conn.qresync and conn.condstore
    send(conn, "a NOOP")
    with pytest.raises(LocalProtocolError):
        conn.send(r.Expunge(1))
    assert conn.send(r.Vanished((10, 11, 12))) == b"* VANISHED 10:12\r\n"
    assert conn.selected is not None and conn.selected.exists == 2
    with pytest.raises(LocalProtocolError):
        conn.send(r.Vanished((1,), earlier=True))  # EARLIER only answers QRESYNC SELECT or FETCH (VANISHED)
    conn.ok()
    send(conn, "b UID FETCH 1:* FLAGS (CHANGEDSINCE 5 VANISHED)")
    assert conn.send(r.Vanished("1:4", earlier=True)) == b"* VANISHED (EARLIER) 1:4\r\n"
    assert conn.selected.exists == 2
    conn.ok()
    send(conn, "c SELECT INBOX (QRESYNC (67890007 90060115194045000))")
    assert conn.send(r.Vanished("41,43:116", earlier=True)).endswith(b"* VANISHED (EARLIER) 41,43:116\r\n")


def test_mailbox_data_needs_a_mailbox_and_rev2_drops_recent() -> None:
    conn = authenticated()
    send(conn, "a NOOP")
    for response in (r.Exists(1), r.Flags(()), r.FetchData(1, (("UID", 1),)), r.Recent(0)):
        with pytest.raises(LocalProtocolError):
            conn.send(response)
    assert conn.send(r.Condition("OK", "still here")) == b"* OK still here\r\n"
    with pytest.raises(LocalProtocolError):
        conn.send(r.EnabledData(("X",)))
    conn.ok()
    conn = selected(enable="IMAP4rev2")
    send(conn, "b NOOP")
    with pytest.raises(LocalProtocolError):
        conn.send(r.Recent(1))
    with pytest.raises(LocalProtocolError):
        conn.send(r.FetchData(9, (("UID", 1),)))  # beyond the client's count


def test_unsolicited_updates_between_commands() -> None:
    conn = selected(exists=1)
    assert conn.send(r.Exists(2), r.Condition("OK", "new mail", r.ALERT)) == (
        b"* 2 EXISTS\r\n* OK [ALERT] new mail\r\n")


# ---------------------------------------------------------------------------- IDLE


def test_idle() -> None:
    conn = selected(exists=2)
    event = send(conn, "a IDLE")
    assert isinstance(event, CommandReceived) and isinstance(event.command, c.Idle)
    with pytest.raises(LocalProtocolError):
        conn.ok()
    assert conn.idle_started() == b"+ idling\r\n"
    assert conn.mode is Mode.IDLE and conn.may_send_expunges()
    assert conn.send(r.Expunge(1), r.Exists(2)) == b"* 1 EXPUNGE\r\n* 2 EXISTS\r\n"
    conn.receive_data(b"do", 2.0)
    assert conn.next_event() is NEED_DATA
    conn.receive_data(b"ne\r\nb NOOP\r\n", 3.0)
    assert conn.next_event() == IdleEnded("a", b"a OK IDLE terminated\r\n")
    assert conn.mode is Mode.COMMAND and not conn.may_send_expunges()
    assert isinstance(conn.next_event(), CommandReceived)


def test_idle_ended_by_garbage_or_refused() -> None:
    conn = authenticated()
    send(conn, "a IDLE")
    conn.idle_started("waiting")
    event = send(conn, "b NOOP")
    assert isinstance(event, CommandRejected) and event.response == b"a BAD expected DONE to end IDLE\r\n"
    send(conn, "c IDLE")
    assert conn.no("not now") == b"c NO not now\r\n" and conn.mode is Mode.COMMAND


# ---------------------------------------------------------------------------- ENABLE, ID, COMPRESS, CONDSTORE


def test_enable() -> None:
    conn = authenticated()
    event = send(conn, "a ENABLE qresync FOO UTF8=ACCEPT")
    assert event.response == b"* ENABLED QRESYNC UTF8=ACCEPT\r\na OK ENABLE completed\r\n"  # type: ignore[union-attr]
    assert conn.enabled == {"QRESYNC", "CONDSTORE", "UTF8=ACCEPT"} and conn.utf8
    event = send(conn, "b ENABLE QRESYNC")
    assert event.response == b"* ENABLED\r\nb OK ENABLE completed\r\n"  # type: ignore[union-attr]
    event = send(conn, 'c CREATE "caf\u00e9"')
    assert isinstance(event, CommandReceived) and event.command == c.Create("c", "caf\u00e9")
    conn.ok()
    send(conn, "d LIST \"\" *")
    assert conn.send(r.ListData("caf\u00e9")) == '* LIST () "/" "caf\u00e9"\r\n'.encode()
    bare = authenticated(ImapOptions(allow_plaintext_auth=True, extensions=frozenset({"ENABLE", "CONDSTORE"})))
    assert send(bare, "a ENABLE IMAP4rev2 UTF8=ACCEPT").response.startswith(b"* ENABLED\r\n")  # type: ignore[union-attr]


def test_condstore_enabling_commands() -> None:
    for line in ("a FETCH 1 (FLAGS MODSEQ)", "a FETCH 1 FLAGS (CHANGEDSINCE 4)", "a SEARCH MODSEQ 5",
                 "a STORE 1 (UNCHANGEDSINCE 3) +FLAGS (\\Seen)", "a STATUS INBOX (HIGHESTMODSEQ)"):
        conn = selected()
        assert not conn.condstore
        send(conn, line)
        assert conn.condstore, line
    conn = authenticated()
    send(conn, "a SELECT INBOX (CONDSTORE)")
    assert conn.condstore


def test_id() -> None:
    conn = connect()
    event = send(conn, 'a ID ("name" "sodr" "version" "19.34")')
    assert isinstance(event, CommandAnswered) and event.command == c.Id("a", (("name", "sodr"), ("version", "19.34")))
    assert event.response == b'* ID ("name" "Mailhive")\r\na OK ID completed\r\n'
    conn = connect(ImapOptions(server_id=()))
    assert send(conn, "a ID NIL").response == b"* ID NIL\r\na OK ID completed\r\n"  # type: ignore[union-attr]


def test_compress() -> None:
    conn = authenticated()
    send(conn, "a COMPRESS DEFLATE")
    conn.receive_data(b"garbage", 2.0)
    assert conn.ok() == b"a OK COMPRESS completed\r\n" and conn.mode is Mode.AWAITING_COMPRESSION
    assert conn.next_event() is PAUSED
    conn.compression_started()
    assert conn.compression_active and "COMPRESS=DEFLATE" not in conn.capabilities()
    event = send(conn, "b COMPRESS DEFLATE")
    assert event.response == b"b NO [COMPRESSIONACTIVE] compression is already active\r\n"  # type: ignore[union-attr]
    with pytest.raises(LocalProtocolError):
        conn.compression_started()


# ---------------------------------------------------------------------------- timers and limits


def test_autologout_timers() -> None:
    options = ImapOptions(allow_plaintext_auth=True, login_timeout=60, autologout=1800)
    conn = connect(options, now=100.0)
    assert conn.get_timer() == 160.0
    conn.handle_timer(159.0)
    assert conn.next_event() is NEED_DATA
    send(conn, "a LOGIN alice secret", now=150.0)
    assert conn.get_timer() is None  # the caller owes an answer
    conn.login_succeeded()
    assert conn.get_timer() == 1950.0
    send(conn, "b IDLE", now=200.0)
    conn.idle_started()
    conn.note_activity(300.0)
    assert conn.get_timer() == 2100.0
    conn.handle_timer(2100.0)
    timed_out, closed = drain(conn)
    assert timed_out == IdleTimedOut(b"* BYE Autologout; idle for too long\r\n")
    assert isinstance(closed, ConnectionClosed) and conn.state is State.LOGOUT


def test_too_many_bad_commands() -> None:
    conn = connect(ImapOptions(max_bad_commands=3))
    conn.receive_data(b"a FOO\r\nb BAR\r\nc BAZ\r\nd NOOP\r\n", 1.0)
    events = drain(conn)
    assert [type(e) for e in events] == [CommandRejected, CommandRejected, CommandRejected, ConnectionAborted,
                                         ConnectionClosed]
    assert events[3].response == b"* BYE Too many invalid commands\r\n"  # type: ignore[union-attr]


def test_no_refusals_do_not_count_as_bad() -> None:
    conn = connect(ImapOptions(starttls=True, max_bad_commands=2))
    for _ in range(5):
        assert send(conn, "a LOGIN x y").status == "NO"  # type: ignore[union-attr]
    assert conn.state is State.NOT_AUTHENTICATED


# ---------------------------------------------------------------------------- the caller's contract


def test_answers_need_a_matching_request() -> None:
    conn = connect()
    for call in (conn.ok, lambda: conn.no("x"), lambda: conn.bad("x"), conn.login_succeeded, conn.login_failed,
                 lambda: conn.challenge(b"x"), conn.idle_started, conn.compression_started):
        with pytest.raises(LocalProtocolError):
            call()
    send(conn, "a LOGIN alice secret")
    with pytest.raises(LocalProtocolError):
        conn.ok()  # a login is answered with login_succeeded/login_failed
    with pytest.raises(LocalProtocolError):
        conn.send(r.Condition("OK", "x\r\ny"))
    conn.login_succeeded()
    send(conn, "b NOOP")
    with pytest.raises(LocalProtocolError):
        conn.send("* 1 EXISTS")  # type: ignore[arg-type]
    with pytest.raises(LocalProtocolError):
        conn.ok("bad\ntext")
    with pytest.raises(LocalProtocolError):
        conn.idle_started()
    conn.ok()
    send(conn, "c AUTHENTICATE PLAIN")  # wrong state: rejected, nothing pending
    assert conn.pending is None


def test_no_untagged_data_during_sasl() -> None:
    conn = connect()
    send(conn, "a AUTHENTICATE PLAIN")
    with pytest.raises(LocalProtocolError):
        conn.send(r.Condition("OK", "hello"))


def test_options_are_validated() -> None:
    for bad in ({"extensions": frozenset({"FOO"})}, {"extensions": frozenset({"QRESYNC", "ENABLE"})},
                {"extensions": frozenset({"UTF8=ACCEPT"})}, {"sasl_mechanisms": ("plain",)},
                {"sasl_mechanisms": ("PLAIN", "PLAIN")}, {"login_timeout": 0}, {"max_line": 100},
                {"max_literal": 100}, {"max_depth": 1}, {"max_bad_commands": 0},
                {"server_id": (("k" * 31, "v"),)}, {"extensions": frozenset({"LIST-STATUS"})}):
        with pytest.raises(ValueError):
            ImapOptions(**bad)  # type: ignore[arg-type]

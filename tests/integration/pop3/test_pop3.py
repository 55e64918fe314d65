"""The POP3 service end to end: poplib and raw sockets against a real listener, checked against
the message store (SQLite and PostgreSQL)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import poplib
import socket
import time

import pytest

from mailnodes.auth import LeaseOutcome, acquire_lease, relay_login_since
from provisioning.db import utcnow
from tests.integration.pop3.conftest import Account, Pop3Harness, message


class Raw:
    """A line-level POP3 client over a plain socket, for what poplib will not send."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.file = self.sock.makefile("rb")
        self.greeting = self.line()

    def line(self) -> bytes:
        return self.file.readline()

    def cmd(self, text: str | bytes) -> bytes:
        self.sock.sendall((text.encode() if isinstance(text, str) else text) + b"\r\n")
        return self.line()

    def multiline(self) -> list[bytes]:
        lines = []
        while (line := self.line()) != b".\r\n":
            assert line, "connection closed inside a multi-line response"
            lines.append(line)
        return lines

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def pop(port: int, account: Account) -> poplib.POP3:
    client = poplib.POP3("127.0.0.1", port, timeout=10)
    client.user(account.login)
    client.pass_(account.password)
    return client


def test_poplib_sees_the_inbox_exactly_as_stored(harness: Pop3Harness) -> None:
    alice = harness.account()
    bodies = [message(1), message(2, b".starts with a dot\r\n..two dots\r\n.\r\nend\r\n"),
              message(3, b"bare\nline\nends\n")]
    uids = [harness.deliver(alice, data) for data in bodies]
    stored = harness.inbox(alice)
    client = pop(harness.start(), alice)

    count, octets = client.stat()
    assert (count, octets) == (3, sum(len(stored[u]) for u in uids))
    _resp, listing, _ = client.list()
    assert [line.split() for line in listing] == [[str(n).encode(), str(len(stored[u])).encode()]
                                                  for n, u in enumerate(uids, 1)]
    _resp, uidl, _ = client.uidl()
    assert [line.split()[1] for line in uidl] == [str(u).encode() for u in uids]  # IMAP's UIDs
    for n, uid in enumerate(uids, 1):
        resp, lines, _octets = client.retr(n)
        assert resp == f"+OK {len(stored[uid])} octets".encode()
        assert b"\r\n".join(lines) + b"\r\n" == stored[uid]  # poplib undoes the dot-stuffing
    resp, top, _ = client.top(2, 1)
    assert top[:3] == [b"From: sender2@example.test", b"To: alice@acme.test", b"Subject: message 2"]
    assert top[-2:] == [b"", b".starts with a dot"]
    assert client.quit().startswith(b"+OK")
    assert harness.inbox(alice) == stored  # nothing deleted


def test_deletions_happen_at_quit_and_mail_arriving_meanwhile_survives(harness: Pop3Harness) -> None:
    alice = harness.account()
    listed = [harness.deliver(alice, message(n)) for n in range(1, 4)]
    client = pop(harness.start(), alice)
    assert client.stat()[0] == 3
    for n in (1, 2, 3):
        client.dele(n)
    late = harness.deliver(alice, message(4))
    assert sorted(harness.inbox(alice)) == [*listed, late]  # DELE only marks
    assert client.stat()[0] == 0
    resp = client.quit()
    assert b"3 messages deleted" in resp
    assert list(harness.inbox(alice)) == [late]
    again = pop(harness.start(), alice)
    assert again.stat() == (1, len(harness.inbox(alice)[late]))
    again.quit()


def test_a_dropped_connection_deletes_nothing_and_frees_the_mailbox(harness: Pop3Harness) -> None:
    alice = harness.account()
    uids = [harness.deliver(alice, message(n)) for n in (1, 2)]
    port = harness.start()
    raw = Raw(port)
    assert raw.cmd(f"USER {alice.login}").startswith(b"+OK")
    assert raw.cmd(f"PASS {alice.password}").startswith(b"+OK")
    assert raw.cmd("DELE 1").startswith(b"+OK")
    raw.sock.shutdown(socket.SHUT_RDWR)
    raw.close()
    deadline = time.monotonic() + 10
    while True:  # the lease is released once the server has seen the connection go
        try:
            client = pop(port, alice)
            break
        except poplib.error_proto as exc:
            assert b"[IN-USE]" in exc.args[0] and time.monotonic() < deadline
            time.sleep(0.05)
    assert client.stat()[0] == 2
    client.quit()
    assert sorted(harness.inbox(alice)) == uids


def test_rset_forgets_the_deletion_marks(harness: Pop3Harness) -> None:
    alice = harness.account()
    harness.deliver(alice, message(1))
    client = pop(harness.start(), alice)
    client.dele(1)
    assert client.stat()[0] == 0
    assert client.rset().startswith(b"+OK")
    assert client.stat()[0] == 1
    client.quit()
    assert len(harness.inbox(alice)) == 1


def test_a_second_session_is_refused_unless_concurrent_access_is_on(harness: Pop3Harness) -> None:
    alice = harness.account()
    harness.deliver(alice, message(1))
    port = harness.start()
    first = pop(port, alice)
    with pytest.raises(poplib.error_proto, match=r"\[IN-USE\]"):
        pop(port, alice)
    first.quit()
    second = pop(port, alice)  # released at QUIT
    second.quit()

    harness.set("pop3.concurrent_access", True)
    a, b = pop(port, alice), pop(port, alice)
    a.dele(1)
    b.dele(1)
    assert a.quit().startswith(b"+OK") and b.quit().startswith(b"+OK")  # removed once, no error
    assert harness.inbox(alice) == {}


def test_a_crashed_nodes_lease_runs_out(harness: Pop3Harness) -> None:
    alice = harness.account()
    past = utcnow() - dt.timedelta(minutes=10)
    held = acquire_lease(harness.ctx.db, alice.mailbox_id, "pop3", "dead-node", exclusive=True,
                         ttl=dt.timedelta(minutes=2), now=past)
    assert held is LeaseOutcome.GRANTED
    live = acquire_lease(harness.ctx.db, alice.mailbox_id, "pop3", "other", exclusive=True,
                         ttl=dt.timedelta(minutes=2), now=past + dt.timedelta(minutes=1))
    assert live is LeaseOutcome.IN_USE
    client = pop(harness.start(), alice)  # ten minutes later: the dead node's lease has expired
    client.quit()


def test_bad_input_gets_errors_and_changes_nothing(harness: Pop3Harness) -> None:
    alice = harness.account()
    uids = [harness.deliver(alice, message(n)) for n in (1, 2)]
    raw = Raw(harness.start())
    assert raw.cmd("STAT").startswith(b"-ERR")  # before login
    assert raw.cmd("FROB").startswith(b"-ERR")
    assert raw.cmd(f"USER {alice.login}").startswith(b"+OK")
    assert raw.cmd(f"PASS {alice.password}").startswith(b"+OK")
    assert raw.cmd("RETR 0").startswith(b"-ERR")
    assert raw.cmd("RETR 99999").startswith(b"-ERR")
    assert raw.cmd("RETR x").startswith(b"-ERR")
    assert raw.cmd("TOP 1").startswith(b"-ERR")
    assert raw.cmd("USER bob").startswith(b"-ERR")  # wrong state
    assert raw.cmd("DELE 1").startswith(b"+OK")
    assert raw.cmd("DELE 1").startswith(b"-ERR")  # twice
    assert raw.cmd("RETR 1").startswith(b"-ERR")  # deleted
    assert raw.cmd(b"NOOP " + b"x" * 5000).startswith(b"-ERR")  # overlong
    assert raw.cmd(b"\xff\xfe\x00garbage").startswith(b"-ERR")
    assert raw.cmd("NOOP").startswith(b"+OK")  # still serving
    assert raw.cmd("QUIT").startswith(b"+OK")
    raw.close()
    assert list(harness.inbox(alice)) == [uids[1]]


def test_wrong_password_and_unknown_user_look_alike(harness: Pop3Harness) -> None:
    alice = harness.account()
    raw = Raw(harness.start())
    assert raw.cmd("USER nobody@acme").startswith(b"+OK")
    unknown = raw.cmd("PASS whatever")
    assert raw.cmd(f"USER {alice.login}").startswith(b"+OK")
    wrong = raw.cmd("PASS wrong-password")
    assert unknown == wrong and wrong.startswith(b"-ERR [AUTH]")
    assert raw.cmd("PASS " + alice.password).startswith(b"-ERR")  # USER is forgotten after a failure
    raw.close()


def test_login_name_forms(harness: Pop3Harness) -> None:
    alice = harness.account()
    port = harness.start()
    for login in ("alice#acme", "alice%acme", "alice@acme.test"):
        client = poplib.POP3("127.0.0.1", port, timeout=10)
        client.user(login)
        assert client.pass_(alice.password).startswith(b"+OK")
        client.quit()


def test_sasl_plain_login_and_cancel(harness: Pop3Harness) -> None:
    alice = harness.account()
    raw = Raw(harness.start())
    assert raw.cmd("AUTH LOGIN").startswith(b"+ ")
    assert raw.cmd("*").startswith(b"-ERR")
    plain = base64.b64encode(f"\0{alice.login}\0{alice.password}".encode()).decode()
    assert raw.cmd(f"AUTH PLAIN {plain}").startswith(b"+OK")
    assert raw.cmd("QUIT").startswith(b"+OK")
    raw.close()
    raw = Raw(harness.start())
    assert raw.cmd("AUTH LOGIN").startswith(b"+ ")
    assert raw.cmd(base64.b64encode(alice.login.encode())).startswith(b"+ ")
    assert raw.cmd(base64.b64encode(alice.password.encode())).startswith(b"+OK")
    raw.close()
    raw = Raw(harness.start())
    other = base64.b64encode(f"boss\0{alice.login}\0{alice.password}".encode()).decode()
    assert raw.cmd(f"AUTH PLAIN {other}").startswith(b"-ERR [AUTH]")  # no acting as another user
    raw.close()


def test_apop_and_cram_md5_with_legacy_mechanisms(harness: Pop3Harness) -> None:
    harness.set("auth.legacy_mechanisms", True)
    harness.set("pop3.apop", True)
    alice = harness.account()  # created while the setting is on: the secret is kept
    port = harness.start()
    client = poplib.POP3("127.0.0.1", port, timeout=10)
    assert b"<" in client.getwelcome()
    assert client.apop(alice.login, alice.password).startswith(b"+OK")
    client.quit()
    client = poplib.POP3("127.0.0.1", port, timeout=10)
    with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
        client.apop(alice.login, "not-the-password")
    client.quit()

    raw = Raw(port)
    assert b"CRAM-MD5" in b"".join([raw.cmd("CAPA"), *raw.multiline()])
    challenge = raw.cmd("AUTH CRAM-MD5")
    assert challenge.startswith(b"+ ")
    digest = hmac.new(alice.password.encode(), base64.b64decode(challenge[2:].strip()), hashlib.md5).hexdigest()
    assert raw.cmd(base64.b64encode(f"{alice.login} {digest}".encode())).startswith(b"+OK")
    raw.close()


def test_without_legacy_mechanisms_there_is_no_apop_or_cram_md5(harness: Pop3Harness) -> None:
    harness.set("pop3.apop", True)
    harness.account()
    client = poplib.POP3("127.0.0.1", harness.start(), timeout=10)
    assert b"<" not in client.getwelcome()
    assert "SASL" in client.capa() and "CRAM-MD5" not in client.capa()["SASL"]
    client.quit()


def test_stls_and_forced_secure_login(harness: Pop3Harness) -> None:
    harness.set("pop3.force_secure_login", True)
    alice = harness.account()
    client = poplib.POP3("127.0.0.1", harness.start(), timeout=10)
    capa = client.capa()
    assert "STLS" in capa and "USER" not in capa
    with pytest.raises(poplib.error_proto):
        client.user(alice.login)
    client.stls(harness.client_tls)
    capa = client.capa()
    assert "USER" in capa and "STLS" not in capa
    client.user(alice.login)
    assert client.pass_(alice.password).startswith(b"+OK")
    client.quit()


def test_plaintext_sent_after_stls_is_never_read_as_commands(harness: Pop3Harness) -> None:
    alice = harness.account()
    raw = Raw(harness.start())
    raw.sock.sendall(f"STLS\r\nUSER {alice.login}\r\nPASS {alice.password}\r\n".encode())
    assert raw.line().startswith(b"+OK")
    tls = harness.client_tls.wrap_socket(raw.sock, server_hostname="localhost")
    tls.sendall(b"STAT\r\n")
    assert tls.recv(512).startswith(b"-ERR")  # still AUTHORIZATION: the injected login was dropped
    tls.close()


def test_implicit_tls_port(harness: Pop3Harness) -> None:
    alice = harness.account()
    harness.deliver(alice, message(1))
    client = poplib.POP3_SSL("127.0.0.1", harness.start(implicit_tls=True), context=harness.client_tls, timeout=10)
    assert "STLS" not in client.capa()
    client.user(alice.login)
    client.pass_(alice.password)
    assert client.stat()[0] == 1
    client.quit()


def test_access_control_and_connection_limit(harness: Pop3Harness) -> None:
    harness.account()
    harness.set("pop3.access_mode", "deny")
    harness.set("pop3.access_list", "10.0.0.0/8, 127.0.*")
    raw = Raw(harness.start())
    assert raw.greeting == b"-ERR access denied\r\n"
    raw.close()
    harness.set("pop3.access_mode", "allow_only")
    raw = Raw(harness.start())
    assert raw.greeting.startswith(b"+OK")
    raw.close()

    harness.set("pop3.access_mode", "off")
    harness.set("pop3.max_connections", 1)
    port = harness.start()
    first = Raw(port)
    second = Raw(port)
    assert first.greeting.startswith(b"+OK")
    assert second.greeting.startswith(b"-ERR [SYS/TEMP]")
    first.close()
    second.close()


def test_idle_connection_is_logged_out_without_deleting(harness: Pop3Harness) -> None:
    harness.set("pop3.idle_timeout_seconds", 1)
    alice = harness.account()
    harness.deliver(alice, message(1))
    raw = Raw(harness.start())
    raw.cmd(f"USER {alice.login}")
    raw.cmd(f"PASS {alice.password}")
    assert raw.cmd("DELE 1").startswith(b"+OK")
    assert raw.line().startswith(b"-ERR")  # autologout, unprompted
    assert raw.line() == b""  # closed
    raw.close()
    assert len(harness.inbox(alice)) == 1


def test_greeting_capabilities_and_login_delay(harness: Pop3Harness) -> None:
    harness.set("server.hostname", "mail.acme.test")
    harness.set("pop3.welcome_message", "%LOCALDOMAIN% POP3 at your service")
    harness.set("pop3.login_delay_seconds", 3600)
    alice = harness.account()
    port = harness.start()
    client = poplib.POP3("127.0.0.1", port, timeout=10)
    assert client.getwelcome() == b"+OK mail.acme.test POP3 at your service"
    capa = client.capa()
    assert {"TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS"} <= set(capa)
    assert capa["LOGIN-DELAY"] == ["3600"] and capa["SASL"] == ["PLAIN", "LOGIN"]
    client.user(alice.login)
    client.pass_(alice.password)
    client.quit()
    with pytest.raises(poplib.error_proto, match=r"\[LOGIN-DELAY\]"):
        pop(port, alice)


def test_pipelined_commands_are_answered_in_order(harness: Pop3Harness) -> None:
    alice = harness.account()
    harness.deliver(alice, message(1))
    raw = Raw(harness.start())
    raw.sock.sendall(f"USER {alice.login}\r\nPASS {alice.password}\r\nSTAT\r\nUIDL\r\nQUIT\r\n".encode())
    assert raw.line().startswith(b"+OK")
    assert raw.line().startswith(b"+OK")
    assert raw.line() == f"+OK 1 {sum(map(len, harness.inbox(alice).values()))}\r\n".encode()
    assert raw.line().startswith(b"+OK") and len(raw.multiline()) == 1
    assert raw.line().startswith(b"+OK")
    raw.close()


def test_login_records_pop_before_smtp_and_the_activity_log_hides_passwords(harness: Pop3Harness) -> None:
    alice = harness.account()
    before = utcnow() - dt.timedelta(seconds=1)
    assert relay_login_since(harness.ctx.db, "127.0.0.1", before) is None
    raw = Raw(harness.start())
    raw.cmd(f"USER {alice.login}")
    raw.cmd(f"PASS {alice.password}")
    raw.cmd("STAT")
    raw.cmd("QUIT")
    raw.close()
    assert relay_login_since(harness.ctx.db, "127.0.0.1", before) == alice.mailbox_id
    assert relay_login_since(harness.ctx.db, "127.0.0.1", utcnow() + dt.timedelta(seconds=5)) is None
    time.sleep(0.2)
    text = "".join(p.read_text() for p in harness.log_dir.glob("pop3-activity-*.log"))
    assert f"USER {alice.login}" in text and "PASS ********" in text and "STAT" in text
    assert alice.password not in text

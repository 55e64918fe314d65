"""The AUTHORIZATION state: USER/PASS, APOP, SASL (PLAIN, LOGIN, CRAM-MD5, caller-driven), STLS,
the plaintext policy, CAPA."""
from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from mailnodes.pop3 import (
    PAUSED,
    ApopGiven,
    AuthCancelled,
    AuthContinued,
    AuthMechanismsListed,
    AuthRequested,
    AuthResponseGiven,
    AuthStarted,
    BadCommand,
    CapaRequested,
    CramMd5ResponseGiven,
    CredentialsGiven,
    LocalProtocolError,
    PassGiven,
    Pop3Options,
    ResponseCode,
    State,
    StlsRequested,
    UserGiven,
)
from tests.unit.pop3.helpers import CHALLENGE, MAILDROP, PLAIN_OK, TIMESTAMP, connect, drain, md5_hex, send


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def assert_bad(event: object, response: bytes) -> None:
    assert isinstance(event, BadCommand), event
    assert event.response == response


# ---------------------------------------------------------------- greeting

def test_greeting_without_and_with_apop_timestamp() -> None:
    from mailnodes.pop3 import Pop3Connection
    assert Pop3Connection(PLAIN_OK, now=0).greeting("POP3 ready") == b"+OK POP3 ready\r\n"
    conn = Pop3Connection(Pop3Options(apop=True), now=0)
    assert conn.greeting("POP3 ready", TIMESTAMP) == b"+OK POP3 ready " + TIMESTAMP.encode() + b"\r\n"
    assert conn.apop_timestamp == TIMESTAMP


# ---------------------------------------------------------------- USER / PASS

def test_user_then_pass_logs_in() -> None:
    conn = connect()
    assert send(conn, "USER alice") == UserGiven("alice")
    assert conn.next_event() is PAUSED
    assert conn.ok() == b"+OK send PASS\r\n"
    assert conn.user == "alice"
    assert send(conn, "PASS s3cret with spaces") == PassGiven("alice", "s3cret with spaces")
    assert conn.login_succeeded(MAILDROP) == b"+OK maildrop has 3 messages (123 octets)\r\n"
    assert conn.state is State.TRANSACTION
    assert conn.user is None
    assert conn.maildrop == MAILDROP


def test_pass_without_user_is_refused() -> None:
    conn = connect()
    assert_bad(send(conn, "PASS secret"), b"-ERR no user name given: send USER first\r\n")
    assert conn.state is State.AUTHORIZATION


def test_pass_after_refused_user_is_refused() -> None:
    conn = connect()
    send(conn, "USER nobody")
    assert conn.err("no such user") == b"-ERR no such user\r\n"
    assert conn.user is None
    assert_bad(send(conn, "PASS secret"), b"-ERR no user name given: send USER first\r\n")


def test_failed_pass_forgets_user() -> None:
    conn = connect()
    send(conn, "USER alice")
    conn.ok()
    send(conn, "PASS wrong")
    assert conn.login_failed() == b"-ERR [AUTH] authentication failed\r\n"
    assert conn.state is State.AUTHORIZATION
    assert_bad(send(conn, "PASS secret"), b"-ERR no user name given: send USER first\r\n")


@pytest.mark.parametrize("code, wire", [
    (ResponseCode.IN_USE, b"-ERR [IN-USE] maildrop locked\r\n"),
    (ResponseCode.LOGIN_DELAY, b"-ERR [LOGIN-DELAY] maildrop locked\r\n"),
    (ResponseCode.SYS_TEMP, b"-ERR [SYS/TEMP] maildrop locked\r\n"),
    (ResponseCode.SYS_PERM, b"-ERR [SYS/PERM] maildrop locked\r\n"),
    (None, b"-ERR maildrop locked\r\n"),
])
def test_login_failures_carry_response_codes(code: ResponseCode | None, wire: bytes) -> None:
    conn = connect()
    send(conn, "USER alice")
    conn.ok()
    send(conn, "PASS secret")
    assert conn.login_failed("maildrop locked", code) == wire


def test_err_on_a_login_request_is_a_failed_login() -> None:
    conn = connect()
    send(conn, "USER alice")
    conn.ok()
    send(conn, "PASS secret")
    assert conn.err("nope") == b"-ERR nope\r\n"
    assert conn.state is State.AUTHORIZATION and conn.user is None


def test_a_second_user_replaces_the_first() -> None:
    conn = connect()
    send(conn, "USER alice")
    conn.ok()
    send(conn, "USER bob")
    conn.ok()
    assert send(conn, "PASS x") == PassGiven("bob", "x")


@pytest.mark.parametrize("line, response", [
    ("USER", b"-ERR USER needs more arguments\r\n"),
    ("USER a b", b"-ERR too many arguments for USER\r\n"),
    ("PASS", b"-ERR PASS needs a password\r\n"),
])
def test_user_pass_syntax(line: str, response: bytes) -> None:
    conn = connect()
    send(conn, "USER alice")
    conn.ok()
    assert_bad(send(conn, line), response)


def test_plaintext_login_refused_without_tls() -> None:
    conn = connect(Pop3Options(stls=True))
    refusal = b"-ERR plaintext authentication disallowed on insecure connections; use STLS first\r\n"
    assert_bad(send(conn, "USER alice"), refusal)
    assert_bad(send(conn, "AUTH PLAIN"), refusal)
    assert_bad(send(conn, "AUTH LOGIN"), refusal)
    capa = send(conn, "CAPA")
    assert isinstance(capa, CapaRequested)
    assert b"USER\r\n" not in capa.response and b"SASL" not in capa.response
    assert b"STLS\r\n" in capa.response


def test_plaintext_login_allowed_under_tls() -> None:
    conn = connect(Pop3Options(), tls=True)
    assert send(conn, "USER alice") == UserGiven("alice")


# ---------------------------------------------------------------- APOP

def test_apop() -> None:
    conn = connect(Pop3Options(apop=True))
    digest = md5_hex(TIMESTAMP + "tanstaaf")
    assert send(conn, f"APOP mrose {digest.upper()}") == ApopGiven("mrose", digest, TIMESTAMP)
    assert conn.login_succeeded(MAILDROP, "mrose's maildrop has 3 messages") == (
        b"+OK mrose's maildrop has 3 messages\r\n")


def test_rfc1939_apop_example_digest_shape() -> None:
    # RFC 1939 section 7: the digest of "<1896.697170952@dbc.mtview.ca.us>tanstaaf".
    assert md5_hex(TIMESTAMP + "tanstaaf") == "c4c9334bac560ecc979e58001b3e22fb"


def test_apop_works_without_tls_even_when_plaintext_is_refused() -> None:
    conn = connect(Pop3Options(apop=True))
    assert isinstance(send(conn, "APOP mrose c4c9334bac560ecc979e58001b3e22fb"), ApopGiven)


def test_apop_disabled() -> None:
    conn = connect()
    assert_bad(send(conn, "APOP mrose c4c9334bac560ecc979e58001b3e22fb"), b"-ERR APOP not supported\r\n")


@pytest.mark.parametrize("line, response", [
    ("APOP mrose", b"-ERR APOP needs more arguments\r\n"),
    ("APOP mrose c4c9 x", b"-ERR too many arguments for APOP\r\n"),
    ("APOP mrose c4c9334bac560ecc979e58001b3e22f", b"-ERR the digest must be 32 hexadecimal digits\r\n"),
    ("APOP mrose z4c9334bac560ecc979e58001b3e22fb", b"-ERR the digest must be 32 hexadecimal digits\r\n"),
])
def test_apop_syntax(line: str, response: bytes) -> None:
    assert_bad(send(connect(Pop3Options(apop=True)), line), response)


def test_apop_failure_stays_in_authorization() -> None:
    conn = connect(Pop3Options(apop=True))
    send(conn, "APOP mrose c4c9334bac560ecc979e58001b3e22fb")
    assert conn.login_failed("permission denied") == b"-ERR [AUTH] permission denied\r\n"
    assert conn.state is State.AUTHORIZATION


# ---------------------------------------------------------------- SASL

def test_auth_without_argument_lists_mechanisms() -> None:
    conn = connect(Pop3Options(allow_plaintext_auth=True, sasl_mechanisms=("PLAIN", "LOGIN", "CRAM-MD5")))
    assert send(conn, "AUTH") == AuthMechanismsListed(b"+OK SASL mechanisms follow\r\nPLAIN\r\nLOGIN\r\nCRAM-MD5\r\n.\r\n")
    conn = connect(Pop3Options(sasl_mechanisms=("PLAIN", "CRAM-MD5")))
    assert send(conn, "AUTH") == AuthMechanismsListed(b"+OK SASL mechanisms follow\r\nCRAM-MD5\r\n.\r\n")


def test_plain_with_initial_response() -> None:
    conn = connect()
    event = send(conn, "AUTH PLAIN " + b64("\0alice\0secret"))
    assert event == CredentialsGiven("PLAIN", "", "alice", "secret")
    assert conn.state is State.AUTH_IN_PROGRESS
    assert conn.login_succeeded(MAILDROP).startswith(b"+OK")
    assert conn.state is State.TRANSACTION


def test_plain_without_initial_response() -> None:
    conn = connect()
    assert send(conn, "auth plain") == AuthStarted("PLAIN", b"+ \r\n")
    assert conn.state is State.AUTH_IN_PROGRESS
    assert send(conn, b64("admin\0alice\0secret")) == CredentialsGiven("PLAIN", "admin", "alice", "secret")
    assert conn.login_failed() == b"-ERR [AUTH] authentication failed\r\n"
    assert conn.state is State.AUTHORIZATION


def test_plain_empty_initial_response_is_malformed() -> None:
    conn = connect()
    assert_bad(send(conn, "AUTH PLAIN ="), b"-ERR malformed PLAIN credentials\r\n")
    assert conn.state is State.AUTHORIZATION


def test_login_mechanism() -> None:
    conn = connect()
    assert send(conn, "AUTH LOGIN") == AuthStarted("LOGIN", b"+ VXNlcm5hbWU6\r\n")
    assert send(conn, b64("alice")) == AuthContinued("LOGIN", b"+ UGFzc3dvcmQ6\r\n")
    assert send(conn, b64("secret")) == CredentialsGiven("LOGIN", "", "alice", "secret")
    conn.login_succeeded(MAILDROP)
    assert conn.state is State.TRANSACTION


def test_login_mechanism_with_user_name_as_initial_response() -> None:
    conn = connect()
    assert send(conn, "AUTH LOGIN " + b64("alice")) == AuthStarted("LOGIN", b"+ UGFzc3dvcmQ6\r\n")
    assert send(conn, b64("secret")) == CredentialsGiven("LOGIN", "", "alice", "secret")


def test_cram_md5_exchange() -> None:
    conn = connect(Pop3Options(sasl_mechanisms=("CRAM-MD5",)))
    assert send(conn, "AUTH CRAM-MD5") == AuthRequested("CRAM-MD5", None)
    assert conn.next_event() is PAUSED
    assert conn.challenge(CHALLENGE) == b"+ " + base64.b64encode(CHALLENGE) + b"\r\n"
    digest = hmac.new(b"tanstaaftanstaaf", CHALLENGE, hashlib.md5).hexdigest()
    assert digest == "b913a602c7eda7a495b4e6e7334d3890"  # RFC 2195's example
    event = send(conn, b64(f"tim {digest}"))
    assert event == CramMd5ResponseGiven("tim", digest, CHALLENGE)
    conn.login_succeeded(MAILDROP)
    assert conn.state is State.TRANSACTION


def test_cram_md5_refuses_an_initial_response_and_a_malformed_answer() -> None:
    conn = connect(Pop3Options(sasl_mechanisms=("CRAM-MD5",)))
    assert_bad(send(conn, "AUTH CRAM-MD5 " + b64("tim")), b"-ERR CRAM-MD5 takes no initial response\r\n")
    send(conn, "AUTH CRAM-MD5")
    conn.challenge(CHALLENGE)
    assert_bad(send(conn, b64("tim")), b"-ERR malformed CRAM-MD5 response\r\n")
    assert conn.state is State.AUTHORIZATION


def test_caller_driven_mechanism() -> None:
    conn = connect(Pop3Options(sasl_mechanisms=("XOAUTH2",)))
    token = b"user=alice\x01auth=Bearer x\x01\x01"
    assert send(conn, "AUTH XOAUTH2 " + b64(token)) == AuthRequested("XOAUTH2", token)
    assert conn.challenge(b'{"status":"401"}').startswith(b"+ eyJ")
    assert send(conn, "") == AuthResponseGiven("XOAUTH2", b"")
    assert conn.login_failed() == b"-ERR [AUTH] authentication failed\r\n"
    assert conn.state is State.AUTHORIZATION


def test_caller_driven_mechanism_with_empty_initial_response() -> None:
    conn = connect(Pop3Options(sasl_mechanisms=("EXTERNAL",)), tls=True)
    assert send(conn, "AUTH EXTERNAL =") == AuthRequested("EXTERNAL", b"")
    conn.login_succeeded(MAILDROP)
    assert conn.state is State.TRANSACTION


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_cancel_with_star(mechanism: str) -> None:
    conn = connect()
    send(conn, f"AUTH {mechanism}")
    assert send(conn, "*") == AuthCancelled(mechanism, b"-ERR authentication cancelled\r\n")
    assert conn.state is State.AUTHORIZATION


def test_cancel_a_cram_md5_exchange() -> None:
    conn = connect(Pop3Options(sasl_mechanisms=("CRAM-MD5",)))
    send(conn, "AUTH CRAM-MD5")
    conn.challenge(CHALLENGE)
    assert send(conn, "*") == AuthCancelled("CRAM-MD5", b"-ERR authentication cancelled\r\n")
    assert conn.state is State.AUTHORIZATION


@pytest.mark.parametrize("line", ["not base64!", "YWxpY2U", "YW xp", "Y===="])
def test_bad_base64_in_an_exchange_ends_it(line: str) -> None:
    conn = connect()
    send(conn, "AUTH LOGIN")
    assert_bad(send(conn, line), b"-ERR invalid base64 in SASL response\r\n")
    assert conn.state is State.AUTHORIZATION
    assert send(conn, "CAPA").response.startswith(b"+OK")  # commands are read again


def test_bad_base64_initial_response() -> None:
    conn = connect()
    assert_bad(send(conn, "AUTH PLAIN AGFs!"), b"-ERR invalid base64 in SASL response\r\n")
    assert conn.state is State.AUTHORIZATION


@pytest.mark.parametrize("line, response", [
    ("AUTH GSSAPI", b"-ERR unsupported authentication mechanism\r\n"),
    ("AUTH CRAM-MD5", b"-ERR unsupported authentication mechanism\r\n"),
    ("AUTH PL@IN", b"-ERR invalid SASL mechanism name\r\n"),
    ("AUTH PLAIN a b", b"-ERR too many arguments for AUTH\r\n"),
])
def test_auth_refusals(line: str, response: bytes) -> None:
    conn = connect()
    assert_bad(send(conn, line), response)
    assert conn.state is State.AUTHORIZATION


def test_a_long_initial_response_is_accepted_up_to_max_auth_line() -> None:
    conn = connect()
    token = b64("\0alice\0" + "p" * 600)
    event = send(conn, "AUTH PLAIN " + token)
    assert isinstance(event, CredentialsGiven) and event.password == "p" * 600
    conn.login_failed()
    assert_bad(send(conn, "USER " + "a" * 600), b"-ERR line too long\r\n")


def test_auth_clears_a_pending_user() -> None:
    conn = connect()
    send(conn, "USER alice")
    conn.ok()
    send(conn, "AUTH PLAIN")
    send(conn, "*")
    assert_bad(send(conn, "PASS secret"), b"-ERR no user name given: send USER first\r\n")


def test_a_command_during_an_exchange_is_a_sasl_response() -> None:
    conn = connect()
    send(conn, "AUTH PLAIN")
    event = send(conn, "QUIT")  # valid base64 of three bytes, not a PLAIN message
    assert_bad(event, b"-ERR malformed PLAIN credentials\r\n")
    assert conn.state is State.AUTHORIZATION


# ---------------------------------------------------------------- STLS

STLS = Pop3Options(stls=True, allow_plaintext_auth=False)


def test_stls_then_tls_discards_pipelined_plaintext() -> None:
    conn = connect(STLS)
    conn.receive_data(b"STLS\r\nUSER evil\r\nPASS injected\r\n", 1.0)
    assert conn.next_event() == StlsRequested()
    assert conn.ok() == b"+OK Begin TLS negotiation\r\n"
    conn.receive_data(b"CAPA\r\n", 2.0)  # arrives before the handshake finished: dropped too
    assert conn.next_event() is PAUSED
    conn.tls_started()
    assert conn.tls_active
    assert drain(conn) == []  # nothing of the plaintext survives
    assert send(conn, "USER alice") == UserGiven("alice")


def test_stls_forgets_user() -> None:
    conn = connect(Pop3Options(stls=True, allow_plaintext_auth=True))
    send(conn, "USER alice")
    conn.ok()
    send(conn, "STLS")
    conn.ok()
    conn.tls_started()
    assert conn.user is None
    assert_bad(send(conn, "PASS secret"), b"-ERR no user name given: send USER first\r\n")


def test_capa_after_tls_offers_user_and_no_stls() -> None:
    conn = connect(STLS)
    send(conn, "STLS")
    conn.ok()
    conn.tls_started()
    capa = send(conn, "CAPA")
    assert isinstance(capa, CapaRequested)
    assert b"USER\r\n" in capa.response and b"SASL PLAIN LOGIN\r\n" in capa.response
    assert b"STLS" not in capa.response


def test_stls_refused_when_unavailable_or_active() -> None:
    assert_bad(send(connect(), "STLS"), b"-ERR STLS not supported\r\n")
    assert_bad(send(connect(STLS, tls=True), "STLS"), b"-ERR TLS is already active\r\n")
    assert_bad(send(connect(STLS), "STLS now"), b"-ERR too many arguments for STLS\r\n")


def test_stls_failing_to_start_keeps_plaintext_session() -> None:
    conn = connect(STLS)
    conn.receive_data(b"STLS\r\nCAPA\r\n", 1.0)
    assert conn.next_event() == StlsRequested()
    assert conn.err("TLS not available", ResponseCode.SYS_TEMP) == b"-ERR [SYS/TEMP] TLS not available\r\n"
    assert not conn.tls_active
    assert isinstance(conn.next_event(), CapaRequested)
    with pytest.raises(LocalProtocolError):
        conn.tls_started()


# ---------------------------------------------------------------- CAPA

def test_capa_in_authorization_lists_everything_configured() -> None:
    options = Pop3Options(apop=True, sasl_mechanisms=("PLAIN", "CRAM-MD5"), allow_plaintext_auth=True,
                          stls=True, implementation="Mailhive 1.0", expire=31, login_delay=900)
    event = send(connect(options), "CAPA")
    assert event == CapaRequested(
        b"+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nUSER\r\n"
        b"SASL PLAIN CRAM-MD5\r\nSTLS\r\nPIPELINING\r\nEXPIRE 31\r\nLOGIN-DELAY 900\r\n"
        b"IMPLEMENTATION Mailhive 1.0\r\n.\r\n")


def test_capa_minimal() -> None:
    options = Pop3Options(sasl_mechanisms=(), pipelining=False, implementation=None, expire="NEVER")
    assert send(connect(options), "CAPA") == CapaRequested(
        b"+OK Capability list follows\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nEXPIRE NEVER\r\n.\r\n")
    assert_bad(send(connect(options), "CAPA x"), b"-ERR too many arguments for CAPA\r\n")


def test_capabilities_after_login_omit_login_mechanisms() -> None:
    from tests.unit.pop3.helpers import in_transaction
    options = Pop3Options(allow_plaintext_auth=True, stls=True, login_delay=60)
    assert in_transaction(options).capabilities() == [
        "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "LOGIN-DELAY 60",
        "IMPLEMENTATION Mailhive"]

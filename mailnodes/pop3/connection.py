"""``Pop3Connection``: the sans-IO POP3 server core. Bytes from the client go in through
``receive_data``; ``next_event`` turns them into events (see ``events``); the caller answers each
``Request`` through one answer method, which returns the bytes to write. No sockets, no clock,
no store: time comes in as ``now`` arguments, the maildrop as a ``Maildrop`` at login.

The caller's loop (the server adapter with a session behind it)::

    conn = Pop3Connection(options, now=clock())
    write(conn.greeting("POP3 ready", apop_timestamp))
    on bytes:   conn.receive_data(data, clock())        # b"" when the client closed
    on timer:   conn.handle_timer(clock())              # re-arm with conn.get_timer()
    then drain: while (event := conn.next_event()) not in (NEED_DATA, PAUSED):
                    if isinstance(event, ConnectionClosed): close the transport; stop
                    elif isinstance(event, Answered):   write(event.response)
                    else: write(<the session's answer via conn.ok/err/login_succeeded/...>)

One request is answered before the next command is read, so the commands of a pipelined read
(RFC 2449 PIPELINING) become events in order, each seen in the state its predecessor left.
"""
from __future__ import annotations

import base64
import enum
import re
from collections import deque
from dataclasses import dataclass

from mailnodes.pop3.errors import LocalProtocolError, RemoteProtocolError, ResponseCode
from mailnodes.pop3.events import (
    NEED_DATA,
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
    ConnectionAborted,
    ConnectionClosed,
    CramMd5ResponseGiven,
    CredentialsGiven,
    DeleRequested,
    Event,
    IdleTimedOut,
    ListRequested,
    NoopRequested,
    PassGiven,
    Pending,
    QuitBeforeLogin,
    QuitRequested,
    Request,
    RetrRequested,
    RsetRequested,
    StatRequested,
    StlsRequested,
    TopRequested,
    UidlRequested,
    UserGiven,
)
from mailnodes.pop3.options import PLAINTEXT_MECHANISMS, Pop3Options
from mailnodes.pop3.parser import (
    Cancelled,
    Command,
    Framing,
    LineBuffer,
    decode_cram_md5,
    decode_login_field,
    decode_plain,
    expect_args,
    parse_auth_response,
    parse_command,
    parse_digest,
    parse_initial_response,
    parse_line_count,
    parse_mechanism,
    parse_message_number,
)
from mailnodes.pop3.responses import (
    capa_response,
    continuation_line,
    err_line,
    message_response,
    multiline,
    ok_line,
    scan_listing,
    uidl_listing,
)
from mailnodes.pop3.state import COMMAND_STATES, Maildrop, MaildropState, State, StateMachine

_LOGIN_REQUESTS = (PassGiven, ApopGiven, CredentialsGiven, CramMd5ResponseGiven, AuthRequested,
                   AuthResponseGiven)
_TIMESTAMP = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>")  # RFC 1939 msg-id
_BANNER = re.compile(r"[\x20-\x7e]*")
_USERNAME_PROMPT = base64.b64encode(b"Username:")
_PASSWORD_PROMPT = base64.b64encode(b"Password:")


class _Step(enum.Enum):
    """Where a SASL exchange stands while the core waits for a client line (or the caller)."""

    PLAIN = "plain"                    # "+ " sent, waiting for the PLAIN message
    LOGIN_USER = "login user"          # "Username:" sent
    LOGIN_PASSWORD = "login password"  # "Password:" sent
    CRAM_MD5 = "cram-md5"              # challenge from the caller, then the client's answer
    CALLER = "caller"                  # a mechanism the caller drives
    DECIDING = "deciding"              # credentials handed over, the caller decides


@dataclass(slots=True)
class _Sasl:
    mechanism: str
    step: _Step
    username: str = ""
    challenge: bytes = b""


class Pop3Connection:
    """One POP3 server connection (see the module docstring for the caller's loop)."""

    def __init__(self, options: Pop3Options, *, now: float, tls_active: bool = False) -> None:
        self.options = options
        self._machine = StateMachine()
        self._lines = LineBuffer()
        self._tls_active = tls_active
        self._greeted = False
        self._timestamp: str | None = None
        self._user: str | None = None
        self._pending: Request | None = None
        self._awaiting_tls = False
        self._eof = False
        self._queue: deque[Event] = deque()
        self._close_reason = ""
        self._bad_commands = 0
        self._maildrop: MaildropState | None = None
        self._sasl: _Sasl | None = None
        self._last_activity = now

    # ------------------------------------------------------------------ what the caller may read

    @property
    def state(self) -> State:
        return self._machine.state

    @property
    def tls_active(self) -> bool:
        return self._tls_active

    @property
    def user(self) -> str | None:
        """The name of an accepted USER command, while PASS may follow."""
        return self._user

    @property
    def apop_timestamp(self) -> str | None:
        return self._timestamp

    @property
    def pending(self) -> Request | None:
        """The request waiting for the caller's answer, if any."""
        return self._pending

    @property
    def maildrop(self) -> Maildrop | None:
        return self._maildrop.maildrop if self._maildrop is not None else None

    @property
    def deleted(self) -> tuple[int, ...]:
        """The message numbers marked deleted (none before login)."""
        return self._maildrop.deleted if self._maildrop is not None else ()

    def capabilities(self) -> list[str]:
        """The CAPA lines for the current state (RFC 2449 sections 5 and 6, RFC 2595, RFC 3206)."""
        caps = ["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE"]
        if self.state is State.AUTHORIZATION:
            if self._plaintext_allowed():
                caps.append("USER")
            mechanisms = self._offered_mechanisms()
            if mechanisms:
                caps.append("SASL " + " ".join(mechanisms))
            if self.options.stls and not self._tls_active:
                caps.append("STLS")
        if self.options.pipelining:
            caps.append("PIPELINING")
        if self.options.expire is not None:
            caps.append(f"EXPIRE {self.options.expire}")
        if self.options.login_delay is not None:
            caps.append(f"LOGIN-DELAY {self.options.login_delay}")
        if self.options.implementation:
            caps.append(f"IMPLEMENTATION {self.options.implementation}")
        return caps

    # ------------------------------------------------------------------ input

    def greeting(self, banner: str = "POP3 server ready", apop_timestamp: str | None = None) -> bytes:
        """The ``+OK`` greeting; with APOP enabled it must carry ``apop_timestamp``
        (``<random.time@hostname>``, unique per connection)."""
        if self._greeted or self.state is State.CLOSED:
            raise LocalProtocolError("the greeting was already sent, or the connection is closed")
        if self.options.apop != (apop_timestamp is not None):
            raise LocalProtocolError("an APOP timestamp is needed exactly when APOP is enabled")
        if apop_timestamp is not None and not _TIMESTAMP.fullmatch(apop_timestamp):
            raise LocalProtocolError(f"an APOP timestamp looks like <random.time@host>: {apop_timestamp!r}")
        if not _BANNER.fullmatch(banner):
            raise LocalProtocolError("the banner must be printable ASCII")
        line = ok_line(" ".join(part for part in (banner, apop_timestamp) if part))
        self._greeted = True
        self._timestamp = apop_timestamp
        return line

    def receive_data(self, data: bytes, now: float) -> None:
        """Bytes from the client; ``b""`` means the client closed its side."""
        if self.state is State.CLOSED:
            return
        self._last_activity = now
        if not data:
            self._eof = True
            return
        if self._eof or self._awaiting_tls:
            # After STLS was accepted, plaintext is never interpreted (RFC 2595 section 4,
            # the CVE-2011-0411 injection): whatever arrives before the handshake is dropped.
            return
        self._lines.feed(data)
        if len(self._lines) > self.options.max_buffer:
            self._queue.append(ConnectionAborted("too much unread input", err_line("too much input, closing")))
            self._close("too much unread input")

    def next_event(self) -> Event | Pending:
        """The next event, ``NEED_DATA``, or ``PAUSED`` while a request waits for its answer."""
        if not self._greeted and self.state is not State.CLOSED:
            raise LocalProtocolError("send the greeting before reading commands")
        if self._queue:
            return self._queue.popleft()
        if self.state is State.CLOSED:
            return ConnectionClosed(self._close_reason)
        if self._pending is not None or self._awaiting_tls:
            return PAUSED
        limit = self.options.max_line if self.state is State.TRANSACTION else self.options.max_auth_line
        line = self._lines.next_line(limit)
        if line is Framing.INCOMPLETE:
            if self._eof:
                self._close("the client closed the connection")
                return ConnectionClosed(self._close_reason)
            return NEED_DATA
        if line is Framing.TOO_LONG:
            if self.state is State.AUTH_IN_PROGRESS:
                self._end_sasl()
            return self._bad("", RemoteProtocolError("line too long"))
        if self.state is State.AUTH_IN_PROGRESS:
            return self._sasl_line(line)
        return self._command(line)

    # ------------------------------------------------------------------ answers to requests

    def ok(self, text: str = "") -> bytes:
        """Accept a ``UserGiven`` (PASS may follow), a ``StlsRequested`` (start TLS next, then call
        ``tls_started``) or a ``QuitRequested`` (the deletions are applied; the connection closes)."""
        pending = self._peek(UserGiven, StlsRequested, QuitRequested)
        if isinstance(pending, UserGiven):
            line = ok_line(text or "send PASS")
            self._user = pending.name
        elif isinstance(pending, StlsRequested):
            line = ok_line(text or "Begin TLS negotiation")
            self._awaiting_tls = True
        else:
            line = ok_line(text or "POP3 server signing off")
            self._close("the client quit")
        self._pending = None
        return line

    def err(self, text: str, code: ResponseCode | None = None) -> bytes:
        """Refuse any request. A refused login attempt returns to AUTHORIZATION (see
        ``login_failed``); a refused ``QuitRequested`` means some deletions failed, and the
        connection closes all the same."""
        pending = self._peek(Request)
        line = err_line(text, code)
        self._pending = None
        if isinstance(pending, UserGiven):
            self._user = None
        elif isinstance(pending, _LOGIN_REQUESTS):
            self._forget_login_attempt()
        elif isinstance(pending, QuitRequested):
            self._close("the client quit; some deletions failed")
        return line

    def login_succeeded(self, maildrop: Maildrop, text: str | None = None) -> bytes:
        """Accept a login request: the maildrop is locked and listed; TRANSACTION begins."""
        self._peek(*_LOGIN_REQUESTS)
        if not isinstance(maildrop, Maildrop):
            raise LocalProtocolError("login_succeeded needs a Maildrop")
        snapshot = MaildropState(maildrop)
        count, octets = snapshot.stat()
        line = ok_line(text if text is not None else f"maildrop has {count} messages ({octets} octets)")
        self._pending = None
        self._user = None
        self._sasl = None
        self._maildrop = snapshot
        self._machine.go(State.TRANSACTION)
        return line

    def login_failed(self, text: str = "authentication failed",
                     code: ResponseCode | None = ResponseCode.AUTH) -> bytes:
        """Refuse a login request: back to AUTHORIZATION, USER forgotten. Use
        ``ResponseCode.IN_USE`` when the maildrop is locked, ``LOGIN_DELAY``, ``SYS_TEMP`` or
        ``SYS_PERM`` for those causes, ``AUTH`` (the default) for wrong credentials."""
        self._peek(*_LOGIN_REQUESTS)
        line = err_line(text, code)
        self._pending = None
        self._forget_login_attempt()
        return line

    def challenge(self, data: bytes) -> bytes:
        """Send a SASL challenge (raw bytes; the core base64-encodes) for an ``AuthRequested`` or
        ``AuthResponseGiven``. For CRAM-MD5 it is the ``<random.time@hostname>`` string."""
        self._peek(AuthRequested, AuthResponseGiven)
        if not isinstance(data, bytes):
            raise LocalProtocolError("a SASL challenge is bytes")
        assert self._sasl is not None
        if self._sasl.step is _Step.CRAM_MD5 and not data:
            raise LocalProtocolError("a CRAM-MD5 challenge cannot be empty")
        line = continuation_line(base64.b64encode(data))
        self._pending = None
        if self._sasl.step is _Step.CRAM_MD5:
            self._sasl.challenge = data
        return line

    def message(self, data: bytes, text: str | None = None) -> bytes:
        """Answer a ``RetrRequested`` (the whole message) or a ``TopRequested`` (headers, blank
        line, the requested body lines) with the message as stored: line ends are normalised to
        CRLF, lines starting with "." are dot-stuffed and the final ``.\\r\\n`` added."""
        pending = self._peek(RetrRequested, TopRequested)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise LocalProtocolError("a message is bytes")
        top = pending.lines if isinstance(pending, TopRequested) else None
        out = message_response(bytes(data), top=top, text=text)
        self._pending = None
        return out

    # ------------------------------------------------------------------ caller-driven changes

    def tls_started(self) -> None:
        """The TLS handshake after an accepted STLS succeeded: plaintext still buffered is dropped
        and USER forgotten; the client starts over (RFC 2595 section 4)."""
        if not self._awaiting_tls:
            raise LocalProtocolError("tls_started() without an accepted STLS")
        self._awaiting_tls = False
        self._tls_active = True
        self._lines.clear()
        self._user = None

    def close(self, text: str | None = None, code: ResponseCode | None = None) -> bytes:
        """Close from the server's side (shutdown, a refused connection instead of the greeting,
        too many failed logins): no UPDATE. Returns the ``-ERR text`` line, or b"" without text."""
        if self.state is State.CLOSED:
            return b""
        line = err_line(text, code) if text is not None else b""
        self._close("closed by the server")
        return line

    # ------------------------------------------------------------------ timers

    def get_timer(self) -> float | None:
        """When the autologout timer fires, or None (closed, or the caller owes an answer)."""
        if self.state is State.CLOSED or self._pending is not None:
            return None
        return self._last_activity + self.options.idle_timeout

    def handle_timer(self, now: float) -> None:
        """Fire the autologout timer if it is due: ``IdleTimedOut`` then ``ConnectionClosed``."""
        deadline = self.get_timer()
        if deadline is None or now < deadline:
            return
        self._queue.append(IdleTimedOut(err_line("autologout: idle for too long")))
        self._close("idle timeout")

    def note_activity(self, now: float) -> None:
        """Restart the idle clock, e.g. once a long RETR response has been written."""
        self._last_activity = now

    # ------------------------------------------------------------------ internals

    def _peek(self, *kinds: type[Request]) -> Request:
        if self._pending is None:
            raise LocalProtocolError("no request is waiting for an answer")
        if not isinstance(self._pending, kinds):
            raise LocalProtocolError(f"{type(self._pending).__name__} cannot be answered this way")
        return self._pending

    def _request(self, event: Request) -> Request:
        self._pending = event
        return event

    def _close(self, reason: str) -> None:
        self._machine.go(State.CLOSED)
        self._close_reason = reason
        self._pending = None
        self._sasl = None
        self._awaiting_tls = False
        self._lines.clear()

    def _bad(self, command: str, error: RemoteProtocolError) -> Event:
        self._bad_commands += 1
        event = BadCommand(command, error.reason, error.to_response())
        if self._bad_commands >= self.options.max_bad_commands:
            self._queue.append(ConnectionAborted("too many bad commands",
                                                 err_line("too many errors, closing connection")))
            self._close("too many bad commands")
        return event

    def _forget_login_attempt(self) -> None:
        self._user = None
        self._sasl = None
        if self.state is State.AUTH_IN_PROGRESS:
            self._machine.go(State.AUTHORIZATION)

    def _end_sasl(self) -> None:
        self._forget_login_attempt()

    def _plaintext_allowed(self) -> bool:
        return self.options.allow_plaintext_auth or self._tls_active

    def _require_plaintext_allowed(self) -> None:
        if not self._plaintext_allowed():
            hint = "; use STLS first" if self.options.stls else ""
            raise RemoteProtocolError(f"plaintext authentication disallowed on insecure connections{hint}")

    def _offered_mechanisms(self) -> list[str]:
        plaintext = self._plaintext_allowed()
        return [m for m in self.options.sasl_mechanisms if plaintext or m not in PLAINTEXT_MECHANISMS]

    def _command(self, line: bytes) -> Event:
        if len(line) + 2 > self.options.max_line and line[:5].upper() != b"AUTH ":
            return self._bad("", RemoteProtocolError("line too long"))
        try:
            command = parse_command(line)
        except RemoteProtocolError as error:
            return self._bad("", error)
        handler = _HANDLERS.get(command.keyword)
        if handler is None:
            return self._bad(command.keyword, RemoteProtocolError("unknown command"))
        if self.state not in COMMAND_STATES[command.keyword]:
            where = "before login" if self.state is State.AUTHORIZATION else "after login"
            return self._bad(command.keyword, RemoteProtocolError(f"{command.keyword} not allowed {where}"))
        try:
            return handler(self, command)
        except RemoteProtocolError as error:
            return self._bad(command.keyword, error)

    def _snapshot(self) -> MaildropState:
        assert self._maildrop is not None  # TRANSACTION always has one
        return self._maildrop

    # AUTHORIZATION ----------------------------------------------------------

    def _user_command(self, command: Command) -> Event:
        (name,) = expect_args(command, 1, 1)
        self._require_plaintext_allowed()
        return self._request(UserGiven(name))

    def _pass_command(self, command: Command) -> Event:
        if self._user is None:
            raise RemoteProtocolError("no user name given: send USER first")
        self._require_plaintext_allowed()
        if not command.tail:
            raise RemoteProtocolError("PASS needs a password")
        return self._request(PassGiven(self._user, command.tail))

    def _apop_command(self, command: Command) -> Event:
        if not self.options.apop or self._timestamp is None:
            raise RemoteProtocolError("APOP not supported")
        name, digest = expect_args(command, 2, 2)
        parsed = parse_digest(digest)
        self._user = None
        return self._request(ApopGiven(name, parsed, self._timestamp))

    def _auth_command(self, command: Command) -> Event:
        args = expect_args(command, 0, 2)
        offered = self._offered_mechanisms()
        if not args:
            return AuthMechanismsListed(multiline(ok_line("SASL mechanisms follow"), offered))
        mechanism = parse_mechanism(args[0])
        if mechanism not in offered:
            if mechanism in self.options.sasl_mechanisms:
                self._require_plaintext_allowed()
            raise RemoteProtocolError("unsupported authentication mechanism")
        initial = parse_initial_response(args[1]) if len(args) == 2 else None
        if mechanism == "PLAIN":
            return self._start_plain(initial)
        if mechanism == "LOGIN":
            return self._start_login(initial)
        if mechanism == "CRAM-MD5" and initial is not None:
            raise RemoteProtocolError("CRAM-MD5 takes no initial response")
        step = _Step.CRAM_MD5 if mechanism == "CRAM-MD5" else _Step.CALLER
        self._begin_sasl(_Sasl(mechanism, step))
        return self._request(AuthRequested(mechanism, initial))

    def _begin_sasl(self, sasl: _Sasl) -> None:
        self._user = None
        self._sasl = sasl
        self._machine.go(State.AUTH_IN_PROGRESS)

    def _start_plain(self, initial: bytes | None) -> Event:
        if initial is None:
            self._begin_sasl(_Sasl("PLAIN", _Step.PLAIN))
            return AuthStarted("PLAIN", continuation_line(b""))
        authzid, username, password = decode_plain(initial)
        self._begin_sasl(_Sasl("PLAIN", _Step.DECIDING))
        return self._request(CredentialsGiven("PLAIN", authzid, username, password))

    def _start_login(self, initial: bytes | None) -> Event:
        if initial is None:
            self._begin_sasl(_Sasl("LOGIN", _Step.LOGIN_USER))
            return AuthStarted("LOGIN", continuation_line(_USERNAME_PROMPT))
        username = decode_login_field(initial, "user name")
        self._begin_sasl(_Sasl("LOGIN", _Step.LOGIN_PASSWORD, username=username))
        return AuthStarted("LOGIN", continuation_line(_PASSWORD_PROMPT))

    def _sasl_line(self, line: bytes) -> Event:
        sasl = self._sasl
        assert sasl is not None  # AUTH_IN_PROGRESS always has one
        try:
            answer = parse_auth_response(line)
            if answer is Cancelled.CANCELLED:
                self._end_sasl()
                return AuthCancelled(sasl.mechanism, err_line("authentication cancelled"))
            return self._sasl_step(sasl, answer)
        except RemoteProtocolError as error:
            self._end_sasl()
            return self._bad("AUTH", error)

    def _sasl_step(self, sasl: _Sasl, answer: bytes) -> Event:
        if sasl.step is _Step.PLAIN:
            authzid, username, password = decode_plain(answer)
            sasl.step = _Step.DECIDING
            return self._request(CredentialsGiven("PLAIN", authzid, username, password))
        if sasl.step is _Step.LOGIN_USER:
            sasl.username = decode_login_field(answer, "user name")
            sasl.step = _Step.LOGIN_PASSWORD
            return AuthContinued("LOGIN", continuation_line(_PASSWORD_PROMPT))
        if sasl.step is _Step.LOGIN_PASSWORD:
            password = decode_login_field(answer, "password")
            sasl.step = _Step.DECIDING
            return self._request(CredentialsGiven("LOGIN", "", sasl.username, password))
        if sasl.step is _Step.CRAM_MD5:
            username, digest = decode_cram_md5(answer)
            sasl.step = _Step.DECIDING
            return self._request(CramMd5ResponseGiven(username, digest, sasl.challenge))
        return self._request(AuthResponseGiven(sasl.mechanism, answer))

    def _stls_command(self, command: Command) -> Event:
        expect_args(command, 0, 0)
        if not self.options.stls:
            raise RemoteProtocolError("STLS not supported")
        if self._tls_active:
            raise RemoteProtocolError("TLS is already active")
        return self._request(StlsRequested())

    def _capa_command(self, command: Command) -> Event:
        expect_args(command, 0, 0)
        return CapaRequested(capa_response(self.capabilities()))

    def _quit_command(self, command: Command) -> Event:
        expect_args(command, 0, 0)
        if self.state is State.AUTHORIZATION:
            response = ok_line("POP3 server signing off")
            self._close("the client quit")
            return QuitBeforeLogin(response)
        deleted = self._snapshot().deleted
        self._machine.go(State.UPDATE)
        return self._request(QuitRequested(deleted))

    # TRANSACTION -------------------------------------------------------------

    def _stat_command(self, command: Command) -> Event:
        expect_args(command, 0, 0)
        count, octets = self._snapshot().stat()
        return StatRequested(count, octets, ok_line(f"{count} {octets}"))

    def _list_command(self, command: Command) -> Event:
        args = expect_args(command, 0, 1)
        snapshot = self._snapshot()
        if args:
            msg = parse_message_number(args[0])
            return ListRequested(msg, ok_line(f"{msg} {snapshot.size(msg)}"))
        count, octets = snapshot.stat()
        entries = [(n, snapshot.size(n)) for n in snapshot.visible()]
        return ListRequested(None, scan_listing(entries, f"{count} messages ({octets} octets)"))

    def _uidl_command(self, command: Command) -> Event:
        args = expect_args(command, 0, 1)
        snapshot = self._snapshot()
        if args:
            msg = parse_message_number(args[0])
            return UidlRequested(msg, ok_line(f"{msg} {snapshot.uid(msg)}"))
        entries = [(n, snapshot.uid(n)) for n in snapshot.visible()]
        return UidlRequested(None, uidl_listing(entries, "unique-id listing follows"))

    def _retr_command(self, command: Command) -> Event:
        (arg,) = expect_args(command, 1, 1)
        msg = self._snapshot().check(parse_message_number(arg))
        return self._request(RetrRequested(msg))

    def _top_command(self, command: Command) -> Event:
        msg_arg, lines_arg = expect_args(command, 2, 2)
        msg = parse_message_number(msg_arg)
        lines = parse_line_count(lines_arg)
        self._snapshot().check(msg)
        return self._request(TopRequested(msg, lines))

    def _dele_command(self, command: Command) -> Event:
        (arg,) = expect_args(command, 1, 1)
        msg = parse_message_number(arg)
        self._snapshot().delete(msg)
        return DeleRequested(msg, ok_line(f"message {msg} deleted"))

    def _rset_command(self, command: Command) -> Event:
        expect_args(command, 0, 0)
        snapshot = self._snapshot()
        snapshot.reset()
        count, octets = snapshot.stat()
        return RsetRequested(ok_line(f"maildrop has {count} messages ({octets} octets)"))

    def _noop_command(self, command: Command) -> Event:
        expect_args(command, 0, 0)
        return NoopRequested(ok_line())


_HANDLERS = {
    "USER": Pop3Connection._user_command,
    "PASS": Pop3Connection._pass_command,
    "APOP": Pop3Connection._apop_command,
    "AUTH": Pop3Connection._auth_command,
    "STLS": Pop3Connection._stls_command,
    "CAPA": Pop3Connection._capa_command,
    "QUIT": Pop3Connection._quit_command,
    "STAT": Pop3Connection._stat_command,
    "LIST": Pop3Connection._list_command,
    "UIDL": Pop3Connection._uidl_command,
    "RETR": Pop3Connection._retr_command,
    "TOP": Pop3Connection._top_command,
    "DELE": Pop3Connection._dele_command,
    "RSET": Pop3Connection._rset_command,
    "NOOP": Pop3Connection._noop_command,
}
assert set(_HANDLERS) == set(COMMAND_STATES)

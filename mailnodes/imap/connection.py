"""``ImapConnection``: the sans-IO IMAP server core. Bytes from the client go in through
``receive_data``; ``next_event`` turns them into events (see ``events``); the caller answers each
``Request`` with untagged responses (``send``) and one completion (``ok``/``no``/``bad`` or a
special method), each returning the bytes to write. No sockets, no clock, no store: time comes in
as ``now`` arguments, mailbox contents stay with the session.

The caller's loop (the server adapter with a session behind it)::

    conn = ImapConnection(options, now=clock())
    write(conn.greeting("Mailhive IMAP4 ready"))
    on bytes:   conn.receive_data(data, clock())        # b"" when the client closed
    on timer:   conn.handle_timer(clock())              # re-arm with conn.get_timer()
    then drain: while (event := conn.next_event()) not in (NEED_DATA, PAUSED):
                    if isinstance(event, ConnectionClosed): close the transport; stop
                    elif isinstance(event, Answered):   write(event.response)
                    else: write(session.answer(event))  # conn.send(...) + conn.ok(...)
    on store change (IDLE, or between commands): if conn.may_send_expunges(): write(conn.send(...))

One request is answered before the next command is read, so pipelined commands become events in
order, each seen in the state its predecessor left. What the core decides alone: CAPABILITY,
LOGOUT, ENABLE, ID; literal continuations; state and mode checks; LOGINDISABLED; the PLAIN and
LOGIN SASL exchanges; the IMAP rules on untagged responses (no EXPUNGE while a FETCH, STORE or
SEARCH by sequence number runs, nor with no command in progress, RFC 9051 section 7.5.1; VANISHED
instead of EXPUNGE once QRESYNC is enabled, RFC 7162 section 3.2.10); the client's message count
(``selected.exists``) against which sequence numbers are checked.
"""
from __future__ import annotations

import base64
import enum
from collections import deque
from dataclasses import dataclass

from mailnodes.imap.commands import And as AndKey
from mailnodes.imap.commands import (
    Authenticate,
    Capability,
    Close,
    Command,
    Compress,
    Copy,
    Enable,
    Expunge,
    Fetch,
    FetchAttribute,
    Id,
    Idle,
    Login,
    Logout,
    ModSeqKey,
    Move,
    Search,
    SearchKey,
    Select,
    Sort,
    StartTls,
    Status,
    Store,
    Thread,
    Unselect,
)
from mailnodes.imap.commands import Not as NotKey
from mailnodes.imap.commands import Or as OrKey
from mailnodes.imap.errors import LocalProtocolError, RemoteProtocolError
from mailnodes.imap.events import (
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
    Event,
    IdleEnded,
    IdleTimedOut,
    LiteralGoAhead,
    Pending,
    Request,
)
from mailnodes.imap.options import ENABLEABLE, PLAINTEXT_MECHANISMS, ImapOptions
from mailnodes.imap.parser import (
    LITERAL_MINUS_LIMIT,
    Cancelled,
    CommandFramer,
    Frame,
    FrameError,
    Framing,
    LiteralAnnounced,
    ParseContext,
    command_supported,
    decode_login_field,
    decode_plain,
    parse_auth_response,
    parse_command,
    peek_command,
    read_tag,
)
from mailnodes.imap.responses import (
    AUTHENTICATIONFAILED,
    CLOSED,
    COMPRESSIONACTIVE,
    PRIVACYREQUIRED,
    READ_ONLY,
    READ_WRITE,
    CapabilityData,
    Code,
    EnabledData,
    Exists,
    FetchData,
    Flags,
    IdData,
    RenderContext,
    Untagged,
    Vanished,
    continuation,
    continuation_data,
    status_line,
)
from mailnodes.imap.responses import Expunge as ExpungeData
from mailnodes.imap.responses import Recent as RecentData
from mailnodes.imap.state import Mode, SelectedMailbox, State, StateMachine, allowed_in

_USERNAME_PROMPT = base64.b64encode(b"Username:")
_PASSWORD_PROMPT = base64.b64encode(b"Password:")
# Untagged data that only makes sense about a selected mailbox.
_MAILBOX_DATA = (Exists, RecentData, ExpungeData, Vanished, FetchData, Flags)


class _Step(enum.Enum):
    """Where an AUTHENTICATE exchange stands."""

    PLAIN = "plain"                    # "+ " sent, waiting for the PLAIN message
    LOGIN_USER = "login user"          # "Username:" sent
    LOGIN_PASSWORD = "login password"  # "Password:" sent
    CALLER = "caller"                  # a mechanism the caller drives
    DECIDING = "deciding"              # credentials handed over, the caller decides


@dataclass(slots=True)
class _Sasl:
    tag: str
    mechanism: str
    step: _Step
    username: str = ""


def _uses_modseq(key: SearchKey) -> bool:
    if isinstance(key, ModSeqKey):
        return True
    if isinstance(key, NotKey):
        return _uses_modseq(key.key)
    if isinstance(key, OrKey):
        return _uses_modseq(key.left) or _uses_modseq(key.right)
    if isinstance(key, AndKey):
        return any(_uses_modseq(k) for k in key.keys)
    return False


class ImapConnection:
    """One IMAP server connection (see the module docstring for the caller's loop)."""

    def __init__(self, options: ImapOptions, *, now: float, tls_active: bool = False) -> None:
        self.options = options
        self._machine = StateMachine()
        self._framer = CommandFramer()
        self._mode = Mode.COMMAND
        self._tls_active = tls_active
        self._compressed = False
        self._greeted = False
        self._pending: Request | None = None
        self._queue: deque[Event] = deque()
        self._eof = False
        self._close_reason = ""
        self._bad_commands = 0
        self._selected: SelectedMailbox | None = None
        self._selecting: SelectedMailbox | None = None
        self._enabled: set[str] = set()
        self._condstore = False
        self._sasl: _Sasl | None = None
        self._idle_tag: str | None = None
        self._prefix = b""
        self._discard_error: RemoteProtocolError | None = None
        self._last_activity = now

    # ------------------------------------------------------------------ what the caller may read

    @property
    def state(self) -> State:
        return self._machine.state

    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def tls_active(self) -> bool:
        return self._tls_active

    @property
    def compression_active(self) -> bool:
        return self._compressed

    @property
    def pending(self) -> Request | None:
        """The request waiting for the caller's answer, if any."""
        return self._pending

    @property
    def selected(self) -> SelectedMailbox | None:
        """The selected mailbox (name, read-only, the client's message count), or None."""
        return self._selected

    @property
    def enabled(self) -> frozenset[str]:
        """Extensions the client turned on with ENABLE (CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4rev2)."""
        return frozenset(self._enabled)

    @property
    def imap4rev2(self) -> bool:
        """IMAP4rev2 semantics are on (ENABLE IMAP4rev2): no RECENT, ESEARCH answers SEARCH..."""
        return "IMAP4rev2" in self._enabled

    @property
    def utf8(self) -> bool:
        """Mailbox names and strings are UTF-8 (UTF8=ACCEPT or IMAP4rev2 enabled)."""
        return bool(self._enabled & {"UTF8=ACCEPT", "IMAP4rev2"})

    @property
    def qresync(self) -> bool:
        return "QRESYNC" in self._enabled

    @property
    def condstore(self) -> bool:
        """CONDSTORE is on (enabled, or a CONDSTORE-enabling command was seen, RFC 7162 section
        3.1): FETCH responses carry MODSEQ after STORE, SELECT answers HIGHESTMODSEQ..."""
        return self._condstore or bool(self._enabled & {"CONDSTORE", "QRESYNC"})

    def capabilities(self) -> list[str]:
        """The capability list for the current state and transport."""
        options = self.options
        caps = ["IMAP4rev1"]
        if "IMAP4rev2" in options.extensions:
            caps.append("IMAP4rev2")
        if self.state is State.NOT_AUTHENTICATED:
            if options.starttls and not self._tls_active:
                caps.append("STARTTLS")
            if not self._plaintext_allowed():
                caps.append("LOGINDISABLED")
            caps += [f"AUTH={m}" for m in self._offered_mechanisms()]
        caps.append("LITERAL+" if options.supports("LITERAL+") else "LITERAL-")
        for name in sorted(options.extensions - {"IMAP4rev2", "LITERAL+"}):
            if name == "THREAD":
                caps += ["THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES"]
            elif name == "APPENDLIMIT":
                caps.append(f"APPENDLIMIT={options.max_append_size}")
            elif name == "COMPRESS=DEFLATE" and self._compressed:
                continue
            elif name == "SASL-IR" and self.state is not State.NOT_AUTHENTICATED:
                continue
            else:
                caps.append(name)
        return caps

    def may_send_expunges(self) -> bool:
        """Whether EXPUNGE / VANISHED may be sent now: a mailbox is selected and a command is in
        progress that is not a FETCH, STORE, SEARCH, SORT or THREAD by sequence number (RFC 9051
        section 7.5.1; RFC 5256 for SORT and THREAD), or IDLE is running."""
        if self._selected is None:
            return False
        if self._mode is Mode.IDLE:
            return True
        if not isinstance(self._pending, CommandReceived):
            return False
        command = self._pending.command
        return not (isinstance(command, (Fetch, Store, Search, Sort, Thread)) and not command.uid)

    # ------------------------------------------------------------------ input

    def greeting(self, text: str = "Mailhive IMAP4 server ready", *, preauth: bool = False) -> bytes:
        """The server greeting with the capabilities; ``preauth`` for a connection already
        authenticated by other means (it starts in AUTHENTICATED)."""
        if self._greeted or self.state is State.LOGOUT:
            raise LocalProtocolError("the greeting was already sent, or the connection is closed")
        if preauth:
            self._machine.go(State.AUTHENTICATED)
        self._greeted = True
        return status_line(None, "PREAUTH" if preauth else "OK", text, Code.capability(self.capabilities()))

    def receive_data(self, data: bytes, now: float) -> None:
        """Bytes from the client; ``b""`` means the client closed its side."""
        if self.state is State.LOGOUT:
            return
        self._last_activity = now
        if not data:
            self._eof = True
            return
        if self._eof or self._mode in (Mode.AWAITING_TLS, Mode.AWAITING_COMPRESSION):
            # Between an accepted STARTTLS and the handshake, plaintext is never interpreted
            # (RFC 9051 section 6.2.1, CVE-2011-0411): whatever arrives is dropped.
            return
        self._framer.feed(data)
        if len(self._framer) > self.options.max_command_size:
            self._abort("too much unread input", "Too much input")

    def next_event(self) -> Event | Pending:
        """The next event, ``NEED_DATA``, or ``PAUSED`` while a request waits for its answer."""
        if not self._greeted and self.state is not State.LOGOUT:
            raise LocalProtocolError("send the greeting before reading commands")
        while True:
            if self._queue:
                return self._queue.popleft()
            if self.state is State.LOGOUT:
                return ConnectionClosed(self._close_reason)
            if self._pending is not None or self._mode in (Mode.AWAITING_TLS, Mode.AWAITING_COMPRESSION):
                return PAUSED
            if self._mode is Mode.SASL:
                event = self._sasl_line()
            elif self._mode is Mode.IDLE:
                event = self._idle_line()
            else:
                event = self._next_command()
            if event is NEED_DATA and self._eof:
                self._close("the client closed the connection")
                continue
            if event is not None:
                return event

    # ------------------------------------------------------------------ answers to requests

    def send(self, *responses: Untagged) -> bytes:
        """Untagged responses, checked against the protocol's rules, as bytes to write. Allowed
        while a command is in progress or IDLE runs, and (except EXPUNGE/VANISHED) between
        commands; never during an AUTHENTICATE exchange or before the greeting."""
        if not self._greeted or self.state is State.LOGOUT:
            raise LocalProtocolError("no untagged responses before the greeting or after logout")
        if self._mode in (Mode.SASL, Mode.AWAITING_TLS, Mode.AWAITING_COMPRESSION):
            raise LocalProtocolError(f"no untagged responses in {self._mode.value} mode")
        context = self._render_context()
        out = bytearray(self._take_prefix())
        for response in responses:
            if not isinstance(response, Untagged):
                raise LocalProtocolError(f"not an untagged response: {response!r}")
            self._check_untagged(response)
            out += response.render(context)
        return bytes(out)

    def ok(self, text: str = "", code: Code | None = None) -> bytes:
        """Complete the pending command with OK (see ``CommandReceived`` for what that changes)."""
        pending = self._peek(CommandReceived)
        command = pending.command
        if isinstance(command, Idle):
            raise LocalProtocolError("answer IDLE with idle_started() (or no())")
        if isinstance(command, Select):
            if code is None:
                code = READ_ONLY if command.read_only else READ_WRITE
            assert self._selecting is not None
            self._selecting.read_only = command.read_only or code == READ_ONLY
            self._selected, self._selecting = self._selecting, None
            self._machine.go(State.SELECTED)
        elif isinstance(command, (Close, Unselect)):
            self._selected = None
            self._machine.go(State.AUTHENTICATED)
        elif isinstance(command, StartTls):
            self._mode = Mode.AWAITING_TLS
            self._framer.clear()
        elif isinstance(command, Compress):
            self._mode = Mode.AWAITING_COMPRESSION
            self._framer.clear()
        return self._complete("OK", text or f"{self._label(command)} completed", code)

    def no(self, text: str, code: Code | None = None) -> bytes:
        """Complete the pending command with NO (a refused SELECT leaves no mailbox selected)."""
        self._peek(CommandReceived)
        self._selecting = None
        return self._complete("NO", text, code)

    def bad(self, text: str, code: Code | None = None) -> bytes:
        """Complete the pending command with BAD (an argument the session found invalid)."""
        self._peek(CommandReceived)
        self._selecting = None
        return self._complete("BAD", text, code)

    def idle_started(self, text: str = "idling") -> bytes:
        """Accept IDLE: the continuation request; until DONE, ``send`` live updates."""
        pending = self._peek(CommandReceived)
        if not isinstance(pending.command, Idle):
            raise LocalProtocolError("idle_started() answers IDLE only")
        self._pending = None
        self._idle_tag = pending.tag
        self._mode = Mode.IDLE
        return self._take_prefix() + continuation(text)

    def login_succeeded(self, text: str | None = None, code: Code | None = None) -> bytes:
        """Accept LOGIN or AUTHENTICATE: AUTHENTICATED; the OK carries the new capabilities."""
        pending = self._peek(CredentialsGiven, AuthRequested, AuthResponseGiven)
        self._sasl = None
        self._mode = Mode.COMMAND
        self._machine.go(State.AUTHENTICATED)
        label = "LOGIN" if isinstance(pending, CredentialsGiven) and pending.mechanism is None else "AUTHENTICATE"
        return self._complete("OK", text or f"{label} completed", code or Code.capability(self.capabilities()))

    def login_failed(self, text: str = "Authentication failed", code: Code | None = AUTHENTICATIONFAILED) -> bytes:
        """Refuse LOGIN or AUTHENTICATE (``code``: AUTHENTICATIONFAILED by default; UNAVAILABLE,
        AUTHORIZATIONFAILED, EXPIRED, PRIVACYREQUIRED, CONTACTADMIN fit other causes)."""
        self._peek(CredentialsGiven, AuthRequested, AuthResponseGiven)
        self._sasl = None
        self._mode = Mode.COMMAND
        return self._complete("NO", text, code)

    def challenge(self, data: bytes) -> bytes:
        """Send a SASL challenge (raw bytes; the core base64-encodes) in a caller-driven exchange."""
        self._peek(AuthRequested, AuthResponseGiven)
        if not isinstance(data, bytes):
            raise LocalProtocolError("a SASL challenge is bytes")
        self._pending = None
        return continuation_data(base64.b64encode(data))

    # ------------------------------------------------------------------ caller-driven changes

    def starttls_started(self) -> None:
        """The TLS handshake after an accepted STARTTLS succeeded: input buffered before it is
        dropped and the client starts over with the new capabilities."""
        if self._mode is not Mode.AWAITING_TLS:
            raise LocalProtocolError("starttls_started() without an accepted STARTTLS")
        self._mode = Mode.COMMAND
        self._tls_active = True
        self._framer.clear()

    def compression_started(self) -> None:
        """DEFLATE is now on in both directions (the caller inflates input before
        ``receive_data`` and deflates output)."""
        if self._mode is not Mode.AWAITING_COMPRESSION:
            raise LocalProtocolError("compression_started() without an accepted COMPRESS")
        self._mode = Mode.COMMAND
        self._compressed = True
        self._framer.clear()

    def close(self, text: str = "Server shutting down", code: Code | None = None) -> bytes:
        """Close from the server's side: the untagged BYE to write (b"" if already closed)."""
        if self.state is State.LOGOUT:
            return b""
        line = self._take_prefix() + status_line(None, "BYE", text, code)
        self._close("closed by the server")
        return line

    # ------------------------------------------------------------------ timers

    def get_timer(self) -> float | None:
        """When the autologout timer fires, or None (closed, or the caller owes an answer or a
        TLS/compression start)."""
        if self.state is State.LOGOUT or self._pending is not None:
            return None
        if self._mode in (Mode.AWAITING_TLS, Mode.AWAITING_COMPRESSION):
            return None
        timeout = self.options.login_timeout if self.state is State.NOT_AUTHENTICATED else self.options.autologout
        return self._last_activity + timeout

    def handle_timer(self, now: float) -> None:
        """Fire the autologout timer if it is due: ``IdleTimedOut`` then ``ConnectionClosed``."""
        deadline = self.get_timer()
        if deadline is None or now < deadline:
            return
        self._queue.append(IdleTimedOut(status_line(None, "BYE", "Autologout; idle for too long")))
        self._close("autologout")

    def note_activity(self, now: float) -> None:
        """Restart the idle clock, e.g. once a long FETCH response has been written."""
        self._last_activity = now

    # ------------------------------------------------------------------ internals: plumbing

    def _render_context(self) -> RenderContext:
        return RenderContext(utf8=self.utf8)

    def _parse_context(self) -> ParseContext:
        return ParseContext(self.options, utf8=self.utf8, qresync=self.qresync)

    def _peek(self, *kinds: type[Request]) -> Request:
        if self._pending is None:
            raise LocalProtocolError("no request is waiting for an answer")
        if not isinstance(self._pending, kinds):
            raise LocalProtocolError(f"{type(self._pending).__name__} cannot be answered this way")
        return self._pending

    def _request(self, event: Request) -> Request:
        self._pending = event
        return event

    def _take_prefix(self) -> bytes:
        prefix, self._prefix = self._prefix, b""
        return prefix

    def _complete(self, status: str, text: str, code: Code | None) -> bytes:
        assert self._pending is not None
        line = self._take_prefix() + status_line(self._pending.tag, status, text, code)
        self._pending = None
        return line

    @staticmethod
    def _label(command: Command) -> str:
        if isinstance(command, Select) and command.read_only:
            return "EXAMINE"
        uid = getattr(command, "uid", False) is True or (isinstance(command, Expunge) and command.uid_set is not None)
        return ("UID " if uid else "") + command.name

    def _close(self, reason: str) -> None:
        self._machine.go(State.LOGOUT)
        self._close_reason = reason
        self._pending = None
        self._sasl = None
        self._selected = self._selecting = None
        self._mode = Mode.COMMAND
        self._framer.clear()

    def _abort(self, reason: str, text: str) -> None:
        self._queue.append(ConnectionAborted(reason, status_line(None, "BYE", text)))
        self._close(reason)

    def _reject(self, tag: bytes | str | None, name: str, error: RemoteProtocolError) -> Event:
        raw_tag = tag.encode("ascii") if isinstance(tag, str) else tag
        response = error.to_response(raw_tag)
        text_tag = raw_tag.decode("ascii") if raw_tag is not None else None
        if error.fatal:
            self._queue.append(ConnectionAborted(error.reason, response))
            self._close(error.reason)
            return self._queue.popleft()
        event = CommandRejected(text_tag, name, error.status, error.reason, response)
        if error.status == "BAD":
            self._bad_commands += 1
            if self._bad_commands >= self.options.max_bad_commands:
                self._abort("too many bad commands", "Too many invalid commands")
        return event

    def _check_untagged(self, response: Untagged) -> None:
        if isinstance(response, EnabledData):
            raise LocalProtocolError("ENABLED is the core's answer to ENABLE")
        if isinstance(response, _MAILBOX_DATA):
            view = self._selected or self._selecting
            if view is None:
                raise LocalProtocolError(f"{type(response).__name__} needs a selected mailbox")
            if isinstance(response, RecentData) and self.imap4rev2:
                raise LocalProtocolError("RECENT does not exist in IMAP4rev2")
            if isinstance(response, Exists):
                if response.count < view.exists and self._selecting is None:
                    raise LocalProtocolError("EXISTS cannot shrink the mailbox: send EXPUNGE/VANISHED first")
                view.exists = response.count
            elif isinstance(response, ExpungeData):
                if self.qresync:
                    raise LocalProtocolError("QRESYNC is enabled: send VANISHED, not EXPUNGE")
                if not self.may_send_expunges():
                    raise LocalProtocolError("EXPUNGE is not allowed now (RFC 9051 section 7.5.1)")
                if response.number > view.exists:
                    raise LocalProtocolError(f"EXPUNGE {response.number} beyond the {view.exists} messages")
                view.exists -= 1
            elif isinstance(response, Vanished):
                if not self.qresync:
                    raise LocalProtocolError("VANISHED needs ENABLE QRESYNC")
                if response.earlier:
                    allowed = self._selecting is not None or (
                        isinstance(self._pending, CommandReceived) and isinstance(self._pending.command, Fetch)
                        and self._pending.command.vanished)
                    if not allowed:
                        raise LocalProtocolError("VANISHED (EARLIER) answers QRESYNC SELECT or UID FETCH (VANISHED)")
                else:
                    if not self.may_send_expunges():
                        raise LocalProtocolError("VANISHED is not allowed now (RFC 9051 section 7.5.1)")
                    count = response.count()
                    if count > view.exists:
                        raise LocalProtocolError("VANISHED removes more messages than the client knows")
                    view.exists -= count
            elif isinstance(response, FetchData) and self._selecting is None and response.number > view.exists:
                raise LocalProtocolError(f"FETCH {response.number} beyond the {view.exists} messages")

    # ------------------------------------------------------------------ internals: reading

    def _plaintext_allowed(self) -> bool:
        return self.options.allow_plaintext_auth or self._tls_active

    def _offered_mechanisms(self) -> list[str]:
        plaintext = self._plaintext_allowed()
        return [m for m in self.options.sasl_mechanisms if plaintext or m not in PLAINTEXT_MECHANISMS]

    def _check_command(self, name: str | None, sub: str | None) -> None:
        if name is None:
            raise RemoteProtocolError("missing command name")
        if not command_supported(name, sub, self.options):
            raise RemoteProtocolError(f"unknown command {name}" if len(name) < 40 else "unknown command")
        if not allowed_in(name, self.state):
            raise RemoteProtocolError(f"{name} not allowed in the {self.state.value} state")
        if name == "LOGIN" and not self._plaintext_allowed():
            raise RemoteProtocolError("plaintext LOGIN is disabled; use STARTTLS first", code="PRIVACYREQUIRED",
                                      status="NO")

    def _next_command(self) -> Event | Pending | None:
        item = self._framer.next_command(self.options.max_line)
        if item is Framing.INCOMPLETE:
            return NEED_DATA
        if isinstance(item, LiteralAnnounced):
            return self._literal(item)
        if isinstance(item, FrameError):
            error, self._discard_error = self._discard_error or RemoteProtocolError(item.reason), None
            tag, name, _ = peek_command(item.head)
            return self._reject(tag, name or "", error)
        assert isinstance(item, Frame)
        return self._command(item.data)

    def _literal(self, item: LiteralAnnounced) -> Event | None:
        tag, name, sub = peek_command(item.head)
        limit = self.options.max_append_size if name == "APPEND" else self.options.max_literal
        try:
            if tag is None:
                raise RemoteProtocolError("missing or invalid tag")
            self._check_command(name, sub)
            if item.size > limit:
                if name == "APPEND":
                    raise RemoteProtocolError("message too big", code="TOOBIG", status="NO")
                raise RemoteProtocolError("literal too big")
            if len(item.head) + item.size > self.options.max_command_size:
                raise RemoteProtocolError("command too big", code="TOOBIG", status="NO")
            if item.binary and name != "APPEND":
                raise RemoteProtocolError("literal8 is allowed only in APPEND")
            if (not item.synchronizing and not self.options.supports("LITERAL+")
                    and item.size > LITERAL_MINUS_LIMIT):
                raise RemoteProtocolError("non-synchronizing literal larger than 4096 octets (LITERAL-)")
        except RemoteProtocolError as error:
            if item.synchronizing:
                self._framer.refuse_literal()
                return self._reject(tag, name or "", error)
            if item.size > self.options.max_command_size:
                return self._reject(tag, name or "", RemoteProtocolError(error.reason, fatal=True))
            self._framer.discard_literal(error.reason)
            self._discard_error = error
            return None
        self._framer.accept_literal()
        if not item.synchronizing:
            return None
        return LiteralGoAhead(tag.decode("ascii"), item.size, continuation("Ready for literal data"))

    def _command(self, data: bytes) -> Event:
        tag = read_tag(data)
        _, name, sub = peek_command(data[:100])
        try:
            if tag is None:
                raise RemoteProtocolError("missing or invalid tag" if data.strip() else "empty command line")
            self._check_command(name, sub)
            command = parse_command(data, self._parse_context())
        except RemoteProtocolError as error:
            return self._reject(tag, name or "", error)
        try:
            return self._dispatch(command)
        except RemoteProtocolError as error:
            return self._reject(command.tag, command.name, error)

    def _dispatch(self, command: Command) -> Event:
        if isinstance(command, Capability):
            body = self._render(CapabilityData(tuple(self.capabilities())))
            return CommandAnswered(command, body + status_line(command.tag, "OK", "CAPABILITY completed"))
        if isinstance(command, Logout):
            response = (status_line(None, "BYE", "Logging out")
                        + status_line(command.tag, "OK", "LOGOUT completed"))
            self._close("the client logged out")
            return CommandAnswered(command, response)
        if isinstance(command, Id):
            parameters = self.options.server_id or None
            body = self._render(IdData(parameters))
            return CommandAnswered(command, body + status_line(command.tag, "OK", "ID completed"))
        if isinstance(command, Enable):
            return self._enable(command)
        if isinstance(command, Login):
            return self._request(CredentialsGiven(command.tag, None, "", command.username, command.password))
        if isinstance(command, Authenticate):
            return self._authenticate(command)
        if isinstance(command, StartTls) and self._tls_active:
            raise RemoteProtocolError("TLS is already active")
        if isinstance(command, Compress) and self._compressed:
            raise RemoteProtocolError("compression is already active", code=COMPRESSIONACTIVE.name, status="NO")
        if isinstance(command, Select):
            return self._select(command)
        self._note_condstore(command)
        self._check_selected(command)
        return self._request(CommandReceived(command))

    def _render(self, response: Untagged) -> bytes:
        return response.render(self._render_context())

    def _enable(self, command: Enable) -> Event:
        newly = []
        for name in command.capabilities:
            canonical = next((e for e in ENABLEABLE if e.upper() == name.upper()), None)
            if canonical is None or not self.options.supports(canonical) or canonical in self._enabled:
                continue
            if canonical == "IMAP4rev2" and "IMAP4rev2" not in self.options.extensions:
                continue
            self._enabled.add(canonical)
            newly.append(canonical)
            if canonical == "QRESYNC" and "CONDSTORE" not in self._enabled:
                self._enabled.add("CONDSTORE")  # RFC 7162 section 3.2.3: QRESYNC implies CONDSTORE
        body = self._render(EnabledData(tuple(newly)))
        return CommandAnswered(command, body + status_line(command.tag, "OK", "ENABLE completed"))

    def _select(self, command: Select) -> Event:
        if self._selected is not None:
            # The current mailbox is closed first, whatever becomes of the new selection; QRESYNC
            # and IMAP4rev2 clients are told so (RFC 7162 section 3.2.11, RFC 9051 section 6.3.2).
            self._selected = None
            self._machine.go(State.AUTHENTICATED)
            if self.qresync or self.imap4rev2:
                self._prefix = status_line(None, "OK", "Previous mailbox is now closed", CLOSED)
        if command.condstore:
            self._condstore = True
        self._selecting = SelectedMailbox(command.mailbox, command.read_only)
        return self._request(CommandReceived(command))

    def _note_condstore(self, command: Command) -> None:
        """RFC 7162 section 3.1: these commands enable CONDSTORE for the rest of the session."""
        if (isinstance(command, Fetch) and (command.changed_since is not None
                                            or FetchAttribute("MODSEQ") in command.items)) \
                or (isinstance(command, Store) and command.unchanged_since is not None) \
                or (isinstance(command, Search) and _uses_modseq(command.criteria)) \
                or (isinstance(command, Status) and "HIGHESTMODSEQ" in command.items):
            self._condstore = True

    def _check_selected(self, command: Command) -> None:
        view = self._selected
        if view is None:
            return
        if view.read_only and (isinstance(command, (Store, Move))
                               or (isinstance(command, Expunge))):
            raise RemoteProtocolError("the mailbox is read-only", code=READ_ONLY.name, status="NO")
        if isinstance(command, (Fetch, Store, Copy, Move)) and not command.uid:
            if not command.sequence_set.saved and command.sequence_set.beyond(view.exists):
                raise RemoteProtocolError(f"invalid message sequence number (the mailbox has {view.exists} messages)")

    # AUTHENTICATE ------------------------------------------------------------

    def _authenticate(self, command: Authenticate) -> Event:
        mechanism = command.mechanism
        if mechanism not in self._offered_mechanisms():
            if mechanism in self.options.sasl_mechanisms:
                raise RemoteProtocolError("plaintext authentication is disabled; use STARTTLS first",
                                          code=PRIVACYREQUIRED.name, status="NO")
            raise RemoteProtocolError("unsupported authentication mechanism", status="NO")
        initial = command.initial_response
        tag = command.tag
        if mechanism == "PLAIN":
            if initial is None:
                self._begin_sasl(_Sasl(tag, "PLAIN", _Step.PLAIN))
                return AuthStarted(tag, "PLAIN", continuation_data(b""))
            authzid, username, password = decode_plain(initial)
            self._begin_sasl(_Sasl(tag, "PLAIN", _Step.DECIDING))
            return self._request(CredentialsGiven(tag, "PLAIN", authzid, username, password))
        if mechanism == "LOGIN":
            if initial is None:
                self._begin_sasl(_Sasl(tag, "LOGIN", _Step.LOGIN_USER))
                return AuthStarted(tag, "LOGIN", continuation_data(_USERNAME_PROMPT))
            username = decode_login_field(initial, "user name")
            self._begin_sasl(_Sasl(tag, "LOGIN", _Step.LOGIN_PASSWORD, username))
            return AuthStarted(tag, "LOGIN", continuation_data(_PASSWORD_PROMPT))
        self._begin_sasl(_Sasl(tag, mechanism, _Step.CALLER))
        return self._request(AuthRequested(tag, mechanism, initial))

    def _begin_sasl(self, sasl: _Sasl) -> None:
        self._sasl = sasl
        self._mode = Mode.SASL

    def _end_sasl(self) -> None:
        self._sasl = None
        self._mode = Mode.COMMAND

    def _sasl_line(self) -> Event | Pending:
        sasl = self._sasl
        assert sasl is not None  # SASL mode always has one
        line = self._framer.next_line(self.options.max_auth_line)
        if line is Framing.INCOMPLETE:
            return NEED_DATA
        try:
            if line is Framing.TOO_LONG:
                raise RemoteProtocolError("SASL response too long")
            assert isinstance(line, bytes)
            answer = parse_auth_response(line)
            if answer is Cancelled.CANCELLED:
                self._end_sasl()
                return AuthCancelled(sasl.tag, sasl.mechanism,
                                     status_line(sasl.tag, "BAD", "AUTHENTICATE cancelled"))
            return self._sasl_step(sasl, answer)
        except RemoteProtocolError as error:
            self._end_sasl()
            return self._reject(sasl.tag, "AUTHENTICATE", error)

    def _sasl_step(self, sasl: _Sasl, answer: bytes) -> Event:
        if sasl.step is _Step.PLAIN:
            authzid, username, password = decode_plain(answer)
            sasl.step = _Step.DECIDING
            return self._request(CredentialsGiven(sasl.tag, "PLAIN", authzid, username, password))
        if sasl.step is _Step.LOGIN_USER:
            sasl.username = decode_login_field(answer, "user name")
            sasl.step = _Step.LOGIN_PASSWORD
            return AuthContinued(sasl.tag, "LOGIN", continuation_data(_PASSWORD_PROMPT))
        if sasl.step is _Step.LOGIN_PASSWORD:
            password = decode_login_field(answer, "password")
            sasl.step = _Step.DECIDING
            return self._request(CredentialsGiven(sasl.tag, "LOGIN", "", sasl.username, password))
        return self._request(AuthResponseGiven(sasl.tag, sasl.mechanism, answer))

    # IDLE --------------------------------------------------------------------

    def _idle_line(self) -> Event | Pending:
        tag = self._idle_tag
        assert tag is not None  # IDLE mode always has one
        line = self._framer.next_line(self.options.max_line)
        if line is Framing.INCOMPLETE:
            return NEED_DATA
        self._mode = Mode.COMMAND
        self._idle_tag = None
        if isinstance(line, bytes) and line.upper() == b"DONE":
            return IdleEnded(tag, self._take_prefix() + status_line(tag, "OK", "IDLE terminated"))
        return self._reject(tag, "IDLE", RemoteProtocolError("expected DONE to end IDLE"))

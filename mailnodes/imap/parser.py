"""Parsing what an IMAP client sends: framing the byte stream into whole commands
(``CommandFramer``: lines, literals ``{n}`` / ``{n+}`` / ``~{n}``), and parsing a whole command into
its typed form (``parse_command`` -> ``commands.Command``), plus the SASL response lines of
AUTHENTICATE. Every production is a method of ``Reader`` or a pure function; a fault is a
``RemoteProtocolError`` with the reason sent to the client.

Grammar: RFC 9051 section 9 (which contains RFC 3501's), RFC 7888 (literals), RFC 3516 (literal8),
RFC 7162 (CONDSTORE/QRESYNC), RFC 5258/5819/6154 (LIST), RFC 4731/5182 (ESEARCH, SEARCHRES),
RFC 5256/5267 (SORT, THREAD), RFC 2971 (ID), RFC 9208 (QUOTA), RFC 4978 (COMPRESS), RFC 5032
(WITHIN), RFC 6855 (UTF8). Leniencies, all harmless: a bare LF ends a line like CRLF; 8-bit
octets are accepted inside quoted strings (old clients send UTF-8 search strings that way);
command names, keywords and search keys are case-insensitive.

Framing theory: a command is one line, unless the line ends with a literal announcement, in which
case the literal's octets and then another line follow, and so on. The framer hands every
announcement to its caller (``LiteralAnnounced``), which accepts it (for a synchronising literal
after sending "+ ..."), refuses it (a synchronising literal: the client sends nothing more of that
command) or discards it (a non-synchronising literal that is too big: its octets and the rest of
the command are read and dropped, then the command fails). Lines are bounded by a limit; an
overlong line is dropped through its line end and the command fails.
"""
from __future__ import annotations

import base64
import binascii
import datetime
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass

from mailnodes.imap import mutf7
from mailnodes.imap.commands import (
    AgeKey,
    And,
    Append,
    AppendMessage,
    Authenticate,
    BinarySection,
    BinarySize,
    BodySection,
    Capability,
    Check,
    Close,
    Command,
    Compress,
    Copy,
    Create,
    DateKey,
    Delete,
    Enable,
    Expunge,
    Fetch,
    FetchAttribute,
    FetchItem,
    FlagKey,
    GetQuota,
    GetQuotaRoot,
    HeaderKey,
    Id,
    Idle,
    KeywordKey,
    List,
    Login,
    Logout,
    Lsub,
    ModSeqKey,
    Move,
    Namespace,
    Noop,
    Not,
    Or,
    QresyncParameters,
    Rename,
    Search,
    SearchKey,
    Section,
    Select,
    SequenceKey,
    SequenceSet,
    SetQuota,
    SizeKey,
    Sort,
    SortKey,
    StartTls,
    Status,
    Store,
    StoreMode,
    Subscribe,
    TextKey,
    Thread,
    Unselect,
    Unsubscribe,
)
from mailnodes.imap.errors import TAG, LocalProtocolError, RemoteProtocolError
from mailnodes.imap.options import ImapOptions

MAX_NUMBER = 2**32 - 1
MAX_NUMBER64 = 2**63 - 1
LITERAL_MINUS_LIMIT = 4096  # RFC 7888 section 5: a LITERAL- server's largest non-synchronising literal

# ============================================================================ framing


class Framing(enum.Enum):
    """What the framer reports instead of a line or command."""

    INCOMPLETE = "incomplete"  # more bytes are needed
    TOO_LONG = "too long"      # (next_line) a line exceeded the limit; it is dropped


@dataclass(frozen=True, slots=True)
class Frame:
    """A whole command: its lines (CRLF-normalised) and literals, without the final CRLF."""

    data: bytes


@dataclass(frozen=True, slots=True)
class LiteralAnnounced:
    """The command so far (``head``) ends with a literal announcement of ``size`` octets."""

    size: int
    synchronizing: bool
    binary: bool
    head: bytes


@dataclass(frozen=True, slots=True)
class FrameError:
    """The command that began with ``head`` was dropped (overlong line, discarded literal)."""

    reason: str
    head: bytes


_LITERAL_AT_END = re.compile(rb"(~?)\{([0-9]{1,20})(\+?)\}\Z")


def literal_announcement(line: bytes) -> tuple[int, bool, bool] | None:
    """``(size, synchronizing, binary)`` if ``line`` ends with a literal announcement outside a
    quoted string, else None."""
    match = _LITERAL_AT_END.search(line)
    if match is None:
        return None
    quoted = escaped = False
    for octet in line[: match.start()]:
        if escaped:
            escaped = False
        elif quoted and octet == 0x5C:
            escaped = True
        elif octet == 0x22:
            quoted = not quoted
    if quoted:
        return None
    return int(match.group(2)), not match.group(3), bool(match.group(1))


class CommandFramer:
    """Buffers received bytes and cuts them into commands (``next_command``) or, during SASL
    exchanges and IDLE, raw lines (``next_line``)."""

    _HEAD = 100  # how much of a command is kept to name it in an error

    def __init__(self) -> None:
        self._buf = bytearray()
        self._frame = bytearray()
        self._literal = 0            # octets of an accepted literal still to copy
        self._discard = 0            # octets of a refused literal still to drop
        self._announced: LiteralAnnounced | None = None
        self._skip_line = False      # inside an overlong line of a command, dropping through its end
        self._skip_raw = False       # the same for a raw line (already reported by next_line)
        self._error: str | None = None  # the command in progress fails with this reason
        self._head = b""

    def __len__(self) -> int:
        return len(self._buf)

    @property
    def in_command(self) -> bool:
        """Whether part of a command has been framed (a literal or line is awaited)."""
        return bool(self._frame or self._literal or self._discard or self._announced
                    or self._skip_line or self._error)

    @property
    def literal_pending(self) -> int:
        """Octets of an accepted literal not yet received."""
        return self._literal

    def feed(self, data: bytes) -> None:
        self._buf += data

    def clear(self) -> None:
        """Forget everything buffered and any command in progress."""
        self._buf.clear()
        self._reset()

    def _reset(self) -> None:
        self._skip_raw = False
        self._frame.clear()
        self._literal = self._discard = 0
        self._announced = None
        self._skip_line = False
        self._error = None
        self._head = b""

    def next_line(self, limit: int) -> bytes | Framing:
        """The next raw line without its line end; ``limit`` counts the CRLF."""
        if self.in_command:
            raise LocalProtocolError("next_line() in the middle of a command")
        if not self._drop_raw():
            return Framing.INCOMPLETE
        end = self._buf.find(b"\n", 0, limit)
        if end < 0:
            if len(self._buf) < limit:
                return Framing.INCOMPLETE
            self._skip_raw = True
            self._drop_raw()
            return Framing.TOO_LONG
        line = bytes(self._buf[:end])
        del self._buf[: end + 1]
        return line[:-1] if line.endswith(b"\r") else line

    def _drop_raw(self) -> bool:
        """Drop the rest of an overlong raw line; False while its end has not arrived."""
        if self._skip_raw:
            end = self._buf.find(b"\n")
            if end < 0:
                self._buf.clear()
                return False
            del self._buf[: end + 1]
            self._skip_raw = False
        return True

    def next_command(self, limit: int) -> Frame | LiteralAnnounced | FrameError | Framing:
        """The next whole command, a literal announcement to decide, a failed command, or
        ``Framing.INCOMPLETE``. ``limit`` bounds each line (CRLF included)."""
        if self._announced is not None:
            raise LocalProtocolError("decide on the announced literal first")
        if not self._drop_raw():
            return Framing.INCOMPLETE
        while True:
            if self._discard:
                taken = min(self._discard, len(self._buf))
                del self._buf[:taken]
                self._discard -= taken
                if self._discard:
                    return Framing.INCOMPLETE
            if self._literal:
                taken = min(self._literal, len(self._buf))
                self._frame += self._buf[:taken]
                del self._buf[:taken]
                self._literal -= taken
                if self._literal:
                    return Framing.INCOMPLETE
            if self._skip_line:
                end = self._buf.find(b"\n")
                if end < 0:
                    self._buf.clear()
                    return Framing.INCOMPLETE
                del self._buf[: end + 1]
                self._skip_line = False
                return self._fail()
            end = self._buf.find(b"\n", 0, limit)
            if end < 0:
                if len(self._buf) < limit:
                    return Framing.INCOMPLETE
                if not self._head:
                    self._head = bytes(self._buf[: self._HEAD])
                self._error = "line too long"
                self._skip_line = True
                continue
            line = bytes(self._buf[:end])
            del self._buf[: end + 1]
            if line.endswith(b"\r"):
                line = line[:-1]
            if not self._head:
                self._head = line[: self._HEAD]
            announced = literal_announcement(line)
            if self._error is not None:
                # Reading through the rest of a failed command: drop non-synchronising literals;
                # a synchronising one ends it (the client waits for our answer).
                if announced is not None and not announced[1]:
                    self._discard = announced[0]
                    continue
                return self._fail()
            self._frame += line
            if announced is None:
                frame = Frame(bytes(self._frame))
                self._reset()
                return frame
            self._frame += b"\r\n"
            size, synchronizing, binary = announced
            self._announced = LiteralAnnounced(size, synchronizing, binary, bytes(self._frame[: self._HEAD]))
            return self._announced

    def accept_literal(self) -> None:
        """Read the announced literal into the command."""
        announced = self._take_announced()
        self._literal = announced.size

    def refuse_literal(self) -> None:
        """Drop the command: the client was told no and sends nothing more of it (synchronising)."""
        announced = self._take_announced()
        if not announced.synchronizing:
            raise LocalProtocolError("a non-synchronising literal cannot be refused, only discarded")
        self._reset()

    def discard_literal(self, reason: str) -> None:
        """Drop the announced literal's octets and the rest of the command, which then fails."""
        announced = self._take_announced()
        self._discard = announced.size
        self._error = reason
        self._frame.clear()

    def _take_announced(self) -> LiteralAnnounced:
        if self._announced is None:
            raise LocalProtocolError("no literal was announced")
        announced, self._announced = self._announced, None
        return announced

    def _fail(self) -> FrameError:
        error = FrameError(self._error or "invalid command", self._head)
        self._reset()
        return error


_HEAD_COMMAND = re.compile(rb"([^ ]*)(?: ([A-Za-z]+)(?: ([A-Za-z]+))?)?")


def read_tag(data: bytes) -> bytes | None:
    """The tag at the start of a command, if it is a valid one."""
    tag = data.split(b" ", 1)[0]
    return tag if TAG.fullmatch(tag) else None


def peek_command(head: bytes) -> tuple[bytes | None, str | None, str | None]:
    """``(tag, name, uid_subcommand)`` read from the start of a command (None where unreadable)."""
    match = _HEAD_COMMAND.match(head)
    assert match is not None  # the pattern matches any input
    tag = match.group(1) if TAG.fullmatch(match.group(1)) else None
    name = match.group(2).decode("ascii").upper() if match.group(2) else None
    sub = match.group(3).decode("ascii").upper() if match.group(3) and name == "UID" else None
    return tag, name, sub


# ============================================================================ SASL lines


class Cancelled(enum.Enum):
    CANCELLED = "*"


_BASE64 = re.compile(rb"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def decode_base64(data: bytes) -> bytes:
    """Strict base64 (RFC 4648, padding required), as SASL in IMAP uses it."""
    if not _BASE64.fullmatch(data):
        raise RemoteProtocolError("invalid base64 data")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):  # pragma: no cover - the pattern already vouches
        raise RemoteProtocolError("invalid base64 data") from None


def parse_auth_response(line: bytes) -> bytes | Cancelled:
    """A client line during AUTHENTICATE: base64 data (empty line: empty data) or "*"."""
    if line == b"*":
        return Cancelled.CANCELLED
    return decode_base64(line)


def decode_plain(message: bytes) -> tuple[str, str, str]:
    """``authzid NUL authcid NUL passwd`` of SASL PLAIN (RFC 4616) as UTF-8 strings."""
    parts = message.split(b"\0")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise RemoteProtocolError("malformed PLAIN message")
    try:
        authzid, username, password = (part.decode("utf-8") for part in parts)
    except UnicodeDecodeError:
        raise RemoteProtocolError("PLAIN credentials must be UTF-8") from None
    return authzid, username, password


def decode_login_field(data: bytes, what: str) -> str:
    """A user name or password of the LOGIN mechanism (non-empty UTF-8 without NUL)."""
    if not data or b"\0" in data:
        raise RemoteProtocolError(f"empty or invalid {what}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise RemoteProtocolError(f"the {what} must be UTF-8") from None


# ============================================================================ the reader


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What parsing depends on beyond the bytes: the options, whether mailbox names are UTF-8
    (UTF8=ACCEPT or IMAP4rev2 enabled) and whether QRESYNC is enabled."""

    options: ImapOptions
    utf8: bool = False
    qresync: bool = False


_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\\]]+')
_ASTRING_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\]+')
_LIST_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){"\\]+')
_DIGITS = re.compile(rb"[0-9]+")
_SEQUENCE = re.compile(rb"[0-9:*,]+|\$")
_LITERAL = re.compile(rb"(~?)\{([0-9]{1,20})(\+?)\}\r\n")
_QUOTED_BODY = re.compile(rb'(?:[^"\\\r\n\x00]|\\["\\])*')
_FETCH_NAME = re.compile(rb"[A-Za-z0-9.]+")
_SECTION_TEXT = re.compile(rb"[A-Za-z.]+")
_HEADER_NAME = re.compile(r"[\x21-\x39\x3b-\x7e]+")  # printable ASCII except ":" (RFC 5322 ftext)
_DATE = re.compile(rb"([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})")
_DATE_TIME = re.compile(rb'"([ 0-9]?[0-9])-([A-Za-z]{3})-([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})"')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
SYSTEM_FLAGS = {f.upper(): f for f in ("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", "\\Recent")}
CHARSETS = {"US-ASCII": "ascii", "UTF-8": "utf-8", "ISO-8859-1": "latin-1"}
BADCHARSET = "BADCHARSET (" + " ".join(CHARSETS) + ")"


class Reader:
    """A cursor over one whole command (``Frame.data``) with a production per grammar rule."""

    def __init__(self, data: bytes, context: ParseContext) -> None:
        self.data = data
        self.pos = 0
        self.depth = 0
        self.context = context

    # -- primitives

    def error(self, reason: str) -> RemoteProtocolError:
        return RemoteProtocolError(reason)

    def at_end(self) -> bool:
        return self.pos >= len(self.data)

    def peek(self) -> bytes:
        return self.data[self.pos: self.pos + 1]

    def take(self, word: bytes) -> bool:
        """Consume ``word`` (case-insensitive) if it comes next."""
        if self.data[self.pos: self.pos + len(word)].upper() == word.upper():
            self.pos += len(word)
            return True
        return False

    def expect(self, word: bytes, what: str | None = None) -> None:
        if not self.take(word):
            raise self.error(f"expected {what or word.decode()}")

    def sp(self) -> None:
        if not self.take(b" "):
            raise self.error("expected a space" if not self.at_end() else "missing arguments")

    def end(self) -> None:
        if not self.at_end():
            raise self.error("unexpected characters at the end of the command")

    def match(self, pattern: re.Pattern[bytes], what: str) -> bytes:
        found = pattern.match(self.data, self.pos)
        if found is None or not found.group(0):
            raise self.error(f"expected {what}")
        self.pos = found.end()
        return found.group(0)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > self.context.options.max_depth:
            raise self.error("too deeply nested")

    def leave(self) -> None:
        self.depth -= 1

    def open(self) -> None:
        self.expect(b"(", '"("')
        self.enter()

    def close(self) -> None:
        self.expect(b")", '")"')
        self.leave()

    def list_of(self, item: Callable[[], object], *, empty: bool = False) -> list:  # type: ignore[type-arg]
        """``"(" item *(SP item) ")"``; ``empty`` allows ``()``."""
        self.open()
        found = []
        if self.take(b")"):
            self.leave()
            if not empty:
                raise self.error("empty list")
            return found
        while True:
            found.append(item())
            if self.take(b")"):
                self.leave()
                return found
            self.sp()

    # -- atoms, numbers, strings

    def atom(self, what: str = "an atom") -> bytes:
        return self.match(_ATOM, what)

    def keyword(self, what: str = "a keyword") -> str:
        return self.atom(what).decode("ascii").upper()

    def number(self, what: str = "a number", *, nonzero: bool = False, limit: int = MAX_NUMBER) -> int:
        digits = self.match(_DIGITS, what)
        if len(digits) > 20 or int(digits) > limit:
            raise self.error(f"{what} out of range")
        value = int(digits)
        if nonzero and value == 0:
            raise self.error(f"{what} must not be zero")
        return value

    def quoted(self) -> bytes:
        self.expect(b'"', "a quoted string")
        body = _QUOTED_BODY.match(self.data, self.pos)
        assert body is not None  # the pattern matches the empty string
        self.pos = body.end()
        if not self.take(b'"'):
            raise self.error("invalid or unterminated quoted string")
        return re.sub(rb'\\(["\\])', rb"\1", body.group(0))

    def literal(self, *, binary_ok: bool = False) -> tuple[bytes, bool]:
        """A literal's octets, and whether it was a literal8 (``~{n}``, only where allowed)."""
        found = _LITERAL.match(self.data, self.pos)
        if found is None:
            raise self.error("expected a literal")
        binary = bool(found.group(1))
        if binary and not binary_ok:
            raise self.error("literal8 is allowed only for message data (BINARY)")
        size = int(found.group(2))
        start = found.end()
        if start + size > len(self.data):
            raise self.error("truncated literal")  # the framer prevents this
        data = self.data[start: start + size]
        if not binary and b"\0" in data:
            raise self.error("NUL in a literal" + (" (use a literal8 ~{n})" if binary_ok else ""))
        self.pos = start + size
        return data, binary

    def string(self, what: str = "a string") -> bytes:
        head = self.peek()
        if head == b'"':
            return self.quoted()
        if head == b"{" or self.data[self.pos: self.pos + 2] == b"~{":
            return self.literal()[0]
        raise self.error(f"expected {what}")

    def astring(self, what: str = "a string") -> bytes:
        if self.peek() in (b'"', b"{") or self.data[self.pos: self.pos + 2] == b"~{":
            return self.string(what)
        return self.match(_ASTRING_ATOM, what)

    def nstring(self) -> bytes | None:
        if self.peek() not in (b'"', b"{") and self.take(b"NIL"):
            return None
        return self.string("a string or NIL")

    def text(self, raw: bytes, what: str) -> str:
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self.error(f"{what} is not valid UTF-8") from None
        return value

    # -- IMAP values

    def mailbox(self, *, inbox: bool = True) -> str:
        return decode_mailbox(self.astring("a mailbox name"), self.context.utf8, inbox=inbox)

    def list_mailbox(self) -> str:
        if self.peek() in (b'"', b"{"):
            raw = self.string()
        else:
            raw = self.match(_LIST_ATOM, "a mailbox pattern")
        return decode_mailbox(raw, self.context.utf8, inbox=False)

    def sequence_set(self) -> SequenceSet:
        raw = self.match(_SEQUENCE, "a sequence set")
        if raw == b"$":
            if not self.context.options.supports("SEARCHRES"):
                raise self.error("$ needs SEARCHRES")
            return SequenceSet(saved=True)
        return parse_sequence_set(raw)

    def flag(self, *, settable: bool = False) -> str:
        if self.take(b"\\"):
            name = "\\" + self.atom("a flag").decode("ascii")
            canonical = SYSTEM_FLAGS.get(name.upper())
            if canonical == "\\Recent" and settable:
                raise self.error("\\Recent cannot be set by the client")
            return canonical or name
        return self.atom("a flag").decode("ascii")

    def flag_list(self, *, settable: bool = False) -> tuple[str, ...]:
        return tuple(self.list_of(lambda: self.flag(settable=settable), empty=True))

    def date(self) -> datetime.date:
        quoted = self.take(b'"')
        raw = self.match(_DATE, "a date (dd-Mon-yyyy)")
        if quoted:
            self.expect(b'"')
        day, month, year = re.fullmatch(_DATE, raw).groups()  # type: ignore[union-attr]
        return _make_date(self, int(day), month, int(year))

    def date_time(self) -> datetime.datetime:
        found = _DATE_TIME.match(self.data, self.pos)
        if found is None:
            raise self.error('expected a date-time ("dd-Mon-yyyy hh:mm:ss +zzzz")')
        self.pos = found.end()
        day, month, year, hh, mm, ss, sign, zh, zm = found.groups()
        date = _make_date(self, int(day.strip() or b"0"), month, int(year))
        if int(zh) > 23 or int(zm) > 59:
            raise self.error("invalid time zone")
        offset = datetime.timedelta(hours=int(zh), minutes=int(zm)) * (1 if sign == b"+" else -1)
        try:
            return datetime.datetime(date.year, date.month, date.day, int(hh), int(mm), int(ss),
                                     tzinfo=datetime.timezone(offset))
        except ValueError:
            raise self.error("invalid time") from None


def _make_date(reader: Reader, day: int, month: bytes, year: int) -> datetime.date:
    name = month.decode("ascii").upper()
    if name not in MONTHS:
        raise reader.error("invalid month")
    try:
        return datetime.date(year, MONTHS.index(name) + 1, day)
    except ValueError:
        raise reader.error("invalid date") from None


def decode_mailbox(raw: bytes, utf8: bool, *, inbox: bool = True) -> str:
    """A mailbox name from the wire: UTF-8 once enabled, else modified UTF-7; any case of INBOX
    is ``"INBOX"`` (``inbox=False`` for references and patterns, left as sent)."""
    if utf8:
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise RemoteProtocolError("mailbox name is not valid UTF-8") from None
        if _CONTROL.search(name):
            raise RemoteProtocolError("control characters in a mailbox name")
    else:
        try:
            name = mutf7.decode(raw)
        except mutf7.Mutf7Error as error:
            raise RemoteProtocolError(str(error)) from None
    if inbox and name.upper() == "INBOX":
        return "INBOX"
    return name


def parse_sequence_set(raw: bytes) -> SequenceSet:
    """``1:*``, ``2,4:7,9`` (no ``$``)."""
    ranges: list[tuple[int | None, int | None]] = []
    for item in raw.split(b","):
        ends = item.split(b":")
        if len(ends) > 2 or not item:
            raise RemoteProtocolError("invalid sequence set")
        values = [_seq_number(end) for end in ends]
        ranges.append((values[0], values[-1]))
    return SequenceSet(tuple(ranges))


def _seq_number(raw: bytes) -> int | None:
    if raw == b"*":
        return None
    if not raw.isdigit() or len(raw) > 10 or not 0 < int(raw) <= MAX_NUMBER:
        raise RemoteProtocolError("invalid number in sequence set")
    return int(raw)


# ============================================================================ commands

CommandParser = Callable[[Reader, str, bool], Command]
_PARSERS: dict[str, CommandParser] = {}
UID_COMMANDS = frozenset({"COPY", "MOVE", "FETCH", "SEARCH", "STORE", "EXPUNGE", "SORT", "THREAD"})
# The extension each command needs (commands of IMAP4rev1 need none).
COMMAND_EXTENSIONS = {
    "IDLE": "IDLE", "NAMESPACE": "NAMESPACE", "ENABLE": "ENABLE", "MOVE": "MOVE", "UNSELECT": "UNSELECT",
    "ID": "ID", "GETQUOTA": "QUOTA", "GETQUOTAROOT": "QUOTA", "SETQUOTA": "QUOTA", "SORT": "SORT",
    "THREAD": "THREAD", "COMPRESS": "COMPRESS=DEFLATE",
}


def _parser(*names: str) -> Callable[[CommandParser], CommandParser]:
    def register(function: CommandParser) -> CommandParser:
        for name in names:
            _PARSERS[name] = function
        return function
    return register


def command_supported(name: str, uid_subcommand: str | None, options: ImapOptions) -> bool:
    """Whether the server knows command ``name`` (``UID`` + subcommand) with these options."""
    if name == "UID":
        if uid_subcommand is None:
            return True  # judged once the subcommand is read
        if uid_subcommand not in UID_COMMANDS:
            return False
        if uid_subcommand == "EXPUNGE":
            return options.supports("UIDPLUS")
        name = uid_subcommand
    if name not in _PARSERS:
        return False
    if name == "STARTTLS":
        return options.starttls
    extension = COMMAND_EXTENSIONS.get(name)
    return extension is None or options.supports(extension)


def parse_command(data: bytes, context: ParseContext) -> Command:
    """A whole command (``Frame.data``) in its typed form, or ``RemoteProtocolError``."""
    if not data.strip(b" "):
        raise RemoteProtocolError("empty command line")
    reader = Reader(data, context)
    tag_raw = reader.match(re.compile(rb"[^ ]+"), "a tag")
    if not TAG.fullmatch(tag_raw):
        raise RemoteProtocolError("invalid tag")
    tag = tag_raw.decode("ascii")
    reader.sp()
    name = reader.keyword("a command name")
    uid = False
    if name == "UID":
        reader.sp()
        name = reader.keyword("a UID command")
        uid = True
        if not command_supported("UID", name, context.options):
            raise RemoteProtocolError(f"unknown UID command {name}")
    elif not command_supported(name, None, context.options):
        raise RemoteProtocolError(f"unknown command {name}" if len(name) < 40 else "unknown command")
    command = _PARSERS[name](reader, tag, uid)
    reader.end()
    return command


def _no_arguments(cls: type[Command]) -> CommandParser:
    def parse(reader: Reader, tag: str, uid: bool) -> Command:
        if uid:  # EXPUNGE is handled on its own
            raise reader.error("not a UID command")
        return cls(tag)
    return parse


for _cls in (Capability, Noop, Logout, StartTls, Namespace, Idle, Check, Close, Unselect):
    _PARSERS[_cls.name] = _no_arguments(_cls)


@_parser("AUTHENTICATE")
def _authenticate(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    mechanism = r.keyword("a SASL mechanism")
    initial = None
    if not r.at_end():
        r.sp()
        if not r.context.options.supports("SASL-IR"):
            raise r.error("initial response not supported (no SASL-IR)")
        raw = r.data[r.pos:]
        r.pos = len(r.data)
        initial = b"" if raw == b"=" else decode_base64(raw)
        if raw == b"":
            raise r.error("empty initial response (send = for an empty one)")
    return Authenticate(tag, mechanism, initial)


@_parser("LOGIN")
def _login(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    username = r.text(r.astring("a user name"), "the user name")
    r.sp()
    password = r.text(r.astring("a password"), "the password")
    return Login(tag, username, password)


@_parser("ENABLE")
def _enable(r: Reader, tag: str, uid: bool) -> Command:
    names = []
    while not r.at_end():
        r.sp()
        names.append(r.atom("a capability").decode("ascii"))
    if not names:
        raise r.error("ENABLE needs a capability")
    return Enable(tag, tuple(names))


@_parser("SELECT", "EXAMINE")
def _select(r: Reader, tag: str, uid: bool) -> Command:
    read_only = r.data.split(b" ", 2)[1].upper() == b"EXAMINE"
    r.sp()
    mailbox = r.mailbox()
    condstore = False
    qresync = None
    if not r.at_end():
        r.sp()

        def parameter() -> None:
            nonlocal condstore, qresync
            name = r.keyword("a select parameter")
            if name == "CONDSTORE" and r.context.options.supports("CONDSTORE"):
                condstore = True
            elif name == "QRESYNC" and r.context.options.supports("QRESYNC"):
                if not r.context.qresync:
                    raise r.error("QRESYNC parameter without ENABLE QRESYNC")
                r.sp()
                qresync = _qresync_parameters(r)
            else:
                raise r.error(f"unknown select parameter {name}")

        r.list_of(parameter)
    return Select(tag, mailbox, read_only, condstore, qresync)


def _qresync_parameters(r: Reader) -> QresyncParameters:
    r.open()
    uidvalidity = r.number("a UIDVALIDITY", nonzero=True)
    r.sp()
    modseq = r.number("a mod-sequence", nonzero=True, limit=MAX_NUMBER64)
    known = match = None
    if r.take(b" "):
        if r.peek() != b"(":
            known = r.sequence_set()
            if known.saved:
                raise r.error("$ is not allowed here")
            if r.take(b" "):
                match = _sequence_match(r)
        else:
            match = _sequence_match(r)
    r.close()
    return QresyncParameters(uidvalidity, modseq, known, match)


def _sequence_match(r: Reader) -> tuple[SequenceSet, SequenceSet]:
    r.open()
    sequences = r.sequence_set()
    r.sp()
    uids = r.sequence_set()
    r.close()
    if sequences.saved or uids.saved:
        raise r.error("$ is not allowed here")
    return sequences, uids


@_parser("CREATE")
def _create(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    mailbox = r.mailbox()
    uses: tuple[str, ...] = ()
    if not r.at_end():
        r.sp()
        if not r.context.options.supports("CREATE-SPECIAL-USE"):
            raise r.error("CREATE parameters not supported")
        r.open()
        r.expect(b"USE", "USE")
        r.sp()
        uses = r.flag_list()
        r.close()
    return Create(tag, mailbox, uses)


def _one_mailbox(cls: type[Delete] | type[Subscribe] | type[Unsubscribe]) -> CommandParser:
    def parse(r: Reader, tag: str, uid: bool) -> Command:
        r.sp()
        return cls(tag, r.mailbox())
    return parse


_PARSERS["DELETE"] = _one_mailbox(Delete)
_PARSERS["SUBSCRIBE"] = _one_mailbox(Subscribe)
_PARSERS["UNSUBSCRIBE"] = _one_mailbox(Unsubscribe)


@_parser("RENAME")
def _rename(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    old = r.mailbox()
    r.sp()
    return Rename(tag, old, r.mailbox())


LIST_SELECTION = frozenset({"SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE"})
LIST_RETURN = frozenset({"SUBSCRIBED", "CHILDREN", "SPECIAL-USE", "STATUS"})


@_parser("LIST")
def _list(r: Reader, tag: str, uid: bool) -> Command:
    options = r.context.options
    extended_ok = options.supports("LIST-EXTENDED")
    r.sp()
    selection: set[str] = set()
    extended = False
    if r.peek() == b"(":
        if not extended_ok:
            raise r.error("LIST selection options need LIST-EXTENDED")
        extended = True
        for name in r.list_of(lambda: r.keyword("a selection option"), empty=True):
            if name not in LIST_SELECTION or (name == "SPECIAL-USE" and not options.supports("SPECIAL-USE")):
                raise r.error(f"unknown LIST selection option {name}")
            selection.add(name)
        if "RECURSIVEMATCH" in selection and not selection - {"RECURSIVEMATCH", "REMOTE"}:
            raise r.error("RECURSIVEMATCH needs another selection option")
        r.sp()
    reference = r.mailbox(inbox=False)
    r.sp()
    if r.peek() == b"(":
        if not extended_ok:
            raise r.error("several LIST patterns need LIST-EXTENDED")
        extended = True
        patterns = tuple(r.list_of(r.list_mailbox))
    else:
        patterns = (r.list_mailbox(),)
    returns: set[str] = set()
    status_items: tuple[str, ...] = ()
    if not r.at_end():
        r.sp()
        if not extended_ok:
            raise r.error("LIST return options need LIST-EXTENDED")
        extended = True
        r.expect(b"RETURN", "RETURN")
        r.sp()

        def option() -> str:
            nonlocal status_items
            name = r.keyword("a return option")
            allowed = name in LIST_RETURN and (
                name != "SPECIAL-USE" or options.supports("SPECIAL-USE")) and (
                name != "STATUS" or options.supports("LIST-STATUS"))
            if not allowed:
                raise r.error(f"unknown LIST return option {name}")
            if name == "STATUS":
                r.sp()
                status_items = _status_items(r)
            return name

        returns.update(r.list_of(option, empty=True))
    return List(tag, reference, patterns, frozenset(selection), frozenset(returns), status_items, extended)


@_parser("LSUB")
def _lsub(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    reference = r.mailbox(inbox=False)
    r.sp()
    return Lsub(tag, reference, r.list_mailbox())


def _status_items(r: Reader) -> tuple[str, ...]:
    options = r.context.options
    allowed = {"MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "RECENT"}
    if options.supports("IMAP4rev2"):
        allowed |= {"DELETED", "SIZE"}
    if options.supports("STATUS=SIZE"):
        allowed.add("SIZE")
    if options.supports("CONDSTORE"):
        allowed.add("HIGHESTMODSEQ")
    if options.supports("APPENDLIMIT"):
        allowed.add("APPENDLIMIT")

    def item() -> str:
        name = r.keyword("a status item")
        if name not in allowed:
            raise r.error(f"unknown status item {name}")
        return name

    return tuple(dict.fromkeys(r.list_of(item)))


@_parser("STATUS")
def _status(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    mailbox = r.mailbox()
    r.sp()
    return Status(tag, mailbox, _status_items(r))


@_parser("APPEND")
def _append(r: Reader, tag: str, uid: bool) -> Command:
    options = r.context.options
    r.sp()
    mailbox = r.mailbox()
    messages = []
    while True:
        r.sp()
        flags: tuple[str, ...] = ()
        date = None
        if r.peek() == b"(":
            flags = r.flag_list(settable=True)
            r.sp()
        if r.peek() == b'"':
            date = r.date_time()
            r.sp()
        utf8 = False
        if r.take(b"UTF8 "):
            if not (options.supports("UTF8=ACCEPT") and r.context.utf8):
                raise r.error("APPEND UTF8 needs ENABLE UTF8=ACCEPT")
            r.open()
            data, binary = r.literal(binary_ok=True)
            if not binary:
                raise r.error("APPEND UTF8 takes a literal8")
            r.close()
            utf8 = True
        else:
            data, binary = r.literal(binary_ok=options.supports("BINARY"))
        messages.append(AppendMessage(data, flags, date, binary, utf8))
        if r.at_end():
            break
        if not options.supports("MULTIAPPEND"):
            raise r.error("one message per APPEND (no MULTIAPPEND)")
    return Append(tag, mailbox, tuple(messages))


@_parser("EXPUNGE")
def _expunge(r: Reader, tag: str, uid: bool) -> Command:
    if not uid:
        return Expunge(tag)
    r.sp()
    return Expunge(tag, r.sequence_set())


# ---------------------------------------------------------------------------- SEARCH

_FLAG_KEYS = frozenset({"ALL", "ANSWERED", "DELETED", "DRAFT", "FLAGGED", "SEEN", "UNANSWERED", "UNDELETED",
                        "UNDRAFT", "UNFLAGGED", "UNSEEN", "NEW", "OLD", "RECENT"})
_TEXT_KEYS = frozenset({"BCC", "BODY", "CC", "FROM", "SUBJECT", "TEXT", "TO"})
_DATE_KEYS = frozenset({"BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE"})
SEARCH_RETURN = frozenset({"MIN", "MAX", "ALL", "COUNT", "SAVE"})


def _search_text(r: Reader, charset: str | None) -> str:
    raw = r.astring("a search string")
    codec = CHARSETS.get(charset or "UTF-8", "utf-8")
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise r.error(f"search string is not valid {charset or 'UTF-8'}") from None


def search_key(r: Reader, charset: str | None) -> SearchKey:
    """One search key (recursively for NOT, OR and parenthesised lists)."""
    r.enter()
    try:
        return _search_key(r, charset)
    finally:
        r.leave()


def _search_key(r: Reader, charset: str | None) -> SearchKey:
    head = r.peek()
    if head == b"(":
        return And(tuple(r.list_of(lambda: search_key(r, charset))))
    if head.isdigit() or head in (b"*", b"$"):
        return SequenceKey(r.sequence_set())
    name = r.keyword("a search key")
    options = r.context.options
    if name in _FLAG_KEYS:
        return FlagKey(name)
    if name in ("KEYWORD", "UNKEYWORD"):
        r.sp()
        return KeywordKey(r.atom("a keyword").decode("ascii"), name == "KEYWORD")
    if name in _TEXT_KEYS:
        r.sp()
        return TextKey(name, _search_text(r, charset))
    if name == "HEADER":
        r.sp()
        field = r.text(r.astring("a header name"), "the header name")
        if not _HEADER_NAME.fullmatch(field):
            raise r.error("invalid header name")
        r.sp()
        return HeaderKey(field, _search_text(r, charset))
    if name in _DATE_KEYS:
        r.sp()
        return DateKey(name, r.date())
    if name in ("LARGER", "SMALLER"):
        r.sp()
        return SizeKey(name == "LARGER", r.number("a size", limit=MAX_NUMBER64))
    if name == "UID":
        r.sp()
        return SequenceKey(r.sequence_set(), uid=True)
    if name == "NOT":
        r.sp()
        return Not(search_key(r, charset))
    if name == "OR":
        r.sp()
        left = search_key(r, charset)
        r.sp()
        return Or(left, search_key(r, charset))
    if name == "MODSEQ" and options.supports("CONDSTORE"):
        r.sp()
        entry = entry_type = None
        if r.peek() == b'"':
            entry = r.text(r.quoted(), "the entry name")
            if not entry.lower().startswith("/flags/"):
                raise r.error("MODSEQ entry names are /flags/<flag>")
            r.sp()
            entry_type = r.keyword("an entry type").lower()
            if entry_type not in ("priv", "shared", "all"):
                raise r.error("MODSEQ entry type is priv, shared or all")
            r.sp()
        return ModSeqKey(r.number("a mod-sequence", limit=MAX_NUMBER64), entry, entry_type)
    if name in ("OLDER", "YOUNGER") and options.supports("WITHIN"):
        r.sp()
        return AgeKey(name == "OLDER", r.number("an interval", nonzero=True))
    raise r.error(f"unknown search key {name}" if len(name) < 40 else "unknown search key")


def _charset(r: Reader) -> str:
    charset = r.text(r.astring("a charset"), "the charset").upper()
    if charset not in CHARSETS:
        raise RemoteProtocolError("unsupported charset", code=BADCHARSET, status="NO")
    return charset


def _search_criteria(r: Reader, charset: str | None) -> SearchKey:
    keys = [search_key(r, charset)]
    while not r.at_end():
        r.sp()
        keys.append(search_key(r, charset))
    return keys[0] if len(keys) == 1 else And(tuple(keys))


def _return_options(r: Reader, extension: str) -> tuple[str, ...]:
    options = r.context.options

    def option() -> str:
        name = r.keyword("a return option")
        if name not in SEARCH_RETURN or (name == "SAVE" and not options.supports("SEARCHRES")):
            raise r.error(f"unknown return option {name}")
        return name

    if not options.supports(extension):
        raise r.error(f"RETURN needs {extension}")
    r.expect(b"RETURN", "RETURN")
    r.sp()
    return tuple(dict.fromkeys(r.list_of(option, empty=True)))


@_parser("SEARCH")
def _search(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    returns = None
    if r.peek().upper() == b"R" and r.data[r.pos: r.pos + 7].upper() == b"RETURN ":
        returns = _return_options(r, "ESEARCH")
        r.sp()
    charset = None
    if r.data[r.pos: r.pos + 8].upper() == b"CHARSET ":
        r.pos += 8
        charset = _charset(r)
        r.sp()
    return Search(tag, _search_criteria(r, charset), charset, returns, uid)


SORT_KEYS = frozenset({"ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO"})
THREAD_ALGORITHMS = ("ORDEREDSUBJECT", "REFERENCES")


@_parser("SORT")
def _sort(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    returns = None
    if r.data[r.pos: r.pos + 7].upper() == b"RETURN ":
        returns = _return_options(r, "ESORT")
        r.sp()

    def criterion() -> SortKey:
        name = r.keyword("a sort key")
        reverse = name == "REVERSE"
        if reverse:
            r.sp()
            name = r.keyword("a sort key")
        if name not in SORT_KEYS:
            raise r.error(f"unknown sort key {name}")
        return SortKey(name, reverse)

    criteria = tuple(r.list_of(criterion))
    r.sp()
    charset = _charset(r)
    r.sp()
    return Sort(tag, criteria, charset, _search_criteria(r, charset), uid, returns)


@_parser("THREAD")
def _thread(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    algorithm = r.keyword("a thread algorithm")
    if algorithm not in THREAD_ALGORITHMS:
        raise r.error(f"unknown thread algorithm {algorithm}")
    r.sp()
    charset = _charset(r)
    r.sp()
    return Thread(tag, algorithm, charset, _search_criteria(r, charset), uid)


# ---------------------------------------------------------------------------- FETCH

_SIMPLE_FETCH = frozenset({"ENVELOPE", "FLAGS", "INTERNALDATE", "RFC822", "RFC822.HEADER", "RFC822.SIZE",
                           "RFC822.TEXT", "BODY", "BODYSTRUCTURE", "UID", "MODSEQ"})
_FAST = ("FLAGS", "INTERNALDATE", "RFC822.SIZE")
MACROS = {"FAST": _FAST, "ALL": (*_FAST, "ENVELOPE"), "FULL": (*_FAST, "ENVELOPE", "BODY")}


def _part(r: Reader) -> tuple[tuple[int, ...], bool]:
    """A section part (``1.2.3``), and whether a "." follows it (a section text comes next)."""
    numbers: list[int] = []
    while r.peek().isdigit():
        numbers.append(r.number("a part number", nonzero=True))
        if not r.take(b"."):
            return tuple(numbers), False
        if not r.peek().isdigit():
            return tuple(numbers), True
    return tuple(numbers), False


def _section(r: Reader) -> Section:
    r.expect(b"[", '"["')
    part, dotted = _part(r)
    text = None
    fields: tuple[str, ...] = ()
    if r.peek() != b"]" or dotted:
        text = r.match(_SECTION_TEXT, "a section").decode("ascii").upper()
        allowed = ("HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT") + (("MIME",) if part else ())
        if text not in allowed:
            raise r.error(f"invalid section {text}")
        if text.startswith("HEADER.FIELDS"):
            r.sp()

            def header() -> str:
                name = r.text(r.astring("a header name"), "the header name")
                if not _HEADER_NAME.fullmatch(name):
                    raise r.error("invalid header name")
                return name.upper()

            fields = tuple(r.list_of(header))
    r.expect(b"]", '"]"')
    return Section(part, text, fields)


def _partial(r: Reader) -> tuple[int, int] | None:
    if not r.take(b"<"):
        return None
    origin = r.number("a partial origin")
    r.expect(b".", '"."')
    length = r.number("a partial length", nonzero=True)
    r.expect(b">", '">"')
    return origin, length


def _fetch_item(r: Reader) -> FetchItem:
    name = r.match(_FETCH_NAME, "a fetch item").decode("ascii").upper()
    options = r.context.options
    if name in ("BODY", "BODY.PEEK") and r.peek() == b"[":
        return BodySection(_section(r), name == "BODY.PEEK", _partial(r))
    if name in ("BINARY", "BINARY.PEEK", "BINARY.SIZE") and options.supports("BINARY"):
        r.expect(b"[", '"["')
        part, dotted = _part(r)
        if dotted:
            raise r.error("BINARY takes a part number only")
        r.expect(b"]", '"]"')
        if name == "BINARY.SIZE":
            return BinarySize(part)
        return BinarySection(part, name == "BINARY.PEEK", _partial(r))
    if name in _SIMPLE_FETCH and (name != "MODSEQ" or options.supports("CONDSTORE")):
        return FetchAttribute(name)
    raise r.error(f"unknown fetch item {name}" if len(name) < 40 else "unknown fetch item")


@_parser("FETCH")
def _fetch(r: Reader, tag: str, uid: bool) -> Command:
    options = r.context.options
    r.sp()
    sequence_set = r.sequence_set()
    r.sp()
    macro = None
    items: list[FetchItem]
    if r.peek() == b"(":
        items = r.list_of(lambda: _fetch_item(r))
    else:
        word = _FETCH_NAME.match(r.data, r.pos)
        candidate = word.group(0).upper().decode("ascii") if word else ""
        if candidate in MACROS and r.data[word.end(): word.end() + 1] in (b"", b" "):  # type: ignore[union-attr]
            r.pos = word.end()  # type: ignore[union-attr]
            macro = candidate
            items = [FetchAttribute(name) for name in MACROS[candidate]]
        else:
            items = [_fetch_item(r)]
    changed_since = None
    vanished = False
    if not r.at_end():
        r.sp()
        if not options.supports("CONDSTORE"):
            raise r.error("FETCH modifiers need CONDSTORE")

        def modifier() -> None:
            nonlocal changed_since, vanished
            name = r.keyword("a fetch modifier")
            if name == "CHANGEDSINCE" and changed_since is None:
                r.sp()
                changed_since = r.number("a mod-sequence", limit=MAX_NUMBER64)
            elif name == "VANISHED" and options.supports("QRESYNC") and not vanished:
                vanished = True
            else:
                raise r.error(f"unknown or repeated fetch modifier {name}")

        r.list_of(modifier)
        if vanished and not (uid and changed_since is not None and r.context.qresync):
            raise r.error("VANISHED needs UID FETCH, CHANGEDSINCE and ENABLE QRESYNC")
    wanted = list(dict.fromkeys(items))
    # RFC 3501 6.4.8: UID FETCH responses carry the UID; RFC 7162 3.1.4.1: CHANGEDSINCE implies MODSEQ.
    if uid and FetchAttribute("UID") not in wanted:
        wanted.append(FetchAttribute("UID"))
    if changed_since is not None and FetchAttribute("MODSEQ") not in wanted:
        wanted.append(FetchAttribute("MODSEQ"))
    return Fetch(tag, sequence_set, tuple(wanted), uid, changed_since, vanished, macro)


@_parser("STORE")
def _store(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    sequence_set = r.sequence_set()
    r.sp()
    unchanged_since = None
    if r.peek() == b"(":
        if not r.context.options.supports("CONDSTORE"):
            raise r.error("STORE modifiers need CONDSTORE")
        r.open()
        r.expect(b"UNCHANGEDSINCE", "UNCHANGEDSINCE")
        r.sp()
        unchanged_since = r.number("a mod-sequence", limit=MAX_NUMBER64)
        r.close()
        r.sp()
    item = r.match(_FETCH_NAME if r.peek() not in (b"+", b"-") else re.compile(rb"[+-][A-Za-z.]+"),
                   "FLAGS, +FLAGS or -FLAGS").decode("ascii").upper()
    silent = item.endswith(".SILENT")
    try:
        mode = StoreMode(item.removesuffix(".SILENT"))
    except ValueError:
        raise r.error("expected FLAGS, +FLAGS or -FLAGS") from None
    r.sp()
    if r.peek() == b"(":
        flags = r.flag_list(settable=True)
    else:
        found = [r.flag(settable=True)]
        while not r.at_end():
            r.sp()
            found.append(r.flag(settable=True))
        flags = tuple(found)
    return Store(tag, sequence_set, mode, tuple(dict.fromkeys(flags)), silent, unchanged_since, uid)


def _copy_like(cls: type[Copy] | type[Move]) -> CommandParser:
    def parse(r: Reader, tag: str, uid: bool) -> Command:
        r.sp()
        sequence_set = r.sequence_set()
        r.sp()
        return cls(tag, sequence_set, r.mailbox(), uid)
    return parse


_PARSERS["COPY"] = _copy_like(Copy)
_PARSERS["MOVE"] = _copy_like(Move)


@_parser("ID")
def _id(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    if r.peek() != b"(":
        r.expect(b"NIL", "NIL or a list")
        return Id(tag, None)
    pairs: list[tuple[str, str | None]] = []
    r.open()
    while not r.take(b")"):
        if pairs:
            r.sp()
        key = r.string("an ID field name")
        r.sp()
        value = r.nstring()
        if len(key) > 30 or (value is not None and len(value) > 1024):
            raise r.error("ID field names are at most 30 octets, values 1024 (RFC 2971)")
        name = key.decode("utf-8", "replace")
        if any(name.lower() == k.lower() for k, _ in pairs):
            raise r.error(f"ID field {name} given twice")
        pairs.append((name, None if value is None else value.decode("utf-8", "replace")))
        if len(pairs) > 30:
            raise r.error("at most 30 ID fields (RFC 2971)")
    r.leave()
    return Id(tag, tuple(pairs))


@_parser("GETQUOTA")
def _getquota(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    return GetQuota(tag, r.text(r.astring("a quota root"), "the quota root"))


@_parser("GETQUOTAROOT")
def _getquotaroot(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    return GetQuotaRoot(tag, r.mailbox())


@_parser("SETQUOTA")
def _setquota(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    root = r.text(r.astring("a quota root"), "the quota root")
    r.sp()

    def limit() -> tuple[str, int]:
        resource = r.keyword("a resource name")
        r.sp()
        return resource, r.number("a limit", limit=MAX_NUMBER64)

    return SetQuota(tag, root, tuple(r.list_of(limit, empty=True)))


@_parser("COMPRESS")
def _compress(r: Reader, tag: str, uid: bool) -> Command:
    r.sp()
    mechanism = r.keyword("a compression mechanism")
    if mechanism != "DEFLATE":
        raise r.error(f"unknown compression mechanism {mechanism}")
    return Compress(tag, mechanism)

"""Rendering IMAP server responses to bytes: values (atom, number, quoted string or literal, literal8,
NIL, parenthesised lists), response codes, status responses (tagged and untagged OK/NO/BAD, BYE,
PREAUTH), continuation requests, and every untagged data response the core or a session sends
(EXISTS, EXPUNGE, VANISHED, FETCH, LIST/LSUB, STATUS, SEARCH, ESEARCH, SORT, THREAD, FLAGS,
CAPABILITY, ENABLED, ID, NAMESPACE, QUOTA, QUOTAROOT).

Strings choose their own form: a quoted string when the value is short, one line and (unless
UTF-8 is enabled) 7-bit; a literal otherwise; a literal8 (``~{n}``) for BINARY data holding NUL.
Mailbox names leave in modified UTF-7, or UTF-8 once the client enabled UTF8=ACCEPT or IMAP4rev2
(``RenderContext.utf8``). Invalid input from our own caller (a code with "]", a text with a line
break, a negative number) raises ``LocalProtocolError``: it is a bug, not something to send.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from mailnodes.imap import mutf7
from mailnodes.imap.commands import SequenceSet, format_sequence_set
from mailnodes.imap.errors import LocalProtocolError
from mailnodes.imap.parser import MONTHS

CRLF = b"\r\n"
MAX_QUOTED = 1024  # longer strings go as literals
_ATOM = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\\]]+')
_ASTRING = re.compile(rb'[^\x00-\x20\x7f-\xff(){%*"\\]+')
_FLAG = re.compile(r'\\?[^\x00-\x20\x7f-\xff(){%*"\\\]]+|\\\*')
_TEXT_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
_UID_SET = re.compile(r"[1-9][0-9]*(?::[1-9][0-9]*)?(?:,[1-9][0-9]*(?::[1-9][0-9]*)?)*")
_CODE_NAME = re.compile(r"[A-Z0-9][A-Z0-9.-]*")
_DEFAULT_TEXT = {"OK": "completed", "NO": "failed", "BAD": "invalid", "BYE": "closing", "PREAUTH": "ready"}
_STATUSES = frozenset(_DEFAULT_TEXT)


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What rendering depends on: whether the client accepts UTF-8 (UTF8=ACCEPT or IMAP4rev2)."""

    utf8: bool = False


@dataclass(frozen=True, slots=True)
class Atom:
    """A value sent as is (flags, keywords, status item names); checked to be an atom."""

    value: str


@dataclass(frozen=True, slots=True)
class Literal:
    """Data forced into a literal; ``binary`` makes it a literal8 (RFC 3516)."""

    data: bytes
    binary: bool = False


@dataclass(frozen=True, slots=True)
class Raw:
    """Bytes already rendered (a cached BODYSTRUCTURE, say); inserted unchecked."""

    data: bytes


Value: TypeAlias = None | int | str | bytes | Atom | Literal | Raw | datetime.datetime | Sequence["Value"]


def quoted(data: bytes) -> bytes:
    return b'"' + data.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def literal(data: bytes, *, binary: bool = False) -> bytes:
    return (b"~" if binary else b"") + b"{" + str(len(data)).encode() + b"}\r\n" + data


def string(data: bytes | str, context: RenderContext) -> bytes:
    """A quoted string or a literal, whichever the content allows."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) <= MAX_QUOTED and b"\r" not in raw and b"\n" not in raw and b"\0" not in raw:
        if raw.isascii():
            return quoted(raw)
        if context.utf8:
            try:
                raw.decode("utf-8")
                return quoted(raw)
            except UnicodeDecodeError:
                pass
    if b"\0" in raw:
        raise LocalProtocolError("NUL cannot be sent in a string (use Literal(binary=True) for BINARY)")
    return literal(raw)


def astring(data: bytes | str, context: RenderContext) -> bytes:
    """An atom when the content allows (and it is not NIL), else a string."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if _ASTRING.fullmatch(raw) and raw.upper() != b"NIL":
        return raw
    return string(raw, context)


def mailbox(name: str, context: RenderContext) -> bytes:
    """A mailbox name in the client's encoding (modified UTF-7, or UTF-8 when enabled)."""
    if name.upper() == "INBOX":
        return b"INBOX"
    return astring(name.encode("utf-8") if context.utf8 else mutf7.encode(name), context)


def number(value: int) -> bytes:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LocalProtocolError(f"an IMAP number is a non-negative integer, not {value!r}")
    return str(value).encode()


def atom(value: str) -> bytes:
    raw = value.encode("utf-8")
    if not _ATOM.fullmatch(raw):
        raise LocalProtocolError(f"not an atom: {value!r}")
    return raw


def flag(value: str) -> bytes:
    if not _FLAG.fullmatch(value):
        raise LocalProtocolError(f"not a flag: {value!r}")
    return value.encode("ascii")


def date_time(value: datetime.datetime) -> bytes:
    """``"dd-Mon-yyyy hh:mm:ss +zzzz"`` (INTERNALDATE); a naive datetime counts as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    offset = value.utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    month = MONTHS[value.month - 1].capitalize()
    text = f"{value.day:2d}-{month}-{value.year:04d} {value:%H:%M:%S} {sign}{minutes // 60:02d}{minutes % 60:02d}"
    return b'"' + text.encode("ascii") + b'"'


def render(value: Value, context: RenderContext) -> bytes:
    """Any value: None is NIL, int a number, str/bytes a string, lists parenthesised."""
    if value is None:
        return b"NIL"
    if isinstance(value, bool):
        raise LocalProtocolError("booleans have no IMAP form")
    if isinstance(value, int):
        return number(value)
    if isinstance(value, (str, bytes)):
        return string(value, context)
    if isinstance(value, Atom):
        return flag(value.value)  # an atom, or a flag's \atom
    if isinstance(value, Literal):
        return literal(value.data, binary=value.binary)
    if isinstance(value, Raw):
        return value.data
    if isinstance(value, datetime.datetime):
        return date_time(value)
    if isinstance(value, (list, tuple)):
        return b"(" + b" ".join(render(item, context) for item in value) + b")"
    raise LocalProtocolError(f"cannot render {type(value).__name__} in an IMAP response")


def text_bytes(text: str) -> bytes:
    if _TEXT_UNSAFE.search(text):
        raise LocalProtocolError(f"response text must be one line without control characters: {text!r}")
    return text.encode("utf-8")


def uid_list(uids: Iterable[int] | SequenceSet | str) -> str:
    """UIDs as a sequence set; order is kept (COPYUID pairs source and destination by position),
    consecutive ascending runs becoming ranges."""
    if isinstance(uids, str):
        return uids
    if isinstance(uids, SequenceSet):
        return str(uids)
    out: list[str] = []
    start = previous = None
    for n in uids:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise LocalProtocolError(f"invalid UID {n!r}")
        if previous is not None and n == previous + 1:
            previous = n
            continue
        if start is not None:
            out.append(str(start) if start == previous else f"{start}:{previous}")
        start = previous = n
    if start is not None:
        out.append(str(start) if start == previous else f"{start}:{previous}")
    if not out:
        raise LocalProtocolError("an empty UID set")
    return ",".join(out)


# ============================================================================ response codes


@dataclass(frozen=True, slots=True)
class Code:
    """A response code, ``[NAME data]`` (RFC 9051 section 7.1 and extensions)."""

    name: str
    data: str | None = None

    def __post_init__(self) -> None:
        if not _CODE_NAME.fullmatch(self.name):
            raise LocalProtocolError(f"invalid response code name {self.name!r}")
        if self.data is not None and (not self.data or "]" in self.data or _TEXT_UNSAFE.search(self.data)):
            raise LocalProtocolError(f"invalid response code data {self.data!r}")

    def render(self) -> bytes:
        return b"[" + self.name.encode("ascii") + (b" " + self.data.encode("utf-8") if self.data else b"") + b"]"

    # -- constructors for the codes that carry data

    @classmethod
    def capability(cls, capabilities: Iterable[str]) -> Code:
        return cls("CAPABILITY", " ".join(capabilities))

    @classmethod
    def permanent_flags(cls, flags: Iterable[str]) -> Code:
        return cls("PERMANENTFLAGS", "(" + " ".join(flag(f).decode() for f in flags) + ")")

    @classmethod
    def uidvalidity(cls, value: int) -> Code:
        return cls("UIDVALIDITY", number(value).decode())

    @classmethod
    def uidnext(cls, value: int) -> Code:
        return cls("UIDNEXT", number(value).decode())

    @classmethod
    def unseen(cls, value: int) -> Code:
        return cls("UNSEEN", number(value).decode())

    @classmethod
    def highest_modseq(cls, value: int) -> Code:
        return cls("HIGHESTMODSEQ", number(value).decode())

    @classmethod
    def appenduid(cls, uidvalidity: int, uids: Iterable[int] | str) -> Code:
        return cls("APPENDUID", f"{number(uidvalidity).decode()} {uid_list(uids)}")

    @classmethod
    def copyuid(cls, uidvalidity: int, source: Iterable[int] | str, destination: Iterable[int] | str) -> Code:
        return cls("COPYUID", f"{number(uidvalidity).decode()} {uid_list(source)} {uid_list(destination)}")

    @classmethod
    def modified(cls, numbers: Iterable[int] | str) -> Code:
        return cls("MODIFIED", numbers if isinstance(numbers, str) else format_sequence_set(list(numbers)))

    @classmethod
    def badcharset(cls, charsets: Iterable[str] = ("US-ASCII", "UTF-8")) -> Code:
        return cls("BADCHARSET", "(" + " ".join(charsets) + ")")


ALERT = Code("ALERT")
ALREADYEXISTS = Code("ALREADYEXISTS")
AUTHENTICATIONFAILED = Code("AUTHENTICATIONFAILED")
AUTHORIZATIONFAILED = Code("AUTHORIZATIONFAILED")
CANNOT = Code("CANNOT")
CLIENTBUG = Code("CLIENTBUG")
CLOSED = Code("CLOSED")
COMPRESSIONACTIVE = Code("COMPRESSIONACTIVE")
CONTACTADMIN = Code("CONTACTADMIN")
EXPIRED = Code("EXPIRED")
EXPUNGEISSUED = Code("EXPUNGEISSUED")
HASCHILDREN = Code("HASCHILDREN")
INUSE = Code("INUSE")
LIMIT = Code("LIMIT")
NOMODSEQ = Code("NOMODSEQ")
NONEXISTENT = Code("NONEXISTENT")
NOPERM = Code("NOPERM")
NOTSAVED = Code("NOTSAVED")
OVERQUOTA = Code("OVERQUOTA")
PRIVACYREQUIRED = Code("PRIVACYREQUIRED")
READ_ONLY = Code("READ-ONLY")
READ_WRITE = Code("READ-WRITE")
SERVERBUG = Code("SERVERBUG")
TOOBIG = Code("TOOBIG")
TRYCREATE = Code("TRYCREATE")
UIDNOTSTICKY = Code("UIDNOTSTICKY")
UNAVAILABLE = Code("UNAVAILABLE")
UNKNOWN_CTE = Code("UNKNOWN-CTE")


# ============================================================================ status lines


def status_line(tag: str | None, status: str, text: str, code: Code | None = None) -> bytes:
    """``tag OK [CODE] text`` (``*`` when ``tag`` is None)."""
    if status not in _STATUSES:
        raise LocalProtocolError(f"unknown status {status!r}")
    if code is not None and not isinstance(code, Code):
        raise LocalProtocolError(f"a response code is a Code, not {code!r}")
    parts = [b"*" if tag is None else tag.encode("ascii"), status.encode("ascii")]
    if code is not None:
        parts.append(code.render())
    # RFC 9051 makes resp-text 1*TEXT-CHAR: never empty.
    parts.append(text_bytes(text or _DEFAULT_TEXT[status]))
    return b" ".join(parts) + CRLF


def continuation(text: str = "") -> bytes:
    """A continuation request with human text (``+ Ready for literal data``)."""
    return b"+ " + text_bytes(text) + CRLF


def continuation_data(data_b64: bytes) -> bytes:
    """A SASL challenge, ``+ base64`` (``+ `` for an empty one)."""
    return b"+ " + data_b64 + CRLF


# ============================================================================ untagged data


class Untagged:
    """Base of the untagged responses a session sends through ``ImapConnection.send``."""

    __slots__ = ()

    def render(self, context: RenderContext) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError


def _untagged(*parts: bytes) -> bytes:
    return b"* " + b" ".join(part for part in parts if part) + CRLF


@dataclass(frozen=True, slots=True)
class Condition(Untagged):
    """An untagged status: ``* OK [UIDNEXT 5] Predicted next UID``, ``* NO ...``, ``* BYE ...``."""

    status: str
    text: str
    code: Code | None = None

    def render(self, context: RenderContext) -> bytes:
        return status_line(None, self.status, self.text, self.code)


@dataclass(frozen=True, slots=True)
class CapabilityData(Untagged):
    capabilities: tuple[str, ...]

    def render(self, context: RenderContext) -> bytes:
        return _untagged(b"CAPABILITY", *(atom(c) for c in self.capabilities))


@dataclass(frozen=True, slots=True)
class EnabledData(Untagged):
    capabilities: tuple[str, ...]

    def render(self, context: RenderContext) -> bytes:
        return _untagged(b"ENABLED", *(atom(c) for c in self.capabilities))


@dataclass(frozen=True, slots=True)
class Exists(Untagged):
    count: int

    def render(self, context: RenderContext) -> bytes:
        return _untagged(number(self.count), b"EXISTS")


@dataclass(frozen=True, slots=True)
class Recent(Untagged):
    """IMAP4rev1 only (never sent once IMAP4rev2 is enabled)."""

    count: int

    def render(self, context: RenderContext) -> bytes:
        return _untagged(number(self.count), b"RECENT")


@dataclass(frozen=True, slots=True)
class Expunge(Untagged):
    number: int

    def render(self, context: RenderContext) -> bytes:
        if self.number < 1:
            raise LocalProtocolError("EXPUNGE needs a message number")
        return _untagged(number(self.number), b"EXPUNGE")


@dataclass(frozen=True, slots=True)
class Vanished(Untagged):
    """VANISHED (RFC 7162): expunged UIDs; ``earlier`` for the answer to a QRESYNC SELECT or a
    UID FETCH (VANISHED), which does not change the client's message count."""

    uids: tuple[int, ...] | str
    earlier: bool = False

    def count(self) -> int:
        if isinstance(self.uids, str):
            return sum(b - a + 1 for a, b in _ranges(self.uids))
        return len(set(self.uids))

    def render(self, context: RenderContext) -> bytes:
        uids = self.uids if isinstance(self.uids, str) else format_sequence_set(list(self.uids))
        if not _UID_SET.fullmatch(uids):
            raise LocalProtocolError(f"VANISHED needs a UID set, not {uids!r}")
        return _untagged(b"VANISHED", b"(EARLIER)" if self.earlier else b"", uids.encode("ascii"))


def _ranges(text: str) -> list[tuple[int, int]]:
    spans = []
    for item in text.split(","):
        low, _, high = item.partition(":")
        try:
            a, b = int(low), int(high or low)
        except ValueError:
            raise LocalProtocolError(f"not a UID set: {text!r}") from None
        spans.append((min(a, b), max(a, b)))
    return spans


@dataclass(frozen=True, slots=True)
class Flags(Untagged):
    flags: tuple[str, ...]

    def render(self, context: RenderContext) -> bytes:
        return _untagged(b"FLAGS", b"(" + b" ".join(flag(f) for f in self.flags) + b")")


@dataclass(frozen=True, slots=True)
class ListData(Untagged):
    """One LIST (or LSUB) line: attributes (``\\HasNoChildren``, ``\\Sent``...), hierarchy
    delimiter (None: flat), and the LIST-EXTENDED items CHILDINFO and OLDNAME."""

    mailbox: str
    attributes: tuple[str, ...] = ()
    delimiter: str | None = "/"
    child_info: tuple[str, ...] = ()
    old_name: str | None = None
    lsub: bool = False

    def render(self, context: RenderContext) -> bytes:
        attributes = b"(" + b" ".join(flag(a) for a in self.attributes) + b")"
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise LocalProtocolError("a hierarchy delimiter is one character")
        delimiter = b"NIL" if self.delimiter is None else quoted(self.delimiter.encode("ascii"))
        extended = []
        if self.child_info:
            extended.append(b'"CHILDINFO" (' + b" ".join(quoted(atom(c)) for c in self.child_info) + b")")
        if self.old_name is not None:
            extended.append(b'"OLDNAME" (' + mailbox(self.old_name, context) + b")")
        tail = b"(" + b" ".join(extended) + b")" if extended else b""
        return _untagged(b"LSUB" if self.lsub else b"LIST", attributes, delimiter,
                         mailbox(self.mailbox, context), tail)


@dataclass(frozen=True, slots=True)
class StatusData(Untagged):
    """``* STATUS name (MESSAGES 3 UIDNEXT 9)``; ``items`` in the order to send."""

    mailbox: str
    items: tuple[tuple[str, int], ...]

    def render(self, context: RenderContext) -> bytes:
        pairs = b" ".join(atom(name) + b" " + number(value) for name, value in self.items)
        return _untagged(b"STATUS", mailbox(self.mailbox, context), b"(" + pairs + b")")


@dataclass(frozen=True, slots=True)
class SearchData(Untagged):
    """``* SEARCH 2 3 6`` with the (MODSEQ n) of RFC 7162 when a MODSEQ key was used."""

    numbers: tuple[int, ...]
    modseq: int | None = None

    def render(self, context: RenderContext) -> bytes:
        tail = b"(MODSEQ " + number(self.modseq) + b")" if self.modseq is not None and self.numbers else b""
        return _untagged(b"SEARCH", *(number(n) for n in self.numbers), tail)


@dataclass(frozen=True, slots=True)
class SortData(Untagged):
    numbers: tuple[int, ...]
    modseq: int | None = None

    def render(self, context: RenderContext) -> bytes:
        tail = b"(MODSEQ " + number(self.modseq) + b")" if self.modseq is not None and self.numbers else b""
        return _untagged(b"SORT", *(number(n) for n in self.numbers), tail)


@dataclass(frozen=True, slots=True)
class ESearchData(Untagged):
    """``* ESEARCH (TAG "a1") UID MIN 2 MAX 9 COUNT 4 ALL 2:4,9`` (RFC 4731; RFC 9051 section
    7.3.4). Only the fields that are not None are sent; an empty result sends none of them."""

    tag: str | None = None
    uid: bool = False
    min: int | None = None
    max: int | None = None
    all: tuple[int, ...] | str | None = None
    count: int | None = None
    modseq: int | None = None

    def render(self, context: RenderContext) -> bytes:
        parts = [b"ESEARCH"]
        if self.tag is not None:
            parts.append(b"(TAG " + quoted(self.tag.encode("ascii")) + b")")
        if self.uid:
            parts.append(b"UID")
        if self.min is not None:
            parts.append(b"MIN " + number(self.min))
        if self.max is not None:
            parts.append(b"MAX " + number(self.max))
        if self.all is not None and self.all != () and self.all != "":
            text = self.all if isinstance(self.all, str) else format_sequence_set(list(self.all))
            parts.append(b"ALL " + text.encode("ascii"))
        if self.count is not None:
            parts.append(b"COUNT " + number(self.count))
        if self.modseq is not None:
            parts.append(b"MODSEQ " + number(self.modseq))
        return _untagged(*parts)


Thread: TypeAlias = Sequence["int | Thread"]


def _thread(node: Thread) -> bytes:
    """``(3 6 (4 23)(44 7 96))``: members, then at least two nested sub-threads (RFC 5256 section 4)."""
    split = 0
    while split < len(node) and isinstance(node[split], int):
        split += 1
    members = [number(n) for n in node[:split]]  # type: ignore[arg-type]
    nested = node[split:]
    if any(isinstance(n, int) for n in nested):
        raise LocalProtocolError("thread members come before nested threads")
    if (nested and len(nested) < 2) or (not members and not nested):
        raise LocalProtocolError("a thread has members, and nests either no thread or at least two")
    body = b" ".join(members)
    if nested:
        body += (b" " if members else b"") + b"".join(_thread(n) for n in nested)  # type: ignore[arg-type]
    return b"(" + body + b")"


@dataclass(frozen=True, slots=True)
class ThreadData(Untagged):
    threads: tuple[Thread, ...]

    def render(self, context: RenderContext) -> bytes:
        body = b"".join(_thread(t) for t in self.threads)
        return _untagged(b"THREAD", body)


@dataclass(frozen=True, slots=True)
class FetchData(Untagged):
    """``* 12 FETCH (FLAGS (\\Seen) UID 4 BODY[TEXT] {5}...)``: ``items`` are (name, value) pairs in
    order, the names as ``FetchItem.response_name`` gives them. FLAGS takes flag names,
    INTERNALDATE a datetime, MODSEQ an int, BINARY[...] bytes (a literal8 when they hold NUL);
    anything else a ``Value`` (ENVELOPE and BODYSTRUCTURE as nested lists, body parts as bytes)."""

    number: int
    items: tuple[tuple[str, Value], ...] = field(default=())

    def render(self, context: RenderContext) -> bytes:
        if self.number < 1:
            raise LocalProtocolError("FETCH needs a message number")
        parts = []
        for name, value in self.items:
            key = name.upper()
            if key == "FLAGS":
                rendered = b"(" + b" ".join(flag(f) for f in value) + b")"  # type: ignore[union-attr]
            elif key == "MODSEQ":
                rendered = b"(" + number(value) + b")"  # type: ignore[arg-type]
            elif key.startswith("BINARY[") and isinstance(value, bytes):
                rendered = literal(value, binary=True) if b"\0" in value else render(Literal(value), context)
            elif key.startswith(("BODY[", "RFC822", "BINARY[")) and isinstance(value, bytes):
                rendered = string(value, context) if b"\0" not in value else literal(value)
            else:
                rendered = render(value, context)
            parts.append(name.encode("ascii") + b" " + rendered)
        return _untagged(number(self.number), b"FETCH", b"(" + b" ".join(parts) + b")")


@dataclass(frozen=True, slots=True)
class IdData(Untagged):
    """The server's identification (RFC 2971); None for ``* ID NIL``."""

    parameters: tuple[tuple[str, str | None], ...] | None

    def render(self, context: RenderContext) -> bytes:
        if self.parameters is None:
            return _untagged(b"ID", b"NIL")
        flat: list[Value] = []
        for key, value in self.parameters:
            flat += [key, value]
        return _untagged(b"ID", render(flat, context))


Namespaces = Sequence[tuple[str, str | None]] | None


def _namespaces(spaces: Namespaces, context: RenderContext) -> bytes:
    if not spaces:
        return b"NIL"
    items = []
    for prefix, delimiter in spaces:
        sep = b"NIL" if delimiter is None else quoted(delimiter.encode("ascii"))
        name = prefix.encode("utf-8") if context.utf8 else mutf7.encode(prefix)
        items.append(b"(" + string(name, context) + b" " + sep + b")")
    return b"(" + b"".join(items) + b")"


@dataclass(frozen=True, slots=True)
class NamespaceData(Untagged):
    """``* NAMESPACE (("" "/")) NIL (("Shared/" "/"))``: (prefix, delimiter) per namespace."""

    personal: Namespaces = (("", "/"),)
    other: Namespaces = None
    shared: Namespaces = None

    def render(self, context: RenderContext) -> bytes:
        return _untagged(b"NAMESPACE", _namespaces(self.personal, context), _namespaces(self.other, context),
                         _namespaces(self.shared, context))


@dataclass(frozen=True, slots=True)
class QuotaData(Untagged):
    """``* QUOTA "" (STORAGE 10 512)``: (resource, usage, limit) triples; STORAGE in KiB."""

    root: str
    resources: tuple[tuple[str, int, int], ...]

    def render(self, context: RenderContext) -> bytes:
        body = b" ".join(atom(name) + b" " + number(usage) + b" " + number(limit)
                         for name, usage, limit in self.resources)
        return _untagged(b"QUOTA", astring(self.root, context), b"(" + body + b")")


@dataclass(frozen=True, slots=True)
class QuotaRootData(Untagged):
    mailbox: str
    roots: tuple[str, ...]

    def render(self, context: RenderContext) -> bytes:
        return _untagged(b"QUOTAROOT", mailbox(self.mailbox, context), *(astring(r, context) for r in self.roots))

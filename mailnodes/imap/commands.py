"""The typed form of every IMAP command the core parses (RFC 3501, RFC 9051 and the extensions in
``options.KNOWN_EXTENSIONS``), and the values inside them: sequence sets, search keys, fetch items,
store modes. Pure data: frozen, slotted dataclasses the parser builds and the session reads.

Strings arrive decoded: mailbox names are ``str`` (from modified UTF-7, or UTF-8 once UTF8=ACCEPT
or IMAP4rev2 is enabled; ``INBOX`` in any case is ``"INBOX"``), search strings are ``str`` decoded
with the command's CHARSET, message data (APPEND) and SASL data stay ``bytes``. System flags are
spelt canonically (``\\Seen``), keywords as sent.
"""
from __future__ import annotations

import datetime
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

# ---------------------------------------------------------------------------- sequence sets


@dataclass(frozen=True, slots=True)
class SequenceSet:
    """A sequence set (``1:*``, ``2,4:7,9``); ``None`` in a range stands for ``*``, the largest
    number in use. ``saved`` is the ``$`` of SEARCHRES (RFC 5182): the result the session saved."""

    ranges: tuple[tuple[int | None, int | None], ...] = ()
    saved: bool = False

    def __str__(self) -> str:
        if self.saved:
            return "$"
        parts = []
        for low, high in self.ranges:
            a = "*" if low is None else str(low)
            b = "*" if high is None else str(high)
            parts.append(a if low == high else f"{a}:{b}")
        return ",".join(parts)

    def spans(self, largest: int) -> list[tuple[int, int]]:
        """The ranges as ``(low, high)`` with ``*`` replaced by ``largest`` and ends ordered
        (``5:2`` is ``2:5``), merged and sorted. Empty for a saved set (the session holds it)."""
        found: list[tuple[int, int]] = []
        for low, high in self.ranges:
            if largest < 1 and None in (low, high):
                continue  # "*" in an empty mailbox names no message
            a = largest if low is None else low
            b = largest if high is None else high
            if a > b:
                a, b = b, a
            if b < 1:
                continue
            found.append((max(a, 1), b))
        found.sort()
        merged: list[tuple[int, int]] = []
        for a, b in found:
            if merged and a <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    def iter(self, largest: int) -> Iterator[int]:
        """Every number in the set, ascending, ``*`` being ``largest``."""
        for a, b in self.spans(largest):
            yield from range(a, b + 1)

    def contains(self, number: int, largest: int) -> bool:
        return any(a <= number <= b for a, b in self.spans(largest))

    def beyond(self, largest: int) -> bool:
        """Whether a number other than ``*`` exceeds ``largest`` (an invalid message sequence
        number for a non-UID command, RFC 9051 section 9: "the server should respond BAD")."""
        return any(n is not None and n > largest for r in self.ranges for n in r)


def format_sequence_set(numbers: Iterator[int] | list[int] | tuple[int, ...] | set[int]) -> str:
    """The shortest sequence-set spelling of a collection of positive numbers (``1:3,7``)."""
    out: list[str] = []
    run_start = previous = None
    for n in sorted(set(numbers)):
        if previous is not None and n == previous + 1:
            previous = n
            continue
        if run_start is not None:
            out.append(str(run_start) if run_start == previous else f"{run_start}:{previous}")
        run_start = previous = n
    if run_start is not None:
        out.append(str(run_start) if run_start == previous else f"{run_start}:{previous}")
    return ",".join(out)


# ---------------------------------------------------------------------------- search keys


class SearchKey:
    """Base of the search criteria tree."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class FlagKey(SearchKey):
    """A key without argument: ALL, ANSWERED, DELETED, DRAFT, FLAGGED, SEEN, their UN- forms, and
    NEW, OLD, RECENT (IMAP4rev1 only)."""

    name: str


@dataclass(frozen=True, slots=True)
class KeywordKey(SearchKey):
    """KEYWORD (``present``) or UNKEYWORD."""

    keyword: str
    present: bool = True


@dataclass(frozen=True, slots=True)
class TextKey(SearchKey):
    """BCC, BODY, CC, FROM, SUBJECT, TEXT or TO containing ``value`` (case-insensitive substring)."""

    field: str
    value: str


@dataclass(frozen=True, slots=True)
class HeaderKey(SearchKey):
    """HEADER name value; an empty value matches every message having the field."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class DateKey(SearchKey):
    """BEFORE, ON, SINCE (internal date) or SENTBEFORE, SENTON, SENTSINCE (Date: header)."""

    field: str
    date: datetime.date


@dataclass(frozen=True, slots=True)
class SizeKey(SearchKey):
    """LARGER (``larger``) or SMALLER than ``size`` octets."""

    larger: bool
    size: int


@dataclass(frozen=True, slots=True)
class SequenceKey(SearchKey):
    """A sequence set of message numbers, or of UIDs after the UID key."""

    sequence_set: SequenceSet
    uid: bool = False


@dataclass(frozen=True, slots=True)
class ModSeqKey(SearchKey):
    """MODSEQ (RFC 7162): messages whose mod-sequence is at least ``modseq``; ``entry`` is the
    optional ``/flags/<flag>`` entry name and ``entry_type`` priv/shared/all."""

    modseq: int
    entry: str | None = None
    entry_type: str | None = None


@dataclass(frozen=True, slots=True)
class AgeKey(SearchKey):
    """OLDER (``older``) or YOUNGER than ``seconds`` (RFC 5032 WITHIN)."""

    older: bool
    seconds: int


@dataclass(frozen=True, slots=True)
class Not(SearchKey):
    key: SearchKey


@dataclass(frozen=True, slots=True)
class Or(SearchKey):
    left: SearchKey
    right: SearchKey


@dataclass(frozen=True, slots=True)
class And(SearchKey):
    """All of ``keys``: a parenthesised list, and the top level of every SEARCH."""

    keys: tuple[SearchKey, ...]


# ---------------------------------------------------------------------------- fetch items


@dataclass(frozen=True, slots=True)
class FetchAttribute:
    """A data item without section: ENVELOPE, FLAGS, INTERNALDATE, RFC822, RFC822.HEADER,
    RFC822.SIZE, RFC822.TEXT, BODY (structure without extensions), BODYSTRUCTURE, UID, MODSEQ."""

    name: str

    @property
    def response_name(self) -> str:
        return self.name

    @property
    def sets_seen(self) -> bool:
        return self.name in ("RFC822", "RFC822.TEXT")


@dataclass(frozen=True, slots=True)
class Section:
    """``[part.text (fields)]``: ``part`` is the MIME part path (empty: the whole message), ``text``
    HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME or None, ``fields`` the header names
    (upper-cased) of HEADER.FIELDS[.NOT]."""

    part: tuple[int, ...] = ()
    text: str | None = None
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        spec = ".".join(str(n) for n in self.part)
        if self.text:
            spec = f"{spec}.{self.text}" if spec else self.text
        if self.fields:
            spec += " (" + " ".join(self.fields) + ")"
        return spec


@dataclass(frozen=True, slots=True)
class BodySection:
    """BODY[section]<partial> or BODY.PEEK[...]; ``partial`` is ``(origin, length)``."""

    section: Section = field(default_factory=Section)
    peek: bool = False
    partial: tuple[int, int] | None = None

    @property
    def response_name(self) -> str:
        """The name the FETCH response uses (no PEEK; only the origin of a partial)."""
        origin = f"<{self.partial[0]}>" if self.partial else ""
        return f"BODY[{self.section}]{origin}"

    @property
    def sets_seen(self) -> bool:
        return not self.peek


@dataclass(frozen=True, slots=True)
class BinarySection:
    """BINARY[part]<partial> or BINARY.PEEK (RFC 3516): the part with its transfer encoding undone."""

    part: tuple[int, ...] = ()
    peek: bool = False
    partial: tuple[int, int] | None = None

    @property
    def response_name(self) -> str:
        origin = f"<{self.partial[0]}>" if self.partial else ""
        return "BINARY[" + ".".join(str(n) for n in self.part) + "]" + origin

    @property
    def sets_seen(self) -> bool:
        return not self.peek


@dataclass(frozen=True, slots=True)
class BinarySize:
    """BINARY.SIZE[part]: the size of the part once decoded."""

    part: tuple[int, ...] = ()

    @property
    def response_name(self) -> str:
        return "BINARY.SIZE[" + ".".join(str(n) for n in self.part) + "]"

    @property
    def sets_seen(self) -> bool:
        return False


FetchItem = FetchAttribute | BodySection | BinarySection | BinarySize


class StoreMode(enum.Enum):
    REPLACE = "FLAGS"
    ADD = "+FLAGS"
    REMOVE = "-FLAGS"


@dataclass(frozen=True, slots=True)
class SortKey:
    """A SORT criterion (RFC 5256, RFC 5957 DISPLAYFROM/DISPLAYTO)."""

    name: str
    reverse: bool = False


@dataclass(frozen=True, slots=True)
class QresyncParameters:
    """SELECT/EXAMINE (QRESYNC (uidvalidity modseq [known-uids] [(seqs uids)])) of RFC 7162."""

    uidvalidity: int
    modseq: int
    known_uids: SequenceSet | None = None
    sequence_match: tuple[SequenceSet, SequenceSet] | None = None


@dataclass(frozen=True, slots=True)
class AppendMessage:
    """One message of APPEND (MULTIAPPEND sends several): flags, internal date (None: now), the
    data, and whether it came as literal8 (BINARY) or inside UTF8 (RFC 6855)."""

    data: bytes
    flags: tuple[str, ...] = ()
    date: datetime.datetime | None = None
    binary: bool = False
    utf8: bool = False


# ---------------------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class Command:
    """Base of every command: ``tag`` as the client sent it. ``name`` is the command's keyword."""

    tag: str

    name: ClassVar[str] = ""


@dataclass(frozen=True, slots=True)
class Capability(Command):
    name: ClassVar[str] = "CAPABILITY"


@dataclass(frozen=True, slots=True)
class Noop(Command):
    name: ClassVar[str] = "NOOP"


@dataclass(frozen=True, slots=True)
class Logout(Command):
    name: ClassVar[str] = "LOGOUT"


@dataclass(frozen=True, slots=True)
class StartTls(Command):
    name: ClassVar[str] = "STARTTLS"


@dataclass(frozen=True, slots=True)
class Authenticate(Command):
    """``initial_response`` (SASL-IR) decoded; ``b""`` for "=", None when absent."""

    name: ClassVar[str] = "AUTHENTICATE"

    mechanism: str
    initial_response: bytes | None = None


@dataclass(frozen=True, slots=True)
class Login(Command):
    name: ClassVar[str] = "LOGIN"

    username: str
    password: str


@dataclass(frozen=True, slots=True)
class Enable(Command):
    name: ClassVar[str] = "ENABLE"

    capabilities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Select(Command):
    """SELECT, or EXAMINE (``read_only``), with the CONDSTORE / QRESYNC parameters."""

    name: ClassVar[str] = "SELECT"

    mailbox: str
    read_only: bool = False
    condstore: bool = False
    qresync: QresyncParameters | None = None


@dataclass(frozen=True, slots=True)
class Create(Command):
    """``special_use``: the (USE (...)) attributes of CREATE-SPECIAL-USE (RFC 6154)."""

    name: ClassVar[str] = "CREATE"

    mailbox: str
    special_use: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Delete(Command):
    name: ClassVar[str] = "DELETE"

    mailbox: str


@dataclass(frozen=True, slots=True)
class Rename(Command):
    name: ClassVar[str] = "RENAME"

    mailbox: str
    new_name: str


@dataclass(frozen=True, slots=True)
class Subscribe(Command):
    name: ClassVar[str] = "SUBSCRIBE"

    mailbox: str


@dataclass(frozen=True, slots=True)
class Unsubscribe(Command):
    name: ClassVar[str] = "UNSUBSCRIBE"

    mailbox: str


@dataclass(frozen=True, slots=True)
class List(Command):
    """LIST, with LIST-EXTENDED selection options (SUBSCRIBED, REMOTE, RECURSIVEMATCH,
    SPECIAL-USE), several patterns, and return options (SUBSCRIBED, CHILDREN, SPECIAL-USE,
    STATUS with ``status_items``). ``extended`` is true when any extended syntax was used."""

    name: ClassVar[str] = "LIST"

    reference: str
    patterns: tuple[str, ...]
    selection: frozenset[str] = frozenset()
    return_options: frozenset[str] = frozenset()
    status_items: tuple[str, ...] = ()
    extended: bool = False


@dataclass(frozen=True, slots=True)
class Lsub(Command):
    name: ClassVar[str] = "LSUB"

    reference: str
    pattern: str


@dataclass(frozen=True, slots=True)
class Namespace(Command):
    name: ClassVar[str] = "NAMESPACE"


@dataclass(frozen=True, slots=True)
class Status(Command):
    """``items`` upper-cased: MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT HIGHESTMODSEQ
    APPENDLIMIT."""

    name: ClassVar[str] = "STATUS"

    mailbox: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Append(Command):
    name: ClassVar[str] = "APPEND"

    mailbox: str
    messages: tuple[AppendMessage, ...]


@dataclass(frozen=True, slots=True)
class Idle(Command):
    name: ClassVar[str] = "IDLE"


@dataclass(frozen=True, slots=True)
class Check(Command):
    name: ClassVar[str] = "CHECK"


@dataclass(frozen=True, slots=True)
class Close(Command):
    name: ClassVar[str] = "CLOSE"


@dataclass(frozen=True, slots=True)
class Unselect(Command):
    name: ClassVar[str] = "UNSELECT"


@dataclass(frozen=True, slots=True)
class Expunge(Command):
    """EXPUNGE, or UID EXPUNGE (UIDPLUS) limited to ``uid_set``."""

    name: ClassVar[str] = "EXPUNGE"

    uid_set: SequenceSet | None = None


@dataclass(frozen=True, slots=True)
class Search(Command):
    """``return_options`` is None without RETURN (a plain SEARCH response, or ESEARCH under
    IMAP4rev2), else the upper-cased options (``()`` means ALL). ``charset`` is upper-cased."""

    name: ClassVar[str] = "SEARCH"

    criteria: SearchKey
    charset: str | None = None
    return_options: tuple[str, ...] | None = None
    uid: bool = False


@dataclass(frozen=True, slots=True)
class Fetch(Command):
    """``items`` in the order asked; a UID FETCH always includes UID and CHANGEDSINCE always MODSEQ
    (the parser adds them). ``macro`` names ALL/FAST/FULL when one was used."""

    name: ClassVar[str] = "FETCH"

    sequence_set: SequenceSet
    items: tuple[FetchItem, ...]
    uid: bool = False
    changed_since: int | None = None
    vanished: bool = False
    macro: str | None = None

    @property
    def sets_seen(self) -> bool:
        """Whether fetching sets \\Seen (a non-PEEK body section, RFC822, RFC822.TEXT)."""
        return any(item.sets_seen for item in self.items)


@dataclass(frozen=True, slots=True)
class Store(Command):
    name: ClassVar[str] = "STORE"

    sequence_set: SequenceSet
    mode: StoreMode
    flags: tuple[str, ...]
    silent: bool = False
    unchanged_since: int | None = None
    uid: bool = False


@dataclass(frozen=True, slots=True)
class Copy(Command):
    name: ClassVar[str] = "COPY"

    sequence_set: SequenceSet
    mailbox: str
    uid: bool = False


@dataclass(frozen=True, slots=True)
class Move(Command):
    name: ClassVar[str] = "MOVE"

    sequence_set: SequenceSet
    mailbox: str
    uid: bool = False


@dataclass(frozen=True, slots=True)
class Id(Command):
    """The client's identification (RFC 2971); None for ``ID NIL``."""

    name: ClassVar[str] = "ID"

    parameters: tuple[tuple[str, str | None], ...] | None


@dataclass(frozen=True, slots=True)
class GetQuota(Command):
    name: ClassVar[str] = "GETQUOTA"

    root: str


@dataclass(frozen=True, slots=True)
class GetQuotaRoot(Command):
    name: ClassVar[str] = "GETQUOTAROOT"

    mailbox: str


@dataclass(frozen=True, slots=True)
class SetQuota(Command):
    name: ClassVar[str] = "SETQUOTA"

    root: str
    limits: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Sort(Command):
    """SORT (RFC 5256); ``return_options`` is ESORT's RETURN (RFC 5267), None when absent."""

    name: ClassVar[str] = "SORT"

    criteria: tuple[SortKey, ...]
    charset: str
    search: SearchKey
    uid: bool = False
    return_options: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Thread(Command):
    name: ClassVar[str] = "THREAD"

    algorithm: str
    charset: str
    search: SearchKey
    uid: bool = False


@dataclass(frozen=True, slots=True)
class Compress(Command):
    name: ClassVar[str] = "COMPRESS"

    mechanism: str


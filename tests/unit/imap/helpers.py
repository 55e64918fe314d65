"""Drivers for the IMAP core in tests: a greeted connection, feeding lines, draining events, and
``ScriptedSession``, an in-memory stand-in for the session that answers every request the way the
real one will (one user, a small INBOX, fixed UIDs), enough to replay the RFCs' example dialogues."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from mailnodes.imap import (
    NEED_DATA,
    PAUSED,
    Answered,
    AuthRequested,
    AuthResponseGiven,
    CommandReceived,
    ConnectionClosed,
    CredentialsGiven,
    Event,
    ImapConnection,
    ImapOptions,
    Request,
    State,
)
from mailnodes.imap import commands as c
from mailnodes.imap import responses as r
from mailnodes.imap.parser import ParseContext, parse_command

PLAIN_OK = ImapOptions(allow_plaintext_auth=True)


def parse(data: bytes | str, options: ImapOptions = PLAIN_OK, *, utf8: bool = False,
          qresync: bool = False) -> c.Command:
    """Parse one whole command (a str is encoded as UTF-8)."""
    raw = data.encode() if isinstance(data, str) else data
    return parse_command(raw, ParseContext(options, utf8=utf8, qresync=qresync))


def connect(options: ImapOptions = PLAIN_OK, *, tls: bool = False, now: float = 0.0,
            preauth: bool = False) -> ImapConnection:
    conn = ImapConnection(options, now=now, tls_active=tls)
    conn.greeting(preauth=preauth)
    return conn


def send(conn: ImapConnection, data: bytes | str, now: float = 1.0) -> Event:
    """Feed ``data`` (a str gets CRLF appended) and return the next event, which must be one."""
    if isinstance(data, str):
        data = data.encode() + b"\r\n"
    conn.receive_data(data, now)
    event = conn.next_event()
    assert isinstance(event, Event), event
    return event


def drain(conn: ImapConnection) -> list[Event]:
    """Every event available without answering anything."""
    found: list[Event] = []
    while True:
        event = conn.next_event()
        if event is NEED_DATA or event is PAUSED:
            return found
        assert isinstance(event, Event)
        found.append(event)
        if isinstance(event, ConnectionClosed):
            return found


def login(conn: ImapConnection) -> bytes:
    event = send(conn, "L1 LOGIN alice secret")
    assert isinstance(event, CredentialsGiven), event
    return conn.login_succeeded()


def authenticated(options: ImapOptions = PLAIN_OK) -> ImapConnection:
    conn = connect(options)
    login(conn)
    assert conn.state is State.AUTHENTICATED
    return conn


def selected(options: ImapOptions = PLAIN_OK, exists: int = 3, *, examine: bool = False,
             enable: str = "") -> ImapConnection:
    conn = authenticated(options)
    if enable:
        send(conn, f"E1 ENABLE {enable}")
    event = send(conn, "S1 EXAMINE INBOX" if examine else "S1 SELECT INBOX")
    assert isinstance(event, CommandReceived), event
    conn.send(r.Exists(exists))
    conn.ok()
    assert conn.state is State.SELECTED
    return conn


@dataclass
class Message:
    uid: int
    flags: set[str]
    data: bytes


@dataclass
class ScriptedSession:
    """Answers requests like a session over a store would: user "alice", password "secret"; an
    INBOX (UIDVALIDITY 3857529045) with the messages below; Sent and Trash; no other mailbox."""

    messages: list[Message] = field(default_factory=lambda: [
        Message(4827313, {"\\Seen"}, b"Subject: one\r\n\r\nfirst\r\n"),
        Message(4827943, {"\\Seen", "\\Deleted"}, b"Subject: two\r\n\r\nsecond\r\n"),
        Message(4828442, set(), b"Subject: three\r\n\r\nthird\r\n"),
    ])
    mailboxes: dict[str, tuple[str, ...]] = field(default_factory=lambda: {
        "INBOX": (), "Sent": ("\\Sent",), "Trash": ("\\Trash",)})
    uidvalidity: int = 3857529045
    next_uid: int = 4828443

    def answer(self, conn: ImapConnection, event: Request) -> bytes:
        if isinstance(event, CredentialsGiven):
            good = event.username == "alice" and event.password == "secret"
            return conn.login_succeeded() if good else conn.login_failed()
        if isinstance(event, (AuthRequested, AuthResponseGiven)):
            return conn.login_failed("mechanism not available")
        assert isinstance(event, CommandReceived)
        command = event.command
        handler = getattr(self, "do_" + type(command).__name__.lower(), None)
        if handler is None:
            return conn.ok()
        return handler(conn, command)  # type: ignore[no-any-return]

    def _box(self, conn: ImapConnection) -> list[Message]:
        """The selected mailbox's messages (only INBOX has any)."""
        return self.messages if conn.selected is not None and conn.selected.name == "INBOX" else []

    def do_compress(self, conn: ImapConnection, command: c.Compress) -> bytes:
        out = conn.ok()
        conn.compression_started()
        return out

    def do_starttls(self, conn: ImapConnection, command: c.StartTls) -> bytes:
        out = conn.ok("Begin TLS negotiation now")
        conn.starttls_started()  # the handshake, in memory
        return out

    def do_select(self, conn: ImapConnection, command: c.Select) -> bytes:
        if command.mailbox not in self.mailboxes:
            return conn.no("Mailbox does not exist", r.NONEXISTENT)
        count = len(self.messages) if command.mailbox == "INBOX" else 0
        return conn.send(
            r.Flags(("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft")),
            r.Exists(count),
            r.Condition("OK", "UIDs valid", r.Code.uidvalidity(self.uidvalidity)),
            r.Condition("OK", "Predicted next UID", r.Code.uidnext(self.next_uid)),
            r.Condition("OK", "Limited", r.Code.permanent_flags(("\\Deleted", "\\Seen", "\\*"))),
        ) + conn.ok()

    def do_list(self, conn: ImapConnection, command: c.List) -> bytes:
        if command.patterns == ("",):
            return conn.send(r.ListData("", ("\\Noselect",), "/")) + conn.ok()
        out = b""
        for name, attributes in self.mailboxes.items():
            if any(p in ("*", "%", name) for p in command.patterns):
                out += conn.send(r.ListData(name, ("\\HasNoChildren", *attributes)))
        return out + conn.ok()

    def do_create(self, conn: ImapConnection, command: c.Create) -> bytes:
        if command.mailbox in self.mailboxes:
            return conn.no("Mailbox already exists", r.ALREADYEXISTS)
        self.mailboxes[command.mailbox] = command.special_use
        return conn.ok()

    def do_status(self, conn: ImapConnection, command: c.Status) -> bytes:
        values = {"MESSAGES": len(self.messages), "UIDNEXT": self.next_uid, "UIDVALIDITY": self.uidvalidity,
                  "UNSEEN": sum("\\Seen" not in m.flags for m in self.messages), "RECENT": 0, "DELETED": 1,
                  "SIZE": sum(len(m.data) for m in self.messages), "HIGHESTMODSEQ": 7, "APPENDLIMIT": 100}
        items = tuple((name, values[name]) for name in command.items)
        return conn.send(r.StatusData(command.mailbox, items)) + conn.ok()

    def do_append(self, conn: ImapConnection, command: c.Append) -> bytes:
        if command.mailbox not in self.mailboxes:
            return conn.no("Mailbox does not exist", r.TRYCREATE)
        uids = []
        for message in command.messages:
            uids.append(self.next_uid)
            if command.mailbox == "INBOX":
                self.messages.append(Message(self.next_uid, set(message.flags), message.data))
            self.next_uid += 1
        out = b""
        if conn.selected is not None and conn.selected.name == "INBOX":
            out = conn.send(r.Exists(len(self.messages)))
        return out + conn.ok("APPEND completed", r.Code.appenduid(self.uidvalidity, uids))

    def do_noop(self, conn: ImapConnection, command: c.Noop) -> bytes:
        return conn.ok()

    def _numbers(self, conn: ImapConnection, sequence_set: c.SequenceSet, uid: bool) -> list[int]:
        box = self._box(conn)
        if uid:
            largest = box[-1].uid if box else 0
            return [n for n, m in enumerate(box, 1) if sequence_set.contains(m.uid, largest)]
        return [n for n in sequence_set.iter(len(box)) if n <= len(box)]

    def do_fetch(self, conn: ImapConnection, command: c.Fetch) -> bytes:
        out = b""
        for n in self._numbers(conn, command.sequence_set, command.uid):
            message = self._box(conn)[n - 1]
            if command.sets_seen:
                message.flags.add("\\Seen")
            items: list[tuple[str, r.Value]] = []
            for item in command.items:
                name = item.response_name
                if name == "FLAGS":
                    items.append((name, tuple(sorted(message.flags))))
                elif name == "UID":
                    items.append((name, message.uid))
                elif name in ("RFC822.SIZE", "MODSEQ") or name.startswith("BINARY.SIZE"):
                    items.append((name, len(message.data)))
                elif name in ("ENVELOPE", "BODY", "BODYSTRUCTURE"):
                    items.append((name, ["text", "plain", None]))
                elif name == "INTERNALDATE":
                    items.append((name, datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)))
                elif isinstance(item, c.BodySection) and item.section.text == "HEADER":
                    items.append((name, message.data.split(b"\r\n\r\n")[0] + b"\r\n\r\n"))
                else:
                    items.append((name, message.data))
            out += conn.send(r.FetchData(n, tuple(items)))
        return out + conn.ok()

    def do_store(self, conn: ImapConnection, command: c.Store) -> bytes:
        out = b""
        for n in self._numbers(conn, command.sequence_set, command.uid):
            message = self._box(conn)[n - 1]
            if command.mode is c.StoreMode.ADD:
                message.flags |= set(command.flags)
            elif command.mode is c.StoreMode.REMOVE:
                message.flags -= set(command.flags)
            else:
                message.flags = set(command.flags)
            if not command.silent:
                items: list[tuple[str, r.Value]] = [("FLAGS", tuple(sorted(message.flags)))]
                if command.uid:
                    items.append(("UID", message.uid))
                out += conn.send(r.FetchData(n, tuple(items)))
        return out + conn.ok()

    def do_search(self, conn: ImapConnection, command: c.Search) -> bytes:
        box = self._box(conn)
        found = [n for n, m in enumerate(box, 1) if "\\Seen" not in m.flags]
        if command.uid:
            found = [box[n - 1].uid for n in found]
        if command.return_options is not None:
            return conn.send(r.ESearchData(command.tag, command.uid, count=len(found),
                                           all=tuple(found) or None)) + conn.ok()
        return conn.send(r.SearchData(tuple(found))) + conn.ok()

    def do_expunge(self, conn: ImapConnection, command: c.Expunge) -> bytes:
        out = b""
        box = self._box(conn)
        n = 1
        while n <= len(box):
            if "\\Deleted" in box[n - 1].flags:
                gone = box.pop(n - 1)
                out += conn.send(r.Vanished((gone.uid,)) if conn.qresync else r.Expunge(n))
            else:
                n += 1
        return out + conn.ok()

    def do_close(self, conn: ImapConnection, command: c.Close) -> bytes:
        self.messages = [m for m in self.messages if "\\Deleted" not in m.flags]
        return conn.ok()

    def do_idle(self, conn: ImapConnection, command: c.Idle) -> bytes:
        return conn.idle_started()

    def do_namespace(self, conn: ImapConnection, command: c.Namespace) -> bytes:
        return conn.send(r.NamespaceData((("", "/"),), None, None)) + conn.ok()

    def run(self, conn: ImapConnection) -> bytes:
        """Drain the connection, answering each request; the bytes written to the client."""
        out = bytearray()
        while True:
            event = conn.next_event()
            if event is NEED_DATA or event is PAUSED or isinstance(event, ConnectionClosed):
                return bytes(out)
            if isinstance(event, Answered):
                out += event.response
            else:
                assert isinstance(event, Request)
                out += self.answer(conn, event)

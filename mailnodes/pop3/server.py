"""The POP3 server: the asyncio adapter between sockets and the sans-IO core, with the session
behind it. One task per connection reads bytes into ``Pop3Connection``, writes what it answers,
and runs the session's blocking work (logins, store reads, the QUIT update) in worker threads.

``serve_pop3`` opens a plain port (STLS offered when a TLS context is given) or an implicit-TLS
port (``implicit_tls=True``), on the addresses and with the limits of the ``pop3.*`` settings.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import ssl
from pathlib import Path

from mailnodes.logs import ActivityLog
from mailnodes.net import Listener, listen, listen_addresses
from mailnodes.pop3.connection import Pop3Connection
from mailnodes.pop3.errors import ResponseCode
from mailnodes.pop3.events import (
    NEED_DATA,
    PAUSED,
    Answered,
    ApopGiven,
    AuthContinued,
    AuthRequested,
    AuthResponseGiven,
    BadCommand,
    ConnectionClosed,
    CramMd5ResponseGiven,
    CredentialsGiven,
    Event,
    PassGiven,
    QuitRequested,
    Request,
    RetrRequested,
    StlsRequested,
    TopRequested,
    UserGiven,
)
from mailnodes.pop3.session import LEASE_RENEW_SECONDS, Pop3Policy, Pop3Session, Refusal, load_policy, unique_token
from mailnodes.store import MessageStore
from provisioning.context import Context
from provisioning.settings import read_settings

log = logging.getLogger(__name__)
_LOGINS = (PassGiven, ApopGiven, CredentialsGiven, CramMd5ResponseGiven)
_BUSY = b"-ERR [SYS/TEMP] too many connections, try again later\r\n"
_READ_SIZE = 65536


class _Dropped(Exception):
    """The client stopped reading our replies (inactivity timeout)."""


class Pop3Server:
    """Serves POP3 connections for one port."""

    def __init__(self, ctx: Context, store: MessageStore, *, tls_context: ssl.SSLContext | None,
                 implicit_tls: bool, activity: ActivityLog | None) -> None:
        if implicit_tls and tls_context is None:
            raise ValueError("an implicit-TLS port needs a TLS context")
        self.ctx = ctx
        self.store = store
        self.tls_context = tls_context
        self.implicit_tls = implicit_tls
        self.activity = activity

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _Connection(self, reader, writer).run()


class _Connection:
    """One client connection: the loop of the module docstring."""

    def __init__(self, server: Pop3Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        peer = writer.get_extra_info("peername") or ("", 0)
        self.ip = str(peer[0])
        self.id = secrets.token_hex(4)
        self.loop = asyncio.get_running_loop()
        self.policy: Pop3Policy | None = None
        self.session: Pop3Session | None = None
        self.conn: Pop3Connection | None = None

    def note(self, direction: str, text: str) -> None:
        if self.server.activity is not None and (self.policy is None or self.policy.activity_log):
            self.server.activity.write(self.id, self.ip, direction, text)

    async def send(self, data: bytes) -> None:
        if not data:
            return
        self.note("out", data.split(b"\r\n", 1)[0].decode("ascii", "replace"))
        self.writer.write(data)
        timeout = self.policy.inactivity_timeout if self.policy else 60.0
        try:
            await asyncio.wait_for(self.writer.drain(), timeout)
        except TimeoutError:
            raise _Dropped from None
        if self.conn is not None:
            self.conn.note_activity(self.loop.time())

    async def run(self) -> None:
        server = self.server
        self.policy = policy = await asyncio.to_thread(
            load_policy, server.ctx.db, tls_available=server.tls_context is not None,
            implicit_tls=server.implicit_tls)
        self.note("note", "connected" + (" (TLS)" if server.implicit_tls else ""))
        if not policy.access.allows(self.ip):
            self.note("note", "refused by IP access control")
            await self.send(b"-ERR access denied\r\n")
            return
        self.session = Pop3Session(server.ctx, server.store, policy, self.ip)
        self.conn = Pop3Connection(policy.options, now=self.loop.time(), tls_active=server.implicit_tls)
        timestamp = unique_token(policy.hostname) if policy.options.apop else None
        renewal: asyncio.Task[None] | None = None
        try:
            await self.send(self.conn.greeting(policy.greeting, timestamp))
            renewal = await self._serve()
        except _Dropped:
            self.note("note", "dropped: the client stopped reading")
        finally:
            if renewal is not None:
                renewal.cancel()
            await asyncio.shield(asyncio.to_thread(self.session.close))
            self.note("note", "disconnected")

    async def _serve(self) -> asyncio.Task[None] | None:
        conn = self.conn
        assert conn is not None
        renewal: asyncio.Task[None] | None = None
        try:
            while True:
                event = conn.next_event()
                if event is NEED_DATA:
                    await self._read()
                    continue
                if event is PAUSED:  # every request is answered before this loop goes on
                    raise AssertionError("POP3 core paused with no request outstanding")
                if isinstance(event, ConnectionClosed):
                    self.note("note", f"closed: {event.reason}")
                    return renewal
                self.note("in", describe(event))
                if isinstance(event, Answered):
                    await self.send(event.response)
                    continue
                assert isinstance(event, Request)
                await self.send(await self._answer_or_fail(event))
                if renewal is None and self.session is not None and self.session.account is not None:
                    renewal = asyncio.create_task(self._renew_lease())
        except BaseException:
            if renewal is not None:
                renewal.cancel()
            raise

    async def _read(self) -> None:
        conn = self.conn
        assert conn is not None
        deadline = conn.get_timer()
        timeout = None if deadline is None else max(0.0, deadline - self.loop.time())
        try:
            data = await asyncio.wait_for(self.reader.read(_READ_SIZE), timeout)
        except TimeoutError:
            conn.handle_timer(self.loop.time())
            return
        conn.receive_data(data, self.loop.time())

    async def _answer_or_fail(self, event: Request) -> bytes:
        """The answer; a fault of ours (the database gone ...) is a temporary error for the client,
        never a silently dropped connection."""
        if isinstance(event, StlsRequested):
            return await self._start_tls()  # a failed handshake leaves nothing to answer: it drops
        try:
            return await self._answer(event)
        except Exception:
            log.exception("POP3 %s failed for %s", type(event).__name__, self.ip)
            assert self.conn is not None
            return self.conn.err("internal server error, try again later", ResponseCode.SYS_TEMP)

    async def _answer(self, event: Request) -> bytes:
        conn, session = self.conn, self.session
        assert conn is not None and session is not None
        if isinstance(event, UserGiven):
            return conn.ok()  # whether the name exists is not told before PASS
        if isinstance(event, _LOGINS):
            return await self._login(event)
        if isinstance(event, AuthRequested):
            if event.mechanism == "CRAM-MD5":
                return conn.challenge(session.cram_md5_challenge())
            return conn.login_failed("unsupported authentication mechanism", None)
        if isinstance(event, AuthResponseGiven):
            return conn.login_failed("unsupported authentication mechanism", None)
        if isinstance(event, RetrRequested | TopRequested):
            if session.cheap_to_read(event.msg):
                data = session.retrieve(event.msg)
            else:
                data = await asyncio.to_thread(session.retrieve, event.msg)
            if data is None:
                return conn.err("message was removed by another session")
            return conn.message(data)
        if isinstance(event, QuitRequested):
            return await self._update(event)
        return conn.err("not supported")

    async def _login(self, event: Request) -> bytes:
        conn, session = self.conn, self.session
        assert conn is not None and session is not None
        outcome = await asyncio.to_thread(session.login, event)
        if isinstance(outcome, Refusal):
            self.note("note", f"login refused: {outcome.text}")
            if outcome.delay:
                await asyncio.sleep(outcome.delay)
            return conn.login_failed(outcome.text, outcome.code)
        assert session.account is not None
        self.note("note", f"logged in as {session.account.mailbox_name}@{session.account.postoffice_name}")
        return conn.login_succeeded(outcome)

    async def _start_tls(self) -> bytes:
        conn = self.conn
        assert conn is not None
        if self.server.tls_context is None:
            return conn.err("TLS not available")
        # No await between writing +OK and starting TLS: the client's handshake may follow at
        # once, and any bytes the plain stream read after +OK would be lost to TLS.
        reply = conn.ok()
        self.note("out", reply.decode("ascii", "replace").strip())
        self.writer.write(reply)
        # Plaintext the client sent after STLS must never be read as commands (RFC 2595 section
        # 4): what the core holds it drops in tls_started(); what the stream buffered, we drop.
        with contextlib.suppress(AttributeError):
            self.reader._buffer.clear()  # type: ignore[attr-defined]
        await self.writer.start_tls(self.server.tls_context, ssl_handshake_timeout=30)
        conn.tls_started()
        self.note("note", "TLS started")
        return b""

    async def _update(self, event: QuitRequested) -> bytes:
        conn, session = self.conn, self.session
        assert conn is not None and session is not None
        try:
            removed = await asyncio.shield(asyncio.to_thread(session.update, event.deleted))
        except Exception:
            log.exception("POP3 update failed for %s", self.ip)
            return conn.err("some deleted messages not removed", ResponseCode.SYS_TEMP)
        self.note("note", f"update: {removed} of {len(event.deleted)} marked messages removed")
        return conn.ok(f"POP3 server signing off ({removed} messages deleted)")

    async def _renew_lease(self) -> None:
        session = self.session
        assert session is not None
        while True:
            await asyncio.sleep(LEASE_RENEW_SECONDS)
            try:
                if not await asyncio.to_thread(session.renew):
                    self.note("note", "exclusive access lease lost")
                    return
            except Exception:
                log.exception("POP3 lease renewal failed")


def describe(event: Event) -> str:
    """What the client did, for the activity log: never a password or a SASL response."""
    name = type(event).__name__
    if isinstance(event, UserGiven):
        return f"USER {event.name}"
    if isinstance(event, PassGiven):
        return "PASS ********"
    if isinstance(event, ApopGiven):
        return f"APOP {event.name} ********"
    if isinstance(event, CredentialsGiven | CramMd5ResponseGiven):
        mechanism = getattr(event, "mechanism", "CRAM-MD5")
        return f"AUTH {mechanism} response for {event.username} ********"
    if isinstance(event, AuthRequested):
        return f"AUTH {event.mechanism}"
    if isinstance(event, AuthResponseGiven | AuthContinued):
        return "AUTH response ********"
    if isinstance(event, BadCommand):
        return f"{event.command or '(unreadable)'}: {event.reason}"
    if isinstance(event, RetrRequested):
        return f"RETR {event.msg}"
    if isinstance(event, TopRequested):
        return f"TOP {event.msg} {event.lines}"
    msg = getattr(event, "msg", None)
    keyword = name.removesuffix("Requested").removesuffix("Given").upper()
    return f"{keyword} {msg}" if msg is not None else keyword


async def serve_pop3(ctx: Context, store: MessageStore, *, bind: str, port: int, implicit_tls: bool,
                     tls_context: ssl.SSLContext | None, log_dir: Path | None) -> Listener:
    """Listen for POP3 (or POP3S) on ``port`` at the configured addresses (default ``bind``)."""

    def listener_settings() -> dict[str, object]:
        with ctx.db.sessions() as session:
            return read_settings(session, ["pop3.bind_addresses", "pop3.ipv6", "pop3.max_connections"])

    values = await asyncio.to_thread(listener_settings)
    service = "pop3s" if implicit_tls else "pop3"
    activity = ActivityLog(log_dir, "pop3") if log_dir is not None else None
    server = Pop3Server(ctx, store, tls_context=tls_context, implicit_tls=implicit_tls, activity=activity)

    async def refuse(writer: asyncio.StreamWriter) -> None:
        writer.write(_BUSY)
        await writer.drain()

    addresses = listen_addresses(values["pop3.bind_addresses"], bind, ipv6=bool(values["pop3.ipv6"]))
    return await listen(service, server.handle, addresses, port, max_connections=int(values["pop3.max_connections"]),
                        refuse=refuse, ssl_context=tls_context if implicit_tls else None)

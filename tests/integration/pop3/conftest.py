"""A real POP3 server for the tests: the asyncio listeners run on an event loop in a thread of
their own, clients (poplib, raw sockets, fetchmail, getmail) connect over 127.0.0.1."""
from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mailhive.tls import ensure_certificate
from mailnodes.net import Listener, server_tls_context
from mailnodes.pop3.server import serve_pop3
from mailnodes.store import MessageStore, SpecialUse
from provisioning.context import Context
from provisioning.principal import Principal
from provisioning.services.domains import add_domain
from provisioning.services.mailboxes import create_mailbox
from provisioning.services.postoffices import create_postoffice
from provisioning.settings import write_setting

SYSTEM = Principal.system()
PASSWORD = "Alice-secret-1"


@dataclass
class Account:
    mailbox_id: int
    inbox_id: int
    login: str
    password: str


class Pop3Harness:
    """POP3 listeners on a private event loop, and what the tests need around them."""

    def __init__(self, ctx: Context, store: MessageStore, tmp_path: Path) -> None:
        self.ctx, self.store, self.tmp_path = ctx, store, tmp_path
        cert, key = tmp_path / "tls" / "server.crt", tmp_path / "tls" / "server.key"
        ensure_certificate(cert, key, "localhost")
        self.server_tls = server_tls_context(cert, key)
        self.client_tls = ssl.create_default_context(cafile=str(cert))
        self.log_dir = tmp_path / "logs"
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._listeners: list[Listener] = []

    def run(self, coroutine: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self, *, implicit_tls: bool = False, tls: bool = True) -> int:
        """A new listener on a free port (it reads the listener settings now); returns the port."""
        listener = self.run(serve_pop3(
            self.ctx, self.store, bind="127.0.0.1", port=0, implicit_tls=implicit_tls,
            tls_context=self.server_tls if tls or implicit_tls else None, log_dir=self.log_dir))
        self._listeners.append(listener)
        return listener.port

    def set(self, setting: str, value: Any) -> None:
        with self.ctx.db.transaction() as session:
            write_setting(session, SYSTEM, setting, value)

    def account(self, postoffice: str = "acme", name: str = "alice", password: str = PASSWORD) -> Account:
        create_postoffice(self.ctx, SYSTEM, postoffice, "Postmaster-secret-1")
        add_domain(self.ctx, SYSTEM, postoffice, f"{postoffice}.test")
        created = create_mailbox(self.ctx, SYSTEM, postoffice, name, password)
        inbox = self.store.special_folder(created.mailbox.id, SpecialUse.INBOX)
        return Account(created.mailbox.id, inbox.id, f"{name}@{postoffice}", password)

    def deliver(self, account: Account, data: bytes) -> int:
        return self.store.append(account.mailbox_id, account.inbox_id, data).uid

    def inbox(self, account: Account) -> dict[int, bytes]:
        return {ref.uid: self.store.read(account.mailbox_id, account.inbox_id, ref.uid)
                for ref in self.store.refs(account.mailbox_id, account.inbox_id)}

    def close(self) -> None:
        for listener in self._listeners:
            self.run(listener.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()


@pytest.fixture
def harness(ctx: Context, store: MessageStore, tmp_path: Path) -> Iterator[Pop3Harness]:
    h = Pop3Harness(ctx, store, tmp_path)
    h.set("store.welcome_enabled", False)  # an empty inbox to start from
    try:
        yield h
    finally:
        h.close()


def message(n: int, body: bytes = b"") -> bytes:
    return (f"From: sender{n}@example.test\r\nTo: alice@acme.test\r\nSubject: message {n}\r\n"
            f"Message-ID: <{n}@example.test>\r\n\r\n").encode() + (body or f"body of {n}\r\n".encode())

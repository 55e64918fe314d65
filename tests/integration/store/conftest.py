"""A mailbox to put messages in, made with the models directly so the store is tested alone."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from mailnodes.store import MessageStore, SpecialUse
from provisioning.models import Mailbox, PostOffice


@dataclass(frozen=True)
class Box:
    mailbox_id: int
    postoffice_id: int
    inbox: int
    trash: int


def make_mailbox(store: MessageStore, po_name: str = "acme", name: str = "alice", quota_kb: int = 0) -> Box:
    with store.db.transaction() as s:
        po = PostOffice(name=po_name, name_key=po_name)
        s.add(po)
        s.flush()
        mb = Mailbox(postoffice_id=po.id, name=name, name_key=name, password_hash="x", quota_kb=quota_kb)
        s.add(mb)
        s.flush()
        store.ensure_default_folders(s, mb.id)
        ids = (mb.id, po.id)
    return Box(ids[0], ids[1], store.special_folder(ids[0], SpecialUse.INBOX).id,
               store.special_folder(ids[0], SpecialUse.TRASH).id)


@pytest.fixture
def box(store: MessageStore) -> Box:
    return make_mailbox(store)


def message(n: int = 0, size: int = 0, subject: str | None = None) -> bytes:
    body = (b"line of text\r\n" * (size // 14 + 1))[:size] if size else f"body {n}\r\n".encode()
    return (
        f"From: Sender {n} <sender{n}@example.test>\r\nTo: alice@acme.test\r\n"
        f"Subject: {subject if subject is not None else f'message {n}'}\r\n"
        f"Message-ID: <{n}@example.test>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\n"
    ).encode() + body

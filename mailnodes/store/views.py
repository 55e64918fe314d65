"""What the store hands out: frozen snapshots of folders and messages, never live ORM rows, so
callers in other threads or sessions cannot change the store by accident."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mailnodes.store.flags import flag_names
from mailnodes.store.models import Folder, Message, SpecialUse


@dataclass(frozen=True, slots=True)
class FolderInfo:
    id: int
    mailbox_id: int
    name: str
    special_use: SpecialUse | None
    uidvalidity: int
    uidnext: int
    highest_modseq: int
    message_count: int
    unseen_count: int
    total_bytes: int
    subscribed: bool

    @classmethod
    def of(cls, row: Folder) -> FolderInfo:
        return cls(row.id, row.mailbox_id, row.name, row.special_use, row.uidvalidity, row.uidnext,
                   row.highest_modseq, row.message_count, row.unseen_count, row.total_bytes, row.subscribed)


@dataclass(frozen=True, slots=True)
class MessageInfo:
    folder_id: int
    uid: int
    size: int
    internal_date: dt.datetime
    flags: tuple[str, ...]
    modseq: int
    blob_sha256: str
    from_addr: str
    to_addrs: str
    cc_addrs: str
    subject: str
    sent_date: dt.datetime | None
    message_id: str
    in_reply_to: str
    references: str
    has_attachments: bool

    @classmethod
    def of(cls, row: Message) -> MessageInfo:
        return cls(row.folder_id, row.uid, row.size, row.internal_date,
                   tuple(flag_names(row.flags, row.keywords)), row.modseq, row.blob_sha256,
                   row.from_addr, row.to_addrs, row.cc_addrs, row.subject, row.sent_date,
                   row.message_id, row.in_reply_to, row.references, row.has_attachments)


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message's UID, size and body address: what a POP3 maildrop lists."""

    uid: int
    size: int
    blob_sha256: str


@dataclass(frozen=True, slots=True)
class FlagState:
    uid: int
    flags: tuple[str, ...]
    modseq: int


@dataclass(frozen=True, slots=True)
class Appended:
    uid: int
    uidvalidity: int
    modseq: int


@dataclass(frozen=True, slots=True)
class Changes:
    """What happened in a folder after a MODSEQ: the change feed every protocol reads."""

    highest_modseq: int
    changed: tuple[FlagState, ...]  # new or re-flagged messages, in UID order
    expunged: tuple[int, ...]  # UIDs that vanished


@dataclass(frozen=True, slots=True)
class FlagsStored:
    changed: tuple[FlagState, ...]
    not_modified: tuple[int, ...]  # UIDs skipped by UNCHANGEDSINCE


@dataclass(frozen=True, slots=True)
class Usage:
    bytes: int
    messages: int
    quota_bytes: int  # 0 = unlimited

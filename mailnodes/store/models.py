"""The message store's tables: folders, messages (one row per message in a folder), expunge
tombstones for the change feed, and blobs (message bodies addressed by SHA-256).

A folder row carries its counters (messages, unseen, bytes) and its UID/MODSEQ allocators, so
STATUS, quota and appends touch one row instead of scanning messages. Message rows carry a parsed
summary of the headers so that listing a folder never opens a body.
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from provisioning.db import Base, IntPK, Timestamp, UTCDateTime, utcnow


class KeywordList(TypeDecorator[list[str]]):
    """IMAP keywords as one space-separated text column: keywords are atoms and never contain a
    space, and splitting text is several times cheaper than decoding JSON for every listed row."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: Any) -> str:
        return " ".join(value or ())

    def process_result_value(self, value: str | None, dialect: Any) -> list[str]:
        return value.split() if value else []


class SpecialUse(enum.Enum):
    INBOX = "inbox"
    SENT = "sent"
    DRAFTS = "drafts"
    TRASH = "trash"
    JUNK = "junk"


class Folder(Base):
    __tablename__ = "folders"
    __table_args__ = (UniqueConstraint("mailbox_id", "name_key"),)

    id: Mapped[IntPK]
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(1024))  # hierarchy separated by "/"
    name_key: Mapped[str] = mapped_column(String(1024))  # lower-cased for lookups
    special_use: Mapped[SpecialUse | None] = mapped_column(
        Enum(SpecialUse, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=None,
    )
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uidnext: Mapped[int] = mapped_column(BigInteger, default=1)
    highest_modseq: Mapped[int] = mapped_column(BigInteger, default=1)
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    unseen_count: Mapped[int] = mapped_column(Integer, default=0)
    total_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class Blob(Base):
    """A message body. ``data`` is set when the database backend holds it; otherwise it is a file."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("folder_id", "uid"),
        Index("ix_messages_folder_date", "folder_id", "internal_date"),
        Index("ix_messages_folder_modseq", "folder_id", "modseq"),
    )

    id: Mapped[IntPK]
    folder_id: Mapped[int] = mapped_column(ForeignKey("folders.id", ondelete="CASCADE"))
    uid: Mapped[int] = mapped_column(BigInteger)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    internal_date: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    flags: Mapped[int] = mapped_column(Integer, default=0)  # bitmask of mailnodes.store.flags.Flag
    keywords: Mapped[list[str]] = mapped_column(KeywordList(), default=list)
    modseq: Mapped[int] = mapped_column(BigInteger)
    # Parsed summary (decoded to text) for listing without opening the body.
    from_addr: Mapped[str] = mapped_column(Text, default="")
    to_addrs: Mapped[str] = mapped_column(Text, default="")
    cc_addrs: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    sent_date: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    message_id: Mapped[str] = mapped_column(String(998), default="")
    in_reply_to: Mapped[str] = mapped_column(Text, default="")
    references: Mapped[str] = mapped_column(Text, default="")
    has_attachments: Mapped[bool] = mapped_column(Boolean, default=False)


class Tombstone(Base):
    """An expunged UID, kept so that clients can ask what vanished since MODSEQ N (QRESYNC)."""

    __tablename__ = "tombstones"

    folder_id: Mapped[int] = mapped_column(ForeignKey("folders.id", ondelete="CASCADE"), primary_key=True)
    uid: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    modseq: Mapped[int] = mapped_column(BigInteger, index=True)

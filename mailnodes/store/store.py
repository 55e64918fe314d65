"""The message store service: folders, appends, copies and moves, flags, expunges, the change
feed, quotas, and the release of bodies nobody refers to any more.

Theory of operation. Every change to a folder runs in one transaction that first locks the folder
row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises
writers). That row holds ``uidnext`` and ``highest_modseq``: each change takes the next MODSEQ and
each new message the next UID from it, so UIDs are unique and increasing across processes and
nodes, and every change is visible in the feed (``changes_since``) under its MODSEQ. Expunged UIDs
leave a tombstone carrying the MODSEQ of their removal. Bodies are made durable (fsync) before the
rows that reference them commit; bodies whose last reference goes are released after commit.
Listeners hear of each committed change (``ChangeListener``), so IDLE can wake.

Message operations take ``(mailbox_id, folder_id)``: the mailbox id comes from an authenticated
session, and a folder of another mailbox is reported as not found.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mailnodes.store.blobs import BlobMissing, BlobStore, sha256_hex
from mailnodes.store.flags import Flag, flag_names, flag_tuple, parse_flags
from mailnodes.store.models import Blob, Folder, Message, SpecialUse, Tombstone
from mailnodes.store.summary import summarise
from mailnodes.store.views import (
    Appended,
    Changes,
    FlagsStored,
    FlagState,
    FolderInfo,
    MessageInfo,
    MessageRef,
    Usage,
)
from provisioning.db import Database, utcnow
from provisioning.errors import Conflict, InvalidInput, NotFound, QuotaExceeded
from provisioning.models import Mailbox
from provisioning.principal import Principal
from provisioning.settings import read_setting

DEFAULT_FOLDERS: tuple[tuple[str, SpecialUse], ...] = (
    ("Inbox", SpecialUse.INBOX),
    ("Sent Items", SpecialUse.SENT),
    ("Drafts", SpecialUse.DRAFTS),
    ("Deleted Items", SpecialUse.TRASH),
    ("Junk E-mail", SpecialUse.JUNK),
)
SEPARATOR = "/"
MAX_MESSAGE_BYTES = 512 * 1024 * 1024
FlagMode = Literal["add", "remove", "replace"]
_LINE_END = re.compile(rb"\r\n|\r|\n")


def canonical_crlf(data: bytes) -> bytes:
    """The message with every line, the last one included, ending in CRLF (bare LF and bare CR
    converted): the store keeps this wire form, so the size it records is the size IMAP's
    RFC822.SIZE and POP3's LIST announce and the octets RETR sends."""
    crlf = data.count(b"\r\n")
    if not (data.count(b"\n") == crlf and data.count(b"\r") == crlf):
        data = _LINE_END.sub(b"\r\n", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


class ChangeListener(Protocol):
    def folder_changed(self, mailbox_id: int, folder_id: int, highest_modseq: int) -> None:
        """Called after a change to the folder has committed."""


class LocalChangeHub:
    """In-process fan-out of folder changes (one node, one process)."""

    def __init__(self) -> None:
        self._listeners: list[ChangeListener] = []

    def subscribe(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        self._listeners.remove(listener)

    def folder_changed(self, mailbox_id: int, folder_id: int, highest_modseq: int) -> None:
        for listener in list(self._listeners):
            listener.folder_changed(mailbox_id, folder_id, highest_modseq)


@dataclass(frozen=True, slots=True)
class NewMessage:
    data: bytes
    flags: Sequence[str] = ()
    internal_date: dt.datetime | None = None


@dataclass
class _Pending:
    """Work to do once the transaction has committed."""

    changed: dict[int, tuple[int, int]] = field(default_factory=dict)  # folder -> (mailbox, modseq)
    released: list[str] = field(default_factory=list)


def normalise_folder_name(name: str) -> str:
    """A folder name as stored: no empty levels, no control characters, INBOX spelt Inbox."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("folder name is empty", field="folder")
    parts = name.strip().strip(SEPARATOR).split(SEPARATOR)
    if any(not p.strip() for p in parts) or len(name) > 1000:
        raise InvalidInput(f"invalid folder name {name!r}", field="folder")
    if any(ord(ch) < 32 or ch in "*%" for ch in name):
        raise InvalidInput("folder names may not contain control characters, * or %", field="folder")
    if parts[0].lower() == "inbox":
        parts[0] = "Inbox"
    return SEPARATOR.join(p.strip() for p in parts)


class MessageStore:
    def __init__(self, db: Database, blobs: BlobStore, *, listener: ChangeListener | None = None) -> None:
        self.db = db
        self.blobs = blobs
        self.changes = LocalChangeHub()
        if listener is not None:
            self.changes.subscribe(listener)
        self.lifecycle = StoreLifecycle(self)

    # --- transactions ---------------------------------------------------------------------

    def _finish(self, pending: _Pending) -> None:
        for folder_id, (mailbox_id, modseq) in pending.changed.items():
            self.changes.folder_changed(mailbox_id, folder_id, modseq)
        if pending.released:
            self._unlink_released(pending.released)

    def _unlink_released(self, shas: list[str]) -> None:
        with self.db.sessions() as session:
            still = set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(shas))))
        for sha in shas:
            if sha not in still:
                self.blobs.unlink_if_stale(sha)

    # --- folders --------------------------------------------------------------------------

    def _folder(self, session: Session, mailbox_id: int, folder_id: int, *, lock: bool = False) -> Folder:
        query = select(Folder).where(Folder.id == folder_id, Folder.mailbox_id == mailbox_id)
        if lock:
            query = query.with_for_update()
        folder = session.scalar(query)
        if folder is None:
            raise NotFound("no such folder", field="folder")
        return folder

    def _folder_by_name(self, session: Session, mailbox_id: int, name: str) -> Folder | None:
        key = normalise_folder_name(name).lower()
        return session.scalar(select(Folder).where(Folder.mailbox_id == mailbox_id, Folder.name_key == key))

    @staticmethod
    def _new_uidvalidity(session: Session, mailbox_id: int) -> int:
        highest = session.scalar(select(func.max(Folder.uidvalidity)).where(Folder.mailbox_id == mailbox_id))
        return max(int(time.time()), (highest or 0) + 1)

    def _add_folder(self, session: Session, mailbox_id: int, name: str, special: SpecialUse | None) -> Folder:
        folder = Folder(
            mailbox_id=mailbox_id, name=name, name_key=name.lower(), special_use=special,
            uidvalidity=self._new_uidvalidity(session, mailbox_id), uidnext=1, highest_modseq=1,
            subscribed=True, message_count=0, unseen_count=0, total_bytes=0,
        )
        session.add(folder)
        session.flush()
        return folder

    def ensure_default_folders(self, session: Session, mailbox_id: int) -> None:
        existing = {f.special_use for f in session.scalars(select(Folder).where(Folder.mailbox_id == mailbox_id))}
        for name, special in DEFAULT_FOLDERS:
            if special not in existing:
                self._add_folder(session, mailbox_id, name, special)

    def list_folders(self, mailbox_id: int) -> list[FolderInfo]:
        with self.db.sessions() as session:
            rows = session.scalars(select(Folder).where(Folder.mailbox_id == mailbox_id).order_by(Folder.name_key))
            return [FolderInfo.of(f) for f in rows]

    def folder(self, mailbox_id: int, name: str) -> FolderInfo:
        with self.db.sessions() as session:
            folder = self._folder_by_name(session, mailbox_id, name)
            if folder is None:
                raise NotFound(f"no folder {name!r}", field="folder")
            return FolderInfo.of(folder)

    def folder_by_id(self, mailbox_id: int, folder_id: int) -> FolderInfo:
        with self.db.sessions() as session:
            return FolderInfo.of(self._folder(session, mailbox_id, folder_id))

    def special_folder(self, mailbox_id: int, special: SpecialUse) -> FolderInfo:
        with self.db.sessions() as session:
            folder = session.scalar(
                select(Folder).where(Folder.mailbox_id == mailbox_id, Folder.special_use == special)
            )
            if folder is None:
                raise NotFound(f"mailbox has no {special.value} folder", field="folder")
            return FolderInfo.of(folder)

    def create_folder(self, mailbox_id: int, name: str) -> FolderInfo:
        name = normalise_folder_name(name)
        with self.db.transaction() as session:
            if self._folder_by_name(session, mailbox_id, name) is not None:
                raise Conflict(f"folder {name!r} already exists", field="folder")
            return FolderInfo.of(self._add_folder(session, mailbox_id, name, None))

    def set_subscribed(self, mailbox_id: int, folder_id: int, subscribed: bool) -> None:
        with self.db.transaction() as session:
            self._folder(session, mailbox_id, folder_id).subscribed = subscribed

    def rename_folder(self, mailbox_id: int, old: str, new: str) -> FolderInfo:
        """Rename a folder and its subfolders. Renaming Inbox moves its messages to a new folder
        and leaves Inbox empty (RFC 3501 6.3.5); Inbox's subfolders stay where they are."""
        new = normalise_folder_name(new)
        pending = _Pending()
        with self.db.transaction() as session:
            folder = self._folder_by_name(session, mailbox_id, old)
            if folder is None:
                raise NotFound(f"no folder {old!r}", field="folder")
            if self._folder_by_name(session, mailbox_id, new) is not None:
                raise Conflict(f"folder {new!r} already exists", field="folder")
            if new.lower() == "inbox" or new.lower().startswith(folder.name_key + SEPARATOR):
                raise InvalidInput(f"cannot rename {folder.name!r} to {new!r}", field="folder")
            if folder.special_use is SpecialUse.INBOX:
                target = self._add_folder(session, mailbox_id, new, None)
                self._move_all(session, folder, target, pending)
                result = target
            else:
                prefix = folder.name + SEPARATOR
                children = session.scalars(
                    select(Folder).where(Folder.mailbox_id == mailbox_id, Folder.name_key.startswith(prefix.lower()))
                ).all()
                for child in children:
                    child.name = new + SEPARATOR + child.name[len(prefix):]
                    child.name_key = child.name.lower()
                folder.name, folder.name_key = new, new.lower()
                result = folder
            session.flush()
            info = FolderInfo.of(result)
        self._finish(pending)
        return info

    def delete_folder(self, mailbox_id: int, name: str) -> None:
        pending = _Pending()
        with self.db.transaction() as session:
            folder = self._folder_by_name(session, mailbox_id, name)
            if folder is None:
                raise NotFound(f"no folder {name!r}", field="folder")
            if folder.special_use is not None:
                raise InvalidInput(f"{folder.name!r} is a special folder and cannot be deleted", field="folder")
            has_children = session.scalar(
                select(exists().where(
                    Folder.mailbox_id == mailbox_id, Folder.name_key.startswith(folder.name_key + SEPARATOR)
                ))
            )
            if has_children:
                raise Conflict(f"{folder.name!r} has subfolders; delete them first", field="folder")
            shas = list(session.scalars(select(Message.blob_sha256).where(Message.folder_id == folder.id)))
            session.execute(delete(Message).where(Message.folder_id == folder.id))
            session.delete(folder)
            session.flush()
            pending.released = self._release_blobs(session, shas)
        self._finish(pending)

    # --- appending ------------------------------------------------------------------------

    def _quota_room(self, session: Session, mailbox_id: int, folder: Folder) -> int | None:
        """Bytes that may still be added to ``folder``; None when unlimited or not counted."""
        mailbox = session.get(Mailbox, mailbox_id)
        if mailbox is None:
            raise NotFound("no such mailbox", field="mailbox")
        if not mailbox.quota_kb:
            return None
        scope = read_setting(session, "store.quota_scope")
        if scope == "inbox" and folder.special_use is not SpecialUse.INBOX:
            return None
        return mailbox.quota_kb * 1024 - self._used_bytes(session, mailbox_id, scope)

    @staticmethod
    def _used_bytes(session: Session, mailbox_id: int, scope: str) -> int:
        query = select(func.coalesce(func.sum(Folder.total_bytes), 0)).where(Folder.mailbox_id == mailbox_id)
        if scope == "inbox":
            query = query.where(Folder.special_use == SpecialUse.INBOX)
        return int(session.scalar(query) or 0)

    def _check_quota(self, session: Session, mailbox_id: int, folder: Folder, adding: int) -> None:
        room = self._quota_room(session, mailbox_id, folder)
        if room is not None and adding > room:
            raise QuotaExceeded("the mailbox quota would be exceeded", field="quota")

    def _store_blobs(self, session: Session, bodies: dict[str, bytes]) -> None:
        """Durable bodies and their rows; an existing row (same content) is shared."""
        self.blobs.write_many(bodies.items())
        present = set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(list(bodies)))))
        rows = [
            {"sha256": sha, "size": len(data), "data": data if self.blobs.in_database else None}
            for sha, data in bodies.items()
            if sha not in present
        ]
        if rows:
            session.execute(insert(Blob), rows)

    def _append_rows(self, session: Session, folder: Folder, messages: Sequence[NewMessage]) -> list[Appended]:
        bodies: dict[str, bytes] = {}
        prepared = []
        now = utcnow()
        for item in messages:
            if not isinstance(item.data, bytes | bytearray) or not item.data:
                raise InvalidInput("a message needs a non-empty body", field="message")
            if len(item.data) > MAX_MESSAGE_BYTES:
                raise InvalidInput("message too large", field="message")
            bits, keywords = parse_flags(item.flags)
            data = canonical_crlf(bytes(item.data))
            sha = sha256_hex(data)
            bodies[sha] = data
            prepared.append((item, data, sha, bits, keywords))
        self._store_blobs(session, bodies)
        modseq = folder.highest_modseq + 1
        uid = folder.uidnext
        rows, results, unseen, total = [], [], 0, 0
        for item, data, sha, bits, keywords in prepared:
            summary = summarise(data)
            rows.append({
                "folder_id": folder.id, "uid": uid, "blob_sha256": sha, "size": len(data),
                "internal_date": item.internal_date or now, "flags": bits, "keywords": keywords,
                "modseq": modseq, "from_addr": summary.from_addr, "to_addrs": summary.to_addrs,
                "cc_addrs": summary.cc_addrs, "subject": summary.subject, "sent_date": summary.sent_date,
                "message_id": summary.message_id, "in_reply_to": summary.in_reply_to,
                "references": summary.references, "has_attachments": summary.has_attachments,
            })
            results.append(Appended(uid=uid, uidvalidity=folder.uidvalidity, modseq=modseq))
            unseen += 0 if bits & Flag.SEEN else 1
            total += len(data)
            uid += 1
        session.execute(insert(Message), rows)
        folder.uidnext = uid
        folder.highest_modseq = modseq
        folder.message_count += len(rows)
        folder.unseen_count += unseen
        folder.total_bytes += total
        session.flush()
        return results

    def append_many(
        self, mailbox_id: int, folder_id: int, messages: Sequence[NewMessage], *, enforce_quota: bool = False
    ) -> list[Appended]:
        """Append messages in one transaction: all of them or none."""
        if not messages:
            return []
        with self.db.transaction() as session:
            folder = self._folder(session, mailbox_id, folder_id, lock=True)
            if enforce_quota:
                self._check_quota(session, mailbox_id, folder, sum(len(m.data) for m in messages))
            results = self._append_rows(session, folder, messages)
            changed = {folder.id: (mailbox_id, folder.highest_modseq)}
        self._finish(_Pending(changed=changed))
        return results

    def append(
        self,
        mailbox_id: int,
        folder_id: int,
        data: bytes,
        flags: Sequence[str] = (),
        internal_date: dt.datetime | None = None,
        *,
        enforce_quota: bool = False,
    ) -> Appended:
        return self.append_many(
            mailbox_id, folder_id, [NewMessage(data, flags, internal_date)], enforce_quota=enforce_quota
        )[0]

    def append_in_session(self, session: Session, mailbox_id: int, folder: Folder, data: bytes) -> Appended:
        """Append inside a caller's transaction (mailbox creation); no quota, no notification."""
        return self._append_rows(session, folder, [NewMessage(data)])[0]

    # --- reading --------------------------------------------------------------------------

    def list_messages(
        self, mailbox_id: int, folder_id: int, *, limit: int = 50, before: tuple[dt.datetime, int] | None = None
    ) -> list[MessageInfo]:
        """Newest first (by internal date, then UID); ``before`` is the cursor of the last row seen."""
        limit = max(1, min(limit, 1000))
        with self.db.sessions() as session:
            self._folder(session, mailbox_id, folder_id)
            query = select(Message).where(Message.folder_id == folder_id)
            if before is not None:
                date, uid = before
                query = query.where(
                    (Message.internal_date < date) | ((Message.internal_date == date) & (Message.uid < uid))
                )
            query = query.order_by(Message.internal_date.desc(), Message.uid.desc()).limit(limit)
            return [MessageInfo.of(m) for m in session.scalars(query)]

    def messages(self, mailbox_id: int, folder_id: int, uids: Iterable[int] | None = None) -> list[MessageInfo]:
        """Messages in UID order (all, or those UIDs that exist)."""
        with self.db.sessions() as session:
            self._folder(session, mailbox_id, folder_id)
            query = select(Message).where(Message.folder_id == folder_id).order_by(Message.uid)
            if uids is not None:
                query = query.where(Message.uid.in_(list(uids)))
            return [MessageInfo.of(m) for m in session.scalars(query)]

    def refs(self, mailbox_id: int, folder_id: int) -> list[MessageRef]:
        """UID, size and body of every message in UID order (a POP3 maildrop), without summaries."""
        with self.db.sessions() as session:
            self._folder(session, mailbox_id, folder_id)
            rows = session.connection().execute(
                select(Message.uid, Message.size, Message.blob_sha256)
                .where(Message.folder_id == folder_id).order_by(Message.uid)
            )
            return [MessageRef(uid, size, sha) for uid, size, sha in rows]

    def body(self, ref: MessageRef) -> bytes:
        """The body of a message listed by ``refs`` (a folder the caller was allowed to read). A
        file body is read without a database round trip; NotFound once the body has been released."""
        if not self.blobs.in_database:
            try:
                return self.blobs.read(ref.blob_sha256)
            except BlobMissing:
                pass  # held in its row (written while the database backend was chosen), or gone
        with self.db.sessions() as session:
            row = session.execute(select(Blob.data).where(Blob.sha256 == ref.blob_sha256)).first()
        if row is None:
            raise NotFound(f"the body of message UID {ref.uid} is gone", field="uid")
        return row.data if row.data is not None else self.blobs.read(ref.blob_sha256)

    def flags(self, mailbox_id: int, folder_id: int) -> list[FlagState]:
        """UID, flags and MODSEQ of every message, in UID order (what a client syncs first)."""
        with self.db.sessions() as session:
            self._folder(session, mailbox_id, folder_id)
            # Core execution: no ORM row processing for what can be 100,000 rows.
            rows = session.connection().execute(
                select(Message.uid, Message.flags, Message.keywords, Message.modseq)
                .where(Message.folder_id == folder_id)
                .order_by(Message.uid)
            )
            return [FlagState(uid, flag_tuple(bits, keywords), modseq) for uid, bits, keywords, modseq in rows]

    def read(self, mailbox_id: int, folder_id: int, uid: int) -> bytes:
        with self.db.sessions() as session:
            self._folder(session, mailbox_id, folder_id)
            row = session.execute(
                select(Blob.sha256, Blob.data)
                .join(Message, Message.blob_sha256 == Blob.sha256)
                .where(Message.folder_id == folder_id, Message.uid == uid)
            ).first()
        if row is None:
            raise NotFound(f"no message with UID {uid}", field="uid")
        return row.data if row.data is not None else self.blobs.read(row.sha256)

    def changes_since(self, mailbox_id: int, folder_id: int, modseq: int) -> Changes:
        with self.db.sessions() as session:
            folder = self._folder(session, mailbox_id, folder_id)
            rows = session.execute(
                select(Message.uid, Message.flags, Message.keywords, Message.modseq)
                .where(Message.folder_id == folder_id, Message.modseq > modseq)
                .order_by(Message.uid)
            )
            changed = tuple(FlagState(uid, flag_tuple(bits, keywords), modseq) for uid, bits, keywords, modseq in rows)
            expunged = tuple(session.scalars(
                select(Tombstone.uid).where(Tombstone.folder_id == folder_id, Tombstone.modseq > modseq)
                .order_by(Tombstone.uid)
            ))
            return Changes(folder.highest_modseq, changed, expunged)

    def usage(self, mailbox_id: int) -> Usage:
        with self.db.sessions() as session:
            mailbox = session.get(Mailbox, mailbox_id)
            if mailbox is None:
                raise NotFound("no such mailbox", field="mailbox")
            scope = read_setting(session, "store.quota_scope")
            messages = select(func.coalesce(func.sum(Folder.message_count), 0)).where(Folder.mailbox_id == mailbox_id)
            if scope == "inbox":
                messages = messages.where(Folder.special_use == SpecialUse.INBOX)
            return Usage(self._used_bytes(session, mailbox_id, scope), int(session.scalar(messages) or 0),
                         mailbox.quota_kb * 1024)

    # --- flags ----------------------------------------------------------------------------

    def store_flags(
        self,
        mailbox_id: int,
        folder_id: int,
        uids: Iterable[int],
        mode: FlagMode,
        names: Sequence[str],
        *,
        unchanged_since: int | None = None,
    ) -> FlagsStored:
        """Add, remove or replace flags; each changed message gets the change's MODSEQ.
        With ``unchanged_since`` (CONDSTORE), messages modified after it are left alone."""
        if mode not in ("add", "remove", "replace"):
            raise InvalidInput(f"unknown flag mode {mode!r}", field="mode")
        bits, keywords = parse_flags(names)
        wanted = sorted(set(uids))
        with self.db.transaction() as session:
            folder = self._folder(session, mailbox_id, folder_id, lock=True)
            modseq = folder.highest_modseq + 1
            changed, skipped, unseen_delta = [], [], 0
            for message in session.scalars(
                select(Message).where(Message.folder_id == folder_id, Message.uid.in_(wanted)).order_by(Message.uid)
            ):
                if unchanged_since is not None and message.modseq > unchanged_since:
                    skipped.append(message.uid)
                    continue
                new_bits, new_keywords = _apply(mode, message.flags, message.keywords, bits, keywords)
                if (new_bits, new_keywords) == (message.flags, message.keywords):
                    continue
                unseen_delta += _unseen(new_bits) - _unseen(message.flags)
                message.flags, message.keywords, message.modseq = new_bits, new_keywords, modseq
                changed.append(FlagState(message.uid, tuple(flag_names(new_bits, new_keywords)), modseq))
            if changed:
                folder.highest_modseq = modseq
                folder.unseen_count += unseen_delta
            pending = _Pending(changed={folder.id: (mailbox_id, modseq)} if changed else {})
        self._finish(pending)
        return FlagsStored(tuple(changed), tuple(skipped))

    # --- copy, move, expunge --------------------------------------------------------------

    def copy(
        self, mailbox_id: int, folder_id: int, uids: Iterable[int], target_id: int, *, enforce_quota: bool = False
    ) -> dict[int, int]:
        """Copy messages to another folder of the mailbox; returns source UID → new UID."""
        return self._transfer(mailbox_id, folder_id, uids, target_id, move=False, enforce_quota=enforce_quota)

    def move(self, mailbox_id: int, folder_id: int, uids: Iterable[int], target_id: int) -> dict[int, int]:
        """Move messages (RFC 6851 semantics: new UIDs in the target, tombstones in the source)."""
        return self._transfer(mailbox_id, folder_id, uids, target_id, move=True, enforce_quota=False)

    def _transfer(
        self, mailbox_id: int, folder_id: int, uids: Iterable[int], target_id: int, *, move: bool, enforce_quota: bool
    ) -> dict[int, int]:
        wanted = sorted(set(uids))
        with self.db.transaction() as session:
            first, second = sorted((folder_id, target_id))  # lock in id order: no deadlock between two movers
            locked = {f: self._folder(session, mailbox_id, f, lock=True) for f in dict.fromkeys((first, second))}
            source, target = locked[folder_id], locked[target_id]
            if source.id == target.id and move:
                raise InvalidInput("source and target are the same folder", field="folder")
            messages = session.scalars(
                select(Message).where(Message.folder_id == folder_id, Message.uid.in_(wanted)).order_by(Message.uid)
            ).all()
            if enforce_quota:
                self._check_quota(session, mailbox_id, target, sum(m.size for m in messages))
            mapping = self._copy_rows(session, messages, target)
            pending = _Pending()
            if messages:
                pending.changed[target.id] = (mailbox_id, target.highest_modseq)
            if move and messages:
                self._remove_messages(session, source, messages, pending, release=False)
        self._finish(pending)
        return mapping

    @staticmethod
    def _copy_rows(session: Session, messages: Sequence[Message], target: Folder) -> dict[int, int]:
        if not messages:
            return {}
        modseq = target.highest_modseq + 1
        uid = target.uidnext
        mapping, rows, unseen = {}, [], 0
        for m in messages:
            rows.append({
                "folder_id": target.id, "uid": uid, "blob_sha256": m.blob_sha256, "size": m.size,
                "internal_date": m.internal_date, "flags": m.flags, "keywords": list(m.keywords),
                "modseq": modseq, "from_addr": m.from_addr, "to_addrs": m.to_addrs, "cc_addrs": m.cc_addrs,
                "subject": m.subject, "sent_date": m.sent_date, "message_id": m.message_id,
                "in_reply_to": m.in_reply_to, "references": m.references, "has_attachments": m.has_attachments,
            })
            mapping[m.uid] = uid
            unseen += _unseen(m.flags)
            uid += 1
        session.execute(insert(Message), rows)
        target.uidnext = uid
        target.highest_modseq = modseq
        target.message_count += len(rows)
        target.unseen_count += unseen
        target.total_bytes += sum(m.size for m in messages)
        return mapping

    def _move_all(self, session: Session, source: Folder, target: Folder, pending: _Pending) -> None:
        messages = session.scalars(select(Message).where(Message.folder_id == source.id).order_by(Message.uid)).all()
        self._copy_rows(session, messages, target)
        if messages:
            self._remove_messages(session, source, messages, pending, release=False)

    def _remove_messages(
        self, session: Session, folder: Folder, messages: Sequence[Message], pending: _Pending, *, release: bool
    ) -> list[int]:
        modseq = folder.highest_modseq + 1
        uids = [m.uid for m in messages]
        session.execute(delete(Message).where(Message.id.in_([m.id for m in messages])))
        session.execute(insert(Tombstone), [{"folder_id": folder.id, "uid": u, "modseq": modseq} for u in uids])
        folder.highest_modseq = modseq
        folder.message_count -= len(messages)
        folder.unseen_count -= sum(_unseen(m.flags) for m in messages)
        folder.total_bytes -= sum(m.size for m in messages)
        pending.changed[folder.id] = (folder.mailbox_id, modseq)
        if release:
            pending.released += self._release_blobs(session, [m.blob_sha256 for m in messages])
        return uids

    def expunge(self, mailbox_id: int, folder_id: int, uids: Iterable[int] | None = None) -> list[int]:
        """Remove messages flagged \\Deleted (only those among ``uids`` when given); returns the
        expunged UIDs in ascending order."""
        pending = _Pending()
        with self.db.transaction() as session:
            folder = self._folder(session, mailbox_id, folder_id, lock=True)
            query = select(Message).where(Message.folder_id == folder_id, Message.flags.op("&")(int(Flag.DELETED)) != 0)
            if uids is not None:
                query = query.where(Message.uid.in_(sorted(set(uids))))
            messages = session.scalars(query.order_by(Message.uid)).all()
            removed = self._remove_messages(session, folder, messages, pending, release=True) if messages else []
        self._finish(pending)
        return removed

    def delete_messages(self, mailbox_id: int, folder_id: int, uids: Iterable[int]) -> list[int]:
        """Remove messages at once, whatever their flags (POP3 DELE at QUIT, administrative purges)."""
        pending = _Pending()
        with self.db.transaction() as session:
            folder = self._folder(session, mailbox_id, folder_id, lock=True)
            messages = session.scalars(
                select(Message).where(Message.folder_id == folder_id, Message.uid.in_(sorted(set(uids))))
                .order_by(Message.uid)
            ).all()
            removed = self._remove_messages(session, folder, messages, pending, release=True) if messages else []
        self._finish(pending)
        return removed

    # --- bodies nobody refers to ----------------------------------------------------------

    @staticmethod
    def _release_blobs(session: Session, shas: Iterable[str]) -> list[str]:
        """Delete the rows of these bodies that no message refers to any more; returns the file
        bodies whose files to unlink after commit (a no-op for bodies held in rows). A concurrent append that just took a reference makes the
        foreign key refuse the delete: that body stays (the sweep looks at it again later)."""
        candidates = sorted(set(shas))
        released: list[str] = []
        for start in range(0, len(candidates), 500):
            chunk = candidates[start:start + 500]
            try:
                with session.begin_nested():
                    rows = session.execute(
                        delete(Blob)
                        .where(Blob.sha256.in_(chunk), ~exists().where(Message.blob_sha256 == Blob.sha256))
                        .returning(Blob.sha256)
                    ).scalars().all()
            except IntegrityError:
                continue
            released += rows
        return released

    def sweep_blobs(self) -> int:
        """Release every body no message refers to, and unlink stale files that have no row.
        Returns the number of bodies removed."""
        with self.db.transaction() as session:
            unreferenced = list(session.scalars(
                select(Blob.sha256).where(~exists().where(Message.blob_sha256 == Blob.sha256))
            ))
            released = self._release_blobs(session, unreferenced)
        self._unlink_released(released)
        removed = len(released)
        all_shas = getattr(self.blobs, "all_shas", None)
        if all_shas is not None:
            on_disk = list(all_shas())
            for start in range(0, len(on_disk), 500):
                chunk = on_disk[start:start + 500]
                with self.db.sessions() as session:
                    known = set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(chunk))))
                removed += sum(1 for sha in chunk if sha not in known and self.blobs.unlink_if_stale(sha))
        return removed

    # --- administrative purges ------------------------------------------------------------

    def purge_inbox(
        self,
        actor: Principal,
        *,
        older_than_days: int | None = None,
        before: dt.datetime | None = None,
        everything: bool = False,
        postoffice_id: int | None = None,
        mailbox_id: int | None = None,
        now: dt.datetime | None = None,
    ) -> int:
        """Delete inbox messages received before a cut-off (N days ago or a date) or all of them,
        for one mailbox, one post office, or the whole server. Returns how many were deleted."""
        if sum(x is not None and x is not False for x in (older_than_days, before, everything or None)) != 1:
            raise InvalidInput("give exactly one of: older than N days, before a date, all", field="criteria")
        if older_than_days is not None and older_than_days < 0:
            raise InvalidInput("days must not be negative", field="older_than_days")
        if before is not None and before.tzinfo is None:
            raise InvalidInput("the date needs a time zone", field="before")
        cutoff = None if everything else before or (now or utcnow()) - dt.timedelta(days=older_than_days or 0)
        pending = _Pending()
        deleted = 0
        with self.db.transaction() as session:
            inboxes = self._inboxes_for(session, actor, postoffice_id, mailbox_id)
            for folder in inboxes:
                query = select(Message).where(Message.folder_id == folder.id)
                if cutoff is not None:
                    query = query.where(Message.internal_date < cutoff)
                messages = session.scalars(query).all()
                if messages:
                    deleted += len(self._remove_messages(session, folder, messages, pending, release=True))
        self._finish(pending)
        return deleted

    @staticmethod
    def _inboxes_for(
        session: Session, actor: Principal, postoffice_id: int | None, mailbox_id: int | None
    ) -> Sequence[Folder]:
        query = select(Folder).where(Folder.special_use == SpecialUse.INBOX).with_for_update()
        if mailbox_id is not None:
            mailbox = session.get(Mailbox, mailbox_id)
            if mailbox is None:
                raise NotFound("no such mailbox", field="mailbox")
            actor.require_mailbox(mailbox.postoffice_id, mailbox.id, write=True)
            query = query.where(Folder.mailbox_id == mailbox_id)
        elif postoffice_id is not None:
            actor.require_postoffice(postoffice_id, write=True)
            query = query.where(Folder.mailbox_id.in_(select(Mailbox.id).where(Mailbox.postoffice_id == postoffice_id)))
        else:
            actor.require_server_admin()
        return session.scalars(query).all()

    # --- mailbox removal ------------------------------------------------------------------

    def remove_mailbox_contents(self, session: Session, mailbox_id: int) -> list[str]:
        """Delete every folder and message of a mailbox inside the caller's transaction; returns
        the file bodies to unlink once it commits."""
        folder_ids = list(session.scalars(select(Folder.id).where(Folder.mailbox_id == mailbox_id)))
        if not folder_ids:
            return []
        shas = list(session.scalars(select(Message.blob_sha256).where(Message.folder_id.in_(folder_ids)).distinct()))
        session.execute(delete(Message).where(Message.folder_id.in_(folder_ids)))
        session.execute(delete(Tombstone).where(Tombstone.folder_id.in_(folder_ids)))
        session.execute(delete(Folder).where(Folder.id.in_(folder_ids)))
        return self._release_blobs(session, shas)


def _unseen(bits: int) -> int:
    return 0 if bits & Flag.SEEN else 1


def _apply(mode: FlagMode, bits: int, keywords: list[str], add_bits: int, add_keywords: list[str]) -> tuple[int, list[str]]:
    if mode == "replace":
        return add_bits, list(add_keywords)
    lowered = {k.lower() for k in add_keywords}
    if mode == "add":
        merged = list(keywords) + [k for k in add_keywords if k.lower() not in {x.lower() for x in keywords}]
        return bits | add_bits, merged
    return bits & ~add_bits, [k for k in keywords if k.lower() not in lowered]


from mailnodes.store.lifecycle import StoreLifecycle  # noqa: E402  (it needs MessageStore's helpers)

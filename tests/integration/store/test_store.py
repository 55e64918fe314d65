"""The message store on SQLite and PostgreSQL: UIDs, MODSEQs, flags, copy/move, expunge and the
change feed, folders, quotas, blobs and purges."""
from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from sqlalchemy import func, select

from mailnodes.store import DatabaseBlobStore, FilesystemBlobStore, MessageStore, NewMessage
from mailnodes.store.models import Blob, Message
from provisioning.db import Database
from provisioning.errors import Conflict, InvalidInput, NotFound, PermissionDenied, QuotaExceeded
from provisioning.principal import Principal, Role
from provisioning.settings import write_setting
from tests.integration.store.conftest import Box, make_mailbox, message

SYSTEM = Principal.system()


def test_default_folders_with_special_uses(store: MessageStore, box: Box) -> None:
    folders = {f.name: f.special_use.value for f in store.list_folders(box.mailbox_id) if f.special_use}
    assert folders == {"Inbox": "inbox", "Sent Items": "sent", "Drafts": "drafts",
                       "Deleted Items": "trash", "Junk E-mail": "junk"}


def test_uids_increase_and_status_counters_follow(store: MessageStore, box: Box) -> None:
    results = [store.append(box.mailbox_id, box.inbox, message(n), flags=["\\Seen"] if n % 2 else []) for n in range(5)]
    assert [r.uid for r in results] == [1, 2, 3, 4, 5]
    assert len({r.uidvalidity for r in results}) == 1
    assert [r.modseq for r in results] == sorted(r.modseq for r in results)
    inbox = store.folder_by_id(box.mailbox_id, box.inbox)
    assert (inbox.uidnext, inbox.message_count, inbox.unseen_count) == (6, 5, 3)
    assert inbox.total_bytes == sum(len(message(n)) for n in range(5))
    assert store.read(box.mailbox_id, box.inbox, 3) == message(2)


def test_concurrent_appenders_never_share_a_uid(store: MessageStore, box: Box) -> None:
    uids: list[int] = []
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for n in range(15):
                uids.append(store.append(box.mailbox_id, box.inbox, message(offset + n)).uid)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k * 100,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(uids) == list(range(1, 46))


def test_summary_is_parsed_and_broken_messages_still_append(store: MessageStore, box: Box) -> None:
    encoded = (b"From: =?utf-8?q?J=C3=BCrgen?= <j@example.test>\r\nSubject: =?utf-8?b?w6TDtsO8?=\r\n"
               b"Date: not a date\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
               b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\n\r\nAAA\r\n--x--\r\n")
    broken = b"\xff\xfe garbage without headers \x00\r\n"
    store.append(box.mailbox_id, box.inbox, encoded)
    store.append(box.mailbox_id, box.inbox, broken)
    first, second = store.messages(box.mailbox_id, box.inbox)
    assert first.from_addr == "Jürgen <j@example.test>"
    assert first.subject == "äöü"
    assert first.sent_date is None
    assert first.has_attachments
    assert second.subject == "" and not second.has_attachments
    assert store.read(box.mailbox_id, box.inbox, 2) == broken  # already in wire form: kept as is


def test_bodies_are_kept_with_crlf_line_ends_and_sized_as_kept(store: MessageStore, box: Box) -> None:
    """IMAP's RFC822.SIZE and POP3's sizes are the stored size, so the store keeps the wire form."""
    mixed = b"Subject: mixed ends\nX-A: 1\r\n\r\nbare LF\nbare CR\rCRLF\r\nno end"
    store.append(box.mailbox_id, box.inbox, mixed)
    (info,) = store.messages(box.mailbox_id, box.inbox)
    kept = store.read(box.mailbox_id, box.inbox, info.uid)
    assert kept == b"Subject: mixed ends\r\nX-A: 1\r\n\r\nbare LF\r\nbare CR\r\nCRLF\r\nno end\r\n"
    assert info.size == len(kept)
    assert info.subject == "mixed ends"


@pytest.mark.parametrize("backend", ["filesystem", "database"])
def test_refs_and_bodies_read_without_the_folder(db: Database, tmp_path, backend: str) -> None:
    blobs = FilesystemBlobStore(tmp_path / "blobs", grace_seconds=0) if backend == "filesystem" \
        else DatabaseBlobStore(legacy_root=None)
    store = MessageStore(db, blobs)
    box = make_mailbox(store)
    uids = [store.append(box.mailbox_id, box.inbox, message(n)).uid for n in (1, 2)]
    refs = store.refs(box.mailbox_id, box.inbox)
    assert [r.uid for r in refs] == uids
    assert [store.body(r) for r in refs] == [store.read(box.mailbox_id, box.inbox, u) for u in uids]
    assert [r.size for r in refs] == [len(store.body(r)) for r in refs]
    store.delete_messages(box.mailbox_id, box.inbox, [uids[0]])
    with pytest.raises(NotFound):
        store.body(refs[0])  # released with its last reference
    with pytest.raises(NotFound):
        store.refs(box.mailbox_id + 999, box.inbox)


def test_listing_newest_first_with_a_cursor(store: MessageStore, box: Box) -> None:
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    store.append_many(box.mailbox_id, box.inbox,
                      [NewMessage(message(n), internal_date=base + dt.timedelta(hours=n)) for n in range(7)])
    page = store.list_messages(box.mailbox_id, box.inbox, limit=3)
    assert [m.subject for m in page] == ["message 6", "message 5", "message 4"]
    last = page[-1]
    page2 = store.list_messages(box.mailbox_id, box.inbox, limit=3, before=(last.internal_date, last.uid))
    assert [m.subject for m in page2] == ["message 3", "message 2", "message 1"]


def test_flags_keywords_modseq_and_unchangedsince(store: MessageStore, box: Box) -> None:
    for n in range(3):
        store.append(box.mailbox_id, box.inbox, message(n))
    before = store.folder_by_id(box.mailbox_id, box.inbox).highest_modseq
    stored = store.store_flags(box.mailbox_id, box.inbox, [1, 2], "add", ["\\Seen", "$Label1"])
    assert [c.uid for c in stored.changed] == [1, 2]
    assert stored.changed[0].flags == ("\\Seen", "$Label1")
    assert stored.changed[0].modseq == before + 1
    assert store.folder_by_id(box.mailbox_id, box.inbox).unseen_count == 1
    # No change, no new MODSEQ.
    again = store.store_flags(box.mailbox_id, box.inbox, [1], "add", ["\\Seen"])
    assert again.changed == ()
    conditional = store.store_flags(box.mailbox_id, box.inbox, [1, 3], "replace", ["\\Flagged"], unchanged_since=before)
    assert conditional.not_modified == (1,)
    assert [c.uid for c in conditional.changed] == [3]
    removed = store.store_flags(box.mailbox_id, box.inbox, [2], "remove", ["\\seen", "$label1"])
    assert removed.changed[0].flags == ()
    with pytest.raises(InvalidInput):
        store.store_flags(box.mailbox_id, box.inbox, [1], "add", ["\\Bogus"])
    with pytest.raises(InvalidInput):
        store.store_flags(box.mailbox_id, box.inbox, [1], "add", ["bad keyword"])


def test_copy_and_move_map_uids_and_feed_the_change_log(store: MessageStore, box: Box) -> None:
    for n in range(4):
        store.append(box.mailbox_id, box.inbox, message(n))
    start = store.folder_by_id(box.mailbox_id, box.inbox).highest_modseq
    assert store.copy(box.mailbox_id, box.inbox, [1, 2], box.trash) == {1: 1, 2: 2}
    assert store.move(box.mailbox_id, box.inbox, [3, 4, 99], box.trash) == {3: 3, 4: 4}
    inbox = store.folder_by_id(box.mailbox_id, box.inbox)
    trash = store.folder_by_id(box.mailbox_id, box.trash)
    assert (inbox.message_count, trash.message_count) == (2, 4)
    changes = store.changes_since(box.mailbox_id, box.inbox, start)
    assert changes.expunged == (3, 4)
    assert changes.changed == ()
    assert store.read(box.mailbox_id, box.trash, 4) == message(3)


def test_expunge_only_deleted_and_records_tombstones(store: MessageStore, box: Box) -> None:
    for n in range(5):
        store.append(box.mailbox_id, box.inbox, message(n))
    store.store_flags(box.mailbox_id, box.inbox, [2, 4, 5], "add", ["\\Deleted"])
    mark = store.folder_by_id(box.mailbox_id, box.inbox).highest_modseq
    assert store.expunge(box.mailbox_id, box.inbox, uids=[4, 5]) == [4, 5]
    assert store.expunge(box.mailbox_id, box.inbox) == [2]
    assert [m.uid for m in store.messages(box.mailbox_id, box.inbox)] == [1, 3]
    assert store.changes_since(box.mailbox_id, box.inbox, mark).expunged == (2, 4, 5)
    # UIDs are never reused.
    assert store.append(box.mailbox_id, box.inbox, message(9)).uid == 6


def test_folder_create_rename_children_and_delete(store: MessageStore, box: Box) -> None:
    store.create_folder(box.mailbox_id, "Projects")
    store.create_folder(box.mailbox_id, "Projects/2026")
    child = store.folder(box.mailbox_id, "Projects/2026")
    store.append(box.mailbox_id, child.id, message(1))
    with pytest.raises(Conflict):
        store.create_folder(box.mailbox_id, "projects")
    with pytest.raises(Conflict):
        store.delete_folder(box.mailbox_id, "Projects")
    store.rename_folder(box.mailbox_id, "Projects", "Archive")
    moved = store.folder(box.mailbox_id, "Archive/2026")
    assert moved.id == child.id and moved.uidvalidity == child.uidvalidity
    assert store.read(box.mailbox_id, moved.id, 1) == message(1)
    with pytest.raises(NotFound):
        store.folder(box.mailbox_id, "Projects/2026")
    with pytest.raises(InvalidInput):
        store.delete_folder(box.mailbox_id, "Deleted Items")
    store.delete_folder(box.mailbox_id, "Archive/2026")
    store.delete_folder(box.mailbox_id, "Archive")
    for bad in ("", "a//b", "x*", "tab\there"):
        with pytest.raises(InvalidInput):
            store.create_folder(box.mailbox_id, bad)


def test_renaming_inbox_moves_its_messages_and_leaves_it_empty(store: MessageStore, box: Box) -> None:
    for n in range(3):
        store.append(box.mailbox_id, box.inbox, message(n))
    renamed = store.rename_folder(box.mailbox_id, "INBOX", "Old Mail")
    assert renamed.message_count == 3
    assert store.folder_by_id(box.mailbox_id, box.inbox).message_count == 0
    assert store.read(box.mailbox_id, renamed.id, 2) == message(1)


def test_a_foreign_mailbox_folder_is_not_found(store: MessageStore, box: Box) -> None:
    other = make_mailbox(store, "other", "bob")
    store.append(other.mailbox_id, other.inbox, message(1))
    with pytest.raises(NotFound):
        store.read(box.mailbox_id, other.inbox, 1)
    with pytest.raises(NotFound):
        store.append(box.mailbox_id, other.inbox, message(2))


@pytest.mark.parametrize("scope", ["all", "inbox"])
def test_quota_enforced_per_scope(store: MessageStore, scope: str) -> None:
    with store.db.transaction() as s:
        write_setting(s, SYSTEM, "store.quota_scope", scope)
    box = make_mailbox(store, quota_kb=2)  # 2048 bytes
    store.append(box.mailbox_id, box.trash, message(0, size=1500), enforce_quota=True)
    if scope == "all":
        with pytest.raises(QuotaExceeded):
            store.append(box.mailbox_id, box.inbox, message(1, size=1000), enforce_quota=True)
    else:
        store.append(box.mailbox_id, box.inbox, message(1, size=1000), enforce_quota=True)
        with pytest.raises(QuotaExceeded):
            store.append(box.mailbox_id, box.inbox, message(2, size=1500), enforce_quota=True)
    # Without enforcement (delivery decides elsewhere) the append goes through and is counted.
    store.append(box.mailbox_id, box.inbox, message(3, size=5000))
    assert store.usage(box.mailbox_id).bytes > 2048


def _blob_rows(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count()).select_from(Blob)) or 0


def test_identical_bodies_share_one_blob_released_with_the_last_reference(db: Database, tmp_path) -> None:
    blobs = FilesystemBlobStore(tmp_path / "b", grace_seconds=0)
    store = MessageStore(db, blobs)
    box = make_mailbox(store)
    data = message(1)
    store.append(box.mailbox_id, box.inbox, data)
    store.copy(box.mailbox_id, box.inbox, [1], box.trash)
    sha = store.messages(box.mailbox_id, box.inbox)[0].blob_sha256
    assert _blob_rows(db) == 1 and blobs.path(sha).exists()
    store.store_flags(box.mailbox_id, box.inbox, [1], "add", ["\\Deleted"])
    store.expunge(box.mailbox_id, box.inbox)
    assert _blob_rows(db) == 1 and blobs.path(sha).exists()  # the copy still refers to it
    store.delete_messages(box.mailbox_id, box.trash, [1])
    assert _blob_rows(db) == 0 and not blobs.path(sha).exists()


def test_recent_files_survive_release_until_the_sweep(db: Database, tmp_path) -> None:
    blobs = FilesystemBlobStore(tmp_path / "b")  # default grace: a just-written file is kept
    store = MessageStore(db, blobs)
    box = make_mailbox(store)
    store.append(box.mailbox_id, box.inbox, message(1))
    sha = store.messages(box.mailbox_id, box.inbox)[0].blob_sha256
    store.delete_messages(box.mailbox_id, box.inbox, [1])
    assert blobs.path(sha).exists()
    old = blobs.path(sha).stat().st_mtime - 3600
    os.utime(blobs.path(sha), (old, old))
    assert store.sweep_blobs() == 1
    assert not blobs.path(sha).exists()


def test_database_blob_backend_keeps_bodies_in_rows(db: Database) -> None:
    store = MessageStore(db, DatabaseBlobStore())
    box = make_mailbox(store)
    store.append(box.mailbox_id, box.inbox, message(7))
    assert store.read(box.mailbox_id, box.inbox, 1) == message(7)
    with db.sessions() as s:
        assert s.scalar(select(Blob.data)) == message(7)
    store.delete_messages(box.mailbox_id, box.inbox, [1])
    assert _blob_rows(db) == 0


def test_purge_inbox_by_age_and_scope_with_principal_checks(store: MessageStore) -> None:
    a = make_mailbox(store, "a", "alice")
    b = make_mailbox(store, "b", "bob")
    now = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    for box in (a, b):
        store.append_many(box.mailbox_id, box.inbox, [
            NewMessage(message(1), internal_date=now - dt.timedelta(days=40)),
            NewMessage(message(2), internal_date=now - dt.timedelta(days=1)),
        ])
        store.append(box.mailbox_id, box.trash, message(3), internal_date=now - dt.timedelta(days=90))
    admin_a = Principal(Role.ADMIN, "postmaster", postoffice_ids=frozenset({a.postoffice_id}))
    with pytest.raises(NotFound):
        store.purge_inbox(admin_a, older_than_days=30, postoffice_id=b.postoffice_id, now=now)
    with pytest.raises(NotFound):
        store.purge_inbox(admin_a, everything=True, mailbox_id=b.mailbox_id)
    assert store.folder_by_id(b.mailbox_id, b.inbox).message_count == 2
    assert store.purge_inbox(admin_a, older_than_days=30, postoffice_id=a.postoffice_id, now=now) == 1
    assert [m.subject for m in store.messages(a.mailbox_id, a.inbox)] == ["message 2"]
    assert store.folder_by_id(a.mailbox_id, a.trash).message_count == 1  # inbox only
    with pytest.raises(InvalidInput):
        store.purge_inbox(SYSTEM, older_than_days=3, everything=True)
    assert store.purge_inbox(SYSTEM, before=now) == 3  # b's two and a's remaining one
    with pytest.raises(PermissionDenied):
        store.purge_inbox(admin_a, everything=True)  # server-wide needs a server administrator


def test_change_listener_hears_committed_changes(store: MessageStore, box: Box) -> None:
    heard: list[tuple[int, int, int]] = []

    class Listener:
        def folder_changed(self, mailbox_id: int, folder_id: int, highest_modseq: int) -> None:
            heard.append((mailbox_id, folder_id, highest_modseq))

    store.changes.subscribe(Listener())
    appended = store.append(box.mailbox_id, box.inbox, message(1))
    assert heard == [(box.mailbox_id, box.inbox, appended.modseq)]


def test_message_rows_count_matches_folder_counters_after_mixed_work(store: MessageStore, box: Box) -> None:
    for n in range(10):
        store.append(box.mailbox_id, box.inbox, message(n))
    store.move(box.mailbox_id, box.inbox, [1, 2, 3], box.trash)
    store.store_flags(box.mailbox_id, box.inbox, [4, 5], "add", ["\\Deleted", "\\Seen"])
    store.expunge(box.mailbox_id, box.inbox)
    with store.db.sessions() as s:
        rows = s.scalar(select(func.count()).select_from(Message).where(Message.folder_id == box.inbox))
    inbox = store.folder_by_id(box.mailbox_id, box.inbox)
    assert rows == inbox.message_count == 5
    assert inbox.unseen_count == 5

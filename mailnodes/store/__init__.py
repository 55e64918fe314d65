"""The message store: per-mailbox folders with special uses, messages with UID, UIDVALIDITY,
MODSEQ, flags and keywords, a parsed summary for fast listing, bodies as immutable blobs
addressed by SHA-256 (files or database rows), quota accounting, and the change feed that IMAP,
POP3, webmail and ActiveSync share."""
from __future__ import annotations

from mailnodes.store.blobs import BlobMissing, BlobStore, DatabaseBlobStore, FilesystemBlobStore
from mailnodes.store.flags import Flag
from mailnodes.store.models import SpecialUse
from mailnodes.store.store import (
    DEFAULT_FOLDERS,
    ChangeListener,
    LocalChangeHub,
    MessageStore,
    NewMessage,
    normalise_folder_name,
)
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

__all__ = [
    "DEFAULT_FOLDERS",
    "Appended",
    "BlobMissing",
    "BlobStore",
    "ChangeListener",
    "Changes",
    "DatabaseBlobStore",
    "FilesystemBlobStore",
    "Flag",
    "FlagState",
    "FlagsStored",
    "FolderInfo",
    "LocalChangeHub",
    "MessageInfo",
    "MessageRef",
    "MessageStore",
    "NewMessage",
    "SpecialUse",
    "Usage",
    "normalise_folder_name",
]

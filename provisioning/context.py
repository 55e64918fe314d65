"""What every directory service is given: the database, the server key, and the hooks through
which the message store follows mailbox creation and deletion.

The store lives in ``mailnodes`` and the directory may not import it, so the process edge wires
the store's implementation of ``MailboxLifecycle`` in; the directory calls it inside its own
transaction, so a mailbox and its folders appear (or vanish) together.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from provisioning.db import Database
from provisioning.keyring import Keyring
from provisioning.models import Mailbox


class MailboxLifecycle(Protocol):
    def mailbox_created(self, session: Session, mailbox: Mailbox) -> None:
        """A mailbox row was flushed: create its folders (and welcome message)."""

    def mailbox_deleting(self, session: Session, mailbox_id: int) -> None:
        """A mailbox is about to be deleted: remove its messages and release their blobs."""


class NoLifecycle:
    """For tools that manage the directory alone (no store attached)."""

    def mailbox_created(self, session: Session, mailbox: Mailbox) -> None:
        return None

    def mailbox_deleting(self, session: Session, mailbox_id: int) -> None:
        return None


@dataclass(frozen=True)
class Context:
    db: Database
    keyring: Keyring
    lifecycle: MailboxLifecycle = field(default_factory=NoLifecycle)

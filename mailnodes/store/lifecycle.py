"""How the store follows the directory: a new mailbox gets its folders and a welcome message,
a deleted mailbox loses its folders, messages and the bodies only it referred to. Runs inside the
directory's own transaction (provisioning.context.MailboxLifecycle)."""
from __future__ import annotations

import email.utils
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from mailnodes.store.models import Folder, SpecialUse
from provisioning.models import Address, Mailbox, PostOffice, TargetKind
from provisioning.settings import read_settings

if TYPE_CHECKING:
    from mailnodes.store.store import MessageStore

_WELCOME_SETTINGS = ["store.welcome_enabled", "store.welcome_subject", "store.welcome_body", "server.hostname"]


class StoreLifecycle:
    def __init__(self, store: MessageStore) -> None:
        self._store = store

    def mailbox_created(self, session: Session, mailbox: Mailbox) -> None:
        self._store.ensure_default_folders(session, mailbox.id)
        settings = read_settings(session, _WELCOME_SETTINGS, postoffice_id=mailbox.postoffice_id)
        if not settings["store.welcome_enabled"]:
            return
        inbox = session.scalars(
            select(Folder).where(Folder.mailbox_id == mailbox.id, Folder.special_use == SpecialUse.INBOX)
        ).one()
        message = welcome_message(session, mailbox, settings)
        self._store.append_in_session(session, mailbox.id, inbox, message)

    def mailbox_deleting(self, session: Session, mailbox_id: int) -> None:
        released = self._store.remove_mailbox_contents(session, mailbox_id)
        if released:
            event.listen(session, "after_commit", lambda _s: self._store._unlink_released(released), once=True)

    def usage_bytes(self, session: Session, mailbox_id: int) -> int:
        scope = read_settings(session, ["store.quota_scope"])["store.quota_scope"]
        return self._store._used_bytes(session, mailbox_id, scope)


def welcome_message(session: Session, mailbox: Mailbox, settings: dict[str, object]) -> bytes:
    postoffice = session.get(PostOffice, mailbox.postoffice_id)
    po_name = postoffice.name if postoffice else ""
    address = session.scalar(
        select(Address.address)
        .where(Address.mailbox_id == mailbox.id, Address.target_kind == TargetKind.MAILBOX)
        .order_by(Address.id)
        .limit(1)
    ) or f"{mailbox.name}@{po_name}"
    hostname = str(settings["server.hostname"])
    sender_domain = address.rpartition("@")[2] if "." in address.rpartition("@")[2] else hostname
    name = mailbox.friendly_name or mailbox.name
    body = str(settings["store.welcome_body"]).replace("%NAME%", name).replace("%ADDRESS%", address)
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr(("Postmaster", f"postmaster@{sender_domain}"))
    msg["To"] = email.utils.formataddr((mailbox.friendly_name, address))
    msg["Subject"] = str(settings["store.welcome_subject"])
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg["Message-ID"] = email.utils.make_msgid(domain=hostname)
    msg.set_content(body, charset="utf-8")
    return msg.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")

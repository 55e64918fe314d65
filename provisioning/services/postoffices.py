"""Post offices: create (with their ``postmaster`` ADMIN mailbox), read, list, update, delete.

Deleting a post office deletes everything it owns: its mailboxes (and their messages, through the
store's hook), domains, addresses, groups, lists, delivery events and setting values; host headers
that pointed at it lose their default post office.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from provisioning import names
from provisioning.context import Context
from provisioning.errors import Conflict, InvalidInput, PermissionDenied
from provisioning.models import Mailbox, MailboxType, PostOffice, SettingScope
from provisioning.principal import Principal
from provisioning.services._common import (
    Page,
    check_bool,
    check_text,
    find_postoffice,
    like_pattern,
    paginate,
    reject_unknown,
)
from provisioning.services.mailboxes import POSTMASTER, create_mailbox_in, delete_mailbox_in
from provisioning.settings import delete_scope_values


def create_postoffice(
    ctx: Context, actor: Principal, name: str, password: str, *, description: str = ""
) -> PostOffice:
    """A new post office and its ``postmaster`` mailbox (type ADMIN) with ``password``."""
    actor.require_server_admin()
    names.postoffice_name(name)
    if not password:
        raise InvalidInput("the postmaster's password is required", field="password")
    with ctx.db.transaction() as session:
        if session.scalar(select(PostOffice.id).where(PostOffice.name_key == name.lower())) is not None:
            raise Conflict(f"post office {name} already exists", field="name")
        po = PostOffice(name=name, name_key=name.lower(), disabled=False,
                        description=check_text(description, "description", max_length=4000, single_line=False))
        session.add(po)
        session.flush()
        create_mailbox_in(session, ctx, po, POSTMASTER, password, type=MailboxType.ADMIN,
                          friendly_name="Postmaster")
        return po


def get_postoffice(ctx: Context, actor: Principal, postoffice: str | int) -> PostOffice:
    with ctx.db.transaction() as session:
        return find_postoffice(session, actor, postoffice)


def list_postoffices(
    ctx: Context, actor: Principal, *, search: str | None = None, disabled: bool | None = None,
    offset: int = 0, limit: int = 100, sort: str = "name",
) -> Page[PostOffice]:
    columns = {"name": PostOffice.name_key, "created": PostOffice.created_at}
    if sort.lstrip("-") not in columns:
        raise InvalidInput("sort must be name or created (prefix - for descending)", field="sort")
    column = columns[sort.lstrip("-")]
    with ctx.db.transaction() as session:
        query = select(PostOffice)
        if not actor.is_server_wide:
            query = query.where(PostOffice.id.in_(sorted(actor.postoffice_ids or ())))
        if search:
            query = query.where(PostOffice.name_key.like(like_pattern(search), escape="\\"))
        if disabled is not None:
            query = query.where(PostOffice.disabled == disabled)
        query = query.order_by(column.desc() if sort.startswith("-") else column, PostOffice.id)
        return paginate(session, query, offset, limit)


def update_postoffice(ctx: Context, actor: Principal, postoffice: str | int, **changes: Any) -> PostOffice:
    """Change ``description``, ``disabled`` or ``name`` (renaming and disabling are for server
    administrators: a post office administrator could otherwise lock its own tenant out)."""
    reject_unknown(changes, {"description", "disabled", "name"})
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        if ("disabled" in changes or "name" in changes) and not actor.is_server_wide:
            raise PermissionDenied("only a server administrator may rename or disable a post office")
        if "description" in changes:
            po.description = check_text(changes["description"], "description", max_length=4000, single_line=False)
        if "disabled" in changes:
            po.disabled = check_bool(changes["disabled"], "disabled")
        if "name" in changes and changes["name"] != po.name:
            new = names.postoffice_name(changes["name"])
            taken = session.scalar(select(PostOffice.id).where(PostOffice.name_key == new.lower(), PostOffice.id != po.id))
            if taken is not None:
                raise Conflict(f"post office {new} already exists", field="name")
            po.name, po.name_key = new, new.lower()
        session.flush()
        return po


def delete_postoffice(ctx: Context, actor: Principal, postoffice: str | int) -> None:
    actor.require_server_admin()
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        for mailbox in session.scalars(select(Mailbox).where(Mailbox.postoffice_id == po.id)).all():
            delete_mailbox_in(session, ctx, mailbox)
        delete_scope_values(session, SettingScope.POSTOFFICE, po.id)
        session.delete(po)

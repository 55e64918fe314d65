"""The address map: which address leads to which mailbox, group, list or remote address.

Every routing decision starts here (``resolve``). An address is unique server-wide and its domain
must belong to the post office of its target.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from provisioning import names
from provisioning.context import Context
from provisioning.errors import InvalidInput, NotFound
from provisioning.models import Address, TargetKind
from provisioning.principal import Principal
from provisioning.services._common import (
    Page,
    domain_for_address,
    find_group,
    find_list,
    find_mailbox,
    find_postoffice,
    paginate,
    require_free_address,
)


def add_address(
    ctx: Context,
    actor: Principal,
    postoffice: str | int,
    address: str,
    *,
    mailbox: str | None = None,
    group: str | None = None,
    list_name: str | None = None,
    remote: str | None = None,
) -> Address:
    """Point ``address`` (on a domain of the post office) at exactly one target."""
    targets = [t for t in (mailbox, group, list_name, remote) if t is not None]
    if len(targets) != 1:
        raise InvalidInput("give exactly one target: mailbox, group, list or remote", field="target")
    normalised = names.address(address)
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        domain = domain_for_address(session, po, normalised)
        require_free_address(session, normalised)
        row = Address(address=normalised, postoffice_id=po.id, domain_id=domain.id, target_kind=TargetKind.REMOTE)
        if mailbox is not None:
            row.target_kind, row.mailbox_id = TargetKind.MAILBOX, find_mailbox(session, actor, po, mailbox).id
        elif group is not None:
            row.target_kind, row.group_id = TargetKind.GROUP, find_group(session, actor, po, group).id
        elif list_name is not None:
            row.target_kind, row.list_id = TargetKind.LIST, find_list(session, actor, po, list_name).id
        else:
            row.remote_address = names.address(remote, field="remote")
        session.add(row)
        session.flush()
        return row


def remove_address(ctx: Context, actor: Principal, address: str) -> None:
    normalised = names.address(address)
    with ctx.db.transaction() as session:
        row = session.scalar(select(Address).where(Address.address == normalised))
        if row is None:
            raise NotFound(f"no address {normalised}", field="address")
        actor.require_postoffice(row.postoffice_id, write=True)
        session.delete(row)


def list_addresses(
    ctx: Context, actor: Principal, postoffice: str | int, *, mailbox: str | None = None,
    offset: int = 0, limit: int = 100,
) -> Page[Address]:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice)
        query = select(Address).where(Address.postoffice_id == po.id).order_by(Address.address)
        if mailbox is not None:
            query = query.where(Address.mailbox_id == find_mailbox(session, actor, po, mailbox).id)
        return paginate(session, query, offset, limit)


def resolve(session: Session, address: str) -> Address | None:
    """The address map entry for ``address`` (the MTA's first question), or None."""
    try:
        normalised = names.address(address)
    except InvalidInput:
        return None
    return session.scalar(select(Address).where(Address.address == normalised))

"""Groups: one address that fans out to many (local or remote) addresses. Creating a group gives
it addresses like a mailbox gets (name@domain on the post office's domains, per the setting), or
the addresses given. Members can be disabled one by one; a disabled group delivers to nobody."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from provisioning import names
from provisioning.context import Context
from provisioning.errors import Conflict, InvalidInput, NotFound
from provisioning.models import Address, Group, GroupMember, TargetKind
from provisioning.principal import Principal
from provisioning.services._common import (
    Page,
    check_bool,
    check_text,
    find_group,
    find_postoffice,
    name_free,
    paginate,
    plan_addresses,
    reject_unknown,
)


def create_group(
    ctx: Context, actor: Principal, postoffice: str | int, name: str, *,
    addresses: list[str] | None = None, members: list[str] | None = None, description: str = "",
) -> Group:
    names.local_name(name, what="group")
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        name_free(session, po, name)
        wanted = plan_addresses(session, po, name, addresses)
        group = Group(postoffice_id=po.id, name=name, name_key=name.lower(), disabled=False,
                      description=check_text(description, "description", max_length=4000, single_line=False))
        session.add(group)
        session.flush()
        for address, domain_id in wanted:
            session.add(Address(address=address, postoffice_id=po.id, domain_id=domain_id,
                                target_kind=TargetKind.GROUP, group_id=group.id))
        for member in dict.fromkeys(names.address(m, field="members") for m in members or []):
            session.add(GroupMember(group_id=group.id, address=member, disabled=False))
        session.flush()
        return group


def update_group(ctx: Context, actor: Principal, postoffice: str | int, name: str, /, **changes: Any) -> Group:
    reject_unknown(changes, {"disabled", "description"})
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        group = find_group(session, actor, po, name)
        if "disabled" in changes:
            group.disabled = check_bool(changes["disabled"], "disabled")
        if "description" in changes:
            group.description = check_text(changes["description"], "description", max_length=4000, single_line=False)
        session.flush()
        return group


def delete_group(ctx: Context, actor: Principal, postoffice: str | int, name: str) -> None:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        session.delete(find_group(session, actor, po, name))


def list_groups(ctx: Context, actor: Principal, postoffice: str | int, *, offset: int = 0, limit: int = 100) -> Page[Group]:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice)
        return paginate(session, select(Group).where(Group.postoffice_id == po.id).order_by(Group.name_key), offset, limit)


def add_group_member(
    ctx: Context, actor: Principal, postoffice: str | int, name: str, address: str, *, disabled: bool = False
) -> GroupMember:
    member = names.address(address)
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        group = find_group(session, actor, po, name)
        exists = session.scalar(select(GroupMember.id).where(GroupMember.group_id == group.id, GroupMember.address == member))
        if exists:
            raise Conflict(f"{member} is already a member of {group.name}", field="address")
        row = GroupMember(group_id=group.id, address=member, disabled=check_bool(disabled, "disabled"))
        session.add(row)
        session.flush()
        return row


def set_group_member_disabled(
    ctx: Context, actor: Principal, postoffice: str | int, name: str, address: str, disabled: bool
) -> None:
    with ctx.db.transaction() as session:
        _member(session, actor, postoffice, name, address).disabled = check_bool(disabled, "disabled")


def remove_group_member(ctx: Context, actor: Principal, postoffice: str | int, name: str, address: str) -> None:
    with ctx.db.transaction() as session:
        session.delete(_member(session, actor, postoffice, name, address))


def _member(session: Any, actor: Principal, postoffice: str | int, name: str, address: str) -> GroupMember:
    po = find_postoffice(session, actor, postoffice, write=True)
    group = find_group(session, actor, po, name)
    try:
        member = names.address(address)
    except InvalidInput:
        member = str(address)
    row = session.scalar(select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.address == member))
    if row is None:
        raise NotFound(f"{address} is not a member of {group.name}", field="address")
    return row


def group_members(ctx: Context, actor: Principal, postoffice: str | int, name: str) -> list[GroupMember]:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice)
        group = find_group(session, actor, po, name)
        return list(session.scalars(select(GroupMember).where(GroupMember.group_id == group.id).order_by(GroupMember.address)))

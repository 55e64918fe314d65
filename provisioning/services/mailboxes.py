"""Mailboxes: create (with an address per domain, the default quota and a generated password when
none is given), read, list, update, delete, and set the quota of a whole post office.

Cascade rules: deleting a mailbox removes its messages (through the store's lifecycle hook), its
addresses, redirection, autoresponder, delivery events and setting values. A post office's
``postmaster`` cannot be deleted: it administers the post office. Names never change.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from provisioning import names
from provisioning.auth import password_columns, password_policy
from provisioning.context import Context
from provisioning.errors import Conflict, InvalidInput, PermissionDenied
from provisioning.models import Address, Mailbox, MailboxType, PostOffice, SettingScope, TargetKind
from provisioning.principal import Principal, Role
from provisioning.services._common import (
    Page,
    check_bool,
    check_quota,
    check_text,
    find_mailbox,
    find_postoffice,
    like_pattern,
    name_free,
    paginate,
    plan_addresses,
    reject_unknown,
)
from provisioning.settings import delete_scope_values, read_settings

POSTMASTER = "postmaster"
_UPDATABLE = {
    "password", "type", "quota_kb", "disabled", "prevent_authentication", "must_change_password",
    "friendly_name", "reply_to",
}
_SELF_UPDATABLE = {"password", "friendly_name", "reply_to"}


@dataclass(frozen=True, slots=True)
class MailboxCreated:
    mailbox: Mailbox
    addresses: tuple[str, ...]
    generated_password: str | None  # shown once when the service chose the password


def _mailbox_type(value: object) -> MailboxType:
    try:
        return value if isinstance(value, MailboxType) else MailboxType(str(value).upper())
    except ValueError:
        raise InvalidInput("type must be one of USER, ADMIN, SYSADMIN", field="type") from None


def _check_type_grant(actor: Principal, kind: MailboxType) -> None:
    if kind is MailboxType.SYSADMIN and not actor.is_server_wide:
        raise PermissionDenied("only a server administrator may create or grant SYSADMIN", field="type")


def _reply_to(value: object) -> str | None:
    return None if value in (None, "") else names.address(value, field="reply_to")


def create_mailbox_in(
    session: Session,
    ctx: Context,
    po: PostOffice,
    name: str,
    password: str | None,
    *,
    type: MailboxType | str = MailboxType.USER,
    quota_kb: int | None = None,
    friendly_name: str = "",
    reply_to: str | None = None,
    must_change_password: bool = False,
    disabled: bool = False,
) -> MailboxCreated:
    """Create a mailbox inside the caller's transaction (the principal is already checked)."""
    names.local_name(name, what="mailbox")
    kind = _mailbox_type(type)
    name_free(session, po, name)
    limits = read_settings(session, ["directory.max_mailboxes", "directory.default_quota_kb"], postoffice_id=po.id)
    count = session.scalar(select(func.count()).select_from(Mailbox).where(Mailbox.postoffice_id == po.id)) or 0
    if limits["directory.max_mailboxes"] and count >= limits["directory.max_mailboxes"]:
        raise Conflict(f"post office {po.name} has its maximum of {limits['directory.max_mailboxes']} mailboxes",
                       field="name")
    quota = check_quota(limits["directory.default_quota_kb"] if quota_kb is None else quota_kb)
    policy = password_policy(session, po.id)
    generated = None
    if password is None:
        password = generated = policy.generate()
    else:
        if not isinstance(password, str):
            raise InvalidInput("password must be text", field="password")
        policy.check(password)
    addresses = plan_addresses(session, po, name)
    mailbox = Mailbox(
        postoffice_id=po.id, name=name, name_key=name.lower(), type=kind, quota_kb=quota,
        friendly_name=check_text(friendly_name, "friendly_name"), reply_to=_reply_to(reply_to),
        must_change_password=check_bool(must_change_password, "must_change_password"),
        disabled=check_bool(disabled, "disabled"), prevent_authentication=False,
        **password_columns(session, ctx.keyring, password),
    )
    session.add(mailbox)
    session.flush()
    for address, domain_id in addresses:
        session.add(Address(address=address, postoffice_id=po.id, domain_id=domain_id,
                            target_kind=TargetKind.MAILBOX, mailbox_id=mailbox.id))
    session.flush()
    ctx.lifecycle.mailbox_created(session, mailbox)
    return MailboxCreated(mailbox, tuple(a for a, _ in addresses), generated)


def create_mailbox(
    ctx: Context, actor: Principal, postoffice: str | int, name: str, password: str | None = None, **options: Any
) -> MailboxCreated:
    """Create a mailbox; with no password, one is generated under the password policy and
    returned once in ``generated_password``."""
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        if "type" in options:
            _check_type_grant(actor, _mailbox_type(options["type"]))
        return create_mailbox_in(session, ctx, po, name, password, **options)


def get_mailbox(ctx: Context, actor: Principal, postoffice: str | int, name: str | int) -> Mailbox:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice) if actor.role is not Role.USER else _own_po(session, actor)
        return find_mailbox(session, actor, po, name)


def _own_po(session: Session, actor: Principal) -> PostOffice:
    mailbox = session.get(Mailbox, actor.mailbox_id)
    po = session.get(PostOffice, mailbox.postoffice_id) if mailbox else None
    if po is None:
        raise InvalidInput("this principal has no mailbox", field="mailbox")
    return po


def list_mailboxes(
    ctx: Context, actor: Principal, postoffice: str | int, *, search: str | None = None,
    offset: int = 0, limit: int = 100, sort: str = "name",
) -> Page[Mailbox]:
    columns = {"name": Mailbox.name_key, "created": Mailbox.created_at, "type": Mailbox.type,
               "quota": Mailbox.quota_kb}
    if sort.lstrip("-") not in columns:
        raise InvalidInput(f"sort must be one of {', '.join(columns)} (prefix - for descending)", field="sort")
    column = columns[sort.lstrip("-")]
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice)
        query = select(Mailbox).where(Mailbox.postoffice_id == po.id)
        if search:
            query = query.where(Mailbox.name_key.like(like_pattern(search), escape="\\"))
        query = query.order_by(column.desc() if sort.startswith("-") else column, Mailbox.id)
        return paginate(session, query, offset, limit)


def mailbox_addresses(ctx: Context, actor: Principal, postoffice: str | int, name: str) -> list[str]:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice)
        mailbox = find_mailbox(session, actor, po, name)
        return list(session.scalars(select(Address.address).where(Address.mailbox_id == mailbox.id).order_by(Address.id)))


def update_mailbox(ctx: Context, actor: Principal, postoffice: str | int, name: str, /, **changes: Any) -> Mailbox:
    """Change a mailbox's password, type, quota, flags or display fields. Names are immutable."""
    if "name" in changes:
        raise InvalidInput("a mailbox name cannot be changed; create a new mailbox instead", field="name")
    reject_unknown(changes, _UPDATABLE)
    with ctx.db.transaction() as session:
        if actor.role is Role.USER:
            po = _own_po(session, actor)
            reject_unknown(changes, _SELF_UPDATABLE)
        else:
            po = find_postoffice(session, actor, postoffice, write=True)
        mailbox = find_mailbox(session, actor, po, name, write=True)
        _apply_changes(session, ctx, actor, po, mailbox, changes)
        session.flush()
        return mailbox


def _apply_changes(
    session: Session, ctx: Context, actor: Principal, po: PostOffice, mailbox: Mailbox, changes: dict[str, Any]
) -> None:
    if "type" in changes:
        kind = _mailbox_type(changes["type"])
        _check_type_grant(actor, kind)
        if mailbox.type is MailboxType.SYSADMIN and kind is not MailboxType.SYSADMIN and not actor.is_server_wide:
            raise PermissionDenied("only a server administrator may change a SYSADMIN", field="type")
        mailbox.type = kind
    if "quota_kb" in changes:
        quota = check_quota(changes["quota_kb"])
        used = _usage_bytes(ctx, session, mailbox.id)
        if quota and used > quota * 1024:
            raise InvalidInput(f"quota {quota} KB is below the mailbox's current usage of {-(-used // 1024)} KB",
                               field="quota_kb")
        mailbox.quota_kb = quota
    for flag in ("disabled", "prevent_authentication", "must_change_password"):
        if flag in changes:
            setattr(mailbox, flag, check_bool(changes[flag], flag))
    if "friendly_name" in changes:
        mailbox.friendly_name = check_text(changes["friendly_name"], "friendly_name")
    if "reply_to" in changes:
        mailbox.reply_to = _reply_to(changes["reply_to"])
    if "password" in changes:
        password = changes["password"]
        if not isinstance(password, str):
            raise InvalidInput("password must be text", field="password")
        password_policy(session, po.id).check(password)
        for column, value in password_columns(session, ctx.keyring, password).items():
            setattr(mailbox, column, value)
        if actor.mailbox_id == mailbox.id:
            mailbox.must_change_password = False


def _usage_bytes(ctx: Context, session: Session, mailbox_id: int) -> int:
    usage = getattr(ctx.lifecycle, "usage_bytes", None)
    return int(usage(session, mailbox_id)) if usage else 0


def set_all_quotas(ctx: Context, actor: Principal, postoffice: str | int, quota_kb: int) -> int:
    """Give every mailbox of a post office the same quota; refused whole if any mailbox already
    uses more. Returns the number of mailboxes changed."""
    quota = check_quota(quota_kb)
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        mailboxes = session.scalars(select(Mailbox).where(Mailbox.postoffice_id == po.id)).all()
        over = [m.name for m in mailboxes if quota and _usage_bytes(ctx, session, m.id) > quota * 1024]
        if over:
            raise InvalidInput(f"quota {quota} KB is below the usage of: {', '.join(sorted(over))}", field="quota_kb")
        for mailbox in mailboxes:
            mailbox.quota_kb = quota
        return len(mailboxes)


def delete_mailbox_in(session: Session, ctx: Context, mailbox: Mailbox) -> None:
    ctx.lifecycle.mailbox_deleting(session, mailbox.id)
    delete_scope_values(session, SettingScope.MAILBOX, mailbox.id)
    session.delete(mailbox)
    session.flush()


def delete_mailbox(ctx: Context, actor: Principal, postoffice: str | int, name: str) -> None:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        mailbox = find_mailbox(session, actor, po, name, write=True)
        if mailbox.name_key == POSTMASTER:
            raise Conflict("the postmaster mailbox administers its post office and cannot be deleted", field="name")
        if actor.mailbox_id == mailbox.id:
            raise Conflict("a mailbox cannot delete itself", field="name")
        delete_mailbox_in(session, ctx, mailbox)

"""Mailing lists and their members, with every option the list server (LS connector) reads:
subscription mode, posting mode (and password), moderation, reply-to, subject prefix, header and
footer (text and HTML), help, description.

Options are checked together, so a list is never left half-configured: a moderated list needs a
moderator, password posting needs a password, a custom prefix needs its text.
"""
from __future__ import annotations

import enum
import secrets
from typing import Any

from sqlalchemy import select

from provisioning import names
from provisioning.context import Context
from provisioning.errors import Conflict, InvalidInput, NotFound
from provisioning.models import (
    Address,
    ListMember,
    MailingList,
    PostingMode,
    ReplyToMode,
    SubjectPrefixMode,
    SubscriptionMode,
    TargetKind,
)
from provisioning.passwords import hash_password
from provisioning.principal import Principal
from provisioning.services._common import (
    Page,
    check_bool,
    check_text,
    find_list,
    find_postoffice,
    name_free,
    paginate,
    plan_addresses,
    reject_unknown,
)

_ENUMS: dict[str, type[enum.Enum]] = {
    "subscription_mode": SubscriptionMode,
    "posting_mode": PostingMode,
    "reply_to_mode": ReplyToMode,
    "subject_prefix_mode": SubjectPrefixMode,
}
_TEXTS = {"description": 4000, "header_text": 65536, "footer_text": 65536, "header_html": 65536,
          "footer_html": 65536}
_OPTIONS = set(_ENUMS) | set(_TEXTS) | {
    "moderated", "moderator", "subject_prefix", "help_enabled", "disabled", "posting_password",
}


def _enum_value(field: str, value: Any) -> enum.Enum:
    kind = _ENUMS[field]
    try:
        return value if isinstance(value, kind) else kind(str(value).lower())
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidInput(f"{field} must be one of {allowed}", field=field) from None


def _apply_options(row: MailingList, options: dict[str, Any]) -> None:
    reject_unknown(options, _OPTIONS)
    for field in _ENUMS:
        if field in options:
            setattr(row, field, _enum_value(field, options[field]))
    for field, limit in _TEXTS.items():
        if field in options:
            setattr(row, field, check_text(options[field], field, max_length=limit, single_line=False))
    for flag in ("moderated", "help_enabled", "disabled"):
        if flag in options:
            setattr(row, flag, check_bool(options[flag], flag))
    if "moderator" in options:
        value = options["moderator"]
        row.moderator = None if value in (None, "") else names.address(value, field="moderator")
    if "subject_prefix" in options:
        row.subject_prefix = check_text(options["subject_prefix"], "subject_prefix", max_length=255)
    if "posting_password" in options:
        value = options["posting_password"]
        if value in (None, ""):
            row.posting_password_hash = None
        else:
            row.posting_password_hash = hash_password(check_text(value, "posting_password", max_length=1024))
    _check_consistent(row)


def _check_consistent(row: MailingList) -> None:
    if row.moderated and not row.moderator:
        raise InvalidInput("a moderated list needs a moderator address", field="moderator")
    if row.reply_to_mode is ReplyToMode.MODERATOR and not row.moderator:
        raise InvalidInput("replies to the moderator need a moderator address", field="moderator")
    if row.posting_mode is PostingMode.PASSWORD and not row.posting_password_hash:
        raise InvalidInput("password posting needs a posting password", field="posting_password")
    if row.subject_prefix_mode is SubjectPrefixMode.CUSTOM and not row.subject_prefix:
        raise InvalidInput("a custom subject prefix needs its text", field="subject_prefix")
    if row.subject_prefix_mode is not SubjectPrefixMode.CUSTOM and row.subject_prefix:
        raise InvalidInput("subject_prefix is only used with subject_prefix_mode custom", field="subject_prefix")


def create_list(
    ctx: Context, actor: Principal, postoffice: str | int, name: str, *,
    addresses: list[str] | None = None, **options: Any,
) -> MailingList:
    names.local_name(name, what="list")
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        name_free(session, po, name)
        wanted = plan_addresses(session, po, name, addresses)
        row = MailingList(
            postoffice_id=po.id, name=name, name_key=name.lower(), description="", disabled=False,
            subscription_mode=SubscriptionMode.CONFIRMED, posting_mode=PostingMode.SUBSCRIBERS,
            moderated=False, reply_to_mode=ReplyToMode.LIST, subject_prefix_mode=SubjectPrefixMode.LIST_NAME,
            subject_prefix="", header_text="", footer_text="", header_html="", footer_html="", help_enabled=True,
        )
        _apply_options(row, options)
        session.add(row)
        session.flush()
        for address, domain_id in wanted:
            session.add(Address(address=address, postoffice_id=po.id, domain_id=domain_id,
                                target_kind=TargetKind.LIST, list_id=row.id))
        session.flush()
        return row


def update_list(ctx: Context, actor: Principal, postoffice: str | int, name: str, /, **options: Any) -> MailingList:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        row = find_list(session, actor, po, name)
        _apply_options(row, options)
        session.flush()
        return row


def get_list(ctx: Context, actor: Principal, postoffice: str | int, name: str) -> MailingList:
    with ctx.db.transaction() as session:
        return find_list(session, actor, find_postoffice(session, actor, postoffice), name)


def delete_list(ctx: Context, actor: Principal, postoffice: str | int, name: str) -> None:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        session.delete(find_list(session, actor, po, name))


def list_lists(ctx: Context, actor: Principal, postoffice: str | int, *, offset: int = 0, limit: int = 100) -> Page[MailingList]:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice)
        query = select(MailingList).where(MailingList.postoffice_id == po.id).order_by(MailingList.name_key)
        return paginate(session, query, offset, limit)


def subscribe(
    ctx: Context, actor: Principal, postoffice: str | int, name: str, address: str, *,
    display_name: str = "", confirmed: bool = True,
) -> ListMember:
    """Add a member. An unconfirmed member gets a token the list server mails for confirmation."""
    member = names.address(address)
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        row = find_list(session, actor, po, name)
        if session.scalar(select(ListMember.id).where(ListMember.list_id == row.id, ListMember.address == member)):
            raise Conflict(f"{member} is already subscribed to {row.name}", field="address")
        confirmed = check_bool(confirmed, "confirmed")
        subscriber = ListMember(
            list_id=row.id, address=member, name=check_text(display_name, "display_name"), confirmed=confirmed,
            confirmation_token=None if confirmed else secrets.token_urlsafe(24),
        )
        session.add(subscriber)
        session.flush()
        return subscriber


def unsubscribe(ctx: Context, actor: Principal, postoffice: str | int, name: str, address: str) -> None:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        row = find_list(session, actor, po, name)
        try:
            member = names.address(address)
        except InvalidInput:
            member = str(address)
        subscriber = session.scalar(select(ListMember).where(ListMember.list_id == row.id, ListMember.address == member))
        if subscriber is None:
            raise NotFound(f"{address} is not subscribed to {row.name}", field="address")
        session.delete(subscriber)


def list_members(ctx: Context, actor: Principal, postoffice: str | int, name: str, *, offset: int = 0, limit: int = 100) -> Page[ListMember]:
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice)
        row = find_list(session, actor, po, name)
        query = select(ListMember).where(ListMember.list_id == row.id).order_by(ListMember.address)
        return paginate(session, query, offset, limit)

"""Domains of a post office: add (with an address per existing mailbox when the setting says so),
options (disabled, abuse/postmaster/catch-all targets, smart host, blacklisted sender domains),
list, remove (its addresses go with it).

A domain belongs to one post office server-wide, so no post office can take addresses on another's
domain. Adding and removing domains is for server administrators: a tenant must not claim a domain
it does not own.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from provisioning import names
from provisioning.context import Context
from provisioning.errors import Conflict, InvalidInput
from provisioning.models import Address, Domain, Mailbox, TargetKind
from provisioning.principal import Principal
from provisioning.services._common import (
    Page,
    check_bool,
    find_domain,
    find_postoffice,
    paginate,
    reject_unknown,
)
from provisioning.settings import read_settings

_OPTIONS = {
    "disabled", "abuse_target", "postmaster_target", "catchall_target", "smarthost",
    "smarthost_authenticated_only", "blacklisted_sender_domains",
}


def _apply_options(domain: Domain, options: dict[str, Any]) -> None:
    reject_unknown(options, _OPTIONS)
    for flag in ("disabled", "smarthost_authenticated_only"):
        if flag in options:
            setattr(domain, flag, check_bool(options[flag], flag))
    for target in ("abuse_target", "postmaster_target", "catchall_target"):
        if target in options:
            value = options[target]
            setattr(domain, target, None if value in (None, "") else names.address(value, field=target))
    if "smarthost" in options:
        value = options["smarthost"]
        domain.smarthost = None if value in (None, "") else names.smarthost(value)
    if "blacklisted_sender_domains" in options:
        value = options["blacklisted_sender_domains"]
        if not isinstance(value, list):
            raise InvalidInput("blacklisted_sender_domains must be a list of domains", field="blacklisted_sender_domains")
        cleaned = [names.domain_name(d, field="blacklisted_sender_domains") for d in value]
        domain.blacklisted_sender_domains = sorted(set(cleaned))


def add_domain(ctx: Context, actor: Principal, postoffice: str | int, domain: str, **options: Any) -> Domain:
    actor.require_server_admin()
    name = names.domain_name(domain)
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice, write=True)
        return add_domain_in(session, po.id, name, **options)


def add_domain_in(session: Any, postoffice_id: int, name: str, **options: Any) -> Domain:
    """Add a validated domain inside the caller's transaction (the principal is already checked)."""
    if session.scalar(select(Domain.id).where(Domain.name == name)) is not None:
        raise Conflict(f"domain {name} is already in use", field="domain")
    row = Domain(postoffice_id=postoffice_id, name=name, disabled=False, blacklisted_sender_domains=[])
    _apply_options(row, options)
    session.add(row)
    session.flush()
    every = read_settings(session, ["directory.create_address_per_domain"], postoffice_id=postoffice_id)[
        "directory.create_address_per_domain"
    ]
    has_domains = session.scalar(
        select(Domain.id).where(Domain.postoffice_id == postoffice_id, Domain.id != row.id).limit(1)
    )
    # With the setting off, a post office's first domain still gives each mailbox one address.
    if every or has_domains is None:
        for mailbox in session.scalars(select(Mailbox).where(Mailbox.postoffice_id == postoffice_id)):
            session.add(Address(address=f"{mailbox.name_key}@{name}", postoffice_id=postoffice_id,
                                domain_id=row.id, target_kind=TargetKind.MAILBOX, mailbox_id=mailbox.id))
        session.flush()
    return row


def update_domain(ctx: Context, actor: Principal, domain: str, **options: Any) -> Domain:
    with ctx.db.transaction() as session:
        row = find_domain(session, actor, domain, write=True)
        _apply_options(row, options)
        session.flush()
        return row


def get_domain(ctx: Context, actor: Principal, domain: str) -> Domain:
    with ctx.db.transaction() as session:
        return find_domain(session, actor, domain)


def list_domains(
    ctx: Context, actor: Principal, postoffice: str | int | None = None, *, offset: int = 0, limit: int = 100
) -> Page[Domain]:
    with ctx.db.transaction() as session:
        query = select(Domain).order_by(Domain.name)
        if postoffice is not None:
            po = find_postoffice(session, actor, postoffice)
            query = query.where(Domain.postoffice_id == po.id)
        elif not actor.is_server_wide:
            query = query.where(Domain.postoffice_id.in_(sorted(actor.postoffice_ids or ())))
        return paginate(session, query, offset, limit)


def remove_domain(ctx: Context, actor: Principal, domain: str) -> None:
    actor.require_server_admin()
    with ctx.db.transaction() as session:
        row = find_domain(session, actor, domain, write=True)
        session.delete(row)

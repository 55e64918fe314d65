"""Lookups shared by the services, each checking the principal as it finds the object, and
paging of list results."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from provisioning import names
from provisioning.errors import Conflict, InvalidInput, NotFound
from provisioning.models import Address, Domain, Group, Mailbox, MailingList, PostOffice
from provisioning.principal import Principal
from provisioning.settings import read_settings

T = TypeVar("T")
MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    offset: int
    limit: int


def paginate(session: Session, query: Select[Any], offset: int, limit: int) -> Page[Any]:
    if not isinstance(offset, int) or offset < 0:
        raise InvalidInput("offset must be a non-negative integer", field="offset")
    if not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be from 1 to {MAX_PAGE}", field="limit")
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = session.scalars(query.offset(offset).limit(limit)).all()
    return Page(items, total, offset, limit)


def like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_postoffice(session: Session, actor: Principal, postoffice: str | int, *, write: bool = False) -> PostOffice:
    if isinstance(postoffice, int):
        found = session.get(PostOffice, postoffice)
    else:
        found = session.scalar(select(PostOffice).where(PostOffice.name_key == str(postoffice).lower()))
    if found is None:
        raise NotFound(f"no post office {postoffice!r}", field="postoffice")
    actor.require_postoffice(found.id, write=write)
    return found


def find_mailbox(session: Session, actor: Principal, po: PostOffice, name: str | int, *, write: bool = False) -> Mailbox:
    query = select(Mailbox).where(Mailbox.postoffice_id == po.id)
    query = query.where(Mailbox.id == name) if isinstance(name, int) else query.where(Mailbox.name_key == str(name).lower())
    found = session.scalar(query)
    if found is None:
        raise NotFound(f"no mailbox {name!r} in post office {po.name}", field="mailbox")
    actor.require_mailbox(po.id, found.id, write=write)
    return found


def find_mailbox_in(session: Session, actor: Principal, postoffice: str | int, name: str | int, *, write: bool = False) -> Mailbox:
    """A mailbox by post office and name. A USER principal may reach its own mailbox only."""
    if isinstance(postoffice, int):
        po = session.get(PostOffice, postoffice)
    else:
        po = session.scalar(select(PostOffice).where(PostOffice.name_key == str(postoffice).lower()))
    if po is None:
        raise NotFound(f"no post office {postoffice!r}", field="postoffice")
    return find_mailbox(session, actor, po, name, write=write)


def find_domain(session: Session, actor: Principal, name: str, *, write: bool = False) -> Domain:
    found = session.scalar(select(Domain).where(Domain.name == str(name).strip().rstrip(".").lower()))
    if found is None:
        raise NotFound(f"no domain {name!r}", field="domain")
    actor.require_postoffice(found.postoffice_id, write=write)
    return found


def find_group(session: Session, actor: Principal, po: PostOffice, name: str) -> Group:
    found = session.scalar(select(Group).where(Group.postoffice_id == po.id, Group.name_key == str(name).lower()))
    if found is None:
        raise NotFound(f"no group {name!r} in post office {po.name}", field="group")
    return found


def find_list(session: Session, actor: Principal, po: PostOffice, name: str) -> MailingList:
    found = session.scalar(
        select(MailingList).where(MailingList.postoffice_id == po.id, MailingList.name_key == str(name).lower())
    )
    if found is None:
        raise NotFound(f"no list {name!r} in post office {po.name}", field="list")
    return found


def domains_of(session: Session, po: PostOffice) -> list[Domain]:
    return list(session.scalars(select(Domain).where(Domain.postoffice_id == po.id).order_by(Domain.id)))


def require_free_address(session: Session, address: str, *, field: str = "address") -> None:
    if session.scalar(select(Address.id).where(Address.address == address)) is not None:
        raise Conflict(f"address {address} is already in use", field=field)


def domain_for_address(session: Session, po: PostOffice, address: str, *, field: str = "address") -> Domain:
    """The domain of ``address``, which must belong to ``po``."""
    domain_name = address.rpartition("@")[2]
    domain = session.scalar(select(Domain).where(Domain.name == domain_name))
    if domain is None or domain.postoffice_id != po.id:
        raise InvalidInput(f"{domain_name} is not a domain of post office {po.name}", field=field)
    return domain


def check_bool(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{field} must be true or false", field=field)
    return value


def check_text(value: object, field: str, *, max_length: int = 255, single_line: bool = True) -> str:
    if not isinstance(value, str) or len(value) > max_length or "\0" in value:
        raise InvalidInput(f"{field} must be text of at most {max_length} characters", field=field)
    if single_line and ("\r" in value or "\n" in value):
        raise InvalidInput(f"{field} must be a single line", field=field)
    return value


def check_quota(value: object, field: str = "quota_kb") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**40:
        raise InvalidInput("quota must be a whole number of KB from 0 (unlimited) upwards", field=field)
    return value


def reject_unknown(changes: dict[str, object], allowed: set[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(f"unknown field {unknown[0]!r}", field=unknown[0])


def name_free(session: Session, po: PostOffice, name: str) -> None:
    """Mailboxes, groups and lists share the local parts of a post office's addresses."""
    key = name.lower()
    for model in (Mailbox, Group, MailingList):
        if session.scalar(select(model.id).where(model.postoffice_id == po.id, model.name_key == key)):
            raise Conflict(f"{name} is already a mailbox, group or list name in {po.name}", field="name")


def plan_addresses(
    session: Session, po: PostOffice, name: str, explicit: list[str] | None = None, *, field: str = "name"
) -> list[tuple[str, int]]:
    """The (address, domain id) pairs a new mailbox, group or list named ``name`` gets: the
    addresses given, or name@domain on every domain of the post office (on its first domain only
    when ``directory.create_address_per_domain`` is off). Each must be free."""
    if explicit is not None:
        normalised = [names.address(a, field="addresses") for a in explicit]
        wanted = [(a, domain_for_address(session, po, a, field="addresses").id) for a in normalised]
    else:
        every = read_settings(session, ["directory.create_address_per_domain"], postoffice_id=po.id)[
            "directory.create_address_per_domain"
        ]
        domains = domains_of(session, po)
        wanted = [(f"{name.lower()}@{d.name}", d.id) for d in (domains if every else domains[:1])]
    for address, _ in wanted:
        require_free_address(session, address, field=field)
    return wanted

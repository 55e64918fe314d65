"""DKIM selectors per domain: RSA key pairs made here, the private key kept encrypted with the
server key, the options a signer reads (active, test mode, granularity, canonicalization, body
length limit, identity), and the DNS TXT record to publish."""
from __future__ import annotations

import base64
import re
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from provisioning.context import Context
from provisioning.errors import Conflict, InvalidInput, NotFound
from provisioning.models import DkimSelector, Domain
from provisioning.principal import Principal
from provisioning.services._common import check_bool, check_text, find_domain, reject_unknown

KEY_SIZES = (1024, 2048, 4096)
_SELECTOR = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$")
_OPTIONS = {"active", "test_mode", "granularity", "notes", "canonicalization_header", "canonicalization_body",
            "body_length_limit", "include_identity"}


def _apply_options(row: DkimSelector, options: dict[str, Any]) -> None:
    reject_unknown(options, _OPTIONS)
    for flag in ("active", "test_mode", "body_length_limit", "include_identity"):
        if flag in options:
            setattr(row, flag, check_bool(options[flag], flag))
    for field in ("canonicalization_header", "canonicalization_body"):
        if field in options:
            if options[field] not in ("simple", "relaxed"):
                raise InvalidInput(f"{field} must be simple or relaxed", field=field)
            setattr(row, field, options[field])
    if "granularity" in options:
        value = check_text(options["granularity"], "granularity", max_length=64)
        if value and not re.match(r"^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]*\*?[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]*$", value):
            raise InvalidInput("granularity must be a local-part pattern with at most one *", field="granularity")
        row.granularity = value
    if "notes" in options:
        row.notes = check_text(options["notes"], "notes", max_length=4000, single_line=False)


def create_selector(
    ctx: Context, actor: Principal, domain: str, selector: str, *, key_size: int = 2048, **options: Any
) -> DkimSelector:
    if not isinstance(selector, str) or not _SELECTOR.match(selector.lower()):
        raise InvalidInput("a selector is one or more DNS labels (letters, digits, hyphens)", field="selector")
    if key_size not in KEY_SIZES:
        raise InvalidInput(f"key_size must be one of {', '.join(map(str, KEY_SIZES))}", field="key_size")
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_der = key.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    with ctx.db.transaction() as session:
        owner = find_domain(session, actor, domain, write=True)
        if session.scalar(select(DkimSelector.id).where(DkimSelector.domain_id == owner.id,
                                                        DkimSelector.selector == selector.lower())):
            raise Conflict(f"selector {selector} already exists for {owner.name}", field="selector")
        row = DkimSelector(
            domain_id=owner.id, selector=selector.lower(), key_size=key_size,
            private_key_encrypted=ctx.keyring.encrypt(private_pem),
            public_key=base64.b64encode(public_der).decode(), active=True, test_mode=False, granularity="",
            notes="", canonicalization_header="relaxed", canonicalization_body="relaxed",
            body_length_limit=False, include_identity=False,
        )
        _apply_options(row, options)
        session.add(row)
        session.flush()
        return row


def _find(session: Any, actor: Principal, domain: str, selector: str, *, write: bool = False) -> DkimSelector:
    owner = find_domain(session, actor, domain, write=write)
    row = session.scalar(select(DkimSelector).where(DkimSelector.domain_id == owner.id,
                                                    DkimSelector.selector == str(selector).lower()))
    if row is None:
        raise NotFound(f"no selector {selector} for {owner.name}", field="selector")
    return row


def update_selector(ctx: Context, actor: Principal, domain: str, selector: str, **options: Any) -> DkimSelector:
    with ctx.db.transaction() as session:
        row = _find(session, actor, domain, selector, write=True)
        _apply_options(row, options)
        session.flush()
        return row


def delete_selector(ctx: Context, actor: Principal, domain: str, selector: str) -> None:
    with ctx.db.transaction() as session:
        session.delete(_find(session, actor, domain, selector, write=True))


def list_selectors(ctx: Context, actor: Principal, domain: str) -> list[DkimSelector]:
    with ctx.db.transaction() as session:
        owner = find_domain(session, actor, domain)
        return list(session.scalars(select(DkimSelector).where(DkimSelector.domain_id == owner.id)
                                    .order_by(DkimSelector.selector)))


def dns_record(ctx: Context, actor: Principal, domain: str, selector: str) -> tuple[str, str]:
    """(record name, TXT value) to publish for a selector."""
    with ctx.db.transaction() as session:
        row = _find(session, actor, domain, selector)
        domain_name = session.get(Domain, row.domain_id).name
    tags = ["v=DKIM1", "k=rsa"]
    if row.test_mode:
        tags.append("t=y")
    if row.granularity:
        tags.append(f"g={row.granularity}")
    tags.append(f"p={row.public_key}")
    return f"{row.selector}._domainkey.{domain_name}", "; ".join(tags)


def private_key_pem(ctx: Context, row: DkimSelector) -> bytes:
    """The signing key (for the outbound signer; never shown to an API client)."""
    return ctx.keyring.decrypt(row.private_key_encrypted)

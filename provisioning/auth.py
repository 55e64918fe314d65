"""Authentication shared by every protocol: login names, password checks, throttling, and the
secrets that legacy SASL mechanisms need.

Login names: ``mailbox@postoffice``; the same with an alternate ``@`` character from the
``auth.alternate_at_chars`` setting (``mailbox#postoffice``); a bare ``mailbox`` under the post
office named by ``server.default_postoffice``; or any email address that the address map points at
the mailbox. A disabled mailbox or post office, or one with "prevent authentication", never logs in.

Throttling: failures are counted per client IP and per login name over a window, in the database
so every node sees them. Past ``auth.slowdown_after_failures`` each failure carries a delay the
protocol adapter waits before answering; past ``auth.lockout_failures`` logins from that IP or for
that name are refused until the lock-out ends. This module never sleeps (protocol cores are
sans-IO): it returns the delay.

Legacy mechanisms (CRAM-MD5, APOP) need a password-equivalent. Only while ``auth.legacy_mechanisms``
is on is one kept, encrypted with the server key; turning the setting off erases them all.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from provisioning.context import Context
from provisioning.db import utcnow
from provisioning.errors import AuthenticationFailed
from provisioning.keyring import Keyring
from provisioning.models import (
    Address,
    LoginThrottle,
    Mailbox,
    MailboxType,
    PostOffice,
    TargetKind,
)
from provisioning.passwords import (
    PasswordPolicy,
    hash_password,
    needs_rehash,
    verify_password,
)
from provisioning.principal import Principal, Role
from provisioning.settings.store import on_setting_written, read_settings


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the login name matches no mailbox, so that a wrong name costs as
    much time as a wrong password and names cannot be probed by timing. Made on first use: hashing
    costs tens of milliseconds that every command-line start would otherwise pay."""
    return hash_password("mailhive-timing-equaliser")

_THROTTLE_SETTINGS = [
    "auth.slowdown_after_failures",
    "auth.slowdown_seconds",
    "auth.lockout_failures",
    "auth.lockout_window_minutes",
    "auth.lockout_minutes",
]


class LoginFailed(AuthenticationFailed):
    """A refused login. ``delay`` is how long the adapter should wait before it answers."""

    def __init__(self, message: str, *, delay: float = 0.0, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.delay = delay


@dataclass(frozen=True, slots=True)
class AuthResult:
    mailbox_id: int
    postoffice_id: int
    mailbox_name: str
    postoffice_name: str
    principal: Principal
    must_change_password: bool


# --- passwords ---------------------------------------------------------------------------------

def password_policy(session: Session, postoffice_id: int | None) -> PasswordPolicy:
    values = read_settings(
        session,
        ["password.min_length", "password.require_digit", "password.require_upper", "password.require_symbol"],
        postoffice_id=postoffice_id,
    )
    return PasswordPolicy(
        min_length=values["password.min_length"],
        require_digit=values["password.require_digit"],
        require_upper=values["password.require_upper"],
        require_symbol=values["password.require_symbol"],
    )


def legacy_mechanisms_enabled(session: Session) -> bool:
    return bool(read_settings(session, ["auth.legacy_mechanisms"])["auth.legacy_mechanisms"])


def password_columns(session: Session, keyring: Keyring, password: str) -> dict[str, object]:
    """Column values for a mailbox whose password becomes ``password`` (policy already checked)."""
    return {
        "password_hash": hash_password(password),
        "legacy_secret": keyring.encrypt(password.encode()) if legacy_mechanisms_enabled(session) else None,
        "password_changed_at": utcnow(),
    }


def legacy_secret(keyring: Keyring, mailbox: Mailbox) -> str | None:
    """The password-equivalent for CRAM-MD5/APOP, or None when none is kept for this mailbox."""
    if mailbox.legacy_secret is None:
        return None
    return keyring.decrypt(mailbox.legacy_secret).decode()


@on_setting_written("auth.legacy_mechanisms")
def _erase_legacy_secrets_when_disabled(session: Session, enabled: object) -> None:
    if not enabled:
        session.execute(update(Mailbox).values(legacy_secret=None))


# --- login names -------------------------------------------------------------------------------

def principal_for(mailbox: Mailbox) -> Principal:
    if mailbox.type is MailboxType.SYSADMIN:
        return Principal(Role.SYSADMIN, mailbox.name, mailbox_id=mailbox.id)
    if mailbox.type is MailboxType.ADMIN:
        return Principal(
            Role.ADMIN, mailbox.name, mailbox_id=mailbox.id, postoffice_ids=frozenset({mailbox.postoffice_id})
        )
    return Principal(Role.USER, mailbox.name, mailbox_id=mailbox.id, postoffice_ids=frozenset({mailbox.postoffice_id}))


def _split_login(session: Session, username: str) -> tuple[str, str | None]:
    """(local, qualifier) where qualifier is a post office name or a domain, or None if bare."""
    name = username.strip()
    if "@" in name:
        local, _, qualifier = name.rpartition("@")
        return local, qualifier
    alternates = read_settings(session, ["auth.alternate_at_chars"])["auth.alternate_at_chars"]
    positions = [name.rfind(ch) for ch in alternates if ch in name]
    if positions:
        at = max(positions)
        return name[:at], name[at + 1 :]
    return name, None


def resolve_login(session: Session, username: str) -> Mailbox | None:
    """The mailbox a login name refers to, or None. Does not look at passwords or flags."""
    if not username or len(username) > 640 or any(ord(ch) < 32 for ch in username):
        return None
    local, qualifier = _split_login(session, username)
    if not local:
        return None
    if qualifier is None:
        default_po = read_settings(session, ["server.default_postoffice"])["server.default_postoffice"]
        if not default_po:
            return None
        qualifier = default_po
    elif "@" in username:
        by_address = session.scalar(
            select(Mailbox)
            .join(Address, Address.mailbox_id == Mailbox.id)
            .where(Address.address == f"{local}@{qualifier}".lower(), Address.target_kind == TargetKind.MAILBOX)
        )
        if by_address is not None:
            return by_address
    return session.scalar(
        select(Mailbox)
        .join(PostOffice, PostOffice.id == Mailbox.postoffice_id)
        .where(PostOffice.name_key == qualifier.lower(), Mailbox.name_key == local.lower())
    )


# --- throttling --------------------------------------------------------------------------------

def _throttle_keys(username: str, remote_ip: str | None) -> list[str]:
    keys = [f"user:{username.strip().lower()[:380]}"]
    if remote_ip:
        keys.append(f"ip:{remote_ip}")
    return keys


def _locked(session: Session, keys: list[str], now: dt.datetime) -> bool:
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).all()
    return any(r.locked_until is not None and r.locked_until > now for r in rows)


def _insert_ignore(session: Session, key: str, now: dt.datetime) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(LoginThrottle)
        .values(key=key, failures=0, window_start=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )


def _record_failure(ctx: Context, keys: list[str], now: dt.datetime) -> float:
    """Count one failure against each key; returns the delay the caller should impose."""
    with ctx.db.transaction() as session:
        limits = read_settings(session, _THROTTLE_SETTINGS)
        window = dt.timedelta(minutes=limits["auth.lockout_window_minutes"])
        worst = 0
        for key in keys:
            _insert_ignore(session, key, now)
            row = session.scalars(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()).one()
            if now - row.window_start > window:
                row.failures, row.window_start, row.locked_until = 0, now, None
            row.failures += 1
            if limits["auth.lockout_failures"] and row.failures >= limits["auth.lockout_failures"]:
                row.locked_until = now + dt.timedelta(minutes=limits["auth.lockout_minutes"])
            worst = max(worst, row.failures)
    if worst >= limits["auth.slowdown_after_failures"]:
        return float(limits["auth.slowdown_seconds"])
    return 0.0


def _clear_user_failures(session: Session, username: str) -> None:
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == _throttle_keys(username, None)[0])
        .values(failures=0, locked_until=None)
    )


# --- authenticate ------------------------------------------------------------------------------

def _usable(session: Session, mailbox: Mailbox | None) -> bool:
    if mailbox is None or mailbox.disabled or mailbox.prevent_authentication:
        return False
    postoffice = session.get(PostOffice, mailbox.postoffice_id)
    return postoffice is not None and not postoffice.disabled


def authenticate(
    ctx: Context,
    username: str,
    password: str | None = None,
    *,
    verifier: Callable[[str], bool] | None = None,
    remote_ip: str | None = None,
    now: dt.datetime | None = None,
) -> AuthResult:
    """Check a login by password, or by ``verifier`` (given the legacy secret, for CRAM-MD5/APOP).

    Raises LoginFailed (same message whatever was wrong, so nothing leaks) with the delay to
    impose, or with code ``locked_out`` while a lock-out lasts.
    """
    now = now or utcnow()
    keys = _throttle_keys(username, remote_ip)
    with ctx.db.transaction() as session:
        if _locked(session, keys, now):
            raise LoginFailed("too many failed logins; try again later", code="locked_out")
        mailbox = resolve_login(session, username)
        ok = _check_credentials(ctx, session, mailbox, password, verifier) and _usable(session, mailbox)
        if ok and mailbox is not None:
            _after_success(ctx, session, mailbox, password, username)
            postoffice = session.get(PostOffice, mailbox.postoffice_id)
            assert postoffice is not None
            return AuthResult(
                mailbox_id=mailbox.id,
                postoffice_id=mailbox.postoffice_id,
                mailbox_name=mailbox.name,
                postoffice_name=postoffice.name,
                principal=principal_for(mailbox),
                must_change_password=mailbox.must_change_password,
            )
    delay = _record_failure(ctx, keys, now)
    raise LoginFailed("authentication failed", delay=delay)


def _check_credentials(
    ctx: Context,
    session: Session,
    mailbox: Mailbox | None,
    password: str | None,
    verifier: Callable[[str], bool] | None,
) -> bool:
    if password is not None:
        return verify_password(mailbox.password_hash if mailbox else _dummy_hash(), password) and mailbox is not None
    if verifier is not None and mailbox is not None and legacy_mechanisms_enabled(session):
        secret = legacy_secret(ctx.keyring, mailbox)
        return secret is not None and verifier(secret)
    return False


def _after_success(ctx: Context, session: Session, mailbox: Mailbox, password: str | None, username: str) -> None:
    _clear_user_failures(session, username)
    if password is None:
        return
    if needs_rehash(mailbox.password_hash):
        mailbox.password_hash = hash_password(password)
    if mailbox.legacy_secret is None and legacy_mechanisms_enabled(session):
        # Mailboxes created while the setting was off get their secret at their next login.
        mailbox.legacy_secret = ctx.keyring.encrypt(password.encode())


__all__ = [
    "AuthResult",
    "LoginFailed",
    "authenticate",
    "legacy_mechanisms_enabled",
    "legacy_secret",
    "password_columns",
    "password_policy",
    "principal_for",
    "resolve_login",
]

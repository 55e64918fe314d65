"""Authentication over the real directory tables: login name forms, refusals, throttling,
lock-out and the legacy-mechanism secrets."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest
from sqlalchemy import select

from provisioning.auth import (
    LoginFailed,
    authenticate,
    legacy_secret,
    password_columns,
    resolve_login,
)
from provisioning.context import Context
from provisioning.db import Database, utcnow
from provisioning.keyring import Keyring
from provisioning.models import Address, Domain, LoginThrottle, Mailbox, MailboxType, PostOffice, TargetKind
from provisioning.principal import Principal, Role
from provisioning.settings import write_setting

SYSTEM = Principal.system()


@pytest.fixture
def actx(db: Database, keyring: Keyring) -> Context:
    """A context with one post office ``acme`` (domain acme.test) and mailboxes alice and boss."""
    context = Context(db=db, keyring=keyring)
    with db.transaction() as s:
        po = PostOffice(name="Acme", name_key="acme")
        s.add(po)
        s.flush()
        domain = Domain(postoffice_id=po.id, name="acme.test")
        s.add(domain)
        s.flush()
        for name, kind in (("alice", MailboxType.USER), ("boss", MailboxType.ADMIN)):
            mb = Mailbox(postoffice_id=po.id, name=name, name_key=name, type=kind,
                         **password_columns(s, keyring, f"{name}-secret-1"))
            s.add(mb)
            s.flush()
            s.add(Address(address=f"{name}@acme.test", postoffice_id=po.id, domain_id=domain.id,
                          target_kind=TargetKind.MAILBOX, mailbox_id=mb.id))
        s.add(Address(address="a.smith@acme.test", postoffice_id=po.id, domain_id=domain.id,
                      target_kind=TargetKind.MAILBOX, mailbox_id=s.scalar(select(Mailbox.id).where(Mailbox.name == "alice"))))
    return context


@pytest.mark.parametrize(
    "login",
    ["alice@acme", "ALICE@Acme", "alice#acme", "alice$acme", "alice%acme", "alice@acme.test", "a.smith@acme.test"],
)
def test_every_login_form_reaches_the_mailbox(actx: Context, login: str) -> None:
    result = authenticate(actx, login, "alice-secret-1", remote_ip="127.0.0.1")
    assert result.mailbox_name == "alice"
    assert result.postoffice_name == "Acme"
    assert result.principal.role is Role.USER


def test_bare_name_needs_a_default_post_office(actx: Context) -> None:
    with pytest.raises(LoginFailed):
        authenticate(actx, "alice", "alice-secret-1")
    with actx.db.transaction() as s:
        write_setting(s, SYSTEM, "server.default_postoffice", "acme")
    assert authenticate(actx, "alice", "alice-secret-1").mailbox_name == "alice"


def test_alternate_characters_follow_the_setting(actx: Context) -> None:
    with actx.db.transaction() as s:
        write_setting(s, SYSTEM, "auth.alternate_at_chars", "#")
    assert authenticate(actx, "alice#acme", "alice-secret-1").mailbox_name == "alice"
    with pytest.raises(LoginFailed):
        authenticate(actx, "alice%acme", "alice-secret-1")


def test_admin_mailbox_gets_an_admin_principal_of_its_post_office(actx: Context) -> None:
    result = authenticate(actx, "boss@acme", "boss-secret-1")
    assert result.principal.role is Role.ADMIN
    assert result.principal.postoffice_ids == frozenset({result.postoffice_id})


@pytest.mark.parametrize("flag", ["disabled", "prevent_authentication", "postoffice_disabled"])
def test_disabled_accounts_are_refused_with_the_same_message(actx: Context, flag: str) -> None:
    with actx.db.transaction() as s:
        mb = s.scalars(select(Mailbox).where(Mailbox.name == "alice")).one()
        if flag == "postoffice_disabled":
            s.get(PostOffice, mb.postoffice_id).disabled = True
        else:
            setattr(mb, flag, True)
    with pytest.raises(LoginFailed) as refused:
        authenticate(actx, "alice@acme", "alice-secret-1")
    assert refused.value.message == "authentication failed"


def test_wrong_password_and_unknown_user_look_the_same(actx: Context) -> None:
    with pytest.raises(LoginFailed) as wrong:
        authenticate(actx, "alice@acme", "nope")
    with pytest.raises(LoginFailed) as unknown:
        authenticate(actx, "nobody@acme", "nope")
    assert wrong.value.message == unknown.value.message == "authentication failed"


@pytest.mark.parametrize("login", ["", "@", "alice@", "\x00alice@acme", "x" * 700])
def test_malformed_login_names_resolve_to_nothing(actx: Context, login: str) -> None:
    with actx.db.transaction() as s:
        assert resolve_login(s, login) is None


def test_failures_slow_down_then_lock_out_and_the_lock_expires(actx: Context) -> None:
    with actx.db.transaction() as s:
        write_setting(s, SYSTEM, "auth.slowdown_after_failures", 2)
        write_setting(s, SYSTEM, "auth.slowdown_seconds", 3)
        write_setting(s, SYSTEM, "auth.lockout_failures", 4)
        write_setting(s, SYSTEM, "auth.lockout_minutes", 10)
    now = utcnow()
    delays = []
    for _ in range(4):
        with pytest.raises(LoginFailed) as refused:
            authenticate(actx, "alice@acme", "wrong", remote_ip="10.9.9.9", now=now)
        delays.append(refused.value.delay)
    assert delays == [0.0, 3.0, 3.0, 3.0]
    # Locked: even the right password is refused, from that IP and for that name.
    with pytest.raises(LoginFailed) as locked:
        authenticate(actx, "alice@acme", "alice-secret-1", remote_ip="10.1.1.1", now=now)
    assert locked.value.code == "locked_out"
    later = now + dt.timedelta(minutes=11)
    assert authenticate(actx, "alice@acme", "alice-secret-1", remote_ip="10.1.1.1", now=later).mailbox_name == "alice"


def test_success_clears_the_user_counter(actx: Context) -> None:
    with pytest.raises(LoginFailed):
        authenticate(actx, "alice@acme", "wrong")
    authenticate(actx, "alice@acme", "alice-secret-1")
    with actx.db.transaction() as s:
        row = s.get(LoginThrottle, "user:alice@acme")
        assert row is not None and row.failures == 0


def _cram_md5(secret: str, challenge: bytes) -> str:
    return hmac.new(secret.encode(), challenge, hashlib.md5).hexdigest()


def test_legacy_secret_kept_only_while_enabled(actx: Context, keyring: Keyring) -> None:
    challenge = b"<1896.697170952@mail.test>"
    expected = _cram_md5("alice-secret-1", challenge)

    def verifier(secret: str) -> bool:
        return hmac.compare_digest(_cram_md5(secret, challenge), expected)

    # Off by default: no secret stored, the mechanism cannot succeed.
    with pytest.raises(LoginFailed):
        authenticate(actx, "alice@acme", verifier=verifier)
    with actx.db.transaction() as s:
        write_setting(s, SYSTEM, "auth.cram_md5", "true")
    # Mailboxes from before the switch get their secret at the next password login.
    authenticate(actx, "alice@acme", "alice-secret-1")
    assert authenticate(actx, "alice@acme", verifier=verifier).mailbox_name == "alice"
    with actx.db.transaction() as s:
        mb = s.scalars(select(Mailbox).where(Mailbox.name == "alice")).one()
        assert legacy_secret(keyring, mb) == "alice-secret-1"
        assert b"alice-secret-1" not in mb.legacy_secret  # encrypted at rest
        write_setting(s, SYSTEM, "auth.legacy_mechanisms", False)
    with actx.db.transaction() as s:
        assert s.scalars(select(Mailbox.legacy_secret)).all() == [None, None]


def test_no_plaintext_password_at_rest(actx: Context) -> None:
    with actx.db.transaction() as s:
        for mb in s.scalars(select(Mailbox)):
            assert "secret" not in mb.password_hash
            assert mb.password_hash.startswith("$argon2id$")

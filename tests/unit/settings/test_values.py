"""Setting values at their scopes, on SQLite and PostgreSQL: resolution from the mailbox to its
post office, the server and the default; writes refused at scopes a setting does not allow or by
principals who may not administer that scope (refusals change nothing); and the
``auth.legacy_mechanisms`` hook that erases legacy secrets."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from provisioning.context import Context
from provisioning.errors import InvalidInput, NotFound, PermissionDenied
from provisioning.models import Mailbox, PostOffice, SettingScope, SettingValue
from provisioning.principal import Principal, Role
from provisioning.services.mailboxes import create_mailbox, update_mailbox
from provisioning.services.postoffices import create_postoffice
from provisioning.settings import (
    REGISTRY,
    SettingType,
    define,
    read_setting,
    read_settings,
    unset_setting,
    write_setting,
)

SYSTEM = Principal.system("test")
SCOPED = "test.mailbox_scoped"


@pytest.fixture(scope="module")
def mailbox_setting() -> Iterator[str]:
    """A setting allowed at every scope (the foundation's catalogue has none yet)."""
    define(SCOPED, SettingType.INT, 1, "a test setting allowed per mailbox",
           scopes=(SettingScope.SERVER, SettingScope.POSTOFFICE, SettingScope.MAILBOX), minimum=0, maximum=100)
    yield SCOPED
    REGISTRY.pop(SCOPED)


def _setup(ctx: Context) -> tuple[PostOffice, PostOffice, Mailbox, Mailbox]:
    acme = create_postoffice(ctx, SYSTEM, "acme", "long-enough-1")
    other = create_postoffice(ctx, SYSTEM, "other", "long-enough-1")
    alice = create_mailbox(ctx, SYSTEM, "acme", "alice", "long-enough-1").mailbox
    bob = create_mailbox(ctx, SYSTEM, "acme", "bob", "long-enough-1").mailbox
    return acme, other, alice, bob


def _count_values(ctx: Context) -> int:
    with ctx.db.sessions() as session:
        return session.scalar(select(func.count()).select_from(SettingValue)) or 0


def test_resolution_runs_mailbox_postoffice_server_default(ctx: Context, mailbox_setting: str) -> None:
    acme, other, alice, bob = _setup(ctx)

    def value(postoffice: PostOffice | None = None, mailbox: Mailbox | None = None) -> int:
        with ctx.db.sessions() as session:
            return read_setting(session, mailbox_setting, postoffice_id=postoffice.id if postoffice else None,
                                mailbox_id=mailbox.id if mailbox else None)

    assert value(acme, alice) == 1  # the default
    with ctx.db.transaction() as session:
        write_setting(session, SYSTEM, mailbox_setting, "5")
    assert (value(), value(acme), value(acme, alice)) == (5, 5, 5)
    with ctx.db.transaction() as session:
        write_setting(session, SYSTEM, mailbox_setting, 6, postoffice_id=acme.id)
    assert (value(), value(other), value(acme), value(acme, alice)) == (5, 5, 6, 6)
    with ctx.db.transaction() as session:
        write_setting(session, SYSTEM, mailbox_setting, 7, postoffice_id=acme.id, mailbox_id=alice.id)
    assert (value(acme, alice), value(acme, bob), value(acme)) == (7, 6, 6)
    with ctx.db.sessions() as session:
        both = read_settings(session, [mailbox_setting, "password.min_length"], postoffice_id=acme.id,
                             mailbox_id=alice.id)
    assert both == {mailbox_setting: 7, "password.min_length": 8}

    with ctx.db.transaction() as session:
        unset_setting(session, SYSTEM, mailbox_setting, postoffice_id=acme.id, mailbox_id=alice.id)
    assert value(acme, alice) == 6
    with ctx.db.transaction() as session:
        unset_setting(session, SYSTEM, mailbox_setting, postoffice_id=acme.id)
    assert value(acme, alice) == 5
    with ctx.db.transaction() as session:
        unset_setting(session, SYSTEM, mailbox_setting)
    assert value(acme, alice) == 1


def test_values_at_scopes_a_setting_does_not_allow_are_ignored(ctx: Context) -> None:
    acme, _, alice, _ = _setup(ctx)
    with ctx.db.transaction() as session:  # a stray row, as an older version might have left
        session.add(SettingValue(setting_id="server.hostname", scope=SettingScope.POSTOFFICE, scope_id=acme.id,
                                 value="stray.test"))
    with ctx.db.sessions() as session:
        assert read_setting(session, "server.hostname", postoffice_id=acme.id, mailbox_id=alice.id) == "localhost"


def test_a_write_at_a_scope_the_setting_does_not_allow_is_refused(ctx: Context) -> None:
    acme, _, alice, _ = _setup(ctx)
    before = _count_values(ctx)
    with pytest.raises(InvalidInput) as caught, ctx.db.transaction() as session:
        write_setting(session, SYSTEM, "server.hostname", "mail.acme.test", postoffice_id=acme.id)
    assert "cannot be set per postoffice" in caught.value.message and "server" in caught.value.message
    with pytest.raises(InvalidInput), ctx.db.transaction() as session:
        write_setting(session, SYSTEM, "password.min_length", 12, postoffice_id=acme.id, mailbox_id=alice.id)
    with pytest.raises(InvalidInput) as caught, ctx.db.transaction() as session:
        write_setting(session, SYSTEM, "password.min_length", 500, postoffice_id=acme.id)
    assert "an integer from 1 to 128" in caught.value.message
    assert _count_values(ctx) == before


def test_a_mailbox_value_needs_its_post_office(ctx: Context, mailbox_setting: str) -> None:
    _, _, alice, _ = _setup(ctx)
    with pytest.raises(InvalidInput), ctx.db.transaction() as session:
        write_setting(session, SYSTEM, mailbox_setting, 3, mailbox_id=alice.id)


def test_a_post_office_admin_writes_only_its_own_post_office(ctx: Context) -> None:
    acme, other, _, _ = _setup(ctx)
    admin = Principal(Role.ADMIN, "postmaster", postoffice_ids=frozenset({acme.id}))
    before = _count_values(ctx)
    with pytest.raises(PermissionDenied), ctx.db.transaction() as session:
        write_setting(session, admin, "password.min_length", 12)
    with pytest.raises(PermissionDenied), ctx.db.transaction() as session:
        unset_setting(session, admin, "password.min_length")
    with pytest.raises(NotFound), ctx.db.transaction() as session:  # another tenant looks absent
        write_setting(session, admin, "password.min_length", 12, postoffice_id=other.id)
    assert _count_values(ctx) == before

    with ctx.db.transaction() as session:
        write_setting(session, admin, "password.min_length", 12, postoffice_id=acme.id)
    with ctx.db.sessions() as session:
        assert read_setting(session, "password.min_length", postoffice_id=acme.id) == 12
        assert read_setting(session, "password.min_length", postoffice_id=other.id) == 8


def test_users_and_read_only_keys_cannot_write(ctx: Context) -> None:
    acme, _, alice, _ = _setup(ctx)
    user = Principal(Role.USER, "alice", mailbox_id=alice.id, postoffice_ids=frozenset({acme.id}))
    key = Principal(Role.APIKEY, "reader", read_only=True)
    with pytest.raises(NotFound), ctx.db.transaction() as session:
        write_setting(session, user, "password.min_length", 12, postoffice_id=acme.id)
    with pytest.raises(PermissionDenied), ctx.db.transaction() as session:
        write_setting(session, key, "server.hostname", "x.test")
    assert _count_values(ctx) == 0


def _legacy_secrets(ctx: Context) -> list[bytes | None]:
    with ctx.db.sessions() as session:
        return list(session.scalars(select(Mailbox.legacy_secret).order_by(Mailbox.id)))


def test_turning_legacy_mechanisms_off_erases_every_legacy_secret(ctx: Context) -> None:
    _setup(ctx)
    assert all(secret is None for secret in _legacy_secrets(ctx))  # off by default: none kept
    with ctx.db.transaction() as session:
        write_setting(session, SYSTEM, "auth.cram_md5", "true")
    update_mailbox(ctx, SYSTEM, "acme", "alice", password="new-password-1")
    create_mailbox(ctx, SYSTEM, "acme", "carol", "long-enough-1")
    kept = [s for s in _legacy_secrets(ctx) if s is not None]
    assert len(kept) == 2
    assert all(ctx.keyring.decrypt(s) in (b"new-password-1", b"long-enough-1") for s in kept)

    with ctx.db.transaction() as session:
        write_setting(session, SYSTEM, "auth.legacy_mechanisms", False)
    assert all(secret is None for secret in _legacy_secrets(ctx))

    # Unsetting (back to the default, off) erases as well.
    with ctx.db.transaction() as session:
        write_setting(session, SYSTEM, "auth.legacy_mechanisms", True)
    update_mailbox(ctx, SYSTEM, "acme", "bob", password="another-pass-1")
    assert any(secret is not None for secret in _legacy_secrets(ctx))
    with ctx.db.transaction() as session:
        unset_setting(session, SYSTEM, "auth.legacy_mechanisms")
    assert all(secret is None for secret in _legacy_secrets(ctx))

"""Directory services against the real database with the store attached: post offices, domains,
mailboxes, the address map, groups, lists, mailbox options, DKIM, host headers, tenancy."""
from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import func, select

from mailnodes.store import MessageStore, SpecialUse
from provisioning.auth import authenticate
from provisioning.context import Context
from provisioning.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from provisioning.models import Address, Mailbox, MailboxType, SettingValue, TargetKind
from provisioning.principal import Principal, Role
from provisioning.services import (
    addresses,
    dkim,
    domains,
    groups,
    hostheaders,
    lists,
    mailbox_options,
    mailboxes,
    postoffices,
)
from provisioning.settings import read_setting, write_setting

SYSTEM = Principal.system()
PW = "correct horse 1"


@pytest.fixture
def acme(ctx: Context) -> Context:
    postoffices.create_postoffice(ctx, SYSTEM, "Acme", PW)
    domains.add_domain(ctx, SYSTEM, "acme", "acme.test")
    return ctx


def admin_of(ctx: Context, po: str) -> Principal:
    return authenticate(ctx, f"postmaster@{po}", PW).principal


def test_create_postoffice_makes_an_admin_postmaster_with_folders(ctx: Context, store: MessageStore) -> None:
    po = postoffices.create_postoffice(ctx, SYSTEM, "Acme", PW)
    postmaster = mailboxes.get_mailbox(ctx, SYSTEM, "acme", "postmaster")
    assert postmaster.type is MailboxType.ADMIN and postmaster.postoffice_id == po.id
    inbox = store.special_folder(postmaster.id, SpecialUse.INBOX)
    assert inbox.message_count == 1  # the welcome message
    welcome = store.read(postmaster.id, inbox.id, 1)
    assert b"Subject: Welcome to your new mailbox" in welcome
    assert authenticate(ctx, "postmaster@acme", PW).principal.role is Role.ADMIN


@pytest.mark.parametrize("bad", ["", "a b", "a@b", "a:b", "a[b", "a]b", "a*b", "a?b", "a/b", "a\\b", "x" * 65])
def test_postoffice_name_rules(ctx: Context, bad: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        postoffices.create_postoffice(ctx, SYSTEM, bad, PW)
    assert refused.value.field == "name"
    assert postoffices.list_postoffices(ctx, SYSTEM).total == 0


def test_names_are_unique_case_insensitively(acme: Context) -> None:
    with pytest.raises(Conflict):
        postoffices.create_postoffice(acme, SYSTEM, "ACME", PW)
    mailboxes.create_mailbox(acme, SYSTEM, "acme", "Alice", PW)
    with pytest.raises(Conflict):
        mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW)
    with pytest.raises(Conflict):
        groups.create_group(acme, SYSTEM, "acme", "ALICE")


def test_weak_password_changes_nothing(ctx: Context) -> None:
    with pytest.raises(InvalidInput) as refused:
        postoffices.create_postoffice(ctx, SYSTEM, "acme", "short")
    assert refused.value.field == "password"
    assert postoffices.list_postoffices(ctx, SYSTEM).total == 0


def test_mailbox_gets_an_address_per_domain_following_the_setting(acme: Context) -> None:
    domains.add_domain(acme, SYSTEM, "acme", "acme.example")
    created = mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW)
    assert sorted(created.addresses) == ["alice@acme.example", "alice@acme.test"]
    with acme.db.transaction() as s:
        write_setting(s, SYSTEM, "directory.create_address_per_domain", False,
                      postoffice_id=created.mailbox.postoffice_id)
    bob = mailboxes.create_mailbox(acme, SYSTEM, "acme", "bob", PW)
    assert bob.addresses == ("bob@acme.test",)
    domains.add_domain(acme, SYSTEM, "acme", "third.test")
    assert "bob@third.test" not in mailboxes.mailbox_addresses(acme, SYSTEM, "acme", "bob")


def test_adding_a_domain_gives_existing_mailboxes_addresses(acme: Context) -> None:
    mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW)
    domains.add_domain(acme, SYSTEM, "acme", "Acme-Two.TEST")
    assert "alice@acme-two.test" in mailboxes.mailbox_addresses(acme, SYSTEM, "acme", "alice")
    assert authenticate(acme, "alice@acme-two.test", PW).mailbox_name == "alice"


def test_generated_password_satisfies_the_policy_and_works(acme: Context) -> None:
    with acme.db.transaction() as s:
        write_setting(s, SYSTEM, "password.require_symbol", True)
    created = mailboxes.create_mailbox(acme, SYSTEM, "acme", "gen")
    assert created.generated_password and len(created.generated_password) >= 16
    assert not created.generated_password.isalnum()
    assert authenticate(acme, "gen@acme", created.generated_password).mailbox_name == "gen"


@pytest.mark.parametrize("bad", ["", "a b", "a@b", "a#b", "a$b", "a%b", ".a", "a..b", "x" * 65])
def test_mailbox_name_rules(acme: Context, bad: str) -> None:
    with pytest.raises(InvalidInput):
        mailboxes.create_mailbox(acme, SYSTEM, "acme", bad, PW)


def test_domains_are_unique_server_wide_and_valid(acme: Context) -> None:
    postoffices.create_postoffice(acme, SYSTEM, "other", PW)
    with pytest.raises(Conflict):
        domains.add_domain(acme, SYSTEM, "other", "ACME.test")
    for bad in ("localhost", "a..b", "-a.test", "1.2.3.4", "[::1]", "a_b.test"):
        with pytest.raises(InvalidInput):
            domains.add_domain(acme, SYSTEM, "other", bad)
    assert domains.add_domain(acme, SYSTEM, "other", "bücher.test").name == "xn--bcher-kva.test"


def test_address_on_another_post_offices_domain_is_refused(acme: Context) -> None:
    postoffices.create_postoffice(acme, SYSTEM, "other", PW)
    with pytest.raises(InvalidInput) as refused:
        addresses.add_address(acme, SYSTEM, "other", "sales@acme.test", remote="x@remote.test")
    assert "acme.test" in refused.value.message
    with pytest.raises(Conflict):
        addresses.add_address(acme, SYSTEM, "acme", "POSTMASTER@acme.test", remote="x@remote.test")
    row = addresses.add_address(acme, SYSTEM, "acme", "Sales@ACME.test", mailbox="postmaster")
    assert row.address == "sales@acme.test" and row.target_kind is TargetKind.MAILBOX
    with acme.db.sessions() as s:
        assert addresses.resolve(s, "SALES@acme.test").mailbox_id == row.mailbox_id


def test_another_tenants_admin_sees_nothing_and_changes_nothing(acme: Context) -> None:
    postoffices.create_postoffice(acme, SYSTEM, "other", PW)
    mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW)
    intruder = admin_of(acme, "other")
    attempts = [
        lambda: postoffices.get_postoffice(acme, intruder, "acme"),
        lambda: mailboxes.get_mailbox(acme, intruder, "acme", "alice"),
        lambda: mailboxes.update_mailbox(acme, intruder, "acme", "alice", password="hijacked-123"),
        lambda: mailboxes.delete_mailbox(acme, intruder, "acme", "alice"),
        lambda: mailboxes.list_mailboxes(acme, intruder, "acme"),
        lambda: domains.update_domain(acme, intruder, "acme.test", catchall_target="x@evil.test"),
        lambda: groups.create_group(acme, intruder, "acme", "g"),
        lambda: lists.create_list(acme, intruder, "acme", "l"),
        lambda: mailbox_options.set_redirection(acme, intruder, "acme", "alice", ["x@evil.test"]),
        lambda: dkim.create_selector(acme, intruder, "acme.test", "s1", key_size=1024),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert [p.name for p in postoffices.list_postoffices(acme, intruder).items] == ["other"]
    assert authenticate(acme, "alice@acme", PW).mailbox_name == "alice"
    assert mailbox_options.get_redirection(acme, SYSTEM, "acme", "alice") is None


def test_admins_may_not_escalate_or_touch_server_objects(acme: Context) -> None:
    admin = admin_of(acme, "acme")
    with pytest.raises(PermissionDenied):
        mailboxes.create_mailbox(acme, admin, "acme", "root", PW, type="SYSADMIN")
    with pytest.raises(PermissionDenied):
        domains.add_domain(acme, admin, "acme", "stolen.test")
    with pytest.raises(PermissionDenied):
        postoffices.update_postoffice(acme, admin, "acme", disabled=True)
    with pytest.raises(PermissionDenied):
        mailbox_options.add_delivery_event(acme, admin, postoffice="acme", name="x", trigger="delivery", command="/bin/true")
    # Within its post office an admin works normally.
    mailboxes.create_mailbox(acme, admin, "acme", "carol", PW, type="ADMIN")


def test_read_only_key_reads_but_cannot_write(acme: Context) -> None:
    key = Principal(Role.APIKEY, "panel", read_only=True)
    assert postoffices.get_postoffice(acme, key, "acme").name == "Acme"
    with pytest.raises(PermissionDenied):
        mailboxes.create_mailbox(acme, key, "acme", "x", PW)
    with pytest.raises(PermissionDenied):
        postoffices.create_postoffice(acme, key, "new", PW)


def test_users_change_their_own_password_only(acme: Context) -> None:
    mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW, must_change_password=True)
    mailboxes.create_mailbox(acme, SYSTEM, "acme", "bob", PW)
    alice = authenticate(acme, "alice@acme", PW)
    assert alice.must_change_password
    mailboxes.update_mailbox(acme, alice.principal, "acme", "alice", password="new secret 99")
    assert not authenticate(acme, "alice@acme", "new secret 99").must_change_password
    with pytest.raises(InvalidInput):
        mailboxes.update_mailbox(acme, alice.principal, "acme", "alice", quota_kb=10**9)
    with pytest.raises(NotFound):
        mailboxes.update_mailbox(acme, alice.principal, "acme", "bob", password="new secret 99")


def test_mailbox_name_is_immutable_and_unknown_fields_refused(acme: Context) -> None:
    mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW)
    with pytest.raises(InvalidInput) as refused:
        mailboxes.update_mailbox(acme, SYSTEM, "acme", "alice", name="alicia")
    assert refused.value.field == "name"
    with pytest.raises(InvalidInput):
        mailboxes.update_mailbox(acme, SYSTEM, "acme", "alice", colour="red")


def test_quota_below_usage_is_refused(acme: Context, store: MessageStore) -> None:
    alice = mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW).mailbox
    inbox = store.special_folder(alice.id, SpecialUse.INBOX)
    store.append(alice.id, inbox.id, b"Subject: big\r\n\r\n" + b"x" * 5000)
    with pytest.raises(InvalidInput) as refused:
        mailboxes.update_mailbox(acme, SYSTEM, "acme", "alice", quota_kb=2)
    assert refused.value.field == "quota_kb"
    assert mailboxes.get_mailbox(acme, SYSTEM, "acme", "alice").quota_kb == 0
    with pytest.raises(InvalidInput):
        mailboxes.set_all_quotas(acme, SYSTEM, "acme", 2)
    assert mailboxes.set_all_quotas(acme, SYSTEM, "acme", 100) == 2
    assert mailboxes.update_mailbox(acme, SYSTEM, "acme", "alice", quota_kb=0).quota_kb == 0


def test_default_quota_and_mailbox_limit_from_settings(acme: Context) -> None:
    po_id = postoffices.get_postoffice(acme, SYSTEM, "acme").id
    with acme.db.transaction() as s:
        write_setting(s, SYSTEM, "directory.default_quota_kb", 5000, postoffice_id=po_id)
        write_setting(s, SYSTEM, "directory.max_mailboxes", 2, postoffice_id=po_id)
    assert mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW).mailbox.quota_kb == 5000
    with pytest.raises(Conflict):
        mailboxes.create_mailbox(acme, SYSTEM, "acme", "bob", PW)


def test_deleting_a_mailbox_cascades(acme: Context, store: MessageStore) -> None:
    alice = mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW).mailbox
    mailbox_options.set_redirection(acme, SYSTEM, "acme", "alice", ["a@remote.test"], keep_copy=True)
    mailbox_options.set_autoresponder(acme, SYSTEM, "acme", "alice", subject="Away", body="Back soon")
    with acme.db.transaction() as s:
        write_setting(s, SYSTEM, "store.welcome_enabled", False, postoffice_id=alice.postoffice_id)
        write_setting(s, SYSTEM, "password.min_length", 12, postoffice_id=alice.postoffice_id)
    mailboxes.delete_mailbox(acme, SYSTEM, "acme", "alice")
    with acme.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Address).where(Address.address.like("alice@%"))) == 0
    assert store.list_folders(alice.id) == []
    with pytest.raises(Conflict):
        mailboxes.delete_mailbox(acme, SYSTEM, "acme", "postmaster")


def test_deleting_a_post_office_removes_everything_it_owns(acme: Context, store: MessageStore) -> None:
    alice = mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW).mailbox
    groups.create_group(acme, SYSTEM, "acme", "team", members=["alice@acme.test"])
    lists.create_list(acme, SYSTEM, "acme", "news")
    with acme.db.transaction() as s:
        write_setting(s, SYSTEM, "password.min_length", 12, postoffice_id=alice.postoffice_id)
    hostheaders.create_host_header(acme, SYSTEM, "webmail.acme.test", postoffice="acme")
    postoffices.delete_postoffice(acme, SYSTEM, "acme")
    with acme.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Mailbox)) == 0
        assert s.scalar(select(func.count()).select_from(Address)) == 0
        assert s.scalar(select(func.count()).select_from(SettingValue)) == 0
        assert hostheaders.resolve_host(s, "webmail.acme.test").postoffice_id is None
    assert store.list_folders(alice.id) == []
    with pytest.raises(NotFound):
        domains.get_domain(acme, SYSTEM, "acme.test")


def test_groups_and_members(acme: Context) -> None:
    group = groups.create_group(acme, SYSTEM, "acme", "sales", members=["a@remote.test", "A@REMOTE.test"])
    assert [m.address for m in groups.group_members(acme, SYSTEM, "acme", "sales")] == ["a@remote.test"]
    groups.add_group_member(acme, SYSTEM, "acme", "sales", "postmaster@acme.test")
    with pytest.raises(Conflict):
        groups.add_group_member(acme, SYSTEM, "acme", "sales", "postmaster@ACME.test")
    groups.set_group_member_disabled(acme, SYSTEM, "acme", "sales", "a@remote.test", True)
    groups.remove_group_member(acme, SYSTEM, "acme", "sales", "postmaster@acme.test")
    members = groups.group_members(acme, SYSTEM, "acme", "sales")
    assert [(m.address, m.disabled) for m in members] == [("a@remote.test", True)]
    with acme.db.sessions() as s:
        assert addresses.resolve(s, "sales@acme.test").group_id == group.id
    assert groups.update_group(acme, SYSTEM, "acme", "sales", disabled=True).disabled


def test_list_options_are_validated_together(acme: Context) -> None:
    with pytest.raises(InvalidInput) as refused:
        lists.create_list(acme, SYSTEM, "acme", "news", moderated=True)
    assert refused.value.field == "moderator"
    with pytest.raises(InvalidInput):
        lists.create_list(acme, SYSTEM, "acme", "news", posting_mode="password")
    with pytest.raises(InvalidInput):
        lists.create_list(acme, SYSTEM, "acme", "news", subscription_mode="sometimes")
    with pytest.raises(InvalidInput):
        lists.create_list(acme, SYSTEM, "acme", "news", subject_prefix="[x]")
    assert lists.list_lists(acme, SYSTEM, "acme").total == 0
    news = lists.create_list(
        acme, SYSTEM, "acme", "news", moderated=True, moderator="postmaster@acme.test",
        posting_mode="password", posting_password="let me post", subject_prefix_mode="custom",
        subject_prefix="[News]", reply_to_mode="poster", footer_text="--\nUnsubscribe: ...",
        subscription_mode="open", help_enabled=False, description="Company news",
    )
    assert news.posting_password_hash and "let me post" not in news.posting_password_hash
    member = lists.subscribe(acme, SYSTEM, "acme", "news", "Reader@Remote.test", confirmed=False)
    assert member.address == "reader@remote.test" and member.confirmation_token
    with pytest.raises(Conflict):
        lists.subscribe(acme, SYSTEM, "acme", "news", "reader@remote.test")
    lists.unsubscribe(acme, SYSTEM, "acme", "news", "reader@remote.test")
    assert lists.list_members(acme, SYSTEM, "acme", "news").total == 0


def test_autoresponder_window_and_redirection_targets(acme: Context) -> None:
    mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW)
    with pytest.raises(InvalidInput):
        mailbox_options.set_autoresponder(acme, SYSTEM, "acme", "alice", subject="a", body="b",
                                          starts_at="2026-12-02T00:00:00+00:00", ends_at="2026-12-01T00:00:00+00:00")
    with pytest.raises(InvalidInput):
        mailbox_options.set_autoresponder(acme, SYSTEM, "acme", "alice", subject="a", body="b",
                                          starts_at="2026-12-01T00:00:00")
    with pytest.raises(InvalidInput):
        mailbox_options.set_redirection(acme, SYSTEM, "acme", "alice", ["not an address"])
    auto = mailbox_options.set_autoresponder(acme, SYSTEM, "acme", "alice", subject="Away", body="Back Monday",
                                             starts_at="2026-12-01T00:00:00+01:00")
    assert auto.starts_at.utcoffset() is not None
    assert mailbox_options.get_redirection(acme, SYSTEM, "acme", "alice") is None


def test_delivery_events_by_scope(acme: Context) -> None:
    server = mailbox_options.add_delivery_event(acme, SYSTEM, name="scan", trigger="pickup", command="/usr/bin/scan",
                                                arguments=["--fast"])
    scoped = mailbox_options.add_delivery_event(acme, SYSTEM, postoffice="acme", mailbox="postmaster",
                                                name="notify", trigger="delivery", command="/usr/bin/notify")
    assert server.postoffice_id is None and scoped.mailbox_id is not None
    with pytest.raises(InvalidInput):
        mailbox_options.add_delivery_event(acme, SYSTEM, name="x", trigger="sometimes", command="/bin/x")
    assert [e.name for e in mailbox_options.list_delivery_events(acme, SYSTEM)] == ["scan", "notify"]


def test_dkim_key_is_encrypted_and_the_dns_record_matches(acme: Context) -> None:
    row = dkim.create_selector(acme, SYSTEM, "acme.test", "mail2026", key_size=1024, test_mode=True)
    assert b"PRIVATE KEY" not in row.private_key_encrypted
    private = serialization.load_pem_private_key(dkim.private_key_pem(acme, row), password=None)
    name, txt = dkim.dns_record(acme, SYSTEM, "acme.test", "mail2026")
    assert name == "mail2026._domainkey.acme.test"
    assert txt.startswith("v=DKIM1; k=rsa; t=y; p=")
    published = serialization.load_der_public_key(base64.b64decode(txt.split("p=")[1]))
    assert published.public_numbers() == private.public_key().public_numbers()
    with pytest.raises(Conflict):
        dkim.create_selector(acme, SYSTEM, "acme.test", "MAIL2026", key_size=1024)
    with pytest.raises(InvalidInput):
        dkim.create_selector(acme, SYSTEM, "acme.test", "bad_selector")
    with pytest.raises(InvalidInput):
        dkim.update_selector(acme, SYSTEM, "acme.test", "mail2026", canonicalization_body="loose")
    assert dkim.update_selector(acme, SYSTEM, "acme.test", "mail2026", active=False).active is False


def test_host_headers_pick_the_most_specific(acme: Context) -> None:
    hostheaders.create_host_header(acme, SYSTEM, "webmail.acme.test", postoffice="acme", skin="blue")
    hostheaders.create_host_header(acme, SYSTEM, "webmail.acme.test", ip="127.0.0.2", skin="red")
    with pytest.raises(Conflict):
        hostheaders.create_host_header(acme, SYSTEM, "WEBMAIL.acme.test", ip="127.0.0.2")
    with acme.db.sessions() as s:
        assert hostheaders.resolve_host(s, "webmail.acme.test:8080", "127.0.0.2", 8080).skin == "red"
        assert hostheaders.resolve_host(s, "webmail.acme.test", "127.0.0.9", 80).skin == "blue"
        assert hostheaders.resolve_host(s, "other.test") is None


def test_postoffice_listing_pages_filters_and_sorts(ctx: Context) -> None:
    for name in ("delta", "alpha", "charlie", "bravo"):
        postoffices.create_postoffice(ctx, SYSTEM, name, PW)
    page = postoffices.list_postoffices(ctx, SYSTEM, offset=1, limit=2)
    assert [p.name for p in page.items] == ["bravo", "charlie"] and page.total == 4
    assert [p.name for p in postoffices.list_postoffices(ctx, SYSTEM, sort="-name").items][0] == "delta"
    assert [p.name for p in postoffices.list_postoffices(ctx, SYSTEM, search="ar").items] == ["charlie"]
    with pytest.raises(InvalidInput):
        postoffices.list_postoffices(ctx, SYSTEM, limit=0)
    assert read_setting is not None


def test_redirection_and_autoresponder_set_read_and_clear(acme: Context) -> None:
    mailboxes.create_mailbox(acme, SYSTEM, "acme", "alice", PW)
    mailbox_options.set_redirection(acme, SYSTEM, "acme", "alice", ["A@Remote.test", "a@remote.test", "b@remote.test"],
                                    keep_copy=True)
    row = mailbox_options.get_redirection(acme, SYSTEM, "acme", "alice")
    assert row is not None and row.targets == ["a@remote.test", "b@remote.test"] and row.keep_copy
    mailbox_options.set_autoresponder(acme, SYSTEM, "acme", "alice", subject="Away", body="Back soon")
    mailbox_options.clear_redirection(acme, SYSTEM, "acme", "alice")
    mailbox_options.clear_autoresponder(acme, SYSTEM, "acme", "alice")
    assert mailbox_options.get_redirection(acme, SYSTEM, "acme", "alice") is None
    assert mailbox_options.get_autoresponder(acme, SYSTEM, "acme", "alice") is None

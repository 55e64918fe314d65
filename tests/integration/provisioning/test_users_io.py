"""Users import (CSV with bad rows, both modes) and export (CSV and TSV)."""
from __future__ import annotations

import csv
import io

import pytest

from provisioning.auth import authenticate
from provisioning.context import Context
from provisioning.errors import InvalidInput
from provisioning.principal import Principal
from provisioning.services import domains, mailboxes, postoffices
from provisioning.services.users_io import export_users, import_users

SYSTEM = Principal.system()
PW = "correct horse 1"

GOOD_AND_BAD = """emailaddress,password,quota,friendly name
alice@acme.test,alice-pass-1,1000,Alice Liddell
bob@acme.test,,,Bob
not-an-address,x,1,X
carol@acme.test,short,,Carol
dave@other.test,dave-pass-12,abc,Dave
alice@ACME.test,again-pass-1,,Alice again
erin@newdomain.test,erin-pass-12,,"Erin, Ops"
"""


@pytest.fixture
def two_pos(ctx: Context) -> Context:
    postoffices.create_postoffice(ctx, SYSTEM, "acme", PW)
    domains.add_domain(ctx, SYSTEM, "acme", "acme.test")
    postoffices.create_postoffice(ctx, SYSTEM, "other", PW)
    domains.add_domain(ctx, SYSTEM, "other", "other.test")
    return ctx


def _names(ctx: Context) -> list[str]:
    return [m.name for m in mailboxes.list_mailboxes(ctx, SYSTEM, "acme").items]


def test_all_or_nothing_imports_none_and_reports_every_bad_line(two_pos: Context) -> None:
    report = import_users(two_pos, SYSTEM, "acme", GOOD_AND_BAD, all_or_nothing=True)
    assert report.imported == []
    lines = [e.line for e in report.errors]
    assert lines == [4, 6, 7]  # syntax errors are found before anything is written
    assert _names(two_pos) == ["postmaster"]


def test_all_or_nothing_rolls_back_when_a_row_fails_while_importing(two_pos: Context) -> None:
    text = "zed@acme.test,zed-pass-123\ncarol@acme.test,short\n"
    report = import_users(two_pos, SYSTEM, "acme", text, all_or_nothing=True)
    assert [str(e) for e in report.errors] == ["line 2: password must be at least 8 characters"]
    assert report.imported == []
    assert _names(two_pos) == ["postmaster"]
    assert domains.list_domains(two_pos, SYSTEM, "acme").total == 1


def test_partial_mode_imports_every_valid_row(two_pos: Context) -> None:
    report = import_users(two_pos, SYSTEM, "acme", GOOD_AND_BAD, all_or_nothing=False)
    errors = {e.line: e.reason for e in report.errors}
    assert set(errors) == {4, 5, 6, 7}
    assert "at least 8" in errors[5]
    assert "another post office" in errors[6] or "whole number" in errors[6]
    assert "line 2" in errors[7]
    assert sorted(u.mailbox for u in report.imported) == ["alice", "bob", "erin"]
    assert _names(two_pos) == ["alice", "bob", "erin", "postmaster"]
    alice = mailboxes.get_mailbox(two_pos, SYSTEM, "acme", "alice")
    assert (alice.quota_kb, alice.friendly_name) == (1000, "Alice Liddell")
    generated = report.passwords["bob@acme.test"]
    assert authenticate(two_pos, "bob@acme.test", generated).mailbox_name == "bob"
    assert domains.get_domain(two_pos, SYSTEM, "newdomain.test").postoffice_id == alice.postoffice_id


def test_a_post_office_admin_cannot_create_domains_by_import(two_pos: Context) -> None:
    admin = authenticate(two_pos, "postmaster@acme", PW).principal
    report = import_users(two_pos, admin, "acme", "x@elsewhere.test,x-pass-1234\n", all_or_nothing=False)
    assert report.imported == [] and "not a domain" in report.errors[0].reason


def test_export_csv_and_tsv_round_trip(two_pos: Context) -> None:
    report = import_users(two_pos, SYSTEM, "acme", 'bob@acme.test,,,"Bob, Jr."\n')
    text = export_users(two_pos, SYSTEM, "acme", fields=["emailaddress", "friendly_name", "password"],
                        passwords=report.passwords)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["emailaddress", "friendly_name", "password"]
    assert ["bob@acme.test", "Bob, Jr.", report.passwords["bob@acme.test"]] in rows
    tsv = export_users(two_pos, SYSTEM, "acme", fmt="tsv", fields=["mailbox", "type"])
    assert tsv.splitlines() == ["mailbox\ttype", "bob\tUSER", "postmaster\tADMIN"]
    with pytest.raises(InvalidInput):
        export_users(two_pos, SYSTEM, "acme", fields=["password_hash"])
    with pytest.raises(InvalidInput):
        export_users(two_pos, SYSTEM, "acme", fmt="xml")

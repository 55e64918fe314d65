"""The real ``mailhive`` command in subprocesses, against a temporary data directory: init,
directory round trips, settings, users import/export, store purge, and refusals that exit
non-zero with one line on stderr."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from provisioning.auth import authenticate
from provisioning.context import Context
from provisioning.db import Database
from provisioning.keyring import Keyring
from tests.integration.cli.conftest import Result, Runner


def ok(result: Result) -> str:
    assert result.code == 0, f"exit {result.code}: {result.err}"
    return result.out


def refused(result: Result, *, code: int = 1) -> str:
    """The command failed with one line on stderr (no traceback) and returns that line."""
    assert result.code == code, f"exit {result.code}: {result.out} {result.err}"
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


@pytest.fixture
def initialised(mailhive: Runner) -> Runner:
    ok(mailhive("init"))
    return mailhive


def test_init_twice_changes_nothing_the_second_time(mailhive: Runner, data_dir: Path) -> None:
    first = ok(mailhive("init"))
    assert "upgraded from empty" in first and "server key" in first and "certificate" in first
    key, cert, tls_key = (data_dir / "server.key", data_dir / "tls" / "server.crt", data_dir / "tls" / "server.key")
    before = {p: p.read_bytes() for p in (key, cert, tls_key)}
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(tls_key.stat().st_mode) == 0o600

    second = ok(mailhive("init"))
    assert "nothing to do" in second
    assert {p: p.read_bytes() for p in (key, cert, tls_key)} == before


def test_the_certificate_names_the_hostname_and_localhost(mailhive: Runner, data_dir: Path) -> None:
    from cryptography import x509

    ok(mailhive("init"))
    cert = x509.load_pem_x509_certificate((data_dir / "tls" / "server.crt").read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName)
    assert "localhost" in names
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days >= 3649


def _password(output: str, login: str) -> str:
    line = next(line for line in output.splitlines() if line.strip().startswith(login + " "))
    return line.split("password:")[1].split()[0]


def test_init_demo_prints_credentials_once_and_they_log_in(mailhive: Runner, data_dir: Path) -> None:
    out = ok(mailhive("init", "--demo"))
    password = _password(out, "demo@demo")
    postmaster = _password(out, "postmaster@demo")
    again = ok(mailhive("init", "--demo"))
    assert password not in again and "password" not in again

    db = Database(f"sqlite:///{data_dir / 'mailhive.db'}")
    try:
        ctx = Context(db=db, keyring=Keyring.load_or_create(data_dir / "server.key"))
        assert authenticate(ctx, "demo", password).mailbox_name == "demo"  # bare name: default post office
        assert authenticate(ctx, "demo@demo.test", password).postoffice_name == "demo"
        assert authenticate(ctx, "postmaster@demo", postmaster).mailbox_name == "postmaster"
    finally:
        db.dispose()
    assert ok(mailhive("settings", "get", "server.default_postoffice")).strip() == "demo"


def test_commands_need_an_initialised_data_directory(mailhive: Runner) -> None:
    assert "mailhive init" in refused(mailhive("postoffice", "list"))


def test_postoffice_domain_mailbox_round_trip(initialised: Runner) -> None:
    mh = initialised
    ok(mh("postoffice", "create", "Acme", "--password", "postmaster-secret"))
    assert "Acme" in ok(mh("postoffice", "list"))
    ok(mh("domain", "add", "acme", "acme.test"))
    assert "acme.test" in ok(mh("domain", "list", "acme"))

    created = ok(mh("mailbox", "create", "acme", "alice", "--password", "alice-secret", "--quota", "1000",
                    "--name", "Alice A."))
    assert "alice@acme.test" in created
    generated = ok(mh("mailbox", "create", "acme", "bob"))
    assert "password: " in generated
    listing = ok(mh("mailbox", "list", "acme")).splitlines()
    alice = next(line for line in listing if line.startswith("alice "))
    assert "USER" in alice and "1000 KB" in alice and "alice@acme.test" in alice
    assert any(line.startswith("postmaster ") and "ADMIN" in line for line in listing)

    ok(mh("mailbox", "set", "acme", "alice", "--disabled", "true", "--type", "admin"))
    alice = next(line for line in ok(mh("mailbox", "list", "acme")).splitlines() if line.startswith("alice "))
    assert "disabled" in alice and "ADMIN" in alice

    ok(mh("mailbox", "delete", "acme", "alice"))
    assert not any(line.startswith("alice ") for line in ok(mh("mailbox", "list", "acme")).splitlines())
    ok(mh("domain", "remove", "acme.test"))
    assert "acme.test" not in ok(mh("domain", "list"))
    ok(mh("postoffice", "delete", "acme"))
    assert "Acme" not in ok(mh("postoffice", "list"))


def test_bad_input_exits_non_zero_with_one_line(initialised: Runner) -> None:
    mh = initialised
    assert "may not contain" in refused(mh("postoffice", "create", "bad name", "--password", "long-enough-1"))
    ok(mh("postoffice", "create", "acme", "--password", "long-enough-1"))
    assert "already exists" in refused(mh("postoffice", "create", "ACME", "--password", "long-enough-1"))
    assert "no post office" in refused(mh("mailbox", "list", "nowhere"))
    assert "at least" in refused(mh("mailbox", "create", "acme", "carol", "--password", "short"))
    line = refused(mh("settings", "set", "auth.lockout_failures", "many"))
    assert "expected an integer from 0 to 100000" in line
    assert "true or false" in refused(mh("settings", "set", "auth.cram_md5", "maybe"))
    assert "cannot be set per postoffice" in refused(
        mh("settings", "set", "server.hostname", "x.test", "--postoffice", "acme"))
    assert "no setting" in refused(mh("settings", "get", "no.such.setting"))
    assert "invalid int value" in refused(mh("mailbox", "create", "acme", "dave", "--quota", "lots"), code=2)
    assert "invalid choice" in refused(mh("frobnicate"), code=2)
    assert "expected true or false" in refused(mh("mailbox", "set", "acme", "postmaster", "--disabled", "perhaps"),
                                               code=2)


def test_settings_help_get_set_unset_list(initialised: Runner) -> None:
    mh = initialised
    reference = ok(mh("settings", "help"))
    for known in ("server.hostname", "auth.legacy_mechanisms", "store.blob_backend", "password.min_length"):
        assert known in reference
    assert "auth.cram_md5" in reference  # aliases are shown
    narrowed = ok(mh("settings", "help", "password"))
    assert "password.min_length" in narrowed and "store.blob_backend" not in narrowed

    assert ok(mh("settings", "list")).startswith("every setting has its default value")
    ok(mh("settings", "set", "auth.cram_md5", "yes"))  # by alias
    assert ok(mh("settings", "get", "auth.legacy_mechanisms")).strip() == "true"
    ok(mh("postoffice", "create", "acme", "--password", "long-enough-1"))
    ok(mh("settings", "set", "password.min_length", "12", "--postoffice", "acme"))
    assert ok(mh("settings", "get", "password.min_length", "--postoffice", "acme")).strip() == "12"
    assert ok(mh("settings", "get", "password.min_length")).strip() == "8"
    assert "password.min_length = 12" in ok(mh("settings", "list", "--postoffice", "acme"))
    assert "auth.legacy_mechanisms = true" in ok(mh("settings", "list"))
    ok(mh("settings", "unset", "password.min_length", "--postoffice", "acme"))
    assert ok(mh("settings", "get", "password.min_length", "--postoffice", "acme")).strip() == "8"


def test_users_import_reports_bad_rows_by_line(initialised: Runner, tmp_path: Path) -> None:
    mh = initialised
    ok(mh("postoffice", "create", "acme", "--password", "long-enough-1"))
    ok(mh("domain", "add", "acme", "acme.test"))
    csv = tmp_path / "users.csv"
    csv.write_text("emailaddress,password,quota,name\n"
                   "erin@acme.test,erin-secret-1,500,Erin\n"
                   "not an address,x,,\n"
                   "frank@acme.test,,,Frank\n")

    strict = mh("users", "import", "acme", str(csv), "--all-or-nothing")
    assert strict.code == 1 and "line 3:" in strict.err
    assert "erin" not in ok(mh("mailbox", "list", "acme"))

    loose = mh("users", "import", "acme", str(csv))
    assert loose.code == 1
    assert [line for line in loose.err.splitlines() if line.startswith("line ")] == [
        line for line in loose.err.splitlines() if line.startswith("line 3:")]
    assert "imported 2" in loose.out and "frank@acme.test  password: " in loose.out
    exported = ok(mh("users", "export", "acme", "--format", "tsv", "--fields", "emailaddress,quota_kb"))
    assert "erin@acme.test\t500" in exported.splitlines()
    assert "fields must be among" in refused(mh("users", "export", "acme", "--fields", "secret"))


def test_groups_and_lists(initialised: Runner) -> None:
    mh = initialised
    ok(mh("postoffice", "create", "acme", "--password", "long-enough-1"))
    ok(mh("domain", "add", "acme", "acme.test"))
    ok(mh("group", "create", "acme", "sales", "--member", "a@example.org"))
    ok(mh("group", "add-member", "acme", "sales", "b@example.org"))
    assert "already a member" in refused(mh("group", "add-member", "acme", "sales", "b@example.org"))
    line = next(line for line in ok(mh("group", "list", "acme")).splitlines() if line.startswith("sales"))
    assert "a@example.org" in line and "b@example.org" in line
    ok(mh("group", "remove-member", "acme", "sales", "a@example.org"))
    assert "a@example.org" not in ok(mh("group", "list", "acme"))
    ok(mh("group", "delete", "acme", "sales"))

    ok(mh("list", "create", "acme", "news", "--subscription-mode", "open"))
    assert "needs a moderator" in refused(mh("list", "set", "acme", "news", "--moderated", "true"))
    ok(mh("list", "set", "acme", "news", "--moderated", "true", "--moderator", "boss@acme.test"))
    ok(mh("list", "subscribe", "acme", "news", "reader@example.org"))
    assert "members=1" in ok(mh("list", "list", "acme"))
    assert "reader@example.org" in ok(mh("list", "members", "acme", "news"))
    ok(mh("list", "unsubscribe", "acme", "news", "reader@example.org"))
    assert "members=0" in ok(mh("list", "list", "acme"))
    ok(mh("list", "delete", "acme", "news"))
    assert "news" not in ok(mh("list", "list", "acme"))


def test_store_purge_deletes_inbox_messages(mailhive: Runner) -> None:
    ok(mailhive("init", "--demo"))  # the demo mailboxes each hold a welcome message
    assert "deleted 0" in ok(mailhive("store", "purge", "--older-than", "30"))
    assert "deleted 1" in ok(mailhive("store", "purge", "--all", "--postoffice", "demo", "--mailbox", "demo"))
    assert "deleted 1" in ok(mailhive("store", "purge", "--before", "2999-01-01"))
    assert "deleted 0" in ok(mailhive("store", "purge", "--all"))
    assert "needs --postoffice" in refused(mailhive("store", "purge", "--all", "--mailbox", "demo"))
    assert "not allowed with" in refused(mailhive("store", "purge", "--all", "--older-than", "3"), code=2)
    assert "ISO 8601" in refused(mailhive("store", "purge", "--before", "yesterday"))


def test_round_trip_against_postgresql(mailhive: Runner, empty_pg_url: str) -> None:
    out = ok(mailhive("init", db=empty_pg_url))
    assert "upgraded from empty" in out and "postgresql" in out
    ok(mailhive("postoffice", "create", "pgpo", "--password", "long-enough-1", db=empty_pg_url))
    ok(mailhive("domain", "add", "pgpo", "pg.test", db=empty_pg_url))
    ok(mailhive("mailbox", "create", "pgpo", "alice", "--password", "alice-secret", db=empty_pg_url))
    assert "alice@pg.test" in ok(mailhive("mailbox", "list", "pgpo", db=empty_pg_url))
    assert "already exists" in refused(mailhive("postoffice", "create", "PGPO", "--password", "long-enough-1",
                                                db=empty_pg_url))
    assert "nothing to do" in ok(mailhive("init", db=empty_pg_url))


def test_init_refuses_a_database_from_an_unknown_schema_revision(initialised: Runner, data_dir: Path) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{data_dir / 'mailhive.db'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    assert "revision 9999" in refused(initialised("init"))
    assert "mailhive init" in refused(initialised("postoffice", "list"))

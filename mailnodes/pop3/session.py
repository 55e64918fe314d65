"""The POP3 session: what a POP3 connection does with the directory and the message store once the
core (``Pop3Connection``) has parsed a request. Blocking calls (password hashing, database, blob
reads): the asyncio adapter runs them in worker threads.

What it guarantees:

* The maildrop is the INBOX as it was at login (message numbers, sizes, UIDL). UIDL is the IMAP UID
  of the message, so POP3 and IMAP clients name a message alike, and it never changes.
* Deletions happen at QUIT only, in one transaction, and only for the messages listed in this
  session: mail that arrived during the session is never touched; a dropped connection deletes
  nothing.
* Unless ``pop3.concurrent_access`` is on, one session per mailbox at a time, across nodes (a
  renewed lease; a crashed node's lease runs out): a second login gets ``-ERR [IN-USE]``.
* Every successful login records its client IP for POP-before-SMTP.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from mailnodes.auth import LeaseOutcome, acquire_lease, record_relay_login, release_lease, renew_lease
from mailnodes.net.access import AccessControl
from mailnodes.pop3.errors import ResponseCode
from mailnodes.pop3.events import ApopGiven, CramMd5ResponseGiven, CredentialsGiven, PassGiven, Request
from mailnodes.pop3.options import Pop3Options
from mailnodes.pop3.state import Maildrop
from mailnodes.store import MessageRef, MessageStore, SpecialUse
from provisioning.auth import AuthResult, LoginFailed, authenticate
from provisioning.context import Context
from provisioning.db import Database
from provisioning.errors import NotFound
from provisioning.settings import read_settings

SERVICE = "pop3"
LEASE_TTL = dt.timedelta(minutes=2)
LEASE_RENEW_SECONDS = 30.0
DEFAULT_GREETING = "Mailhive POP3 server ready"
INLINE_READ_BYTES = 256 * 1024

_POLICY_SETTINGS = [
    "server.hostname", "auth.legacy_mechanisms", "pop3.apop", "pop3.sasl_mechanisms",
    "pop3.force_secure_login", "pop3.idle_timeout_seconds", "pop3.inactivity_timeout_seconds",
    "pop3.access_mode", "pop3.access_list", "pop3.welcome_message", "pop3.concurrent_access",
    "pop3.login_delay_seconds", "pop3.max_bad_commands", "pop3.activity_log",
]


@dataclass(frozen=True, slots=True)
class Pop3Policy:
    """The settings one connection runs with (read when it opens, so changes apply to new ones)."""

    options: Pop3Options
    greeting: str
    hostname: str
    concurrent_access: bool
    login_delay: int
    inactivity_timeout: float
    access: AccessControl
    activity_log: bool


def load_policy(db: Database, *, tls_available: bool, implicit_tls: bool) -> Pop3Policy:
    with db.sessions() as session:
        values = read_settings(session, _POLICY_SETTINGS)
    legacy = bool(values["auth.legacy_mechanisms"])
    mechanisms = tuple(m.upper() for m in values["pop3.sasl_mechanisms"] if legacy or m.upper() != "CRAM-MD5")
    hostname = values["server.hostname"]
    greeting = values["pop3.welcome_message"] or DEFAULT_GREETING
    greeting = greeting.replace("%LOCALDOMAIN%", hostname).replace(
        "%TIME%", dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000"))
    options = Pop3Options(
        apop=bool(values["pop3.apop"]) and legacy,
        sasl_mechanisms=tuple(dict.fromkeys(mechanisms)),
        allow_plaintext_auth=not values["pop3.force_secure_login"],
        stls=tls_available and not implicit_tls,
        login_delay=values["pop3.login_delay_seconds"] or None,
        idle_timeout=float(values["pop3.idle_timeout_seconds"]),
        max_bad_commands=values["pop3.max_bad_commands"],
    )
    return Pop3Policy(
        options=options,
        greeting="".join(ch for ch in greeting if " " <= ch <= "~"),
        hostname=hostname,
        concurrent_access=bool(values["pop3.concurrent_access"]),
        login_delay=values["pop3.login_delay_seconds"],
        inactivity_timeout=float(values["pop3.inactivity_timeout_seconds"]),
        access=AccessControl.of(values["pop3.access_mode"], values["pop3.access_list"]),
        activity_log=bool(values["pop3.activity_log"]),
    )


def unique_token(hostname: str) -> str:
    """``<random.time@host>``: an APOP timestamp or a CRAM-MD5 challenge (RFC 1939, RFC 2195)."""
    host = "".join(ch for ch in hostname if ch.isalnum() or ch in ".-") or "localhost"
    return f"<{secrets.randbelow(10**12)}.{int(time.time())}@{host}>"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refused login: the ``-ERR`` text and code, and the delay to wait before answering."""

    text: str
    code: ResponseCode | None = ResponseCode.AUTH
    delay: float = 0.0


class Pop3Session:
    """One authenticated (or authenticating) POP3 client, over the directory and the store."""

    def __init__(self, ctx: Context, store: MessageStore, policy: Pop3Policy, remote_ip: str) -> None:
        self.ctx = ctx
        self.store = store
        self.policy = policy
        self.remote_ip = remote_ip
        self.holder = secrets.token_hex(16)
        self.account: AuthResult | None = None
        self._inbox_id: int | None = None
        self._refs: tuple[MessageRef, ...] = ()
        self._leased = False

    # --- login ------------------------------------------------------------------------------

    def login(self, request: Request) -> Maildrop | Refusal:
        """Check the credentials of a login request and open the maildrop."""
        try:
            account = self._authenticate(request)
        except LoginFailed as exc:
            return Refusal(str(exc), ResponseCode.AUTH, exc.delay)
        if isinstance(account, Refusal):
            return account
        return self._open(account)

    def _authenticate(self, request: Request) -> AuthResult | Refusal:
        ip = self.remote_ip
        if isinstance(request, PassGiven):
            return authenticate(self.ctx, request.username, request.password, remote_ip=ip)
        if isinstance(request, CredentialsGiven):
            if request.authzid and request.authzid != request.username:
                return Refusal("acting as another user is not allowed")
            return authenticate(self.ctx, request.username, request.password, remote_ip=ip)
        if isinstance(request, ApopGiven):
            seed = request.timestamp
            return authenticate(self.ctx, request.name, verifier=_digest_check(
                lambda secret: hashlib.md5((seed + secret).encode()).hexdigest(), request.digest), remote_ip=ip)
        if isinstance(request, CramMd5ResponseGiven):
            challenge = request.challenge
            return authenticate(self.ctx, request.username, verifier=_digest_check(
                lambda secret: hmac.new(secret.encode(), challenge, hashlib.md5).hexdigest(), request.digest),
                remote_ip=ip)
        return Refusal("unsupported authentication mechanism")

    def _open(self, account: AuthResult) -> Maildrop | Refusal:
        exclusive = not self.policy.concurrent_access
        outcome = acquire_lease(
            self.ctx.db, account.mailbox_id, SERVICE, self.holder, exclusive=exclusive, ttl=LEASE_TTL,
            login_delay=dt.timedelta(seconds=self.policy.login_delay))
        if outcome is LeaseOutcome.IN_USE:
            return Refusal("maildrop already in use by another session", ResponseCode.IN_USE)
        if outcome is LeaseOutcome.TOO_SOON:
            return Refusal(f"wait {self.policy.login_delay} seconds between logins", ResponseCode.LOGIN_DELAY)
        self._leased = exclusive
        self.account = account
        try:
            inbox = self.store.special_folder(account.mailbox_id, SpecialUse.INBOX)
            listing = self.store.refs(account.mailbox_id, inbox.id)
        except NotFound:
            self.close()
            return Refusal("the mailbox has no inbox", ResponseCode.SYS_PERM)
        self._inbox_id = inbox.id
        self._refs = tuple(listing)
        record_relay_login(self.ctx.db, self.remote_ip, account.mailbox_id)
        return Maildrop(tuple(ref.size for ref in listing), tuple(str(ref.uid) for ref in listing))

    def cram_md5_challenge(self) -> bytes:
        return unique_token(self.policy.hostname).encode()

    # --- transaction ------------------------------------------------------------------------

    def cheap_to_read(self, msg: int) -> bool:
        """A small body in a local file: reading it costs less than handing it to a worker thread
        (which halves RETR throughput), so the adapter reads it on the event loop."""
        return not self.store.blobs.in_database and self._refs[msg - 1].size <= INLINE_READ_BYTES

    def retrieve(self, msg: int) -> bytes | None:
        """The stored message numbered ``msg``; None when it was removed meanwhile and its body
        released (a message expunged by another session stays readable until then, as the
        maildrop this session listed)."""
        try:
            return self.store.body(self._refs[msg - 1])
        except NotFound:
            return None

    def update(self, deleted: tuple[int, ...]) -> int:
        """The UPDATE state: remove the messages marked deleted, all in one transaction. Returns
        how many were removed (fewer when another session removed some first)."""
        assert self.account is not None and self._inbox_id is not None
        if not deleted:
            return 0
        uids = [self._refs[msg - 1].uid for msg in deleted]
        return len(self.store.delete_messages(self.account.mailbox_id, self._inbox_id, uids))

    def renew(self) -> bool:
        """Keep the exclusive lease alive; False when it was lost (expired and taken)."""
        if not self._leased or self.account is None:
            return True
        return renew_lease(self.ctx.db, self.account.mailbox_id, SERVICE, self.holder, LEASE_TTL)

    def close(self) -> None:
        if self._leased and self.account is not None:
            release_lease(self.ctx.db, self.account.mailbox_id, SERVICE, self.holder)
            self._leased = False


def _digest_check(expected: Callable[[str], str], given: str) -> Callable[[str], bool]:
    return lambda secret: hmac.compare_digest(expected(secret), given.lower())

"""What a mail node records about logins beyond the directory: exclusive access leases on a
mailbox (POP3's one-session-at-a-time rule, across nodes) and the client IPs of recent POP3 logins
(POP-before-SMTP, read by the SMTP relay policy). Passwords and throttling stay in
``provisioning.auth``."""
from __future__ import annotations

from mailnodes.auth.leases import LeaseOutcome, acquire_lease, release_lease, renew_lease
from mailnodes.auth.models import MailboxLease, RelayLogin
from mailnodes.auth.relay_logins import record_relay_login, relay_login_since

__all__ = [
    "LeaseOutcome",
    "MailboxLease",
    "RelayLogin",
    "acquire_lease",
    "record_relay_login",
    "relay_login_since",
    "release_lease",
    "renew_lease",
]

"""Settings of the POP3 service (mailnodes/pop3). Which ports it listens on is the node's listener
table (``mailhive serve --ports pop3=...,pop3s=...``); these say how it behaves there."""
from __future__ import annotations

from provisioning.settings.ip_patterns import check_patterns
from provisioning.settings.registry import SettingType, define


def _check_addresses(items: list[str]) -> str | None:
    reason = check_patterns(items)
    if reason is None and any("*" in item or "/" in item for item in items):
        return "bind addresses are single IP addresses, without * or /"
    return reason


def _check_mechanisms(items: list[str]) -> str | None:
    unknown = [m for m in items if m.upper() not in ("PLAIN", "LOGIN", "CRAM-MD5")]
    return f"unknown SASL mechanism {unknown[0]!r}; known: PLAIN, LOGIN, CRAM-MD5" if unknown else None


define("pop3.bind_addresses", SettingType.LIST, [],
       "IP addresses the POP3 ports listen on; empty: the address given to `mailhive serve --bind`.",
       check=_check_addresses)
define("pop3.ipv6", SettingType.BOOL, False,
       "Also listen on IPv6: ::1 beside 127.0.0.1, :: beside 0.0.0.0.")
define("pop3.max_connections", SettingType.INT, 500,
       "Most simultaneous POP3 connections per port (0 = no limit); more are refused with -ERR [SYS/TEMP].",
       minimum=0, maximum=100000)
define("pop3.apop", SettingType.BOOL, False,
       "Offer APOP (the greeting carries a timestamp). Needs auth.legacy_mechanisms, which keeps the"
       " password-equivalent APOP checks against.")
define("pop3.sasl_mechanisms", SettingType.LIST, ["PLAIN", "LOGIN", "CRAM-MD5"],
       "SASL mechanisms offered by AUTH (RFC 5034). CRAM-MD5 is offered only while"
       " auth.legacy_mechanisms is on.", check=_check_mechanisms)
define("pop3.force_secure_login", SettingType.BOOL, False,
       "Refuse USER/PASS and AUTH PLAIN/LOGIN until the connection is encrypted (STLS or the TLS port).")
define("pop3.idle_timeout_seconds", SettingType.INT, 600,
       "Autologout: a connection that sends no command for this long is closed, nothing deleted"
       " (RFC 1939 asks for at least 600).", minimum=1, maximum=86400)
define("pop3.inactivity_timeout_seconds", SettingType.INT, 300,
       "A client that reads nothing of a response for this long (a stalled RETR) is dropped.",
       minimum=1, maximum=86400)
define("pop3.access_mode", SettingType.CHOICE, "off",
       "IP access control: off; allow_only (only pop3.access_list may connect); deny (pop3.access_list"
       " may not).", choices=("off", "allow_only", "deny"))
define("pop3.access_list", SettingType.LIST, [],
       "IP addresses, networks (10.0.0.0/8) or patterns with * (192.168.*) for pop3.access_mode.",
       check=check_patterns)
define("pop3.welcome_message", SettingType.STR, "",
       "Alternate greeting text after +OK (%LOCALDOMAIN% and %TIME% are replaced); empty: the default.",
       max_length=200)
define("pop3.concurrent_access", SettingType.BOOL, False,
       "Let several sessions open the same mailbox at once. Off: a second session gets -ERR [IN-USE].")
define("pop3.login_delay_seconds", SettingType.INT, 0,
       "Least time between two logins to one mailbox, advertised as LOGIN-DELAY (0 = none).",
       minimum=0, maximum=86400)
define("pop3.max_bad_commands", SettingType.INT, 20,
       "Client mistakes after which the connection is closed.", minimum=1, maximum=1000)
define("pop3.activity_log", SettingType.BOOL, True,
       "Write the POP3 activity log (one line per command and reply, passwords never) in <data>/logs.")

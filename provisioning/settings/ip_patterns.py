"""IP address patterns, the value type of every access-control and IP-list setting (POP3, IMAP,
SMTP access lists, privileged relay ranges, whitelists): ``192.0.2.7``, ``192.168.*`` or
``10.*.*.5`` (each ``*`` stands for whole octets or IPv6 groups), ``198.51.100.0/24``, ``2001:db8::/32``.
An IPv4-mapped IPv6 client (``::ffff:192.0.2.7``) matches as its IPv4 address."""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_WILDCARD_V4 = re.compile(r"(?:(?:\d{1,3}|\*)\.){0,3}(?:\d{1,3}|\*)")
_WILDCARD_V6 = re.compile(r"(?:(?:[0-9a-f]{1,4}|\*):)*(?:[0-9a-f]{1,4}|\*)")


def client_address(text: str) -> IpAddress | None:
    """The client's address (an IPv4-mapped IPv6 address as IPv4), or None if ``text`` is none."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True, slots=True)
class IpPattern:
    text: str
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None  # exact address or CIDR
    wildcard: re.Pattern[str] | None  # ``*`` octets/groups

    def matches(self, address: IpAddress) -> bool:
        if self.network is not None:
            return address.version == self.network.version and address in self.network
        assert self.wildcard is not None
        shown = str(address) if address.version == 4 else address.exploded
        return self.wildcard.fullmatch(shown) is not None


def parse_pattern(text: str) -> IpPattern:
    """One pattern, or ValueError saying what is wrong with it."""
    item = text.strip().lower()
    if not item:
        raise ValueError("an empty IP pattern")
    if "*" not in item:
        try:
            return IpPattern(item, ipaddress.ip_network(item, strict=False), None)
        except ValueError:
            raise ValueError(f"{text.strip()!r} is not an IP address, a network or a pattern with *") from None
    if _WILDCARD_V4.fullmatch(item) and all(p == "*" or int(p) <= 255 for p in item.split(".")):
        parts = item.split(".")
        if parts[-1] == "*":  # "10.*" covers 10.0.0.0 to 10.255.255.255
            parts += ["*"] * (4 - len(parts))
        if len(parts) != 4:
            raise ValueError(f"{text.strip()!r}: an IPv4 pattern has four octets, or ends in *")
        regex = r"\.".join(r"\d{1,3}" if p == "*" else re.escape(str(int(p))) for p in parts)
        return IpPattern(item, None, re.compile(regex))
    if ":" in item and _WILDCARD_V6.fullmatch(item):
        groups = item.split(":")
        if groups[-1] == "*":
            groups += ["*"] * (8 - len(groups))
        if len(groups) != 8:
            raise ValueError(f"{text.strip()!r}: an IPv6 pattern has eight groups, or ends in *")
        regex = ":".join("[0-9a-f]{4}" if g == "*" else g.zfill(4) for g in groups)
        return IpPattern(item, None, re.compile(regex))
    raise ValueError(f"{text.strip()!r} is not an IP address, a network or a pattern with *")


def parse_patterns(items: Iterable[str]) -> tuple[IpPattern, ...]:
    return tuple(parse_pattern(item) for item in items)


def check_patterns(items: Iterable[str]) -> str | None:
    """The reason the first bad pattern is refused, or None: the settings registry's check."""
    try:
        parse_patterns(items)
    except ValueError as exc:
        return str(exc)
    return None


def matches_any(patterns: Iterable[IpPattern], address: str) -> bool:
    """True when ``address`` (text, as a socket reports it) matches one of the patterns."""
    client = client_address(address)
    return client is not None and any(p.matches(client) for p in patterns)

"""IP patterns (the value type of access lists) and the access control built on them."""
from __future__ import annotations

import pytest

from mailnodes.net import AccessControl, listen_addresses
from provisioning.errors import InvalidInput
from provisioning.settings import lookup
from provisioning.settings.ip_patterns import matches_any, parse_pattern, parse_patterns


@pytest.mark.parametrize(("pattern", "inside", "outside"), [
    ("192.0.2.7", ["192.0.2.7", "::ffff:192.0.2.7"], ["192.0.2.8", "2001:db8::1"]),
    ("192.168.*", ["192.168.0.1", "192.168.255.255"], ["192.169.0.1", "10.192.168.1"]),
    ("10.*.*.5", ["10.1.2.5", "10.200.0.5"], ["10.1.2.6", "11.1.2.5"]),
    ("198.51.100.0/24", ["198.51.100.1", "198.51.100.254"], ["198.51.101.1"]),
    ("2001:db8::/32", ["2001:db8:1::1"], ["2001:db9::1", "192.0.2.1"]),
    ("2001:db8:*", ["2001:db8:0:0:0:0:0:1", "2001:0db8:ffff::"], ["2001:db9::1"]),
    ("*", ["1.2.3.4", "255.255.255.255"], ["::1"]),
])
def test_patterns_match_what_they_say(pattern: str, inside: list[str], outside: list[str]) -> None:
    parsed = [parse_pattern(pattern)]
    assert all(matches_any(parsed, ip) for ip in inside)
    assert not any(matches_any(parsed, ip) for ip in outside)


@pytest.mark.parametrize("bad", ["", "10.x", "300.1.*", "1.2.3.4.5", "10.*.5", "host.example", "1:2:*:3"])
def test_bad_patterns_are_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_pattern(bad)


def test_a_setting_of_patterns_refuses_bad_ones_by_name() -> None:
    setting = lookup("pop3.access_list")
    assert setting.coerce("10.0.0.0/8, 192.168.*") == ["10.0.0.0/8", "192.168.*"]
    with pytest.raises(InvalidInput, match="pop3.access_list: '10.x'"):
        setting.coerce("10.0.0.1, 10.x")
    with pytest.raises(InvalidInput, match="single IP addresses"):
        lookup("pop3.bind_addresses").coerce("10.0.0.*")


def test_access_control_modes() -> None:
    listed = ["127.0.0.*"]
    assert AccessControl.of("off", listed).allows("127.0.0.1")
    assert AccessControl.of("deny", listed).allows("192.0.2.1")
    assert not AccessControl.of("deny", listed).allows("127.0.0.1")
    assert AccessControl.of("allow_only", listed).allows("127.0.0.1")
    assert not AccessControl.of("allow_only", listed).allows("192.0.2.1")
    assert not AccessControl.of("allow_only", listed).allows("not an address")
    assert parse_patterns([]) == ()


def test_listen_addresses_add_the_ipv6_twins() -> None:
    assert listen_addresses([], "127.0.0.1", ipv6=False) == ["127.0.0.1"]
    assert listen_addresses([], "127.0.0.1", ipv6=True) == ["127.0.0.1", "::1"]
    assert listen_addresses(["0.0.0.0", "::"], "127.0.0.1", ipv6=True) == ["0.0.0.0", "::"]
    assert listen_addresses(["192.0.2.1"], "127.0.0.1", ipv6=True) == ["192.0.2.1"]

"""Names and addresses as the directory accepts them: validation and normal forms.

- Post office names: 1–64 characters, no white space or control characters, none of
  ``@ : [ ] * ? / \\``. Compared case-insensitively (``name_key``).
- Mailbox, group and list names: the local part of their addresses, so email dot-atom characters
  without the alternate ``@`` characters ``# $ %``; 1–64; compared case-insensitively.
- Domains: lower-case A-labels (IDNA), at least two labels, each 1–63 of letters, digits and
  hyphens, 253 at most; no IP literals.
- Addresses: ``local@domain`` stored entirely lower-cased, because mail systems treat local parts
  case-insensitively in practice and the address map must have one entry per mailbox address.
"""
from __future__ import annotations

import ipaddress
import re

from provisioning.errors import InvalidInput

_PO_FORBIDDEN = set("@:[]*?/\\")
_LOCAL = re.compile(r"^[A-Za-z0-9!&'*+\-=?^_`{|}~]+(\.[A-Za-z0-9!&'*+\-=?^_`{|}~]+)*$")
_REMOTE_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def postoffice_name(name: object, *, field: str = "name") -> str:
    if not isinstance(name, str) or not name:
        raise InvalidInput("a post office name is required", field=field)
    if len(name) > 64:
        raise InvalidInput("a post office name has at most 64 characters", field=field)
    bad = sorted({ch for ch in name if ch in _PO_FORBIDDEN or ch.isspace() or ord(ch) < 32 or ord(ch) == 127})
    if bad:
        shown = " ".join(repr(ch) for ch in bad)
        raise InvalidInput(f"a post office name may not contain {shown}", field=field)
    return name


def local_name(name: object, *, what: str = "mailbox", field: str = "name") -> str:
    """A mailbox, group or list name: the local part of its addresses."""
    if not isinstance(name, str) or not name:
        raise InvalidInput(f"a {what} name is required", field=field)
    if len(name) > 64:
        raise InvalidInput(f"a {what} name has at most 64 characters", field=field)
    if not _LOCAL.match(name):
        raise InvalidInput(
            f"invalid {what} name {name!r}: use letters, digits and . - _ + (no spaces, no # $ % @)", field=field
        )
    return name


def domain_name(name: object, *, field: str = "domain") -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("a domain name is required", field=field)
    text = name.strip().rstrip(".").lower()
    try:
        ipaddress.ip_address(text.strip("[]"))
        raise InvalidInput("an IP address is not a domain name", field=field)
    except ValueError:
        pass
    try:
        ascii_name = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidInput(f"invalid domain name {name!r}", field=field) from None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidInput(f"invalid domain name {name!r}", field=field)
    if labels[-1].isdigit():
        raise InvalidInput(f"invalid domain name {name!r}: the last label cannot be numeric", field=field)
    return ascii_name


def split_address(address: object, *, field: str = "address") -> tuple[str, str]:
    if not isinstance(address, str) or address.count("@") < 1:
        raise InvalidInput(f"invalid address {address!r}: expected local@domain", field=field)
    local, _, domain = address.strip().rpartition("@")
    if not local or len(local) > 64 or not _REMOTE_LOCAL.match(local):
        raise InvalidInput(f"invalid address {address!r}", field=field)
    return local.lower(), domain_name(domain, field=field)


def address(value: object, *, field: str = "address") -> str:
    """An address in its stored form (``local@domain``, lower-cased)."""
    local, domain = split_address(value, field=field)
    return f"{local}@{domain}"


def smarthost(value: object, *, field: str = "smarthost") -> str:
    """``host[:port]`` with a host name, an IPv4 address or a bracketed IPv6 address."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("a smart host is required", field=field)
    text = value.strip().lower()
    host, port = text, None
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise InvalidInput(f"invalid smart host {value!r}", field=field)
        host, rest = text[1:end], text[end + 1 :]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise InvalidInput(f"invalid IPv6 address in {value!r}", field=field) from None
        if rest:
            if not rest.startswith(":"):
                raise InvalidInput(f"invalid smart host {value!r}", field=field)
            port = rest[1:]
    else:
        if text.count(":") == 1:
            host, port = text.split(":")
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            domain_name(host, field=field) if "." in host else _single_label(host, field)
    if port is not None and (not port.isdigit() or not 1 <= int(port) <= 65535):
        raise InvalidInput(f"invalid port in smart host {value!r}", field=field)
    return text


def _single_label(host: str, field: str) -> None:
    if not _LABEL.match(host):
        raise InvalidInput(f"invalid smart host {host!r}", field=field)

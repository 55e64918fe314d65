"""Modified UTF-7 mailbox names (RFC 3501 section 5.1.3)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailnodes.imap.mutf7 import Mutf7Error, decode, encode


@pytest.mark.parametrize(("name", "wire"), [
    ("INBOX", b"INBOX"), ("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e", b"~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
    ("R&D", b"R&-D"), ("&", b"&-"), ("caf\u00e9", b"caf&AOk-"), ("\U0001f600", b"&2D3eAA-"), ("", b""),
    ("a\u00e9b\u00e9", b"a&AOk-b&AOk-"),
])
def test_examples(name: str, wire: bytes) -> None:
    assert encode(name) == wire
    assert decode(wire) == name


@pytest.mark.parametrize("wire", [b"caf\xc3\xa9", b"a&b", b"&AOk", b"&AO!-", b"&AOkA-", b"&2D0-", b"&AGE-", b"&-&"])
def test_invalid(wire: bytes) -> None:
    with pytest.raises(Mutf7Error):
        decode(wire)


@given(st.text())
def test_round_trip(name: str) -> None:
    assert decode(encode(name)) == name

"""Modified UTF-7, the mailbox-name encoding of IMAP4rev1 (RFC 3501 section 5.1.3): printable ASCII
stands for itself except "&", written "&-"; any other run of characters is UTF-16BE in base64 with
"," for "/" and no padding, between "&" and "-". Decoding is strict (a name has one spelling), so
two spellings never reach the store as two folders."""
from __future__ import annotations

import base64
import binascii
import re

_SHIFTED = re.compile(r"&([A-Za-z0-9+,]*)-")


class Mutf7Error(ValueError):
    """Not a valid modified UTF-7 mailbox name; the text says why."""


def encode(name: str) -> bytes:
    """``name`` in modified UTF-7 (pure ASCII bytes)."""
    out = bytearray()
    run: list[str] = []

    def flush() -> None:
        if run:
            raw = "".join(run).encode("utf-16-be")
            out.extend(b"&" + base64.b64encode(raw).rstrip(b"=").replace(b"/", b",") + b"-")
            run.clear()

    for char in name:
        if "\x20" <= char <= "\x7e":
            flush()
            out.extend(b"&-" if char == "&" else char.encode("ascii"))
        else:
            run.append(char)
    flush()
    return bytes(out)


def decode(data: bytes) -> str:
    """The name that ``data`` spells, or ``Mutf7Error``."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise Mutf7Error("8-bit characters in a mailbox name (use modified UTF-7, or ENABLE UTF8=ACCEPT)") from None
    out: list[str] = []
    pos = 0
    while pos < len(text):
        amp = text.find("&", pos)
        if amp < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:amp])
        match = _SHIFTED.match(text, amp)
        if match is None:
            raise Mutf7Error("unterminated or invalid & sequence in a mailbox name")
        payload = match.group(1)
        if not payload:
            out.append("&")
        else:
            out.append(_decode_run(payload))
        pos = match.end()
    name = "".join(out)
    if encode(name) != data:
        raise Mutf7Error("mailbox name not in canonical modified UTF-7")
    return name


def _decode_run(payload: str) -> str:
    padded = payload.replace(",", "/") + "=" * (-len(payload) % 4)
    try:
        raw = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise Mutf7Error("invalid base64 in a mailbox name") from None
    if len(raw) % 2:
        raise Mutf7Error("odd UTF-16 length in a mailbox name")
    try:
        return raw.decode("utf-16-be")
    except UnicodeDecodeError:
        raise Mutf7Error("invalid UTF-16 in a mailbox name") from None

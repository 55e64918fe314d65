"""Content of a part: transfer-decoded octets for IMAP BINARY (RFC 3516), and text for webmail.

``decoded_part`` undoes base64 and quoted-printable (RFC 2045 section 6) and returns 7bit, 8bit
and binary bodies unchanged, as does a part without (or with a syntactically invalid)
Content-Transfer-Encoding, which BODYSTRUCTURE reports as 7bit. A well-formed but unknown
encoding raises ``UnknownTransferEncoding``: the IMAP layer answers ``NO [UNKNOWN-CTE]``.
Decoding is lenient, like the clients that read this mail: base64 skips junk characters and
tolerates bad padding, quoted-printable keeps a malformed ``=`` escape as it is.
"""
from __future__ import annotations

import re

from mailnodes.mime.charsets import decode_text
from mailnodes.mime.headers import b64_lenient
from mailnodes.mime.structure import Part

IDENTITY_ENCODINGS = frozenset({"7bit", "8bit", "binary"})
_QP_SOFT_BREAK = re.compile(rb"=[ \t]*\r?\n")
_QP_TRAILING_SPACE = re.compile(rb"[ \t]+(?=\r?\n)|[ \t]+\Z")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


class UnknownTransferEncoding(ValueError):
    """The part declares a Content-Transfer-Encoding we cannot undo (RFC 3516 UNKNOWN-CTE)."""

    def __init__(self, encoding: str) -> None:
        super().__init__(f"unknown Content-Transfer-Encoding {encoding!r}")
        self.encoding = encoding


def decode_base64(body: bytes) -> bytes:
    return b64_lenient(body)


def decode_quoted_printable(body: bytes) -> bytes:
    body = _QP_TRAILING_SPACE.sub(b"", body)  # transport padding (RFC 2045 section 6.7, rule 3)
    body = _QP_SOFT_BREAK.sub(b"", body)
    return _QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), body)


def decoded_part(data: bytes, part: Part) -> bytes:
    """The body of ``part`` (found in ``data``) with its transfer encoding undone."""
    body = data[part.body_start:part.end]
    encoding = part.encoding
    if encoding is None or encoding in IDENTITY_ENCODINGS:
        return body
    if encoding == "base64":
        return decode_base64(body)
    if encoding == "quoted-printable":
        return decode_quoted_printable(body)
    raise UnknownTransferEncoding(encoding)


def text_of(part: Part) -> str:
    """The body of a part as text for display: transfer-decoded (or raw when the encoding is
    unknown), converted from its charset with fallbacks (see ``charsets``), line ends as LF."""
    try:
        payload = decoded_part(part.data, part)
    except UnknownTransferEncoding:
        payload = part.body_bytes
    text = decode_text(payload, part.charset)
    return text.replace("\r\n", "\n")

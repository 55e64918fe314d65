"""Rendering POP3 responses to bytes: status lines, multi-line responses with their dot-stuffing,
listings, capabilities and message bodies (RETR and TOP). Pure functions, no state.

Message bodies leave here with exact line framing: every line ends in CRLF, whatever the stored
message used (CRLF, a bare LF or a bare CR each count as one line end), a last line without a line
end gets one, a line that starts with "." gets a second "." (RFC 1939 section 3), and the response
ends with ".\r\n". ``pop3_size`` counts a message the same way (after CRLF normalisation, before
dot-stuffing) so the octets announced by LIST and STAT are the octets RETR delivers.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from mailnodes.pop3.errors import LocalProtocolError, ResponseCode

CRLF = b"\r\n"
MAX_RESPONSE_LINE = 512  # RFC 2449 section 4: a response line, CRLF included
_LINE_END = re.compile(rb"\r\n|\r|\n")
_FORBIDDEN_IN_TEXT = re.compile(r"[\x00-\x1f\x7f]")


def _status(indicator: str, text: str, code: ResponseCode | None) -> bytes:
    if _FORBIDDEN_IN_TEXT.search(text):
        raise LocalProtocolError(f"response text must be one line without control characters: {text!r}")
    if code is not None and not isinstance(code, ResponseCode):
        raise LocalProtocolError(f"response code must be a ResponseCode, not {code!r}")
    parts = [indicator]
    if code is not None:
        parts.append(f"[{code.value}]")
    if text:
        parts.append(text)
    line = " ".join(parts).encode("utf-8") + CRLF
    if len(line) > MAX_RESPONSE_LINE:
        raise LocalProtocolError(f"response line longer than {MAX_RESPONSE_LINE} octets")
    return line


def ok_line(text: str = "") -> bytes:
    """``+OK text``."""
    return _status("+OK", text, None)


def err_line(text: str, code: ResponseCode | None = None) -> bytes:
    """``-ERR [CODE] text``; the code, when given, is one of RFC 2449/3206's."""
    return _status("-ERR", text, code)


def continuation_line(challenge_b64: bytes) -> bytes:
    """A SASL server challenge, ``+ base64`` (RFC 5034 section 4); ``+ `` for an empty one."""
    return b"+ " + challenge_b64 + CRLF


def split_lines(data: bytes) -> list[bytes]:
    """The lines of a message without their line ends (CRLF, bare LF and bare CR all end a line)."""
    lines = _LINE_END.split(data)
    if lines[-1] == b"":  # the data ended with a line end, or was empty
        lines.pop()
    return lines


def _is_canonical(data: bytes) -> bool:
    """Every line, the last included, ends in CRLF, and there is no bare CR or LF."""
    crlf = data.count(b"\r\n")
    return data.endswith(b"\r\n") and data.count(b"\n") == crlf and data.count(b"\r") == crlf


def pop3_size(data: bytes) -> int:
    """The size POP3 announces for a message: octets once every line ends in CRLF."""
    return sum(len(line) + 2 for line in split_lines(data))


def stuff_lines(lines: Iterable[bytes]) -> bytes:
    """The body of a multi-line response: CRLF after each line, dot-stuffing, then ``.\\r\\n``."""
    out = bytearray()
    for line in lines:
        if line.startswith(b"."):
            out += b"."
        out += line
        out += CRLF
    out += b".\r\n"
    return bytes(out)


def multiline(first: bytes, lines: Iterable[str | bytes]) -> bytes:
    """A status line followed by a dot-stuffed, terminated block of lines."""
    encoded: list[bytes] = []
    for line in lines:
        raw = line.encode("utf-8") if isinstance(line, str) else line
        if b"\r" in raw or b"\n" in raw:
            raise LocalProtocolError(f"a line of a multi-line response holds a line break: {raw!r}")
        encoded.append(raw)
    return first + stuff_lines(encoded)


def top_lines(data: bytes, body_lines: int) -> list[bytes]:
    """The header lines, the blank separator line and the first ``body_lines`` lines of the body.

    A message without a blank line is all header: it is returned whole."""
    lines = split_lines(data)
    try:
        blank = lines.index(b"")
    except ValueError:
        return lines
    return lines[: blank + 1 + body_lines]


def message_response(data: bytes, *, top: int | None = None, text: str | None = None) -> bytes:
    """A RETR response (``top`` is None) or a TOP response (headers + ``top`` body lines)."""
    if top is None:
        if _is_canonical(data):  # the store's wire form: stuff in one pass, no line list
            stuffed = (b"." if data.startswith(b".") else b"") + data.replace(b"\r\n.", b"\r\n..")
            return ok_line(text if text is not None else f"{len(data)} octets") + stuffed + b".\r\n"
        lines = split_lines(data)
        first = ok_line(text if text is not None else f"{sum(len(x) + 2 for x in lines)} octets")
    else:
        if top < 0:
            raise LocalProtocolError("TOP needs a non-negative number of lines")
        lines = top_lines(data, top)
        first = ok_line(text if text is not None else "top of message follows")
    return first + stuff_lines(lines)


def scan_listing(entries: Iterable[tuple[int, int]], text: str) -> bytes:
    """A LIST response without argument: ``msg size`` per message."""
    return multiline(ok_line(text), (f"{msg} {size}" for msg, size in entries))


def uidl_listing(entries: Iterable[tuple[int, str]], text: str = "") -> bytes:
    """A UIDL response without argument: ``msg unique-id`` per message."""
    return multiline(ok_line(text), (f"{msg} {uid}" for msg, uid in entries))


def capa_response(capabilities: Iterable[str]) -> bytes:
    """The CAPA response (RFC 2449 section 5)."""
    return multiline(ok_line("Capability list follows"), capabilities)

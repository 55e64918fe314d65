"""Parsing what a POP3 client sends: line framing (``LineBuffer``), command lines
(``parse_command``) and each argument production (message numbers, line counts, APOP digests, SASL
mechanism names, base64 responses, PLAIN and CRAM-MD5 payloads). Every production is a pure
function that returns a value or raises ``RemoteProtocolError`` with the reason sent to the client.

Grammar (RFC 1939 section 3, RFC 2449 section 3, RFC 5034 section 4), with our leniencies:
  command   = keyword *(SP argument) CRLF   ; a bare LF also ends a line; runs of spaces separate
  keyword   = 3*4ALPHA                      ; case-insensitive
  argument  = 1*(printable UTF-8, no SP)    ; PASS alone takes the rest of the line, spaces and all
  msg       = 1*10DIGIT, not 0
  lines     = 1*10DIGIT
  digest    = 32HEXDIG                      ; APOP, CRAM-MD5
  mechanism = 1*20(UPPER / DIGIT / "-" / "_")
  response  = base64 / "*"                  ; "=" alone is an empty initial response
"""
from __future__ import annotations

import base64
import binascii
import enum
import re
from dataclasses import dataclass

from mailnodes.pop3.errors import RemoteProtocolError

_KEYWORD = re.compile(rb"[A-Za-z]{3,4}")
_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")
_DIGITS = re.compile(r"[0-9]{1,10}")
_HEX32 = re.compile(r"[0-9A-Fa-f]{32}")
_MECHANISM = re.compile(r"[A-Za-z0-9_-]{1,20}")
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")


class Framing(enum.Enum):
    """What ``LineBuffer.next_line`` reports instead of a line."""

    INCOMPLETE = "incomplete"  # no full line buffered yet
    TOO_LONG = "too long"      # a line exceeded the limit; it is being (or has been) discarded


class LineBuffer:
    """Buffers received bytes and cuts them into lines, never holding more than one line's limit of
    an incomplete line: the rest of an overlong line is dropped as it arrives."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._discarding = False  # inside an overlong line already reported

    def __len__(self) -> int:
        return len(self._data)

    def feed(self, data: bytes) -> None:
        if self._discarding:
            end = data.find(b"\n")
            if end < 0:
                return
            self._discarding = False
            data = data[end + 1:]
        self._data += data

    def clear(self) -> None:
        self._data.clear()
        self._discarding = False

    def next_line(self, limit: int) -> bytes | Framing:
        """The next line without its line end, or a ``Framing`` value. ``limit`` counts the CRLF."""
        end = self._data.find(b"\n", 0, limit)
        if end < 0:
            if len(self._data) < limit:
                return Framing.INCOMPLETE
            # Overlong: drop through its line end, or everything and the rest as it arrives.
            end = self._data.find(b"\n")
            if end < 0:
                self._data.clear()
                self._discarding = True
            else:
                del self._data[: end + 1]
            return Framing.TOO_LONG
        line = bytes(self._data[:end])
        del self._data[: end + 1]
        return line[:-1] if line.endswith(b"\r") else line


@dataclass(frozen=True, slots=True)
class Command:
    """A command line: the upper-cased keyword, its space-separated arguments, and the verbatim
    text after ``keyword SP`` (for PASS, whose argument may hold spaces)."""

    keyword: str
    args: tuple[str, ...]
    tail: str


def parse_command(line: bytes) -> Command:
    """A command line (without its line end)."""
    if not line.strip(b" "):
        raise RemoteProtocolError("empty command line")
    if _CONTROL.search(line):
        raise RemoteProtocolError("control characters in command line")
    keyword, _, tail = line.partition(b" ")
    if not _KEYWORD.fullmatch(keyword):
        raise RemoteProtocolError("unknown command")
    try:
        text = tail.decode("utf-8")
    except UnicodeDecodeError:
        raise RemoteProtocolError("command arguments are not valid UTF-8") from None
    return Command(keyword.decode("ascii").upper(), tuple(text.split()), text)


def expect_args(command: Command, least: int, most: int) -> tuple[str, ...]:
    """The arguments, if their count is within ``least``..``most``."""
    if len(command.args) < least:
        raise RemoteProtocolError(f"{command.keyword} needs more arguments")
    if len(command.args) > most:
        raise RemoteProtocolError(f"too many arguments for {command.keyword}")
    return command.args


def parse_message_number(arg: str) -> int:
    """A message number: a positive decimal integer (range is checked against the maildrop)."""
    if not _DIGITS.fullmatch(arg):
        raise RemoteProtocolError("invalid message number")
    number = int(arg)
    if number == 0:
        raise RemoteProtocolError("no such message: messages are numbered from 1")
    return number


def parse_line_count(arg: str) -> int:
    """TOP's count of body lines: a non-negative decimal integer."""
    if not _DIGITS.fullmatch(arg):
        raise RemoteProtocolError("invalid number of lines")
    return int(arg)


def parse_digest(arg: str) -> str:
    """An MD5 digest in hex (APOP, CRAM-MD5), returned lower-case."""
    if not _HEX32.fullmatch(arg):
        raise RemoteProtocolError("the digest must be 32 hexadecimal digits")
    return arg.lower()


def parse_mechanism(arg: str) -> str:
    """A SASL mechanism name, returned upper-case."""
    if not _MECHANISM.fullmatch(arg):
        raise RemoteProtocolError("invalid SASL mechanism name")
    return arg.upper()


def decode_base64(data: bytes) -> bytes:
    """Strict base64 (RFC 4648 alphabet, correct padding, nothing else on the line)."""
    if not _BASE64.fullmatch(data) or len(data) % 4:
        raise RemoteProtocolError("invalid base64 in SASL response")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise RemoteProtocolError("invalid base64 in SASL response") from None


def parse_initial_response(arg: str) -> bytes:
    """AUTH's optional initial response: base64, or "=" for an empty one (RFC 5034 section 4)."""
    if arg == "=":
        return b""
    return decode_base64(arg.encode("ascii", "replace"))


class Cancelled(enum.Enum):
    """The client's "*" line: it abandons the SASL exchange."""

    CANCELLED = "*"


def parse_auth_response(line: bytes) -> bytes | Cancelled:
    """A client line in a SASL exchange: decoded base64, or ``Cancelled.CANCELLED`` for "*"."""
    if line == b"*":
        return Cancelled.CANCELLED
    return decode_base64(line)


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise RemoteProtocolError(f"{what} is not valid UTF-8") from None


def decode_plain(data: bytes) -> tuple[str, str, str]:
    """A PLAIN message (RFC 4616): ``authzid NUL authcid NUL passwd`` as (authzid, authcid, passwd)."""
    parts = data.split(b"\x00")
    if len(parts) != 3:
        raise RemoteProtocolError("malformed PLAIN credentials")
    authzid, authcid, passwd = parts
    if not authcid or not passwd:
        raise RemoteProtocolError("malformed PLAIN credentials")
    return _utf8(authzid, "authorization identity"), _utf8(authcid, "user name"), _utf8(passwd, "password")


def decode_login_field(data: bytes, what: str) -> str:
    """A LOGIN user name or password: non-empty UTF-8 without NUL."""
    if not data or b"\x00" in data:
        raise RemoteProtocolError(f"malformed LOGIN {what}")
    return _utf8(data, what)


def decode_cram_md5(data: bytes) -> tuple[str, str]:
    """A CRAM-MD5 response (RFC 2195): ``user SP digest`` as (user, lower-case hex digest)."""
    user, sep, digest = data.rpartition(b" ")
    if not sep or not user:
        raise RemoteProtocolError("malformed CRAM-MD5 response")
    return _utf8(user, "user name"), parse_digest(digest.decode("ascii", "replace"))

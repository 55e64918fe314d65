"""Header blocks of RFC 5322 messages and MIME parts: where each field lies in the message bytes,
its name and its unfolded value, and RFC 2047 encoded-word decoding for display.

Values are ``str`` decoded from the raw bytes as UTF-8 with ``surrogateescape``: 8-bit garbage
survives the round trip (``value.encode("utf-8", "surrogateescape")`` gives the original bytes back),
which is what IMAP needs (it returns header values undecoded). ``decode_words`` is for people.
"""
from __future__ import annotations

import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mailnodes.mime.charsets import decode_text

_FOLD = re.compile(r"\r?\n(?=[ \t])|\r?\n")


def raw_str(raw: bytes) -> str:
    """Bytes of a header as ``str``, losslessly (see the module docstring)."""
    return raw.decode("utf-8", "surrogateescape")


def unfold(value: str) -> str:
    """RFC 5322 unfolding: line breaks removed, the whitespace that follows them kept; trimmed."""
    return _FOLD.sub("", value).strip(" \t\r\n")


@dataclass(frozen=True, slots=True)
class HeaderField:
    """One field: ``start``/``end`` are offsets in the message bytes of its lines (name, colon,
    value, folded continuation lines and the final line end, when there is one)."""

    name: str    # as written (compare with ``.lower()``)
    value: str   # unfolded, trimmed, undecoded
    start: int
    end: int


class Headers:
    """The fields of one header block, in order. Lookups are case-insensitive; ``get`` returns the
    first occurrence, which is the one IMAP (ENVELOPE, BODYSTRUCTURE) and MIME use.

    Built over ``data[start:end]`` and split into fields only when all of them are needed: the
    structure parser asks for a few Content-* fields per part, which a regular expression finds
    without a Python loop over every line of a (possibly huge) header."""

    __slots__ = ("_data", "_start", "_end", "_fields")

    def __init__(self, data: bytes = b"", start: int = 0, end: int | None = None) -> None:
        self._data = data
        self._start = start
        self._end = len(data) if end is None else end
        self._fields: tuple[HeaderField, ...] | None = None

    @property
    def fields(self) -> tuple[HeaderField, ...]:
        if self._fields is None:
            self._fields = _split_fields(self._data, self._start, self._end)
        return self._fields

    def __iter__(self) -> Iterator[HeaderField]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __repr__(self) -> str:
        return f"Headers({[f.name for f in self.fields]!r})"

    def get(self, name: str) -> str | None:
        if self._fields is None:
            return self._find(name)
        wanted = name.lower()
        for field in self._fields:
            if field.name.lower() == wanted:
                return field.value
        return None

    def get_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [field.value for field in self.fields if field.name.lower() == wanted]

    def _find(self, name: str) -> str | None:
        # A field starts at a line start (continuation lines start with white space).
        pattern = _field_pattern(name)
        data, start, end = self._data, self._start, self._end
        match = pattern.search(data, start, end)
        while match is not None and match.start() > start and data[match.start() - 1] != 0x0A:
            match = pattern.search(data, match.start() + 1, end)
        if match is None:
            return None
        pos = match.end()
        while True:
            lf = data.find(b"\n", pos, end)
            if lf < 0 or lf + 1 >= end or data[lf + 1] not in (0x20, 0x09):
                stop = end if lf < 0 else lf + 1
                break
            pos = lf + 1
        return unfold(raw_str(data[match.end():stop]))


_PATTERNS: dict[str, re.Pattern[bytes]] = {}


def _field_pattern(name: str) -> re.Pattern[bytes]:
    pattern = _PATTERNS.get(name)
    if pattern is None:
        pattern = re.compile(re.escape(name.encode("utf-8", "surrogateescape")) + rb"[ \t]*:", re.IGNORECASE)
        _PATTERNS[name] = pattern
    return pattern


def parse_fields(data: bytes, start: int, end: int) -> Headers:
    """The header block ``data[start:end]`` (with or without its blank line)."""
    return Headers(data, start, end)


def _split_fields(data: bytes, start: int, end: int) -> tuple[HeaderField, ...]:
    """Split ``data[start:end]`` into fields.
    A line without a colon becomes a field named after the whole line with an empty value (it then
    matches no HEADER.FIELDS name but is kept by HEADER.FIELDS.NOT, as it was in the message);
    continuation lines before any field are dropped."""
    fields: list[HeaderField] = []
    pos = start
    name: str | None = None
    value_start = field_start = start
    while pos < end:
        nl = data.find(b"\n", pos, end)
        line_end = end if nl < 0 else nl + 1
        first = data[pos]
        if first in (0x20, 0x09):
            pos = line_end  # continuation of the current field (or of nothing)
            continue
        if name is not None:
            fields.append(_field(data, name, field_start, value_start, pos))
            name = None
        line = data[pos:line_end].rstrip(b"\r\n")
        if not line:
            break  # the blank line ending the block
        colon = line.find(b":")
        field_start = pos
        if colon < 0:
            name, value_start = raw_str(line).strip(), line_end
        else:
            name, value_start = raw_str(line[:colon]).strip(" \t"), pos + colon + 1
        pos = line_end
    if name is not None:
        fields.append(_field(data, name, field_start, value_start, pos))
    return tuple(fields)


def _field(data: bytes, name: str, start: int, value_start: int, end: int) -> HeaderField:
    value = unfold(raw_str(data[value_start:end])) if value_start < end else ""
    return HeaderField(name, value, start, end)


# RFC 2047 encoded words (with the RFC 2231 section 5 "*language" suffix on the charset).
_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)[ \t\r\n]+(?==\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")


def b64_lenient(text: bytes) -> bytes:
    """Base64 with the usual damage tolerated: junk characters skipped, padding missing or wrong."""
    clean = _NOT_BASE64.sub(b"", text.split(b"=", 1)[0])  # data ends at the first pad character
    if len(clean) % 4 == 1:
        clean = clean[:-1]
    clean += b"=" * (-len(clean) % 4)
    try:
        return binascii.a2b_base64(clean)
    except (binascii.Error, ValueError):
        return b""


def _decode_word(match: re.Match[str]) -> str:
    charset, encoding, text = match.group(1), match.group(2).upper(), match.group(3)
    raw = text.encode("ascii", "surrogateescape")
    if encoding == "B":
        payload = b64_lenient(raw)
    else:
        payload = _Q_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw.replace(b"_", b" "))
    return decode_text(payload, charset)


def decode_words(value: str | None) -> str | None:
    """An unfolded header value for display: RFC 2047 encoded words decoded (whitespace between two
    adjacent encoded words dropped), raw 8-bit bytes decoded as UTF-8 or else Windows-1252."""
    if value is None:
        return None
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = decode_text(value.encode("utf-8", "surrogateescape"), None)
    if "=?" not in value:
        return value
    value = _BETWEEN_WORDS.sub(r"\1", value)
    return _ENCODED_WORD.sub(_decode_word, value)


__all__ = ["HeaderField", "Headers", "b64_lenient", "decode_words", "parse_fields", "raw_str", "unfold"]


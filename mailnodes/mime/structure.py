"""The MIME structure of a message (RFC 2045/2046), found by scanning its raw bytes once.

``parse_structure(data)`` returns the root ``Part``. Every part records where its header and body
lie in ``data`` (so IMAP sections are slices, never re-encoded copies) and the values IMAP
BODYSTRUCTURE needs. It never raises: every input gives a tree.

Theory of operation (the boundary rules are Dovecot's, lib-mail/message-parser.c, since RFC 3501
and RFC 2046 leave broken input open):
  * A part is a header block, up to and including the first empty line, then a body.
  * While inside multiparts, the boundaries of every enclosing multipart are active, across
    message/rfc822 encapsulation too. A line is a delimiter when it starts with ``--`` followed by
    an active boundary; what follows on the line is ignored (transport padding or junk), except
    that ``--`` right after the boundary makes it a close delimiter. When several active
    boundaries match, the longest wins; among equal ones the innermost, so a nested multipart
    reusing its parent's boundary takes every delimiter until it is closed.
  * The line end before a delimiter belongs to the delimiter, not to the part before it. A
    delimiter may start the body's very first line (an empty preamble or body).
  * A delimiter of an enclosing multipart ends every part inside it: missing close delimiters
    are implied. A multipart whose boundary never appears has no children; one whose close
    delimiter never comes ends at the end of the data.
  * A delimiter line inside a header block ends the header (a part with a header and no body).
  * A delimiter line that runs to the end of the data with no line end opens no new part.
  * No Content-Type, or an invalid one, means text/plain; charset=us-ascii, except directly
    inside multipart/digest where a missing one means message/rfc822 (RFC 2046 section 5.1.5).
  * Nesting is capped at ``MAX_DEPTH`` levels and the tree at ``MAX_PARTS`` parts (Dovecot:
    100 and 10000). Past the caps a multipart or message/rfc822 part is kept as a leaf
    (``truncated``), and the parts of a multipart past the part cap are not created.

Sizes are octets as stored (a bare LF counts one), and line counts are the number of LF octets
in the body, which is what Dovecot reports for CRLF-stored mail.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from mailnodes.mime.headers import Headers, decode_words, parse_fields
from mailnodes.mime.params import (
    Disposition,
    Param,
    Params,
    parse_content_type,
    parse_disposition,
    parse_language,
    parse_token,
)

MAX_DEPTH = 100
MAX_PARTS = 10_000
# RFC 2046 allows 70 characters; Dovecot truncates longer boundaries to 80 and so do we.
MAX_BOUNDARY = 80
_BLANK_LINE = re.compile(rb"\n\r?\n")
_DEFAULT_PARAMS = Params((Param("charset", "charset", "us-ascii", "us-ascii"),))


@dataclass(frozen=True, slots=True, eq=False)
class Part:
    """One MIME entity. ``data[start:body_start]`` is its header block (with the blank line when
    there is one), ``data[body_start:end]`` its body. ``children`` holds the parts of a multipart;
    ``message`` the encapsulated message of a message/rfc822 part (itself a Part whose header is
    the encapsulated message's header)."""

    data: bytes = field(repr=False)
    start: int
    body_start: int
    end: int
    headers: Headers = field(repr=False)
    type: str                       # lower case
    subtype: str                    # lower case
    params: Params = field(repr=False)
    encoding: str | None            # Content-Transfer-Encoding token, lowered; None when absent/invalid
    content_id: str | None = field(repr=False)
    description: str | None = field(repr=False)
    md5: str | None = field(repr=False)
    disposition: Disposition | None = field(repr=False)
    language: tuple[str, ...] | None = field(repr=False)
    location: str | None = field(repr=False)
    lines: int                      # LF octets in the body
    children: tuple[Part, ...] = ()
    message: Part | None = None
    truncated: bool = False         # a multipart or message/rfc822 not looked into (a cap)

    @property
    def size(self) -> int:
        """Body size in octets (body-fld-octets)."""
        return self.end - self.body_start

    @property
    def header_bytes(self) -> bytes:
        return self.data[self.start:self.body_start]

    @property
    def body_bytes(self) -> bytes:
        return self.data[self.body_start:self.end]

    @property
    def is_multipart(self) -> bool:
        """A multipart whose parts were looked for (a truncated one is reported as a leaf)."""
        return self.type == "multipart" and not self.truncated

    @property
    def is_message(self) -> bool:
        """message/rfc822 with its encapsulated message (a truncated one is reported as a leaf)."""
        return self.message is not None

    @property
    def content_type(self) -> str:
        return f"{self.type}/{self.subtype}"

    @property
    def charset(self) -> str | None:
        return self.params.get("charset")

    @property
    def filename(self) -> str | None:
        """The decoded file name: the disposition's ``filename``, else the type's ``name``."""
        if self.disposition is not None:
            name = self.disposition.params.get("filename")
            if name:
                return name
        return self.params.get("name") or None

    @property
    def decoded_description(self) -> str | None:
        return decode_words(self.description)


def parse_structure(data: bytes) -> Part:
    """The part tree of a whole message (see the module docstring)."""
    part, _ = _Parser(bytes(data)).part(0, 0, in_digest=False)
    return part


def iter_parts(root: Part) -> Iterator[tuple[str, Part]]:
    """Every part that has an IMAP part number, depth first, with that number ("1", "1.2"...).
    A non-multipart message has only part "1", which is the message itself."""
    if not root.is_multipart:
        yield "1", root
        inner = root.message
        if inner is not None:
            yield from _numbered(inner, "1")
        return
    for index, child in enumerate(root.children, 1):
        yield from _walk(child, str(index))


def _walk(part: Part, number: str) -> Iterator[tuple[str, Part]]:
    yield number, part
    if part.is_multipart:
        for index, child in enumerate(part.children, 1):
            yield from _walk(child, f"{number}.{index}")
    elif part.message is not None:
        yield from _numbered(part.message, number)


def _numbered(message: Part, prefix: str) -> Iterator[tuple[str, Part]]:
    # The parts of an encapsulated message: its children, or its body as part 1.
    if message.is_multipart:
        for index, child in enumerate(message.children, 1):
            yield from _walk(child, f"{prefix}.{index}")
    else:
        yield from _walk(message, f"{prefix}.1")


class _Delimiter(NamedTuple):
    start: int       # where the part before it ends (its preceding line end included)
    line: int        # where the delimiter line starts
    line_end: int    # after the delimiter line's LF; -1 when the line ends the data without one
    level: int       # index of the matched boundary in the stack
    close: bool


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)
        self.stack: list[bytes] = []   # active boundaries, outermost first
        self.count = 0                 # parts created so far
        self._patterns: dict[tuple[bytes, ...], re.Pattern[bytes]] = {}

    # -- delimiters -------------------------------------------------------------------------

    def _match(self, line_start: int) -> tuple[int, bool] | None:
        """The boundary level a line starting with ``--`` matches, and whether it closes."""
        data = self.data
        lf = data.find(b"\n", line_start, line_start + MAX_BOUNDARY + 8)
        text = data[line_start + 2: lf if lf >= 0 else line_start + MAX_BOUNDARY + 6]
        text = text.rstrip(b"\r")
        probe = text[:-2] if len(text) > 2 and text.endswith(b"--") else text
        best = -1
        best_len = -1
        for level in range(len(self.stack) - 1, -1, -1):  # innermost first: it wins ties
            boundary = self.stack[level]
            if len(boundary) > best_len and probe.startswith(boundary):
                best, best_len = level, len(boundary)
                if best_len == len(probe):
                    break
        if best < 0:
            return None
        return best, text[best_len:best_len + 2] == b"--"

    def _pattern(self) -> re.Pattern[bytes]:
        # "\n--" followed by any active boundary: the regex engine skips the bulk of a body.
        key = tuple(self.stack)
        pattern = self._patterns.get(key)
        if pattern is None:
            alternatives = sorted(set(key), key=len, reverse=True)
            pattern = re.compile(rb"\n--(?:" + b"|".join(re.escape(b) for b in alternatives) + rb")")
            self._patterns[key] = pattern
        return pattern

    def next_delimiter(self, pos: int, at_line_start: bool) -> _Delimiter | None:
        """The first delimiter of an active boundary at or after ``pos``."""
        if not self.stack:
            return None
        data = self.data
        if at_line_start and data.startswith(b"--", pos):
            found = self._match(pos)
            if found is not None:
                return self._delimiter(pos, pos, found)
        pattern = self._pattern()
        while True:
            hit = pattern.search(data, pos)
            if hit is None:
                return None
            lf = hit.start()
            found = self._match(lf + 1)
            if found is not None:
                start = lf - 1 if lf > pos and data[lf - 1] == 0x0D else lf
                return self._delimiter(start, lf + 1, found)
            pos = lf + 1

    def _delimiter(self, start: int, line_start: int, found: tuple[int, bool]) -> _Delimiter:
        lf = self.data.find(b"\n", line_start)
        return _Delimiter(start, line_start, lf + 1 if lf >= 0 else -1, found[0], found[1])

    # -- parts ------------------------------------------------------------------------------

    def _header(self, start: int) -> tuple[int, int, _Delimiter | None]:
        """The header block at ``start``: (body start, header end, delimiter that cut it short)."""
        data = self.data
        found = self.next_delimiter(start, at_line_start=True)
        # Look for the blank line only up to the next delimiter: linear however many parts.
        limit = found.line if found is not None else self.size
        if data.startswith(b"\n", start) or data.startswith(b"\r\n", start):
            blank_end = start + (1 if data[start] == 0x0A else 2)
        else:
            blank = _BLANK_LINE.search(data, start, limit)
            blank_end = blank.end() if blank else -1
        if 0 <= blank_end <= limit:
            return blank_end, blank_end, None
        if found is not None:
            return found.start, found.start, found
        return self.size, self.size, None

    def part(self, start: int, depth: int, in_digest: bool) -> tuple[Part, _Delimiter | None]:
        """Parse the part at ``start``; also return the delimiter that ended it (None: end of data)."""
        self.count += 1
        body_start, _, cut = self._header(start)
        headers = parse_fields(self.data, start, body_start)
        ctype = None
        raw_type = headers.get("content-type")
        if raw_type is not None:
            ctype = parse_content_type(raw_type)
        if ctype is None and raw_type is None and in_digest:
            kind, sub, params = "message", "rfc822", Params()
        elif ctype is None:
            kind, sub, params = "text", "plain", _DEFAULT_PARAMS
        else:
            kind, sub, params = ctype.type, ctype.subtype, ctype.params
        deep = depth >= MAX_DEPTH or self.count >= MAX_PARTS
        children: tuple[Part, ...] = ()
        inner: Part | None = None
        truncated = False
        if cut is not None:
            end, ending = body_start, cut
            if kind == "message" and sub == "rfc822" and not deep:
                inner = self._empty(body_start)
        elif kind == "multipart":
            boundary = params.get("boundary")
            if boundary and not deep:
                children, end, ending = self._multipart(body_start, boundary, depth, sub == "digest")
            else:
                truncated = bool(boundary)
                end, ending = self._leaf_end(body_start)
        elif kind == "message" and sub == "rfc822" and not deep:
            inner, ending = self.part(body_start, depth + 1, in_digest=False)
            end = inner.end
        else:
            truncated = kind == "message" and sub == "rfc822"
            end, ending = self._leaf_end(body_start)
        part = self._make(start, body_start, end, headers, kind, sub, params, children, inner, truncated)
        return part, ending

    def _leaf_end(self, body_start: int) -> tuple[int, _Delimiter | None]:
        ending = self.next_delimiter(body_start, at_line_start=True)
        return (ending.start if ending else self.size), ending

    def _multipart(self, body_start: int, boundary: str, depth: int,
                   digest: bool) -> tuple[tuple[Part, ...], int, _Delimiter | None]:
        own = len(self.stack)
        self.stack.append(boundary.encode("utf-8", "surrogateescape")[:MAX_BOUNDARY])
        children: list[Part] = []
        try:
            found = self.next_delimiter(body_start, at_line_start=True)
            while True:
                if found is None:
                    return tuple(children), self.size, None
                if found.level < own:  # an enclosing boundary: we end here, unclosed
                    return tuple(children), found.start, found
                if found.close or found.line_end < 0:
                    del self.stack[own:]
                    after = found.line_end if found.line_end >= 0 else self.size
                    epilogue = self.next_delimiter(after, at_line_start=True)
                    return tuple(children), (epilogue.start if epilogue else self.size), epilogue
                if self.count >= MAX_PARTS:
                    # Past the cap: find where this multipart ends, without creating parts.
                    found = self.next_delimiter(found.line_end, at_line_start=True)
                    continue
                child, found = self.part(found.line_end, depth + 1, in_digest=digest)
                children.append(child)
        finally:
            del self.stack[own:]

    def _empty(self, at: int) -> Part:
        self.count += 1
        return self._make(at, at, at, Headers(), "text", "plain", _DEFAULT_PARAMS, (), None, False)

    def _make(self, start: int, body_start: int, end: int, headers: Headers, kind: str, sub: str,
              params: Params, children: tuple[Part, ...], inner: Part | None, truncated: bool) -> Part:
        disposition_value = headers.get("content-disposition")
        return Part(
            data=self.data, start=start, body_start=body_start, end=end, headers=headers,
            type=kind, subtype=sub, params=params,
            encoding=parse_token(headers.get("content-transfer-encoding")),
            content_id=headers.get("content-id") or None,
            description=headers.get("content-description") or None,
            md5=headers.get("content-md5") or None,
            disposition=parse_disposition(disposition_value) if disposition_value else None,
            language=parse_language(headers.get("content-language")),
            location=_location(headers.get("content-location")),
            lines=self.data.count(b"\n", body_start, end),
            children=children, message=inner, truncated=truncated,
        )


def _location(value: str | None) -> str | None:
    # RFC 2557: a folded URI is unfolded by removing the whitespace entirely.
    if not value:
        return None
    return "".join(value.split())

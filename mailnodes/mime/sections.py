"""IMAP body sections (RFC 3501 section 6.4.5): which bytes of a message BODY[section] and
BINARY[section] name, and the ``<start.count>`` partial.

  section      = ""                         the whole message
               / part *("." part)           a part's body; of a message/rfc822 part, the whole
                                            encapsulated message
               / [part "."] "HEADER" / "TEXT" / "HEADER.FIELDS" (names) / "HEADER.FIELDS.NOT" (names)
                                            of the message, or of the message/rfc822 part named
               / part "." "MIME"            the part's own MIME header

Part numbers: the parts of a multipart are numbered from 1; a non-multipart message (or leaf
part) has only a part 1, which is itself; the numbers under a message/rfc822 part are those of the
encapsulated message. A section that names no part gives b"", as Dovecot answers (RFC 3501 does
not say). HEADER, TEXT and the field lists on a part that is not message/rfc822 give b"" too.

HEADER.FIELDS keeps the matching fields' lines exactly as they are in the message (folding and
order) and adds the blank line; names match case-insensitively. A header block that was cut
short by a boundary still yields lines that end with CRLF.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from mailnodes.mime.structure import Part

_TEXT_SPECS = ("HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME")
_SPEC = re.compile(r"^((?:[1-9][0-9]*)(?:\.[1-9][0-9]*)*)?(?:(?(1)\.)(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME))?"
                   r"(?:\s*\((.*)\))?$", re.IGNORECASE | re.DOTALL)
_FIELD_NAME = re.compile(r'"((?:[^"\\]|\\.)*)"|([^\s()"]+)')


class SectionError(ValueError):
    """A section specification that the grammar does not allow (the IMAP parser should have
    refused it: this is the message to show if it did not)."""


@dataclass(frozen=True, slots=True)
class Section:
    """A parsed section-spec: part numbers, the text specifier (upper case) and its field names."""

    parts: tuple[int, ...] = ()
    text: str | None = None
    fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if any(n < 1 for n in self.parts):
            raise SectionError("part numbers start at 1")
        if self.text is not None and self.text not in _TEXT_SPECS:
            raise SectionError(f"unknown section text {self.text!r}")
        if self.text == "MIME" and not self.parts:
            raise SectionError("MIME needs a part number")
        if (self.text in ("HEADER.FIELDS", "HEADER.FIELDS.NOT")) != bool(self.fields):
            raise SectionError("HEADER.FIELDS and HEADER.FIELDS.NOT take a non-empty list of field names")


def parse_section(spec: str) -> Section:
    """``"1.2.HEADER.FIELDS (From To)"`` and the like (what goes between the brackets)."""
    match = _SPEC.match(spec.strip())
    if match is None:
        raise SectionError(f"bad section {spec!r}")
    numbers, text, names = match.groups()
    parts = tuple(int(n) for n in numbers.split(".")) if numbers else ()
    fields: tuple[str, ...] = ()
    if names is not None:
        fields = tuple(m.group(1) if m.group(1) is not None else m.group(2) for m in _FIELD_NAME.finditer(names))
    return Section(parts, text.upper() if text else None, fields)


def find_part(root: Part, numbers: tuple[int, ...]) -> Part | None:
    """The part a part number names, or None. ``root`` is the message."""
    part = root
    for depth, number in enumerate(numbers):
        # The root is a message; below it, a message/rfc822 part stands for its message.
        container = part if depth == 0 else (part.message if part.message is not None else part)
        if container.is_multipart:
            if number > len(container.children):
                return None
            part = container.children[number - 1]
        elif number == 1:
            part = container  # a non-multipart message's (or leaf's) part 1 is itself
        else:
            return None
    return part


def section_range(root: Part, section: Section | str) -> tuple[int, int] | None:
    """Where the section lies in the message bytes, when it is one contiguous range (all but the
    HEADER.FIELDS lists); None when the section names nothing."""
    if isinstance(section, str):
        section = parse_section(section)
    if section.text in ("HEADER.FIELDS", "HEADER.FIELDS.NOT"):
        raise SectionError("HEADER.FIELDS sections are not a single range: use section_bytes")
    if not section.parts:
        if section.text is None:
            return 0, len(root.data)
        message: Part | None = root
    else:
        part = find_part(root, section.parts)
        if part is None:
            return None
        if section.text is None:
            return part.body_start, part.end
        if section.text == "MIME":
            return part.start, part.body_start
        message = part.message
    if message is None:
        return None
    if section.text == "HEADER":
        return message.start, message.body_start
    return message.body_start, message.end  # TEXT


def section_bytes(data: bytes, part_tree: Part, section_spec: Section | str) -> bytes:
    """The bytes of BODY[section_spec] (b"" when the section names nothing)."""
    section = parse_section(section_spec) if isinstance(section_spec, str) else section_spec
    if section.text not in ("HEADER.FIELDS", "HEADER.FIELDS.NOT"):
        span = section_range(part_tree, section)
        return b"" if span is None else data[span[0]:span[1]]
    message: Part | None = part_tree
    if section.parts:
        part = find_part(part_tree, section.parts)
        message = part.message if part is not None else None
    if message is None:
        return b""
    wanted = {name.lower() for name in section.fields}
    keep = section.text == "HEADER.FIELDS"
    out = bytearray()
    for field in message.headers:
        if (field.name.lower() in wanted) == keep:
            chunk = data[field.start:field.end]
            out += chunk
            if not chunk.endswith(b"\n"):
                out += b"\r\n"
    out += b"\r\n"
    return bytes(out)


def partial(content: bytes, start: int, count: int | None = None) -> bytes:
    """The ``<start.count>`` partial of RFC 3501: from octet ``start``, at most ``count`` octets;
    b"" when ``start`` is past the end."""
    if start < 0 or (count is not None and count < 0):
        raise ValueError("partial offsets are non-negative")
    if start >= len(content):
        return b""
    return content[start:] if count is None else content[start:start + count]

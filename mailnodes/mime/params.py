"""MIME header values with parameters: Content-Type (RFC 2045 section 5), Content-Disposition
(RFC 2183), their parameters with RFC 2231 continuations, charsets and languages, and the small
single-token fields (Content-Transfer-Encoding, Content-Language).

Each parameter is kept twice:
  * ``imap``: what IMAP BODYSTRUCTURE reports: continuations joined; an RFC 2231 extended value
    stays encoded under its ``name*`` key (``utf-8''%E2%82%AC.pdf``), as Dovecot reports it, so
    the wire stays 7-bit and clients decode it as they would in the header;
  * ``decoded``: the text a person should see (RFC 2231 charset decoding, and the common
    non-standard RFC 2047 encoded words in quoted values such as ``name="=?utf-8?B?...?="``).

Lenient like the servers we follow: an unquoted value runs to the next ``;`` (``boundary=----=_P``
is common), an unterminated quoted string runs to the end, names are case-insensitive (lowered),
the first of duplicate names wins, and a syntactically invalid type gives ``None`` (the caller
applies the RFC 2045 default).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes

from mailnodes.mime.charsets import decode_text
from mailnodes.mime.headers import decode_words

_TOKEN = re.compile(r"[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+")
_COMMENT = re.compile(r"\((?:[^()\\]|\\.)*\)")
_SECTION = re.compile(r"^(?P<name>[^*]+)\*(?:(?P<num>[0-9]{1,3})\*?)?$")


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter after RFC 2231 reassembly."""

    name: str          # lower case, without RFC 2231 decoration
    imap_name: str     # ``name`` or ``name*`` when the value is RFC 2231 extended
    imap_value: str    # value as BODYSTRUCTURE reports it
    value: str         # decoded for display


@dataclass(frozen=True, slots=True)
class Params:
    """Parameters in header order (after reassembly)."""

    items: tuple[Param, ...] = ()

    def get(self, name: str) -> str | None:
        """The decoded value of ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        for param in self.items:
            if param.name == wanted:
                return param.value
        return None

    def imap(self) -> tuple[tuple[str, str], ...]:
        """``(name, value)`` pairs for body-fld-param."""
        return tuple((p.imap_name, p.imap_value) for p in self.items)


def _strip_comments(text: str) -> str:
    previous = None
    while previous != text:  # nested comments peel from the inside out
        previous, text = text, _COMMENT.sub(" ", text)
    return text


def _split_value(text: str) -> tuple[str, list[tuple[str, str, bool]]]:
    """The leading value (up to the first ``;``) and the raw ``(name, value, was_quoted)`` list."""
    head_end = _unquoted_find(text, ";", 0)
    head = text[:head_end] if head_end >= 0 else text
    raw: list[tuple[str, str, bool]] = []
    pos = head_end
    n = len(text)
    while 0 <= pos < n:
        pos += 1  # past ';'
        eq = _unquoted_find(text, "=", pos)
        semi = _unquoted_find(text, ";", pos)
        if eq < 0 or (0 <= semi < eq):
            pos = semi  # a name without a value: skipped
            continue
        name = _strip_comments(text[pos:eq]).strip(" \t\r\n").lower()
        pos = eq + 1
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        if pos < n and text[pos] == '"':
            value, pos = _quoted(text, pos)
            quoted = True
            semi = _unquoted_find(text, ";", pos)
        else:
            semi = text.find(";", pos)
            value = _strip_comments(text[pos:semi if semi >= 0 else n]).strip(" \t\r\n")
            quoted = False
        if name:
            raw.append((name, value, quoted))
        pos = semi
    return head, raw


def _unquoted_find(text: str, char: str, pos: int) -> int:
    """Index of ``char`` at or after ``pos`` outside quoted strings, or -1."""
    n = len(text)
    while pos < n:
        c = text[pos]
        if c == char:
            return pos
        if c == '"':
            _, pos = _quoted(text, pos)
            continue
        pos += 1
    return -1


def _quoted(text: str, pos: int) -> tuple[str, int]:
    """The content of the quoted string at ``text[pos] == '"'`` and the index after it."""
    out: list[str] = []
    pos += 1
    n = len(text)
    while pos < n:
        c = text[pos]
        if c == "\\" and pos + 1 < n:
            out.append(text[pos + 1])
            pos += 2
            continue
        if c == '"':
            return "".join(out), pos + 1
        out.append(c)
        pos += 1
    return "".join(out), pos


def _reassemble(raw: list[tuple[str, str, bool]]) -> Params:
    """RFC 2231: join ``name*0``, ``name*1*``... and decode ``charset'lang'%XX`` values."""
    order: list[str] = []
    plain: dict[str, tuple[str, bool]] = {}
    sections: dict[str, dict[int, tuple[str, bool]]] = {}
    for name, value, quoted in raw:
        match = _SECTION.match(name)
        if match is None:
            if name not in plain and name not in sections:
                order.append(name)
            plain.setdefault(name, (value, quoted))
            continue
        base = match.group("name")
        number = int(match.group("num")) if match.group("num") is not None else 0
        extended = name.endswith("*")
        if base not in plain and base not in sections:
            order.append(base)
        sections.setdefault(base, {}).setdefault(number, (value, extended))
    items: list[Param] = []
    for name in order:
        if name in sections:
            items.append(_join_sections(name, sections[name]))
        else:
            value, quoted = plain[name]
            shown = decode_words(value) if quoted and "=?" in value else value
            items.append(Param(name, name, value, shown or ""))
    return Params(tuple(items))


def _join_sections(name: str, parts: dict[int, tuple[str, bool]]) -> Param:
    # Sections must run 0, 1, 2...: stop at the first gap (RFC 2231 section 3).
    chain: list[tuple[str, bool]] = []
    number = 0
    while number in parts:
        chain.append(parts[number])
        number += 1
    if not chain:
        chain = [parts[min(parts)]]
    if not any(extended for _, extended in chain):
        joined = "".join(value for value, _ in chain)
        return Param(name, name, joined, decode_words(joined) or "")
    charset, language = "", ""
    first, first_extended = chain[0]
    if first_extended and first.count("'") >= 2:
        charset, language, first = first.split("'", 2)
        chain[0] = (first, True)
    payload = b""
    encoded = ""
    for value, extended in chain:
        if extended:
            payload += unquote_to_bytes(value)
            encoded += value
        else:
            payload += value.encode("utf-8", "surrogateescape")
            encoded += quote(value, safe="!#$&+-.^_`|~")
    return Param(name, name + "*", f"{charset}'{language}'{encoded}", decode_text(payload, charset or None))


@dataclass(frozen=True, slots=True)
class ContentType:
    type: str       # lower case
    subtype: str    # lower case
    params: Params


def parse_content_type(value: str) -> ContentType | None:
    """``type/subtype; params``; None when the type is not two tokens around a slash."""
    head, raw = _split_value(value)
    head = _strip_comments(head).strip(" \t\r\n")
    kind, slash, sub = head.partition("/")
    kind, sub = kind.strip(" \t"), sub.strip(" \t")
    if not slash or _TOKEN.fullmatch(kind) is None or _TOKEN.fullmatch(sub) is None:
        return None
    return ContentType(kind.lower(), sub.lower(), _reassemble(raw))


@dataclass(frozen=True, slots=True)
class Disposition:
    value: str      # lower case: inline, attachment...
    params: Params


def parse_disposition(value: str) -> Disposition | None:
    """RFC 2183 ``disposition-type *(; param)``; None when there is no type token."""
    head, raw = _split_value(value)
    head = _strip_comments(head).strip(" \t\r\n")
    if _TOKEN.fullmatch(head) is None:
        return None
    return Disposition(head.lower(), _reassemble(raw))


def parse_token(value: str | None) -> str | None:
    """A single-token field such as Content-Transfer-Encoding, lowered; None if it is not one."""
    if value is None:
        return None
    text = _strip_comments(value).strip(" \t\r\n")
    return text.lower() if _TOKEN.fullmatch(text) else None


def parse_language(value: str | None) -> tuple[str, ...] | None:
    """RFC 3282 Content-Language: the comma-separated tags, or None when there are none."""
    if value is None:
        return None
    tags = tuple(tag.strip(" \t") for tag in _strip_comments(value).split(","))
    tags = tuple(tag for tag in tags if tag)
    return tags or None

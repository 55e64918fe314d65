"""IMAP ENVELOPE (RFC 3501 section 7.4.2) from a message's header, and RFC 5322 address lists.

Values are undecoded, as IMAP returns them: unfolded header text, display names with quoting
removed but encoded words left as they are. ``decoded_subject`` and ``display_name`` decode them
for webmail. None stands for NIL everywhere.

Address lists are parsed leniently and never raise. Where RFC 3501 is silent we do what Dovecot
does (its imaptest-derived tests): a comment after a bare address becomes the name
(``user@domain (Real Name)``); a source route is the adl (``<@route:user@domain>``); a mailbox
without a domain gets the host ``MISSING_DOMAIN``, an address without a mailbox the mailbox
``MISSING_MAILBOX`` (so neither can be mistaken for group syntax); an empty Sender or Reply-To
counts as absent and defaults to From; a group left open is closed at the end of the list.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from mailnodes.mime.headers import Headers, decode_words, parse_fields

MISSING_DOMAIN = "MISSING_DOMAIN"
MISSING_MAILBOX = "MISSING_MAILBOX"


class Address(NamedTuple):
    """RFC 3501 address: (addr-name, addr-adl, addr-mailbox, addr-host). A group starts with
    ``(None, None, group name, None)`` and ends with ``(None, None, None, None)``."""

    name: str | None
    adl: str | None
    mailbox: str | None
    host: str | None

    @property
    def is_group_start(self) -> bool:
        return self.host is None and self.mailbox is not None

    @property
    def is_group_end(self) -> bool:
        return self.host is None and self.mailbox is None

    @property
    def email(self) -> str | None:
        """``mailbox@host`` for a real address, None for the group markers."""
        if self.host is None or self.mailbox is None:
            return None
        return f"{self.mailbox}@{self.host}"


AddressList = tuple[Address, ...]


@dataclass(frozen=True, slots=True)
class Envelope:
    """The ten ENVELOPE fields, in wire order."""

    date: str | None
    subject: str | None
    from_: AddressList | None
    sender: AddressList | None
    reply_to: AddressList | None
    to: AddressList | None
    cc: AddressList | None
    bcc: AddressList | None
    in_reply_to: str | None
    message_id: str | None

    def as_tuple(self) -> tuple[object, ...]:
        return (self.date, self.subject, self.from_, self.sender, self.reply_to, self.to, self.cc,
                self.bcc, self.in_reply_to, self.message_id)


def envelope(headers: Headers | bytes) -> Envelope:
    """The ENVELOPE of a message, from its parsed header (``Part.headers``) or its raw bytes."""
    if isinstance(headers, (bytes, bytearray, memoryview)):
        raw = bytes(headers)
        headers = parse_fields(raw, 0, len(raw))

    def text(name: str) -> str | None:
        value = headers.get(name)
        return value if value else None

    def addresses(name: str) -> AddressList | None:
        value = headers.get(name)
        if not value:
            return None
        return parse_address_list(value) or None

    from_ = addresses("from")
    return Envelope(
        date=text("date"),
        subject=text("subject"),
        from_=from_,
        sender=addresses("sender") or from_,
        reply_to=addresses("reply-to") or from_,
        to=addresses("to"),
        cc=addresses("cc"),
        bcc=addresses("bcc"),
        in_reply_to=text("in-reply-to"),
        message_id=text("message-id"),
    )


def decoded_subject(env: Envelope) -> str | None:
    """The subject for display (RFC 2047 decoded)."""
    return decode_words(env.subject)


def display_name(address: Address) -> str | None:
    """The address's name for display (RFC 2047 decoded)."""
    return decode_words(address.name)


# -- RFC 5322 address lists ------------------------------------------------------------------

_SPECIALS = '()<>[]:;@\\,."'
_WORD, _QUOTED, _COMMENT, _LITERAL, _SPECIAL = range(5)


class _Token(NamedTuple):
    kind: int
    text: str
    space_before: bool


def _tokens(value: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(value)
    space = False
    while i < n:
        c = value[i]
        if c in " \t\r\n":
            space = True
            i += 1
            continue
        if c == '"':
            j, chars = i + 1, []
            while j < n and value[j] != '"':
                if value[j] == "\\" and j + 1 < n:
                    j += 1
                chars.append(value[j])
                j += 1
            out.append(_Token(_QUOTED, "".join(chars), space))
            i = j + 1
        elif c == "(":
            depth, j, chars = 1, i + 1, []
            while j < n and depth:
                ch = value[j]
                if ch == "\\" and j + 1 < n:
                    j += 1
                    ch = value[j]
                elif ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                    if not depth:
                        break
                chars.append(ch)
                j += 1
            out.append(_Token(_COMMENT, "".join(chars).strip(), space))
            i = j + 1
        elif c == "[":
            j = value.find("]", i)
            j = n - 1 if j < 0 else j
            out.append(_Token(_LITERAL, value[i:j + 1], space))
            i = j + 1
        elif c in _SPECIALS:
            out.append(_Token(_SPECIAL, c, space))
            i += 1
        else:
            j = i
            while j < n and value[j] not in _SPECIALS and value[j] not in " \t\r\n":
                j += 1
            out.append(_Token(_WORD, value[i:j], space))
            i = j
        space = False
    return out


def parse_address_list(value: str) -> AddressList:
    """An RFC 5322 address-list (mailboxes and groups) as RFC 3501 addresses."""
    tokens = _tokens(value)
    result: list[Address] = []
    in_group = False
    element: list[_Token] = []
    angle = 0
    for token in tokens:
        if token.kind == _SPECIAL:
            if token.text == "<":
                angle += 1
            elif token.text == ">":
                angle = max(0, angle - 1)
            elif angle == 0 and token.text == ",":
                result += _mailbox(element)
                element = []
                continue
            elif angle == 0 and token.text == ":" and not in_group:
                name = _phrase(element)
                if name is not None:
                    result.append(Address(None, None, name, None))
                    in_group = True
                    element = []
                    continue
            elif angle == 0 and token.text == ";":
                result += _mailbox(element)
                element = []
                if in_group:
                    result.append(Address(None, None, None, None))
                    in_group = False
                continue
        element.append(token)
    result += _mailbox(element)
    if in_group:
        result.append(Address(None, None, None, None))
    return tuple(result)


def _phrase(tokens: list[_Token]) -> str | None:
    """Words, quoted strings and dots joined as written (one space where there was space)."""
    words: list[str] = []
    for token in tokens:
        if token.kind == _COMMENT:
            continue
        if token.kind == _SPECIAL and token.text not in ".":
            continue
        if words and token.space_before:
            words.append(" ")
        words.append(token.text)
    text = "".join(words).strip()
    return text or None


def _mailbox(tokens: list[_Token]) -> list[Address]:
    if not tokens:
        return []
    opening = next((i for i, t in enumerate(tokens) if t.kind == _SPECIAL and t.text == "<"), -1)
    if opening >= 0:
        closing = next((i for i in range(opening + 1, len(tokens))
                        if tokens[i].kind == _SPECIAL and tokens[i].text == ">"), len(tokens))
        name = _phrase(tokens[:opening])
        inner = tokens[opening + 1:closing]
        adl = None
        colon = next((i for i, t in enumerate(inner) if t.kind == _SPECIAL and t.text == ":"), -1)
        if colon >= 0 and inner and inner[0].kind == _SPECIAL and inner[0].text == "@":
            adl = _join(inner[:colon]) or None
            inner = inner[colon + 1:]
        if name is None:
            name = _comment(tokens[closing + 1:])
        mailbox, host = _addr_spec(inner)
        if mailbox is None and host is None:
            return [] if name is None else [Address(name, adl, MISSING_MAILBOX, MISSING_DOMAIN)]
        return [Address(name, adl, mailbox or MISSING_MAILBOX, host or MISSING_DOMAIN)]
    mailbox, host = _addr_spec(tokens)
    if mailbox is None and host is None:
        return []
    return [Address(_comment(tokens), None, mailbox or MISSING_MAILBOX, host or MISSING_DOMAIN)]


def _comment(tokens: list[_Token]) -> str | None:
    comments = [t.text for t in tokens if t.kind == _COMMENT and t.text]
    return comments[-1] if comments else None


def _join(tokens: list[_Token]) -> str:
    return "".join(t.text if t.kind != _QUOTED else _quote_local(t.text) for t in tokens if t.kind != _COMMENT)


def _quote_local(text: str) -> str:
    # A quoted local part keeps its quotes when it needs them, as in the header.
    if text and all(c not in _SPECIALS and c not in " \t" for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _addr_spec(tokens: list[_Token]) -> tuple[str | None, str | None]:
    """``local@domain`` from tokens; the last ``@`` splits (lenient about junk around it)."""
    useful = [t for t in tokens if t.kind != _COMMENT and not (t.kind == _SPECIAL and t.text in "<>,;:")]
    at = max((i for i, t in enumerate(useful) if t.kind == _SPECIAL and t.text == "@"), default=-1)
    if at < 0:
        local = _join(useful)
        return (local or None), None
    local = _join(useful[:at])
    domain = _join([t for t in useful[at + 1:] if not (t.kind == _SPECIAL and t.text == "@")])
    return (local or None), (domain or None)

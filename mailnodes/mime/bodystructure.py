"""The values of IMAP BODY and BODYSTRUCTURE (RFC 3501 section 7.4.2 and the ``body`` grammar of
section 9), as typed values the IMAP serialiser renders one-to-one; None is NIL.

  body            = SinglePart | Multipart
  body-type-1part = SinglePart: type, subtype, body-fields, and for text/* ``lines``, for
                    message/rfc822 ``envelope`` + ``body`` + ``lines``; ``ext`` with BODYSTRUCTURE
  body-type-mpart = Multipart: 1*body, subtype; ``ext`` with BODYSTRUCTURE
  body-fld-param  = tuple of (name, value) pairs, or None when there are none
  body-fld-dsp    = (disposition, params) or None
  body-fld-lang   = tuple of tags (the serialiser may write a single tag as a plain string) or None

Where RFC 3501 is silent we write what Dovecot writes (lib-imap/imap-bodystructure.c): a text
part without a charset parameter reports ``charset us-ascii`` (the RFC 2045 default) after its
other parameters; an absent or invalid transfer encoding reports ``7bit``; a multipart without
any part (its boundary never appears) reports one empty text/plain part, because the grammar
needs at least one. A message/rfc822 part past the nesting cap, which has no parsed message,
reports ``application/octet-stream`` so that the grammar's envelope and body are not owed.
"""
from __future__ import annotations

from dataclasses import dataclass

from mailnodes.mime.envelope import Envelope, envelope
from mailnodes.mime.params import Disposition, Params
from mailnodes.mime.structure import Part

ParamList = tuple[tuple[str, str], ...] | None
DispositionValue = tuple[str, ParamList] | None


@dataclass(frozen=True, slots=True)
class SinglePartExtension:
    """body-ext-1part: md5, disposition, language, location."""

    md5: str | None
    disposition: DispositionValue
    language: tuple[str, ...] | None
    location: str | None


@dataclass(frozen=True, slots=True)
class MultipartExtension:
    """body-ext-mpart: params, disposition, language, location."""

    params: ParamList
    disposition: DispositionValue
    language: tuple[str, ...] | None
    location: str | None


@dataclass(frozen=True, slots=True)
class SinglePart:
    type: str
    subtype: str
    params: ParamList
    id: str | None
    description: str | None
    encoding: str
    size: int
    lines: int | None = None                 # text/* and message/rfc822
    envelope: Envelope | None = None         # message/rfc822
    body: Body | None = None                 # message/rfc822
    ext: SinglePartExtension | None = None   # BODYSTRUCTURE only


@dataclass(frozen=True, slots=True)
class Multipart:
    parts: tuple[Body, ...]
    subtype: str
    ext: MultipartExtension | None = None    # BODYSTRUCTURE only


Body = SinglePart | Multipart

_EMPTY_TEXT = SinglePart("text", "plain", (("charset", "us-ascii"),), None, None, "7bit", 0, 0)
_EMPTY_TEXT_EXT = SinglePartExtension(None, None, None, None)


def body_structure(part: Part, extensible: bool) -> Body:
    """BODY (``extensible=False``) or BODYSTRUCTURE (``extensible=True``) of ``part``."""
    if part.is_multipart:
        if part.children:
            children = tuple(body_structure(child, extensible) for child in part.children)
        else:
            empty = _EMPTY_TEXT if not extensible else _with_ext(_EMPTY_TEXT, _EMPTY_TEXT_EXT)
            children = (empty,)
        ext = None
        if extensible:
            ext = MultipartExtension(_params(part.params), _disposition(part.disposition),
                                     part.language, part.location)
        return Multipart(children, part.subtype, ext)
    kind, sub, params = part.type, part.subtype, _params(part.params)
    if part.type == "message" and part.subtype == "rfc822" and part.message is None:
        kind, sub = "application", "octet-stream"
    if kind == "text" and part.params.get("charset") is None:
        params = (*(params or ()), ("charset", "us-ascii"))
    lines: int | None = None
    env: Envelope | None = None
    inner: Body | None = None
    if kind == "text":
        lines = part.lines
    elif part.message is not None:
        env = envelope(part.message.headers)
        inner = body_structure(part.message, extensible)
        lines = part.lines
    ext = None
    if extensible:
        ext = SinglePartExtension(part.md5, _disposition(part.disposition), part.language, part.location)
    return SinglePart(kind, sub, params, part.content_id, part.description, part.encoding or "7bit",
                      part.size, lines, env, inner, ext)


def _with_ext(body: SinglePart, ext: SinglePartExtension) -> SinglePart:
    return SinglePart(body.type, body.subtype, body.params, body.id, body.description, body.encoding,
                      body.size, body.lines, body.envelope, body.body, ext)


def _params(params: Params) -> ParamList:
    pairs = params.imap()
    return pairs or None


def _disposition(disposition: Disposition | None) -> DispositionValue:
    if disposition is None:
        return None
    return disposition.value, _params(disposition.params)

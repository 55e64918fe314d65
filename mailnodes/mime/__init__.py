"""MIME structure of stored messages, for the IMAP server and webmail. Pure: bytes in, values out.

``structure`` (``parse_structure``: the part tree, with byte offsets), ``envelope`` (ENVELOPE and
address lists), ``bodystructure`` (BODY / BODYSTRUCTURE values), ``sections`` (BODY[section]
bytes and partials), ``decode`` (BINARY content and text for display); ``headers``, ``params``
and ``charsets`` are their building blocks. Nothing here renders IMAP syntax: the IMAP
serialiser renders these values.
"""
from __future__ import annotations

from mailnodes.mime.bodystructure import (
    Body,
    Multipart,
    MultipartExtension,
    SinglePart,
    SinglePartExtension,
    body_structure,
)
from mailnodes.mime.decode import UnknownTransferEncoding, decoded_part, text_of
from mailnodes.mime.envelope import Address, Envelope, decoded_subject, display_name, envelope, parse_address_list
from mailnodes.mime.headers import HeaderField, Headers, decode_words
from mailnodes.mime.params import Disposition, Param, Params
from mailnodes.mime.sections import (
    Section,
    SectionError,
    find_part,
    parse_section,
    partial,
    section_bytes,
    section_range,
)
from mailnodes.mime.structure import MAX_DEPTH, MAX_PARTS, Part, iter_parts, parse_structure

__all__ = [
    "MAX_DEPTH", "MAX_PARTS", "Address", "Body", "Disposition", "Envelope", "HeaderField", "Headers",
    "Multipart", "MultipartExtension", "Param", "Params", "Part", "Section", "SectionError", "SinglePart",
    "SinglePartExtension", "UnknownTransferEncoding", "body_structure", "decode_words", "decoded_part",
    "decoded_subject", "display_name", "envelope", "find_part", "iter_parts", "parse_address_list",
    "parse_section", "parse_structure", "partial", "section_bytes", "section_range", "text_of",
]

"""BODY and BODYSTRUCTURE values: Dovecot's expected BODYSTRUCTURE for its test message, the
defaults where RFC 3501 is silent, and agreement with the standard library's parser on types."""
from __future__ import annotations

import email
import email.policy

import pytest

from mailnodes.mime import (
    Address,
    Multipart,
    MultipartExtension,
    SinglePart,
    SinglePartExtension,
    body_structure,
    decoded_part,
    iter_parts,
    parse_structure,
)
from tests.unit.mime.corpus import BOUNDARY_NEVER_FOUND, DIGEST, DOVECOT, NESTED, SIMPLE, WELL_FORMED, deep_messages

US_ASCII = (("charset", "us-ascii"),)
SUB = (Address(None, None, "sub", "domain.org"),)


def test_dovecot_bodystructure() -> None:
    bs = body_structure(parse_structure(DOVECOT), extensible=True)
    assert isinstance(bs, Multipart)
    assert bs.subtype == "mixed"
    assert bs.ext == MultipartExtension((("boundary", "foo bar"),), None, None, None)
    first, second = bs.parts
    assert first == SinglePart(
        "text", "x-myown", (("charset", "us-ascii"), ("foo", 'quoted"string')), "<foo@example.com>",
        "hellodescription", "7bit", 7, 1,
        ext=SinglePartExtension("Q2hlY2sgSW50ZWdyaXR5IQ==", ("inline", (("foo", "bar"),)), ("en", "fi", "se"),
                                "http://example.com/test.txt"))
    assert isinstance(second, SinglePart)
    assert (second.type, second.subtype, second.params, second.encoding, second.size, second.lines) == (
        "message", "rfc822", None, "7bit", 412, 21)
    assert second.envelope is not None
    assert second.envelope.as_tuple() == (
        "Sun, 12 Aug 2012 12:34:56 +0300", "submsg", SUB, SUB, SUB,
        (Address(None, None, "sub-to1", "domain.org"), Address(None, None, "sub-to2", "domain.org")),
        None, None, None, None)
    assert second.body == Multipart((
        SinglePart("text", "html", US_ASCII, None, None, "8bit", 20, 1, ext=SinglePartExtension(None, None, None, None)),
        SinglePart("text", "plain", US_ASCII, None, None, "7bit", 21, 1, ext=SinglePartExtension(None, None, None, None)),
    ), "alternative", MultipartExtension((("boundary", "sub1"),), None, None, None))


def test_dovecot_body_has_no_extension_data() -> None:
    body = body_structure(parse_structure(DOVECOT), extensible=False)
    assert isinstance(body, Multipart) and body.ext is None
    first, second = body.parts
    assert first == SinglePart("text", "x-myown", (("charset", "us-ascii"), ("foo", 'quoted"string')),
                               "<foo@example.com>", "hellodescription", "7bit", 7, 1)
    assert isinstance(second, SinglePart) and second.ext is None
    assert isinstance(second.body, Multipart) and second.body.ext is None
    assert all(isinstance(p, SinglePart) and p.ext is None for p in second.body.parts)


def test_single_part_message() -> None:
    assert body_structure(parse_structure(SIMPLE), extensible=False) == SinglePart(
        "text", "plain", US_ASCII, None, None, "7bit", 26, 2)


def test_charset_default_is_appended_to_other_text_params() -> None:
    root = parse_structure(b"Content-Type: text/plain; format=flowed\r\n\r\nx")
    assert body_structure(root, False) == SinglePart("text", "plain", (("format", "flowed"), ("charset", "us-ascii")),
                                                     None, None, "7bit", 1, 0)
    image = parse_structure(b"Content-Type: image/png\r\nContent-Transfer-Encoding: BASE64\r\n\r\nAAAA")
    assert body_structure(image, False) == SinglePart("image", "png", None, None, None, "base64", 4, None)


def test_multipart_without_parts_reports_one_empty_text_part() -> None:
    bs = body_structure(parse_structure(BOUNDARY_NEVER_FOUND), extensible=False)
    assert bs == Multipart((SinglePart("text", "plain", US_ASCII, None, None, "7bit", 0, 0),), "mixed")


def test_rfc2231_values_stay_encoded_for_imap() -> None:
    bs = body_structure(parse_structure(NESTED), extensible=True)
    assert isinstance(bs, Multipart)
    pdf = bs.parts[1]
    assert isinstance(pdf, SinglePart) and pdf.ext is not None
    assert pdf.params == (("name*", "utf-8''%E2%82%AC%20report.pdf"),)
    assert pdf.ext.disposition == ("attachment", (("filename*", "utf-8''%E2%82%AC%20report.pdf"),))
    assert (pdf.description, pdf.encoding, pdf.lines, pdf.ext.language) == ("the report", "base64", None, ("en",))


def test_digest_part_is_a_message() -> None:
    bs = body_structure(parse_structure(DIGEST), extensible=False)
    assert isinstance(bs, Multipart) and bs.subtype == "digest"
    first = bs.parts[0]
    assert isinstance(first, SinglePart) and (first.type, first.subtype) == ("message", "rfc822")
    assert first.envelope is not None and first.envelope.subject == "first"
    assert first.body == SinglePart("text", "plain", US_ASCII, None, None, "7bit", 8, 1)


def test_message_past_the_nesting_cap_is_reported_as_octets() -> None:
    bs = body_structure(parse_structure(deep_messages(150)), extensible=False)
    depth = 0
    while isinstance(bs, SinglePart) and bs.body is not None:
        assert bs.envelope is not None and bs.lines is not None
        bs, depth = bs.body, depth + 1
    assert isinstance(bs, SinglePart) and (bs.type, bs.subtype, bs.envelope) == ("application", "octet-stream", None)
    assert depth == 100


def _types(body: object) -> list[str]:
    if isinstance(body, Multipart):
        out = [f"multipart/{body.subtype}"]
        for part in body.parts:
            out += _types(part)
        return out
    assert isinstance(body, SinglePart)
    out = [f"{body.type}/{body.subtype}"]
    if body.body is not None:
        out += _types(body.body)
    return out


@pytest.mark.parametrize("name", sorted(WELL_FORMED))
def test_types_agree_with_the_email_package(name: str) -> None:
    data = WELL_FORMED[name]
    theirs = [part.get_content_type() for part in email.message_from_bytes(data, policy=email.policy.default).walk()]
    assert _types(body_structure(parse_structure(data), extensible=True)) == theirs


@pytest.mark.parametrize("name", sorted(WELL_FORMED))
def test_leaf_bodies_and_params_agree_with_the_email_package(name: str) -> None:
    data = WELL_FORMED[name]
    theirs = [p for p in email.message_from_bytes(data, policy=email.policy.default).walk()
              if not p.is_multipart()]
    ours = [p for _, p in iter_parts(parse_structure(data)) if p.message is None and not p.is_multipart]
    assert len(ours) == len(theirs)
    for mine, other in zip(ours, theirs, strict=True):
        assert mine.content_type == other.get_content_type()
        assert mine.filename == other.get_filename()
        assert decoded_part(data, mine).rstrip(b"\r\n") == other.get_payload(decode=True).rstrip(b"\r\n")

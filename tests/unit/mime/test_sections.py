"""BODY[section] bytes (RFC 3501 section 6.4.5), part numbering, missing parts and partials."""
from __future__ import annotations

import pytest

from mailnodes.mime import Section, SectionError, find_part, parse_section, parse_structure, partial, section_bytes
from mailnodes.mime.sections import section_range
from tests.unit.mime.corpus import DOVECOT, HEADER_CUT, NESTED, SIMPLE, crlf

DOVECOT_TREE = parse_structure(DOVECOT)
INNER_HEADER = (b"From: sub@domain.org\r\nTo: sub-to1@domain.org, sub-to2@domain.org\r\n"
                b"Date: Sun, 12 Aug 2012 12:34:56 +0300\r\nSubject: submsg\r\n"
                b'Content-Type: multipart/alternative; boundary="sub1"\r\n\r\n')


def body(spec: str, data: bytes = DOVECOT) -> bytes:
    tree = DOVECOT_TREE if data is DOVECOT else parse_structure(data)
    return section_bytes(data, tree, spec)


@pytest.mark.parametrize(("spec", "expected"), [
    ("", DOVECOT),
    ("HEADER", DOVECOT[:DOVECOT.index(b"Root MIME")]),
    ("TEXT", DOVECOT[DOVECOT.index(b"Root MIME"):]),
    ("1", b"hello\r\n"),
    ("1.MIME", DOVECOT[DOVECOT.index(b"Content-Type: text/x-myown"):DOVECOT.index(b"\r\n\r\nhello\r\n") + 4]),
    ("2.MIME", b"Content-Type: message/rfc822\r\n\r\n"),
    ("2.HEADER", INNER_HEADER),
    ("2.TEXT", DOVECOT[DOVECOT.index(b"Sub MIME prologue"):DOVECOT.index(b"\r\n--foo bar--")]),
    ("2", INNER_HEADER + DOVECOT[DOVECOT.index(b"Sub MIME prologue"):DOVECOT.index(b"\r\n--foo bar--")]),
    ("2.1", b"<p>Hello world</p>\r\n"),
    ("2.2", b"Hello another world\r\n"),
    ("2.2.MIME", b"Content-Type: text/plain\r\nContent-Transfer-Encoding: ?invalid\r\n\r\n"),
    ("2.HEADER.FIELDS (SUBJECT from X-None)", b"From: sub@domain.org\r\nSubject: submsg\r\n\r\n"),
    ("2.HEADER.FIELDS.NOT (to Date Content-Type)", b"From: sub@domain.org\r\nSubject: submsg\r\n\r\n"),
    ("HEADER.FIELDS (content-type)", b'Content-Type: multipart/mixed; boundary="foo\r\n bar"\r\n\r\n'),
    ("HEADER.FIELDS (\"X-Missing\")", b"\r\n"),
])
def test_sections(spec: str, expected: bytes) -> None:
    assert body(spec) == expected


@pytest.mark.parametrize("spec", ["3", "2.3", "1.2", "2.1.2", "9.9.9", "1.HEADER", "1.TEXT", "2.2.HEADER",
                                  "1.HEADER.FIELDS (From)"])
def test_missing_parts_give_empty_bytes(spec: str) -> None:
    assert body(spec) == b""


def test_part_one_of_a_single_part_message_is_its_body() -> None:
    assert body("1", SIMPLE) == b"Hello Bob,\r\nhow are you?\r\n"
    assert body("1.1", SIMPLE) == body("1", SIMPLE)  # a leaf's part 1 is itself (as Dovecot)
    assert body("TEXT", SIMPLE) == body("1", SIMPLE)
    assert body("2", SIMPLE) == b""
    assert body("1.MIME", SIMPLE) == body("HEADER", SIMPLE)


def test_message_rfc822_with_a_single_part_message() -> None:
    tree = parse_structure(NESTED)
    assert section_bytes(NESTED, tree, "3.1") == b"Inner body."
    assert section_bytes(NESTED, tree, "3.TEXT") == b"Inner body."
    assert section_bytes(NESTED, tree, "3.HEADER.FIELDS (message-id in-reply-to)") == (
        b"Message-ID: <inner@example.net>\r\nIn-Reply-To: <outer@example.com>\r\n\r\n")
    assert section_bytes(NESTED, tree, "1.2.2") == b"iVBORw0KGgo="
    assert find_part(tree, (1, 2, 3)) is None


def test_header_fields_keep_folding_and_order_and_duplicates() -> None:
    data = crlf("Received: one\n\tfolded\nSubject: s\nreceived: two\n\nbody\n")
    assert body("HEADER.FIELDS (RECEIVED)", data) == b"Received: one\r\n\tfolded\r\nreceived: two\r\n\r\n"
    assert body("HEADER.FIELDS.NOT (Received)", data) == b"Subject: s\r\n\r\n"


def test_header_fields_of_a_header_cut_by_a_boundary_end_with_crlf() -> None:
    tree = parse_structure(HEADER_CUT)
    part = find_part(tree, (1,))
    assert part is not None
    # Make that part's header the message's: fetch 1.MIME, and HEADER.FIELDS through a wrapper.
    assert section_bytes(HEADER_CUT, tree, "1.MIME") == b"Content-Type: text/plain\r\nContent-Description: cut short"
    cut = parse_structure(b"Subject: x")
    assert section_bytes(b"Subject: x", cut, "HEADER.FIELDS (subject)") == b"Subject: x\r\n\r\n"


def test_section_ranges_slice_without_copying_logic() -> None:
    assert section_range(DOVECOT_TREE, "2.1") == (DOVECOT_TREE.children[1].message.children[0].body_start,  # type: ignore[union-attr]
                                                  DOVECOT_TREE.children[1].message.children[0].end)  # type: ignore[union-attr]
    assert section_range(DOVECOT_TREE, "4") is None
    with pytest.raises(SectionError):
        section_range(DOVECOT_TREE, "HEADER.FIELDS (From)")


def test_parse_section() -> None:
    assert parse_section("") == Section()
    assert parse_section("1.2.3") == Section((1, 2, 3))
    assert parse_section("1.2.header.fields (From \"To\")") == Section((1, 2), "HEADER.FIELDS", ("From", "To"))
    assert parse_section("TEXT") == Section((), "TEXT")
    assert parse_section("4.MIME") == Section((4,), "MIME")


@pytest.mark.parametrize("spec", ["0", "1.0", "MIME", "HEADER.FIELDS", "HEADER.FIELDS ()", "1..2", "FOO", "1.TEXTX",
                                  "HEADER (From)"])
def test_bad_sections_are_refused(spec: str) -> None:
    with pytest.raises(SectionError):
        parse_section(spec)


def test_partial() -> None:
    assert partial(b"0123456789", 0, 4) == b"0123"
    assert partial(b"0123456789", 8, 10) == b"89"
    assert partial(b"0123456789", 10, 1) == b""
    assert partial(b"0123456789", 3) == b"3456789"
    with pytest.raises(ValueError):
        partial(b"x", -1, 1)

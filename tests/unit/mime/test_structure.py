"""The part tree: offsets, types, parameters and counts against hand-computed expectations (the
Dovecot bodystructure test message, RFC 2046 defaults, RFC 2231 examples) and every broken case."""
from __future__ import annotations

import base64
import os
import time

import pytest

from mailnodes.mime import MAX_DEPTH, MAX_PARTS, Part, iter_parts, parse_structure
from mailnodes.mime.params import parse_content_type
from tests.unit.mime.corpus import (
    BARE_LF,
    BOUNDARY_NEVER_FOUND,
    CLASHING,
    CORPUS,
    DIGEST,
    DOVECOT,
    EIGHT_BIT_HEADERS,
    HEADER_CUT,
    HEADER_ONLY,
    INNER_UNCLOSED,
    INVALID_TYPE,
    MISSING_CLOSE,
    NESTED,
    SIMPLE,
    crlf,
    deep,
    deep_messages,
)


def parts(data: bytes) -> dict[str, Part]:
    return dict(iter_parts(parse_structure(data)))


def test_dovecot_message_sizes_and_lines() -> None:
    # Expected values from Dovecot's test-imap-bodystructure.c (sizes there count LF as CRLF).
    p = parts(DOVECOT)
    assert list(p) == ["1", "2", "2.1", "2.2"]
    assert (p["1"].content_type, p["1"].size, p["1"].lines) == ("text/x-myown", 7, 1)
    assert (p["2"].content_type, p["2"].size, p["2"].lines) == ("message/rfc822", 412, 21)
    assert (p["2.1"].size, p["2.1"].lines, p["2.1"].encoding) == (20, 1, "8bit")
    assert (p["2.2"].size, p["2.2"].lines, p["2.2"].encoding) == (21, 1, None)  # "?invalid" is no token
    assert p["1"].body_bytes == b"hello\r\n"  # the CRLF before the delimiter is the delimiter's


def test_dovecot_message_fields() -> None:
    root = parse_structure(DOVECOT)
    assert root.params.get("boundary") == "foo bar"  # unfolded inside the quoted string
    first = root.children[0]
    assert first.params.imap() == (("charset", "us-ascii"), ("foo", 'quoted"string'))
    assert first.content_id == "<foo@example.com>"
    assert first.description == "hellodescription"
    assert first.md5 == "Q2hlY2sgSW50ZWdyaXR5IQ=="
    assert first.disposition is not None and first.disposition.value == "inline"
    assert first.disposition.params.imap() == (("foo", "bar"),)
    assert first.language == ("en", "fi", "se")
    assert first.location == "http://example.com/test.txt"
    inner = root.children[1].message
    assert inner is not None and inner.subtype == "alternative" and len(inner.children) == 2
    assert inner.headers.get("subject") == "submsg"


def test_offsets_frame_header_and_body() -> None:
    root = parse_structure(DOVECOT)
    assert root.start == 0 and root.end == len(DOVECOT)
    assert root.header_bytes.endswith(b' bar"\r\n\r\n')
    assert root.body_bytes.startswith(b"Root MIME prologue")
    assert root.body_bytes.endswith(b"Root MIME epilogue\r\n")
    message_part = root.children[1]
    assert DOVECOT[message_part.start:message_part.body_start] == b"Content-Type: message/rfc822\r\n\r\n"
    inner = message_part.message
    assert inner is not None and (inner.start, inner.end) == (message_part.body_start, message_part.end)
    assert inner.body_bytes.endswith(b"--sub1--\r\nSub MIME epilogue\r\n")


def test_simple_message_defaults_to_us_ascii_text() -> None:
    root = parse_structure(SIMPLE)
    assert (root.type, root.subtype, root.charset) == ("text", "plain", "us-ascii")
    assert root.children == () and root.message is None
    assert root.body_bytes == b"Hello Bob,\r\nhow are you?\r\n" and root.lines == 2


def test_nested_multiparts() -> None:
    p = parts(NESTED)
    assert [(n, part.content_type) for n, part in p.items()] == [
        ("1", "multipart/alternative"), ("1.1", "text/plain"), ("1.2", "multipart/related"),
        ("1.2.1", "text/html"), ("1.2.2", "image/png"), ("2", "application/pdf"),
        ("3", "message/rfc822"), ("3.1", "text/plain"),
    ]
    assert p["1.1"].body_bytes == b"Caf=C3=A9 cr=\r\n=C3=A8me"
    assert p["1.2"].params.get("type") == "text/html"
    assert p["1.2.2"].content_id == "<img1@example.com>"
    assert p["1.2.2"].body_bytes == b"iVBORw0KGgo="
    assert p["3"].message is not None and p["3"].message.headers.get("subject") == "inner"
    assert p["3.1"].body_bytes == b"Inner body."
    assert parse_structure(NESTED).body_bytes.endswith(b"--outer--\r\nepilogue\r\n")


def test_rfc2231_filename_and_continuations() -> None:
    pdf = parts(NESTED)["2"]
    assert pdf.filename == "\u20ac report.pdf"
    assert pdf.params.get("name") == "\u20ac report.pdf"
    assert pdf.params.imap() == (("name*", "utf-8''%E2%82%AC%20report.pdf"),)
    assert pdf.disposition is not None and pdf.disposition.value == "attachment"
    assert pdf.disposition.params.imap() == (("filename*", "utf-8''%E2%82%AC%20report.pdf"),)
    assert pdf.language == ("en",) and pdf.description == "the report"


def test_rfc2231_examples() -> None:
    # RFC 2231 sections 3 and 4.1.
    ct = parse_content_type('message/external-body; access-type=URL; URL*0="ftp://"; URL*1="cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"')
    assert ct is not None and ct.params.get("url") == "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"
    ct = parse_content_type("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; "
                            "title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"")
    assert ct is not None and ct.params.get("title") == "This is even more ***fun*** isn't it!"
    ct = parse_content_type("application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A")
    assert ct is not None and ct.params.get("title") == "This is ***fun***"
    assert ct.params.imap() == (("title*", "us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A"),)


def test_lenient_parameters() -> None:
    ct = parse_content_type("Multipart/Mixed; BOUNDARY=----=_Part_1_2.3; boundary=second")
    assert ct is not None and (ct.type, ct.subtype) == ("multipart", "mixed")
    assert ct.params.get("boundary") == "----=_Part_1_2.3"  # unquoted with "=", first wins
    ct = parse_content_type('application/pdf; name="=?utf-8?B?w6kucGRm?="')
    assert ct is not None and ct.params.get("name") == "\u00e9.pdf"
    assert ct.params.imap() == (("name", "=?utf-8?B?w6kucGRm?="),)
    assert parse_content_type("text") is None
    assert parse_content_type("text/plain (comment); charset=\"unterminated") is not None


def test_digest_default_is_message_rfc822() -> None:
    p = parts(DIGEST)
    assert p["1"].content_type == "message/rfc822"
    assert p["1"].message is not None and p["1"].message.headers.get("subject") == "first"
    assert p["1.1"].body_bytes == b"First.\r\n"
    assert p["2"].content_type == "text/plain"


def test_missing_close_delimiter_runs_to_the_end() -> None:
    root = parse_structure(MISSING_CLOSE)
    assert [c.body_bytes for c in root.children] == [b"one", b"two\r\n"]
    assert root.end == len(MISSING_CLOSE)


def test_boundary_never_found_gives_no_parts() -> None:
    root = parse_structure(BOUNDARY_NEVER_FOUND)
    assert root.is_multipart and root.children == ()
    assert root.body_bytes == b"just text\r\n--elsewhere\r\nmore\r\n"


def test_clashing_boundaries_go_to_the_innermost_until_closed() -> None:
    p = parts(CLASHING)
    assert [(n, part.content_type, part.body_bytes) for n, part in p.items() if not part.is_multipart] == [
        ("1.1", "text/plain", b"a"), ("1.2", "text/html", b"b"), ("2", "text/plain", b"c")]


def test_enclosing_boundary_ends_an_unclosed_inner_multipart() -> None:
    p = parts(INNER_UNCLOSED)
    assert p["1.1"].body_bytes == b"a"
    assert p["2"].body_bytes == b"b"
    assert p["1"].body_bytes == b"--inner\r\nContent-Type: text/plain\r\n\r\na"


def test_boundary_in_header_ends_the_header() -> None:
    p = parts(HEADER_CUT)
    assert p["1"].header_bytes == b"Content-Type: text/plain\r\nContent-Description: cut short"
    assert p["1"].size == 0 and p["1"].description == "cut short"
    assert p["2"].body_bytes == b"body"


def test_header_without_body() -> None:
    root = parse_structure(HEADER_ONLY)
    assert root.header_bytes == HEADER_ONLY and root.size == 0
    assert root.headers.get("subject") == "no body"


def test_empty_message() -> None:
    root = parse_structure(b"")
    assert (root.start, root.body_start, root.end, root.content_type, root.lines) == (0, 0, 0, "text/plain", 0)


def test_eight_bit_garbage_in_headers() -> None:
    root = parse_structure(EIGHT_BIT_HEADERS)
    subject = root.headers.get("subject")
    assert subject is not None
    assert subject.encode("utf-8", "surrogateescape") == b"gr\xfc\xdfe \xff\xfe"  # lossless
    assert root.type == "text" and root.body_bytes == b"body \xe9\r\n"


def test_invalid_content_type_defaults_to_text_plain() -> None:
    root = parse_structure(INVALID_TYPE)
    assert (root.content_type, root.charset, root.encoding) == ("text/plain", "us-ascii", "x-uuencode")


def test_bare_lf_line_ends() -> None:
    root = parse_structure(BARE_LF)
    assert root.children[0].body_bytes == b"lf" and root.children[0].lines == 0
    assert root.children[0].header_bytes == b"Content-Type: text/plain\n\n"


def test_boundary_on_the_first_body_line_and_transport_padding() -> None:
    data = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b   \nX-A: 1\n\none\n--b--  trailing\nepi\n")
    root = parse_structure(data)
    assert len(root.children) == 1 and root.children[0].body_bytes == b"one"
    assert root.children[0].headers.get("x-a") == "1"


def test_close_delimiter_first_gives_no_parts() -> None:
    root = parse_structure(crlf("Content-Type: multipart/mixed; boundary=b\n\n--b--\n--b\n\nlate\n"))
    assert root.children == ()


def test_longest_boundary_wins() -> None:
    data = crlf("Content-Type: multipart/mixed; boundary=ab\n\n--ab\nContent-Type: multipart/mixed; boundary=a\n\n"
                "--a\n\nx\n--abc\n\ny\n--ab--\n")
    p = parts(data)
    # "--abc" matches the longer enclosing "ab" (prefix match), which ends the inner multipart.
    assert [n for n in p] == ["1", "1.1", "2"]
    assert p["1.1"].body_bytes == b"x" and p["2"].body_bytes == b"y"


def test_nesting_is_capped() -> None:
    p = parts(deep(150))
    depths = {n.count(".") + 1 for n in p}
    assert max(depths) == MAX_DEPTH
    deepest = max(p.items(), key=lambda item: item[0].count("."))[1]
    assert deepest.truncated and deepest.type == "multipart" and not deepest.is_multipart


def test_message_nesting_is_capped() -> None:
    p = parts(deep_messages(150))
    deepest = max(p.items(), key=lambda item: item[0].count("."))[1]
    assert deepest.truncated and deepest.message is None
    assert max(n.count(".") + 1 for n in p) == MAX_DEPTH + 1


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_tree_invariants(name: str) -> None:
    data = CORPUS[name]
    root = parse_structure(data)
    stack = [root]
    while stack:
        part = stack.pop()
        assert 0 <= part.start <= part.body_start <= part.end <= len(data)
        assert part.lines == data.count(b"\n", part.body_start, part.end)
        previous_end = part.body_start
        for child in part.children:
            assert previous_end <= child.start and child.end <= part.end
            previous_end = child.end
        if part.message is not None:
            assert (part.message.start, part.message.end) == (part.body_start, part.end)
            stack.append(part.message)
        stack.extend(part.children)


def test_large_message_is_fast() -> None:
    chunks = []
    for i in range(200):
        payload = base64.encodebytes(os.urandom(37_500)).replace(b"\n", b"\r\n")
        chunks.append(b"--BOUNDARY\r\nContent-Type: application/octet-stream; name=\"f%d.bin\"\r\n"
                      b"Content-Transfer-Encoding: base64\r\n\r\n%s" % (i, payload))
    data = b"Subject: big\r\nContent-Type: multipart/mixed; boundary=BOUNDARY\r\n\r\n" + b"\r\n".join(chunks) + b"\r\n--BOUNDARY--\r\n"
    assert len(data) > 10_000_000
    began = time.perf_counter()
    root = parse_structure(data)
    elapsed = time.perf_counter() - began
    assert len(root.children) == 200
    assert elapsed < 0.5, elapsed


def test_part_count_is_capped() -> None:
    data = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + b"--b\r\n\r\nx\r\n" * (MAX_PARTS + 500) + b"--b--\r\n"
    root = parse_structure(data)
    assert len(root.children) == MAX_PARTS - 1  # the root is a part too
    assert root.end == len(data)


@pytest.mark.parametrize("data", [
    b"Content-Type: multipart/mixed; boundary=zzz\r\n\r\n--zzz\r\n\r\n" + b"--zzzz\r\n" * 100_000,  # headers never end
    b"Content-Type: multipart/mixed; boundary=zzz\r\n\r\n--zzz\r\n\r\n" + b"--x\r\n" * 1_000_000,  # near misses
    b"X: y\r\n" * 500_000 + b"\r\nbody",                                                          # a huge header
    b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n" * 20_000,                          # nesting soup
], ids=["unending-headers", "near-misses", "huge-header", "nesting-soup"])
def test_pathological_inputs_stay_fast(data: bytes) -> None:
    began = time.perf_counter()
    parse_structure(data)
    assert time.perf_counter() - began < 1.5

"""The response serialiser: value forms (atom, quoted, literal, literal8, NIL, lists), response codes,
status lines, continuation requests, and every untagged data response."""
from __future__ import annotations

import datetime

import pytest

from mailnodes.imap import LocalProtocolError
from mailnodes.imap import responses as r
from mailnodes.imap.commands import SequenceSet

RC = r.RenderContext()
UTF8 = r.RenderContext(utf8=True)


def test_strings_choose_their_form() -> None:
    assert r.string("hello", RC) == b'"hello"'
    assert r.string('say "hi" \\o/', RC) == b'"say \\"hi\\" \\\\o/"'
    assert r.string("two\r\nlines", RC) == b"{10}\r\ntwo\r\nlines"
    assert r.string("caf\u00e9", RC) == b"{5}\r\ncaf\xc3\xa9"
    assert r.string("caf\u00e9", UTF8) == b'"caf\xc3\xa9"'
    assert r.string(b"\xff\xfe", UTF8) == b"{2}\r\n\xff\xfe"  # not UTF-8: a literal even so
    assert r.string("x" * 2000, RC).startswith(b"{2000}\r\n")
    assert r.string("", RC) == b'""'
    with pytest.raises(LocalProtocolError):
        r.string(b"a\x00b", RC)
    assert r.astring("INBOX", RC) == b"INBOX"
    assert r.astring("NIL", RC) == b'"NIL"'
    assert r.astring("a b", RC) == b'"a b"'
    assert r.astring("a]", RC) == b"a]"
    assert r.astring("", RC) == b'""'


def test_values() -> None:
    assert r.render(None, RC) == b"NIL"
    assert r.render(12, RC) == b"12"
    assert r.render(["a", None, 3, (r.Atom("\\Seen"),)], RC) == b'("a" NIL 3 (\\Seen))'
    assert r.render(r.Literal(b"abc"), RC) == b"{3}\r\nabc"
    assert r.render(r.Literal(b"a\x00", binary=True), RC) == b"~{2}\r\na\x00"
    assert r.render(r.Raw(b"(raw)"), RC) == b"(raw)"
    tz = datetime.timezone(datetime.timedelta(hours=-7))
    assert r.render(datetime.datetime(1996, 7, 17, 2, 44, 25, tzinfo=tz), RC) == b'"17-Jul-1996 02:44:25 -0700"'
    assert r.date_time(datetime.datetime(2020, 1, 1, 0, 0)) == b'" 1-Jan-2020 00:00:00 +0000"'
    for value in (-1, True, object(), 1.5):
        with pytest.raises(LocalProtocolError):
            r.render(value, RC)  # type: ignore[arg-type]
    with pytest.raises(LocalProtocolError):
        r.render(r.Atom("a b"), RC)


def test_mailbox_names() -> None:
    assert r.mailbox("inbox", RC) == b"INBOX"
    assert r.mailbox("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e", RC) == b"~peter/mail/&U,BTFw-/&ZeVnLIqe-"
    assert r.mailbox("Sent Items", RC) == b'"Sent Items"'
    assert r.mailbox("R&D", RC) == b"R&-D"
    assert r.mailbox("\u53f0\u5317", UTF8) == '"\u53f0\u5317"'.encode()


def test_codes() -> None:
    assert r.Code.appenduid(38505, [3955]).render() == b"[APPENDUID 38505 3955]"
    assert r.Code.copyuid(38505, [304, 319, 320, 321], [3956, 3957, 3958, 3959]).render() == (
        b"[COPYUID 38505 304,319:321 3956:3959]")
    assert r.Code.copyuid(1, [5, 3], [10, 11]).render() == b"[COPYUID 1 5,3 10:11]"  # order kept
    assert r.Code.uidvalidity(3857529045).render() == b"[UIDVALIDITY 3857529045]"
    assert r.Code.uidnext(4392).render() == b"[UIDNEXT 4392]"
    assert r.Code.highest_modseq(715194045007).render() == b"[HIGHESTMODSEQ 715194045007]"
    assert r.Code.permanent_flags(("\\Deleted", "\\Seen", "\\*")).render() == b"[PERMANENTFLAGS (\\Deleted \\Seen \\*)]"
    assert r.Code.capability(["IMAP4rev2", "IDLE"]).render() == b"[CAPABILITY IMAP4rev2 IDLE]"
    assert r.Code.modified([7, 9, 10]).render() == b"[MODIFIED 7,9:10]"
    assert r.Code.badcharset().render() == b"[BADCHARSET (US-ASCII UTF-8)]"
    assert r.Code.unseen(12).render() == b"[UNSEEN 12]"
    for code in (r.TRYCREATE, r.ALERT, r.NONEXISTENT, r.ALREADYEXISTS, r.OVERQUOTA, r.AUTHENTICATIONFAILED, r.CLOSED):
        assert code.render() == b"[" + code.name.encode() + b"]"
    for name, data in (("bad name", None), ("X", "a]b"), ("X", ""), ("X", "a\r\n")):
        with pytest.raises(LocalProtocolError):
            r.Code(name, data)
    with pytest.raises(LocalProtocolError):
        r.Code.appenduid(1, [])
    assert r.Code.appenduid(1, SequenceSet(((1, 3),))).render() == b"[APPENDUID 1 1:3]"


def test_status_lines_and_continuations() -> None:
    assert r.status_line("a1", "OK", "done", r.TRYCREATE) == b"a1 OK [TRYCREATE] done\r\n"
    assert r.status_line(None, "BYE", "") == b"* BYE closing\r\n"
    assert r.status_line("a", "NO", "", r.OVERQUOTA) == b"a NO [OVERQUOTA] failed\r\n"
    assert r.continuation("Ready for literal data") == b"+ Ready for literal data\r\n"
    assert r.continuation_data(b"") == b"+ \r\n"
    for bad in (lambda: r.status_line("a", "MAYBE", "x"), lambda: r.status_line("a", "OK", "x\ny"),
                lambda: r.status_line("a", "OK", "x", "ALERT")):  # type: ignore[arg-type]
        with pytest.raises(LocalProtocolError):
            bad()


@pytest.mark.parametrize(("response", "wire"), [
    (r.Condition("OK", "Predicted next UID", r.Code.uidnext(4392)), b"* OK [UIDNEXT 4392] Predicted next UID"),
    (r.CapabilityData(("IMAP4rev2", "STARTTLS")), b"* CAPABILITY IMAP4rev2 STARTTLS"),
    (r.EnabledData(("CONDSTORE",)), b"* ENABLED CONDSTORE"),
    (r.Exists(23), b"* 23 EXISTS"),
    (r.Recent(5), b"* 5 RECENT"),
    (r.Expunge(44), b"* 44 EXPUNGE"),
    (r.Vanished((405, 407, 408, 409, 410)), b"* VANISHED 405,407:410"),
    (r.Vanished("300:310,405,411", earlier=True), b"* VANISHED (EARLIER) 300:310,405,411"),
    (r.Flags(("\\Answered", "\\Flagged", "$Forwarded")), b"* FLAGS (\\Answered \\Flagged $Forwarded)"),
    (r.ListData("INBOX", ("\\HasNoChildren",)), b'* LIST (\\HasNoChildren) "/" INBOX'),
    (r.ListData("foo", (), None, lsub=True), b"* LSUB () NIL foo"),
    (r.ListData("Fruit", ("\\Subscribed",), child_info=("SUBSCRIBED",)),
     b'* LIST (\\Subscribed) "/" Fruit ("CHILDINFO" ("SUBSCRIBED"))'),
    (r.ListData("new", (), old_name="old"), b'* LIST () "/" new ("OLDNAME" (old))'),
    (r.StatusData("blurdybloop", (("MESSAGES", 231), ("UIDNEXT", 44292))),
     b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)"),
    (r.SearchData((2, 3, 6)), b"* SEARCH 2 3 6"),
    (r.SearchData(()), b"* SEARCH"),
    (r.SearchData((2, 5), modseq=917162500), b"* SEARCH 2 5 (MODSEQ 917162500)"),
    (r.SortData((5, 3, 4)), b"* SORT 5 3 4"),
    (r.ESearchData("A283", min=2, count=3), b'* ESEARCH (TAG "A283") MIN 2 COUNT 3'),
    (r.ESearchData("A284", uid=True, all=(4, 5, 6, 9)), b'* ESEARCH (TAG "A284") UID ALL 4:6,9'),
    (r.ESearchData("A285"), b'* ESEARCH (TAG "A285")'),
    (r.ESearchData(None, max=9, modseq=3), b"* ESEARCH MAX 9 MODSEQ 3"),
    (r.ThreadData(((2,), (3, 6, (4, 23), (44, 7, 96)))), b"* THREAD (2)(3 6 (4 23)(44 7 96))"),
    (r.ThreadData((((3,), (5,)),)), b"* THREAD ((3)(5))"),
    (r.ThreadData(()), b"* THREAD"),
    (r.IdData((("name", "Mailhive"), ("version", None))), b'* ID ("name" "Mailhive" "version" NIL)'),
    (r.IdData(None), b"* ID NIL"),
    (r.NamespaceData((("", "/"),), None, (("#shared/", "/"),)), b'* NAMESPACE (("" "/")) NIL (("#shared/" "/"))'),
    (r.QuotaData("", (("STORAGE", 10, 512),)), b'* QUOTA "" (STORAGE 10 512)'),
    (r.QuotaRootData("INBOX", ("",)), b'* QUOTAROOT INBOX ""'),
])
def test_untagged_data(response: r.Untagged, wire: bytes) -> None:
    assert response.render(RC) == wire + b"\r\n"


def test_fetch_data() -> None:
    tz = datetime.timezone(datetime.timedelta(hours=-7))
    fetch = r.FetchData(12, (
        ("FLAGS", ("\\Seen",)), ("INTERNALDATE", datetime.datetime(1996, 7, 17, 2, 44, 25, tzinfo=tz)),
        ("RFC822.SIZE", 4286), ("UID", 9), ("MODSEQ", 624140003),
        ("ENVELOPE", ["Wed, 17 Jul 1996 02:23:25 -0700 (PDT)", "IMAP4rev2 WG mtg summary", None]),
        ("BODY[HEADER]", b"Subject: x\r\n\r\n"), ("BODY[TEXT]<0>", b"short"),
    ))
    assert fetch.render(RC) == (
        b'* 12 FETCH (FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" RFC822.SIZE 4286 UID 9 '
        b'MODSEQ (624140003) ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev2 WG mtg summary" NIL) '
        b'BODY[HEADER] {14}\r\nSubject: x\r\n\r\n BODY[TEXT]<0> "short")\r\n')
    assert r.FetchData(1, (("BINARY[1]", b"a\x00b"),)).render(RC) == b"* 1 FETCH (BINARY[1] ~{3}\r\na\x00b)\r\n"
    assert r.FetchData(1, (("BINARY[1]", b"ab"),)).render(RC) == b"* 1 FETCH (BINARY[1] {2}\r\nab)\r\n"
    assert r.FetchData(1, (("BODY[1]", None),)).render(RC) == b"* 1 FETCH (BODY[1] NIL)\r\n"
    with pytest.raises(LocalProtocolError):
        r.FetchData(0, ()).render(RC)


def test_invalid_data_is_refused() -> None:
    for response in (r.Flags(("a b",)), r.Expunge(0), r.Vanished(()), r.Vanished("x"),
                     r.ThreadData(((1, (2,)),)), r.ThreadData(((1, (2,), 3),)), r.ListData("x", (), "//"),
                     r.StatusData("x", (("MESSAGES", -1),))):
        with pytest.raises(LocalProtocolError):
            response.render(RC)

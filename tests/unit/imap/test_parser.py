"""The command parser: every command form of RFC 3501/9051 and the extensions, each value
production, and the errors (each one a RemoteProtocolError with a reason, never a crash)."""
from __future__ import annotations

import datetime

import pytest

from mailnodes.imap import ImapOptions, RemoteProtocolError
from mailnodes.imap import commands as c
from mailnodes.imap.commands import SequenceSet, format_sequence_set
from mailnodes.imap.parser import (
    Cancelled,
    decode_mailbox,
    decode_plain,
    parse_auth_response,
    parse_sequence_set,
    peek_command,
    read_tag,
)
from tests.unit.imap.helpers import parse

S = SequenceSet
BARE = ImapOptions(extensions=frozenset())  # plain IMAP4rev1, nothing else


def bad(data: bytes | str, options: ImapOptions = ImapOptions(), **kw: bool) -> RemoteProtocolError:
    with pytest.raises(RemoteProtocolError) as info:
        parse(data, options, **kw)
    assert info.value.reason
    return info.value


# ---------------------------------------------------------------------------- simple commands


@pytest.mark.parametrize(("line", "cls"), [
    ("a CAPABILITY", c.Capability), ("a noop", c.Noop), ("a Logout", c.Logout), ("a STARTTLS", c.StartTls),
    ("a NAMESPACE", c.Namespace), ("a IDLE", c.Idle), ("a CHECK", c.Check), ("a CLOSE", c.Close),
    ("a UNSELECT", c.Unselect), ("a EXPUNGE", c.Expunge),
])
def test_commands_without_arguments(line: str, cls: type[c.Command]) -> None:
    command = parse(line, ImapOptions(starttls=True))
    assert type(command) is cls and command.tag == "a"
    bad(line + " extra", ImapOptions(starttls=True))


def test_tags() -> None:
    assert parse("A0001 NOOP").tag == "A0001"
    assert parse("x] NOOP").tag == "x]"  # "]" is an ASTRING-CHAR, so valid in a tag
    for tag in ("+", "*", "a{", "a%", 'a"', "a\\", "a(", "é"):
        assert "tag" in bad(f"{tag} NOOP").reason


def test_unknown_and_missing() -> None:
    assert "unknown command" in bad("a FOO").reason
    assert "unknown command" in bad("a " + "X" * 100).reason
    assert bad("a").reason == "missing arguments"
    assert "empty" in bad("").reason
    assert "unknown UID command" in bad("a UID NOOP").reason


def test_extension_commands_need_their_extension() -> None:
    for line in ("a IDLE", "a NAMESPACE", "a ENABLE CONDSTORE", "a MOVE 1 x", "a UNSELECT", "a ID NIL",
                 "a GETQUOTA x", "a GETQUOTAROOT x", "a SORT (DATE) UTF-8 ALL", "a THREAD REFERENCES UTF-8 ALL",
                 "a COMPRESS DEFLATE", "a UID EXPUNGE 1", "a STARTTLS"):
        assert "unknown" in bad(line, BARE).reason, line
        assert parse(line, ImapOptions(starttls=True)).tag == "a"


def test_imap4rev2_includes_its_extensions() -> None:
    rev2 = ImapOptions(extensions=frozenset({"IMAP4rev2", "ENABLE"}))
    for line in ("a IDLE", "a NAMESPACE", "a MOVE 1 x", "a UNSELECT", "a UID EXPUNGE 1:3"):
        parse(line, rev2)
    bad("a SORT (DATE) UTF-8 ALL", rev2)


# ---------------------------------------------------------------------------- strings


def test_astring_forms() -> None:
    assert parse("a LOGIN alice secret") == c.Login("a", "alice", "secret")
    assert parse('a LOGIN "al ice" "s\\"e\\\\c"') == c.Login("a", "al ice", 's"e\\c')
    assert parse(b"a LOGIN {5}\r\nalice {3+}\r\n\x7fx)") == c.Login("a", "alice", "\x7fx)")
    assert parse('a LOGIN "" ""') == c.Login("a", "", "")
    assert parse("a LOGIN bob] x").username == "bob]"


@pytest.mark.parametrize("line", [
    'a LOGIN "alice secret', 'a LOGIN "a\\b" x', "a LOGIN alice", "a LOGIN alice  secret",
    "a LOGIN (alice) secret", "a LOGIN alice secret extra", "a LOGIN al%ce secret",
    b"a LOGIN {5}\r\nali", b"a LOGIN {3}\r\na\x00b x", b"a LOGIN \xff\xfe x", b'a LOGIN "\xff" x',
    "a LOGIN ~{5}\r\nalice x", b"a LOGIN {99999999999999999999999}\r\nx y",
])
def test_bad_strings(line: str | bytes) -> None:
    bad(line)


def test_eight_bit_quoted_is_accepted_as_utf8() -> None:
    assert parse('a LOGIN "jos\u00e9" x').username == "jos\u00e9"


# ---------------------------------------------------------------------------- AUTHENTICATE, ENABLE, ID


def test_authenticate() -> None:
    assert parse("a AUTHENTICATE plain") == c.Authenticate("a", "PLAIN", None)
    assert parse("a AUTHENTICATE PLAIN =") == c.Authenticate("a", "PLAIN", b"")
    assert parse("a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==").initial_response == b"\0alice\0secret"
    assert "base64" in bad("a AUTHENTICATE PLAIN AGFsaWNl!").reason
    assert "base64" in bad("a AUTHENTICATE PLAIN AGFsaWN").reason
    assert "SASL-IR" in bad("a AUTHENTICATE PLAIN AGFs", BARE).reason
    bad("a AUTHENTICATE")
    bad("a AUTHENTICATE PLAIN ")


def test_sasl_lines() -> None:
    assert parse_auth_response(b"*") is Cancelled.CANCELLED
    assert parse_auth_response(b"") == b""
    assert parse_auth_response(b"YWxpY2U=") == b"alice"
    with pytest.raises(RemoteProtocolError):
        parse_auth_response(b"YWxpY2U")
    assert decode_plain(b"admin\0alice\0secret") == ("admin", "alice", "secret")
    for message in (b"alice\0secret", b"\0\0secret", b"\0alice\0", b"\0\xff\0x"):
        with pytest.raises(RemoteProtocolError):
            decode_plain(message)


def test_enable_and_id() -> None:
    assert parse("a ENABLE CONDSTORE utf8=accept") == c.Enable("a", ("CONDSTORE", "utf8=accept"))
    bad("a ENABLE")
    assert parse("a ID NIL") == c.Id("a", None)
    assert parse('a ID ("name" "Thunderbird" "version" NIL)') == c.Id(
        "a", (("name", "Thunderbird"), ("version", None)))
    assert parse("a ID ()") == c.Id("a", ())
    assert "twice" in bad('a ID ("name" "x" "NAME" "y")').reason
    assert "30" in bad('a ID ("' + "k" * 31 + '" "v")').reason
    bad('a ID ("name")')
    bad("a ID (name x)")
    many = " ".join(f'"k{i}" "v"' for i in range(31))
    assert "30" in bad(f"a ID ({many})").reason


# ---------------------------------------------------------------------------- mailboxes


def test_select_examine_and_parameters() -> None:
    assert parse("a SELECT inbox") == c.Select("a", "INBOX")
    assert parse("a EXAMINE Sent") == c.Select("a", "Sent", read_only=True)
    assert parse("a SELECT x (CONDSTORE)").condstore
    command = parse("a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))", qresync=True)
    assert command.qresync == c.QresyncParameters(67890007, 20050715194045000,
                                                  S(((41, 41), (43, 211), (214, 541))))
    command = parse("a SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541 "
                    "(1:15,20 4231:4233,4236)))", qresync=True)
    assert command.qresync is not None and command.qresync.sequence_match is not None
    assert str(command.qresync.sequence_match[1]) == "4231:4233,4236"
    command = parse("a SELECT INBOX (QRESYNC (1 2 (1 5)))", qresync=True)
    assert command.qresync == c.QresyncParameters(1, 2, None, (S(((1, 1),)), S(((5, 5),))))
    assert "ENABLE QRESYNC" in bad("a SELECT INBOX (QRESYNC (1 2))").reason
    assert "unknown select parameter" in bad("a SELECT INBOX (FOO)").reason
    assert "unknown select parameter" in bad("a SELECT INBOX (CONDSTORE)", BARE).reason
    bad("a SELECT INBOX ()")
    bad("a SELECT INBOX (QRESYNC (0 2))", qresync=True)
    bad("a SELECT INBOX (QRESYNC (1 0))", qresync=True)
    bad("a SELECT INBOX (QRESYNC (1 2 $))", qresync=True)


def test_mailbox_names_in_modified_utf7_and_utf8() -> None:
    assert parse("a CREATE ~peter/mail/&U,BTFw-/&ZeVnLIqe-").mailbox == "~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e"
    assert parse("a DELETE &-x").mailbox == "&x"
    assert parse("a SUBSCRIBE Inbox").mailbox == "INBOX"
    assert parse("a UNSUBSCRIBE INBOX/sub").mailbox == "INBOX/sub"
    assert "modified UTF-7" in bad('a CREATE "caf\u00e9"').reason
    assert "&" in bad("a CREATE a&b").reason
    assert "canonical" in bad("a CREATE &AGE-").reason  # "a" spelt in base64
    assert parse('a CREATE "caf\u00e9"', utf8=True).mailbox == "caf\u00e9"
    assert parse("a CREATE &U,BTFw-", utf8=True).mailbox == "&U,BTFw-"  # no decoding once UTF-8
    bad(b"a CREATE {3}\r\na\rb", utf8=True)
    with pytest.raises(RemoteProtocolError):
        decode_mailbox(b"\xff", True)


def test_create_rename_special_use() -> None:
    assert parse("a CREATE Archive (USE (\\Archive))") == c.Create("a", "Archive", ("\\Archive",))
    bad("a CREATE Archive (USE (\\Archive))", BARE)
    bad("a CREATE Archive (FOO (\\Archive))")
    assert parse("a RENAME blurdybloop sarasoop") == c.Rename("a", "blurdybloop", "sarasoop")
    bad("a RENAME onlyone")


def test_list_basic_and_extended() -> None:
    assert parse('a LIST "" *') == c.List("a", "", ("*",))
    assert parse('a LIST ~/Mail/ %') == c.List("a", "~/Mail/", ("%",))
    assert parse('a LIST "" "foo bar*"').patterns == ("foo bar*",)
    assert parse("a LIST inbox inbox").reference == "inbox"  # references and patterns stay as sent
    command = parse('a LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" "Sent%") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))')
    assert command == c.List("a", "", ("INBOX", "Sent%"), frozenset({"SUBSCRIBED", "RECURSIVEMATCH"}),
                             frozenset({"CHILDREN", "STATUS"}), ("MESSAGES", "UNSEEN"), True)
    assert parse('a LIST (SPECIAL-USE) "" *').selection == {"SPECIAL-USE"}
    assert parse('a LIST "" % RETURN (SPECIAL-USE SUBSCRIBED)').return_options == {"SPECIAL-USE", "SUBSCRIBED"}
    assert parse('a LIST () "" % RETURN ()').extended
    assert "RECURSIVEMATCH" in bad('a LIST (RECURSIVEMATCH) "" *').reason
    assert "selection option" in bad('a LIST (FOO) "" *').reason
    assert "return option" in bad('a LIST "" * RETURN (FOO)').reason
    bad('a LIST "" * RETURN (STATUS ())')
    bad('a LIST "" * RETURN (STATUS (FOO))')
    for line in ('a LIST (SUBSCRIBED) "" *', 'a LIST "" (a b)', 'a LIST "" * RETURN (CHILDREN)'):
        assert "LIST-EXTENDED" in bad(line, BARE).reason
    bad('a LIST ""')
    assert parse('a LSUB "#news." "comp.mail.*"') == c.Lsub("a", "#news.", "comp.mail.*")


def test_status_items() -> None:
    assert parse("a STATUS blurdybloop (UIDNEXT MESSAGES)") == c.Status("a", "blurdybloop", ("UIDNEXT", "MESSAGES"))
    assert parse("a STATUS x (messages deleted size highestmodseq appendlimit recent)").items == (
        "MESSAGES", "DELETED", "SIZE", "HIGHESTMODSEQ", "APPENDLIMIT", "RECENT")
    assert parse("a STATUS x (UNSEEN UNSEEN)").items == ("UNSEEN",)
    bad("a STATUS x ()")
    bad("a STATUS x (FOO)")
    bad("a STATUS x (HIGHESTMODSEQ)", BARE)
    bad("a STATUS x MESSAGES")


# ---------------------------------------------------------------------------- APPEND


def test_append_forms() -> None:
    command = parse(b'a APPEND saved-messages (\\Seen) " 7-Feb-1994 21:52:25 -0800" {11}\r\nHello there')
    assert command == c.Append("a", "saved-messages", (c.AppendMessage(
        b"Hello there", ("\\Seen",), datetime.datetime(1994, 2, 7, 21, 52, 25,
                                                      tzinfo=datetime.timezone(datetime.timedelta(hours=-8)))),))
    assert parse(b"a APPEND x {3+}\r\nabc").messages == (c.AppendMessage(b"abc"),)
    assert parse(b"a APPEND x () {0}\r\n").messages == (c.AppendMessage(b""),)
    assert parse(b"a APPEND x ~{3}\r\na\x00b").messages == (c.AppendMessage(b"a\x00b", binary=True),)
    assert parse(b'a APPEND x "01-Jan-2020 00:00:00 +0000" {1}\r\nz').messages[0].date == datetime.datetime(
        2020, 1, 1, tzinfo=datetime.UTC)
    multi = parse(b"a APPEND x (\\Seen) {1}\r\na {1}\r\nb (\\Flagged $Work) {1}\r\nc")
    assert [m.data for m in multi.messages] == [b"a", b"b", b"c"]
    assert multi.messages[2].flags == ("\\Flagged", "$Work")
    assert parse(b"a APPEND x (\\seen \\FLAGGED) {1}\r\na").messages[0].flags == ("\\Seen", "\\Flagged")
    utf8 = parse(b"a APPEND x UTF8 (~{2}\r\n\xc3\xa9)", utf8=True)
    assert utf8.messages == (c.AppendMessage("\u00e9".encode(), binary=True, utf8=True),)


@pytest.mark.parametrize("line", [
    b"a APPEND x", b'a APPEND x "hello"', b"a APPEND x {3}\r\na\x00b", b"a APPEND x (\\Recent) {1}\r\na",
    b'a APPEND x "31-Feb-2020 00:00:00 +0000" {1}\r\na', b'a APPEND x "01-Foo-2020 00:00:00 +0000" {1}\r\na',
    b'a APPEND x "01-Jan-2020 25:00:00 +0000" {1}\r\na', b'a APPEND x "01-Jan-2020 00:00:00 +2460" {1}\r\na',
    b'a APPEND x "01-Jan-2020" {1}\r\na', b"a APPEND x {1}\r\na b", b"a APPEND x UTF8 (~{1}\r\na)",
    b"a APPEND x {1}\r\na {1}\r\n",
])
def test_append_errors(line: bytes) -> None:
    bad(line)


def test_append_without_multiappend_or_binary() -> None:
    assert "MULTIAPPEND" in bad(b"a APPEND x {1}\r\na {1}\r\nb", BARE).reason
    assert "literal8" in bad(b"a APPEND x ~{1}\r\na", BARE).reason


# ---------------------------------------------------------------------------- sequence sets


def test_sequence_sets() -> None:
    assert parse_sequence_set(b"1:*") == S(((1, None),))
    assert parse_sequence_set(b"2,4:7,9,12:*") == S(((2, 2), (4, 7), (9, 9), (12, None)))
    assert parse_sequence_set(b"*:4") == S(((None, 4),))
    seq = parse_sequence_set(b"5:2,9,*")
    assert list(seq.iter(10)) == [2, 3, 4, 5, 9, 10]
    assert seq.spans(10) == [(2, 5), (9, 10)]
    assert seq.contains(10, 10) and not seq.contains(6, 10)
    assert str(seq) == "5:2,9,*"
    assert parse_sequence_set(b"1:*").spans(0) == []
    assert parse_sequence_set(b"3:5").beyond(4) and not parse_sequence_set(b"3:*").beyond(3)
    for raw in (b"0", b"1:0", b"1::2", b",1", b"1,", b"4294967296", b"1:2:3", b"**"):
        with pytest.raises(RemoteProtocolError):
            parse_sequence_set(raw)
    assert format_sequence_set([1, 2, 3, 5, 7, 8]) == "1:3,5,7:8"
    assert format_sequence_set([]) == ""
    assert parse("a FETCH $ FLAGS").sequence_set == S(saved=True)
    assert str(S(saved=True)) == "$"
    bad("a FETCH $ FLAGS", BARE)


# ---------------------------------------------------------------------------- FETCH


def test_fetch_macros_and_simple_items() -> None:
    assert parse("a FETCH 2:4 ALL").items == tuple(
        c.FetchAttribute(n) for n in ("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"))
    assert parse("a FETCH 1 fast").macro == "FAST"
    assert c.FetchAttribute("BODY") in parse("a FETCH 1 FULL").items
    assert parse("a FETCH 1 flags").items == (c.FetchAttribute("FLAGS"),)
    items = parse("a FETCH 1 (ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT BODY "
                  "BODYSTRUCTURE UID MODSEQ)").items
    assert [i.response_name for i in items] == ["ENVELOPE", "FLAGS", "INTERNALDATE", "RFC822", "RFC822.HEADER",
                                                "RFC822.SIZE", "RFC822.TEXT", "BODY", "BODYSTRUCTURE", "UID",
                                                "MODSEQ"]
    assert parse("a FETCH 1 (FLAGS FLAGS)").items == (c.FetchAttribute("FLAGS"),)


def test_fetch_sections() -> None:
    command = parse("a FETCH 1 (BODY[] BODY.PEEK[HEADER] BODY[1.2.MIME] BODY[3.TEXT]<0.2048> "
                    "body[header.fields (date FROM)] BODY[HEADER.FIELDS.NOT (X-Spam)] BODY[4.2] BODY[TEXT])")
    assert [i.response_name for i in command.items] == [
        "BODY[]", "BODY[HEADER]", "BODY[1.2.MIME]", "BODY[3.TEXT]<0>", "BODY[HEADER.FIELDS (DATE FROM)]",
        "BODY[HEADER.FIELDS.NOT (X-SPAM)]", "BODY[4.2]", "BODY[TEXT]"]
    assert command.items[1] == c.BodySection(c.Section((), "HEADER"), peek=True)
    assert command.items[3] == c.BodySection(c.Section((3,), "TEXT"), partial=(0, 2048))
    assert command.sets_seen
    assert not parse("a FETCH 1 (BODY.PEEK[] FLAGS RFC822.HEADER)").sets_seen
    assert parse("a FETCH 1 RFC822.TEXT").sets_seen


def test_fetch_binary() -> None:
    command = parse("a FETCH 1 (BINARY[1] BINARY.PEEK[2.1]<10.20> BINARY.SIZE[3] BINARY[])")
    assert command.items == (c.BinarySection((1,)), c.BinarySection((2, 1), True, (10, 20)), c.BinarySize((3,)),
                             c.BinarySection(()))
    assert [i.response_name for i in command.items] == ["BINARY[1]", "BINARY[2.1]<10>", "BINARY.SIZE[3]", "BINARY[]"]
    bad("a FETCH 1 BINARY[1.TEXT]")
    bad("a FETCH 1 BINARY[1]", BARE)


@pytest.mark.parametrize("line", [
    "a FETCH 1", "a FETCH 1 ()", "a FETCH 1 (FLAGS", "a FETCH 1 FOO", "a FETCH 1 BODY[", "a FETCH 1 BODY[1.]",
    "a FETCH 1 BODY[0]", "a FETCH 1 BODY[MIME]", "a FETCH 1 BODY[1.FOO]", "a FETCH 1 BODY[HEADER.FIELDS]",
    "a FETCH 1 BODY[HEADER.FIELDS ()]", "a FETCH 1 BODY[HEADER.FIELDS (a:b)]", "a FETCH 1 BODY[]<0>",
    "a FETCH 1 BODY[]<0.0>", "a FETCH 1 BODY[]<x.1>", "a FETCH 1 BODY.PEEK", "a FETCH x FLAGS",
    "a FETCH 1 ALL FLAGS", "a FETCH 1 (FLAGS) (FOO 1)", "a FETCH 1 FLAGS (CHANGEDSINCE)",
    "a FETCH 1 FLAGS (CHANGEDSINCE 1 CHANGEDSINCE 2)", "a FETCH 1 (FLAGS)extra", "a FETCH 1 FULLX",
])
def test_fetch_errors(line: str) -> None:
    bad(line)


def test_fetch_modifiers_and_uid() -> None:
    command = parse("a UID FETCH 1:* FLAGS (CHANGEDSINCE 12345 VANISHED)", qresync=True)
    assert command == c.Fetch("a", S(((1, None),)), (c.FetchAttribute("FLAGS"), c.FetchAttribute("UID"),
                                                     c.FetchAttribute("MODSEQ")), True, 12345, True)
    assert parse("a UID FETCH 1 (UID FLAGS)").items == (c.FetchAttribute("UID"), c.FetchAttribute("FLAGS"))
    assert "VANISHED" in bad("a FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)", qresync=True).reason
    assert "VANISHED" in bad("a UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)").reason
    assert "VANISHED" in bad("a UID FETCH 1:* FLAGS (VANISHED)", qresync=True).reason
    assert "CONDSTORE" in bad("a FETCH 1 FLAGS (CHANGEDSINCE 1)", BARE).reason
    bad("a FETCH 1 MODSEQ", BARE)


# ---------------------------------------------------------------------------- STORE, COPY, MOVE, EXPUNGE


def test_store_forms() -> None:
    assert parse("a STORE 2:4 +FLAGS (\\Deleted)") == c.Store("a", S(((2, 4),)), c.StoreMode.ADD, ("\\Deleted",))
    assert parse("a STORE 1 -flags.silent \\Seen $Junk") == c.Store(
        "a", S(((1, 1),)), c.StoreMode.REMOVE, ("\\Seen", "$Junk"), silent=True)
    assert parse("a STORE 1 FLAGS ()").flags == ()
    assert parse("a UID STORE 5 (UNCHANGEDSINCE 320162338) FLAGS.SILENT (\\Deleted)") == c.Store(
        "a", S(((5, 5),)), c.StoreMode.REPLACE, ("\\Deleted",), True, 320162338, True)
    assert parse("a STORE 1 +FLAGS (\\Seen \\seen)").flags == ("\\Seen",)
    for line in ("a STORE 1 FLAGS", "a STORE 1 +FLAG (\\Seen)", "a STORE 1 *FLAGS (\\Seen)",
                 "a STORE 1 FLAGS (\\Recent)", "a STORE 1 (UNCHANGEDSINCE x) FLAGS ()", "a STORE 1 FLAGS (a b",
                 "a STORE 1 FLAGS.LOUD ()", "a STORE 1 FLAGS \\"):
        bad(line)
    bad("a STORE 1 (UNCHANGEDSINCE 1) FLAGS ()", BARE)


def test_copy_move_expunge() -> None:
    assert parse("a COPY 2:4 MEETING") == c.Copy("a", S(((2, 4),)), "MEETING")
    assert parse("a UID MOVE 42:69 foo") == c.Move("a", S(((42, 69),)), "foo", True)
    assert parse("a UID EXPUNGE 3000:3002") == c.Expunge("a", S(((3000, 3002),)))
    assert parse("a UID COPY 1 inbox").mailbox == "INBOX"
    bad("a COPY 2:4")
    bad("a UID EXPUNGE")


# ---------------------------------------------------------------------------- SEARCH


def test_search_every_key() -> None:
    line = ("a SEARCH ALL ANSWERED DELETED DRAFT FLAGGED SEEN UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN NEW OLD "
            'RECENT KEYWORD $Work UNKEYWORD Junk BCC x BODY "two words" CC y FROM z SUBJECT {3}\r\nabc TEXT t TO u '
            "HEADER X-Mailer Mutt BEFORE 1-Feb-1994 ON \"01-Feb-1994\" SINCE 01-Feb-1994 SENTBEFORE 1-Jan-2000 "
            "SENTON 1-Jan-2000 SENTSINCE 1-Jan-2000 LARGER 1000 SMALLER 5000 UID 1:5 2:4,7 NOT SEEN "
            'OR FROM a TO b (SEEN FLAGGED) MODSEQ 620162338 MODSEQ "/flags/\\\\draft" all 1 OLDER 60 YOUNGER 30 $')
    keys = parse(line.encode()).criteria
    assert isinstance(keys, c.And)
    expected = [c.FlagKey(n) for n in ("ALL", "ANSWERED", "DELETED", "DRAFT", "FLAGGED", "SEEN", "UNANSWERED",
                                       "UNDELETED", "UNDRAFT", "UNFLAGGED", "UNSEEN", "NEW", "OLD", "RECENT")]
    expected += [c.KeywordKey("$Work"), c.KeywordKey("Junk", False), c.TextKey("BCC", "x"),
                 c.TextKey("BODY", "two words"), c.TextKey("CC", "y"), c.TextKey("FROM", "z"),
                 c.TextKey("SUBJECT", "abc"), c.TextKey("TEXT", "t"), c.TextKey("TO", "u"),
                 c.HeaderKey("X-Mailer", "Mutt"), c.DateKey("BEFORE", datetime.date(1994, 2, 1)),
                 c.DateKey("ON", datetime.date(1994, 2, 1)), c.DateKey("SINCE", datetime.date(1994, 2, 1)),
                 c.DateKey("SENTBEFORE", datetime.date(2000, 1, 1)), c.DateKey("SENTON", datetime.date(2000, 1, 1)),
                 c.DateKey("SENTSINCE", datetime.date(2000, 1, 1)), c.SizeKey(True, 1000), c.SizeKey(False, 5000),
                 c.SequenceKey(S(((1, 5),)), uid=True), c.SequenceKey(S(((2, 4), (7, 7)))), c.Not(c.FlagKey("SEEN")),
                 c.Or(c.TextKey("FROM", "a"), c.TextKey("TO", "b")), c.And((c.FlagKey("SEEN"), c.FlagKey("FLAGGED"))),
                 c.ModSeqKey(620162338), c.ModSeqKey(1, "/flags/\\draft", "all"), c.AgeKey(True, 60),
                 c.AgeKey(False, 30), c.SequenceKey(S(saved=True))]
    assert list(keys.keys) == expected


def test_search_charset_and_return() -> None:
    command = parse(b"a SEARCH CHARSET UTF-8 TEXT {6}\r\n\xe5\x8f\xb0\xe5\x8c\x97")
    assert command == c.Search("a", c.TextKey("TEXT", "\u53f0\u5317"), "UTF-8")
    assert parse(b'a SEARCH charset iso-8859-1 SUBJECT "\xe9"').criteria == c.TextKey("SUBJECT", "\u00e9")
    error = bad("a SEARCH CHARSET KOI8-R TEXT x")
    assert error.status == "NO" and error.code is not None and error.code.startswith("BADCHARSET")
    assert "US-ASCII" in bad(b'a SEARCH CHARSET US-ASCII TEXT "\xe9"').reason
    assert parse("a SEARCH RETURN (MIN COUNT) FLAGGED").return_options == ("MIN", "COUNT")
    assert parse("a SEARCH RETURN () ALL").return_options == ()
    assert parse("a UID SEARCH RETURN (SAVE) CHARSET UTF-8 SEEN") == c.Search(
        "a", c.FlagKey("SEEN"), "UTF-8", ("SAVE",), True)
    assert parse("a SEARCH ALL").return_options is None
    bad("a SEARCH RETURN (FOO) ALL")
    bad("a SEARCH RETURN (MIN) ALL", BARE)


@pytest.mark.parametrize("line", [
    "a SEARCH", "a SEARCH FOO", "a SEARCH FROM", "a SEARCH OR SEEN", "a SEARCH NOT", "a SEARCH ()",
    "a SEARCH (SEEN", "a SEARCH BEFORE 30-Feb-2020", "a SEARCH BEFORE 1-Xyz-2020", "a SEARCH BEFORE 2020-01-01",
    "a SEARCH LARGER x", "a SEARCH UID x", "a SEARCH HEADER a:b c", "a SEARCH KEYWORD \\Seen",
    'a SEARCH MODSEQ "/x/y" all 1', 'a SEARCH MODSEQ "/flags/x" some 1', "a SEARCH OLDER 0",
    "a SEARCH SEEN  FLAGGED", "a SEARCH SEEN ", "a SEARCH CHARSET", 'a SEARCH BEFORE "1-Feb-1994',
])
def test_search_errors(line: str) -> None:
    bad(line)


def test_search_extension_keys_need_their_extension() -> None:
    bad("a SEARCH MODSEQ 1", BARE)
    bad("a SEARCH OLDER 5", BARE)


def test_nesting_is_bounded() -> None:
    options = ImapOptions(max_depth=10)
    parse("a SEARCH " + "(" * 4 + "SEEN" + ")" * 4, options)
    assert "nested" in bad("a SEARCH " + "(" * 11 + "SEEN" + ")" * 11, options).reason
    assert "nested" in bad("a SEARCH " + "NOT " * 11 + "SEEN", options).reason
    assert "nested" in bad("a SEARCH " + "OR SEEN " * 2000 + "SEEN").reason  # no RecursionError


# ---------------------------------------------------------------------------- SORT, THREAD, quota, compress


def test_sort_and_thread() -> None:
    assert parse("a SORT (REVERSE ARRIVAL subject) UTF-8 ALL") == c.Sort(
        "a", (c.SortKey("ARRIVAL", True), c.SortKey("SUBJECT")), "UTF-8", c.FlagKey("ALL"))
    assert parse("a UID SORT RETURN (MIN) (DATE) US-ASCII UNDELETED SINCE 1-Feb-1994").return_options == ("MIN",)
    assert parse("a THREAD REFERENCES UTF-8 SINCE 5-MAR-2000") == c.Thread(
        "a", "REFERENCES", "UTF-8", c.DateKey("SINCE", datetime.date(2000, 3, 5)))
    assert parse("a UID THREAD ORDEREDSUBJECT US-ASCII ALL").uid
    for line in ("a SORT () UTF-8 ALL", "a SORT (FOO) UTF-8 ALL", "a SORT (DATE) ALL", "a SORT (REVERSE) UTF-8 ALL",
                 "a THREAD FOO UTF-8 ALL", "a THREAD REFERENCES ALL"):
        bad(line)


def test_quota_and_compress() -> None:
    assert parse('a GETQUOTA ""') == c.GetQuota("a", "")
    assert parse("a GETQUOTAROOT INBOX") == c.GetQuotaRoot("a", "INBOX")
    assert parse('a SETQUOTA "" (STORAGE 512 message 100)') == c.SetQuota("a", "", (("STORAGE", 512), ("MESSAGE", 100)))
    assert parse('a SETQUOTA "" ()').limits == ()
    bad('a SETQUOTA "" (STORAGE)')
    assert parse("a COMPRESS deflate") == c.Compress("a", "DEFLATE")
    bad("a COMPRESS LZ4")


def test_peek_and_read_tag() -> None:
    assert peek_command(b"a1 uid fetch 1 FLAGS") == (b"a1", "UID", "FETCH")
    assert peek_command(b"a1 APPEND x {5}\r\n") == (b"a1", "APPEND", None)
    assert peek_command(b"+ foo") == (None, "FOO", None)
    assert peek_command(b"") == (None, None, None)
    assert read_tag(b"abc NOOP") == b"abc" and read_tag(b"a{ NOOP") is None

"""Subscription lists: OPML and newsboat urls files in, OPML out."""

from __future__ import annotations

import codecs
import gzip
import json
import random
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reader.core.opml import Subscription, SubscriptionFileError, read_subscriptions, write_opml

DATA = Path(__file__).parent / "data" / "subscriptions"


def read(data: bytes | str) -> tuple[list[Subscription], list[str]]:
    return read_subscriptions(data.encode() if isinstance(data, str) else data)


def opml(body: str, head: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return f'{head}\n<opml version="2.0"><head/><body>\n{body}\n</body></opml>'.encode()


def refused(data: bytes | str) -> str:
    with pytest.raises(SubscriptionFileError) as error:
        read(data)
    message = str(error.value)
    assert message and "\n" not in message
    return message


# --------------------------------------------------------------------------------------------------
# OPML


def test_nested_opml_fixture() -> None:
    subs, notes = read_subscriptions((DATA / "nested.opml").read_bytes())
    assert subs == [
        Subscription("https://harbour.example/rss?a=1&b=2", "Harbour & Bay", "News/Local"),
        Subscription("https://world.example/atom", "World", "News"),
        Subscription("https://blog.example/feed?x=1&y=2", "Blog One", "Tech"),
        Subscription("http://top.example/index.xml", "Top level", None),
    ]
    assert len(notes) == 3
    assert notes[0].startswith("line 14: ") and "feed://podcast.example/rss" in notes[0]
    assert notes[1].startswith("line 18: ") and "duplicate" in notes[1]
    assert "mailto:" in notes[2] and "'Mail'" in notes[2]


def test_opml1_without_body() -> None:
    data = b'<opml version="1.0"><outline text="A" xmlUrl="http://a.example/rss"/></opml>'
    assert read(data)[0] == [Subscription("http://a.example/rss", "A", None)]


def test_opml_without_opml_element() -> None:
    data = b"""<?xml version="1.0"?>
<head><title>loose</title></head>
<body>
  <outline text="Folder"><outline text="A" xmlUrl="https://a.example/"/></outline>
  <outline text="B" xmlUrl="https://b.example/"/>
</body>"""
    assert read(data)[0] == [
        Subscription("https://a.example/", "A", "Folder"),
        Subscription("https://b.example/", "B", None),
    ]


def test_bare_outlines_only() -> None:
    data = '<outline text="A" xmlUrl="https://a.example/"/>\n<outline xmlUrl="https://b.example/"/>'
    assert read(data)[0] == [
        Subscription("https://a.example/", "A", None),
        Subscription("https://b.example/", None, None),
    ]


def test_deeply_nested_folders_are_joined_with_slashes() -> None:
    data = opml(
        '<outline text="A"><outline title="B"><outline text="  C  ">'
        '<outline text="feed" xmlUrl="https://deep.example/"/>'
        "</outline></outline></outline>"
        '<outline text="after" xmlUrl="https://after.example/"/>'
    )
    assert read(data)[0] == [
        Subscription("https://deep.example/", "feed", "A/B/C"),
        Subscription("https://after.example/", "after", None),
    ]


def test_folder_names_holding_slashes_become_nested_folders() -> None:
    data = opml(
        '<outline text=" UI / UX "><outline text="f" xmlUrl="https://f.example/"/></outline>'
    )
    assert read(data)[0] == [Subscription("https://f.example/", "f", "UI/UX")]


def test_nameless_folder_adds_no_path_segment() -> None:
    data = opml('<outline text="A"><outline><outline text="f" xmlUrl="https://f.example/"/>')
    data = data.replace(b"</body>", b"</outline></outline></body>")
    assert read(data)[0] == [Subscription("https://f.example/", "f", "A")]


def test_attribute_names_are_case_insensitive_and_title_wins_over_text() -> None:
    data = opml(
        '<outline TEXT="Folder"><outline TITLE="Real" Text="other" XMLURL="https://a.example/"/>'
        '<outline text="Only text" xmlurl="https://b.example/"/></outline>'
    )
    assert read(data)[0] == [
        Subscription("https://a.example/", "Real", "Folder"),
        Subscription("https://b.example/", "Only text", "Folder"),
    ]


def test_blank_xmlurl_on_a_folder_keeps_the_folder() -> None:
    data = opml(
        '<outline text="F" xmlUrl=""><outline text="x" xmlUrl="https://a.example/"/></outline>'
    )
    assert read(data)[0] == [Subscription("https://a.example/", "x", "F")]


def test_feed_outline_with_children_does_not_become_a_folder() -> None:
    data = opml(
        '<outline text="Parent"><outline text="P" xmlUrl="https://p.example/">'
        '<outline text="C" xmlUrl="https://c.example/"/></outline></outline>'
    )
    assert read(data)[0] == [
        Subscription("https://p.example/", "P", "Parent"),
        Subscription("https://c.example/", "C", "Parent"),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/xml,<rss/>",
        "ftp://ftp.example/feed",
        "feed://a.example/rss",
        "/relative/feed.xml",
        "https://",
        "http:///no-host",
        "https://a.example/with space",
    ],
)
def test_non_http_urls_are_skipped_with_a_note(url: str) -> None:
    data = opml(
        f'<outline text="Bad" xmlUrl="{url.replace("<", "&lt;")}"/>\n'
        '<outline text="Good" xmlUrl="https://good.example/"/>'
    )
    subs, notes = read(data)
    assert subs == [Subscription("https://good.example/", "Good", None)]
    assert len(notes) == 1 and notes[0].startswith("line 3: ") and "'Bad'" in notes[0]
    assert "skipped" in notes[0] and "\n" not in notes[0]


def test_urls_are_trimmed_and_schemes_are_case_insensitive() -> None:
    data = opml('<outline text="a" xmlUrl="  HTTPS://a.example/feed  "/>')
    assert read(data)[0] == [Subscription("HTTPS://a.example/feed", "a", None)]


def test_duplicates_keep_the_first() -> None:
    data = opml(
        '<outline text="First" xmlUrl="https://a.example/"/>'
        '<outline text="Folder"><outline text="Second" xmlUrl="https://a.example/"/></outline>'
        '<outline text="Other" xmlUrl="https://b.example/"/>'
    )
    subs, notes = read(data)
    assert subs == [
        Subscription("https://a.example/", "First", None),
        Subscription("https://b.example/", "Other", None),
    ]
    assert len(notes) == 1 and "duplicate" in notes[0] and "https://a.example/" in notes[0]


def test_titles_are_tidied() -> None:
    data = opml(
        '<outline text="  Spaced\n\t out  " xmlUrl="https://a.example/"/>'
        '<outline text="   " xmlUrl="https://b.example/"/>'
        '<outline text="Ctl\x01\x02chars" xmlUrl="https://c.example/"/>'
    )
    assert [s.title for s in read(data)[0]] == ["Spaced out", None, "Ctlchars"]


def test_html_entities_and_bare_ampersands() -> None:
    data = opml(
        '<outline text="Caf&eacute; &amp; Bar&nbsp;&mdash;&#33;&#x21;" '
        'xmlUrl="https://a.example/?a=1&b=2&copy=3&amp;d=4"/>'
    )
    assert read(data)[0] == [
        Subscription("https://a.example/?a=1&b=2&copy=3&d=4", "Café & Bar —!!", None)
    ]


def test_broken_xml_is_scanned_leniently() -> None:
    data = b"""<?xml version="1.0"?><opml><body>
    <outline text="Papers" title="Papers">
      <outline type="rss" text="The "Daily" Post" xmlUrl="https://daily.example/rss"/>
    </outline>
    <outline type="rss" text="Top" xmlUrl="https://top.example/feed"/>
    <outline text="unclosed" xmlUrl="https://unclosed.example/">
    </body>"""
    assert read(data)[0] == [
        Subscription("https://daily.example/rss", 'The "Daily" Post', "Papers"),
        Subscription("https://top.example/feed", "Top", None),
        Subscription("https://unclosed.example/", "unclosed", None),
    ]


def test_invalid_character_references_fall_back_to_scanning() -> None:
    data = opml('<outline text="nul&#0;here" xmlUrl="https://a.example/"/>')
    assert read(data)[0] == [Subscription("https://a.example/", "nul\ufffdhere", None)]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("UTF-8", b""),
        ("UTF-8", codecs.BOM_UTF8),
        ("ISO-8859-1", b""),
        ("windows-1252", b""),
        ("UTF-16", codecs.BOM_UTF16_LE),
        ("UTF-16", codecs.BOM_UTF16_BE),
        ("UTF-32", codecs.BOM_UTF32_LE),
    ],
)
def test_encodings(encoding: str, bom: bytes) -> None:
    text = opml('<outline text="Café Ünïcödé" xmlUrl="https://a.example/"/>').decode()
    text = text.replace("UTF-8", encoding)
    codec = {codecs.BOM_UTF16_BE: "utf-16-be", codecs.BOM_UTF16_LE: "utf-16-le"}.get(bom)
    codec = codec or ("utf-32-le" if bom == codecs.BOM_UTF32_LE else encoding)
    data = bom + text.encode(codec)
    assert read(data)[0] == [Subscription("https://a.example/", "Café Ünïcödé", None)]


def test_utf16_declaration_in_a_utf8_file_is_ignored() -> None:
    data = opml('<outline text="é" xmlUrl="https://a.example/"/>').replace(b"UTF-8", b"UTF-16")
    assert read(data)[0] == [Subscription("https://a.example/", "é", None)]


def test_unknown_encoding_is_refused() -> None:
    message = refused(
        opml(
            '<outline text="a" xmlUrl="https://a.example/"/>',
            head='<?xml version="1.0" encoding="klingon-8"?>',
        )
    )
    assert "klingon-8" in message


def test_undecodable_bytes_are_refused() -> None:
    assert "offset" in refused(b'<opml><outline text="\xff\xfe\xfa" xmlUrl="https://a.example/"/>')


@pytest.mark.parametrize(
    "body",
    [
        "",
        '<outline text="empty folder"/>',
        '<outline text="only bad" xmlUrl="file:///etc/passwd"/>',
        '<outline text="link" type="link" url="https://a.example/"/>',
    ],
)
def test_opml_without_feeds_is_refused(body: str) -> None:
    assert "no feeds" in refused(opml(body))


def test_a_large_opml_is_read_whole() -> None:
    body = "\n".join(
        f'<outline text="F{n % 50}"><outline text="feed {n}" xmlUrl="https://f{n}.example/"/></outline>'
        for n in range(20_000)
    )
    subs, notes = read(opml(body))
    assert len(subs) == 20_000 and not notes and subs[-1].folder == "F49"


# --------------------------------------------------------------------------------------------------
# Entity tricks


def billion_laughs(levels: int = 10) -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels)
    )
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE opml [{entities}]>\n'
        f'<opml><body><outline text="&lol{levels - 1};" xmlUrl="https://a.example/"/></body></opml>'
    ).encode()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-4f1d2c")
    return path


def xxe_documents(secret: Path) -> dict[str, bytes]:
    outline = '<opml><body><outline text="{ref}" xmlUrl="https://a.example/{ref}"/></body></opml>'
    uri = secret.as_uri()
    return {
        "general": (
            f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "{uri}">]>'
            + outline.format(ref="&x;")
        ).encode(),
        "parameter": (
            f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY % p SYSTEM "{uri}"> %p;]>'
            + outline.format(ref="x")
        ).encode(),
        "public": (
            f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x PUBLIC "-//x//EN" "{uri}">]>'
            + outline.format(ref="&x;")
        ).encode(),
        "unparsed": (
            f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "{uri}" NDATA txt>]>'
            + outline.format(ref="x")
        ).encode(),
    }


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.monotonic()
    message = refused(billion_laughs())
    assert "entity" in message.lower()
    assert time.monotonic() - started < 1


def test_internal_entity_declaration_is_refused() -> None:
    data = b'<!DOCTYPE opml [<!ENTITY t "Title">]><opml><outline text="&t;" xmlUrl="https://a.example/"/></opml>'
    assert "entity" in refused(data)


@pytest.mark.parametrize("kind", ["general", "parameter", "public", "unparsed"])
def test_external_entities_are_refused(secret: Path, kind: str) -> None:
    started = time.monotonic()
    message = refused(xxe_documents(secret)[kind])
    assert "entity" in message.lower() and "TOP-SECRET" not in message
    assert time.monotonic() - started < 1


def test_external_dtd_is_never_loaded(secret: Path) -> None:
    data = (
        f'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "{secret.as_uri()}">'
        '<opml><body><outline text="&x;" xmlUrl="https://a.example/"/></body></opml>'
    ).encode()
    subs, notes = read(data)
    assert "TOP-SECRET" not in repr((subs, notes))
    assert [s.url for s in subs] == ["https://a.example/"]


def test_entity_tricks_in_broken_documents_stay_inert(secret: Path) -> None:
    data = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "{secret.as_uri()}">'
        '<opml><body><outline text="&x;" xmlUrl="https://a.example/"/>'
    ).encode()
    try:
        result = repr(read(data))
    except SubscriptionFileError as exc:
        result = str(exc)
    assert "TOP-SECRET" not in result


# --------------------------------------------------------------------------------------------------
# newsboat urls files


def test_newsboat_fixture() -> None:
    subs, notes = read_subscriptions((DATA / "urls").read_bytes())
    assert subs == [
        Subscription("https://harbour.example/rss", "Harbour & Bay Gazette", "Local News"),
        Subscription("https://quoted.example/feed.xml", None, "tech"),
        Subscription("https://hidden.example/atom", None, None),
        Subscription("https://tagged.example/feed", "Tagged", "News", ("second-tag",)),
        Subscription("http://plain.example/index.rss", None, None),
    ]
    assert notes == [
        "line 8: query feeds are not supported, skipped",
        "line 9: exec feeds are not supported, skipped",
        "line 10: filter feeds are not supported, skipped",
        "line 12: duplicate feed 'https://harbour.example/rss', skipped",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("https://a.example/", Subscription("https://a.example/")),
        ("https://a.example/ one two", Subscription("https://a.example/", None, "one", ("two",))),
        (
            'https://a.example/ "two words" x "a  b" x',
            Subscription("https://a.example/", None, "two words", ("x", "a b")),
        ),
        ('https://a.example/ "" tag', Subscription("https://a.example/", None, None, ("tag",))),
        ('https://a.example/ "~A title" tag', Subscription("https://a.example/", "A title", "tag")),
        ("https://a.example/ tag ~Short", Subscription("https://a.example/", "Short", "tag")),
        ("https://a.example/ !hidden tag", Subscription("https://a.example/", None, "tag")),
        ('https://a.example/ "!hidden" "~T"', Subscription("https://a.example/", "T", None)),
        ("https://a.example/ ~First ~Second", Subscription("https://a.example/", "First", None)),
        ('https://a.example/ "say \\"hi\\""', Subscription("https://a.example/", None, 'say "hi"')),
        ("\t  https://a.example/\ttab  ", Subscription("https://a.example/", None, "tab")),
        ('"https://a.example/" q', Subscription("https://a.example/", None, "q")),
        ("https://a.example/ News/Local", Subscription("https://a.example/", None, "News/Local")),
        ('https://a.example/ " UI / UX "', Subscription("https://a.example/", None, "UI/UX")),
    ],
)
def test_newsboat_line(line: str, expected: Subscription) -> None:
    assert read(f"# header\n{line}\n") == ([expected], [])


def test_newsboat_comments_blank_lines_and_crlf() -> None:
    data = b"# a\r\n\r\n   # indented comment\r\nhttps://a.example/ t\r\n\r\n"
    assert read(data) == ([Subscription("https://a.example/", None, "t")], [])


@pytest.mark.parametrize(
    "line",
    [
        '"query:Unread:unread = \\"yes\\""',
        '"query:Broken quoting:unread = \\"yes',
        "exec:~/bin/feed",
        '"exec:~/bin/feed --flag" tag',
        "filter:~/bin/clean:https://a.example/",
    ],
)
def test_newsboat_unsupported_lines_are_noted(line: str) -> None:
    subs, notes = read(f"https://ok.example/\n\n{line}\n")
    assert subs == [Subscription("https://ok.example/")]
    kind = line.strip('"').split(":")[0]
    assert notes == [f"line 3: {kind} feeds are not supported, skipped"]


@pytest.mark.parametrize(
    "bad",
    [
        "ftp://b.example/feed",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "b.example/feed",
        "not a url",
        "https://",
        '"" tag',
        "feed://b.example/",
    ],
)
def test_newsboat_bad_lines_are_skipped_with_a_note(bad: str) -> None:
    subs, notes = read(f"https://a.example/\n# comment\n{bad}\nhttps://c.example/\n")
    assert [s.url for s in subs] == ["https://a.example/", "https://c.example/"]
    [note] = notes
    assert note.startswith("line 3: ") and note.endswith(", skipped")
    assert refused(f"# only\n{bad}\n").startswith("no feeds found in urls file: line 2: ")


def test_newsboat_unterminated_quote_names_the_line() -> None:
    subs, notes = read('https://a.example/\nhttps://b.example/ "open\n')
    assert subs == [Subscription("https://a.example/")]
    assert notes == ["line 2: unterminated quoted tag, skipped"]


def test_newsboat_line_numbers_count_only_newlines() -> None:
    data = 'https://a.example/ "x\u2028y\x0cz"\nhttps://b.example/\nftp://c.example/\n'
    assert read(data)[1][0].startswith("line 3: ")


def test_newsboat_only_comments_and_unsupported_lines_is_refused() -> None:
    refused("# nothing here\n\n")
    refused('"query:Unread:unread = \\"yes\\""\nexec:foo\n')


def test_newsboat_latin1_is_refused_not_misread() -> None:
    refused('https://a.example/ "~Café"\n'.encode("latin-1"))


# --------------------------------------------------------------------------------------------------
# Garbage


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\t\n",
        b"\x00",
        b"\x00" * 1000,
        b"https://a.example/\x00\n",
        b"\x00\x01\x02 binary \xff\xfe",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        gzip.compress(b"<opml/>" * 100, mtime=0),
        random_bytes(4096, 1),
        random_bytes(64, 2),
        b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11" * 20,
        json.dumps({"feeds": ["https://a.example/"]}).encode(),
        json.dumps(["https://a.example/"]).encode(),
        b'\n  {"version": "https://jsonfeed.org/version/1"}',
        b"<!doctype html><html><body><p>web page</p></body></html>",
        b'<html><head><link rel="alternate" type="application/rss+xml" href="https://a.example/feed">',
        b'<?xml version="1.0"?><rss version="2.0"><channel><link>https://a.example/</link></channel></rss>',
        b"<opml><body><outline text='no feeds'/></body></opml>",
        b"<<<<>>>>",
        b"hello world\n",
        "\ufeff".encode() + b"\n",
    ],
)
def test_garbage_is_refused(data: bytes) -> None:
    refused(data)


@pytest.mark.parametrize("seed", range(30))
def test_random_bytes_only_ever_raise_subscription_file_error(seed: int) -> None:
    rng = random.Random(seed)
    base = opml('<outline text="F"><outline text="A" xmlUrl="https://a.example/"/></outline>')
    data = bytearray(base)
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    try:
        subs, notes = read(bytes(data))
    except SubscriptionFileError:
        return
    assert all(s.url.lower().startswith(("http://", "https://")) for s in subs)
    assert all("\n" not in note for note in notes)


# --------------------------------------------------------------------------------------------------
# Export


def test_write_opml_is_valid_opml2() -> None:
    subs = [
        Subscription("https://a.example/?a=1&b=2", 'Quotes " & <angles>', "News/Local"),
        Subscription("https://b.example/rss", None, None),
    ]
    text = write_opml(subs, title="Mine & <yours>")
    root = ET.fromstring(text.encode())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Mine & <yours>"
    assert root.findtext("head/dateCreated")
    news = root.find("body/outline")
    assert news is not None and news.get("text") == "News"
    feeds = root.findall(".//outline[@xmlUrl]")
    assert [f.get("xmlUrl") for f in feeds] == [s.url for s in subs]
    assert all(f.get("text") is not None and f.get("type") == "rss" for f in feeds)


def test_write_opml_of_nothing_is_still_a_document() -> None:
    root = ET.fromstring(write_opml([]).encode())
    assert root.find("body") is not None and not root.findall(".//outline")
    refused(write_opml([]))


ROUND_TRIPS = {
    "simple": [Subscription("https://a.example/feed", "A", None)],
    "untitled": [Subscription("https://a.example/feed")],
    "special characters": [
        Subscription("https://a.example/?a=1&b=2&amp=3", "Quotes \" ' & <angles> &nbsp;", "R&D"),
        Subscription("https://b.example/%20x#frag", "Ünïcødé 日本語 🎉", "Über/日本"),
    ],
    "nested": [
        Subscription("https://a.example/", "A", "News/Local"),
        Subscription("https://c.example/", "C", "News"),
        Subscription("https://d.example/", "D", "News/Local/Deep"),
        Subscription("https://b.example/", None, None),
    ],
    "interleaved folders keep order": [
        Subscription("https://a.example/", "A", "X"),
        Subscription("https://b.example/", "B", None),
        Subscription("https://c.example/", "C", "X"),
        Subscription("https://d.example/", "D", "X/Y"),
        Subscription("https://e.example/", "E", "Y"),
        Subscription("https://f.example/", "F", "X/Y"),
    ],
    "deep": [Subscription("https://deep.example/", "d", "/".join(f"f{n}" for n in range(2000)))],
}


@pytest.mark.parametrize("subs", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_round_trip(subs: list[Subscription]) -> None:
    assert read(write_opml(subs)) == (subs, [])


def test_round_trip_tidies_whitespace() -> None:
    subs = [
        Subscription("https://a.example/", "  A \n B ", " X / Y "),
        Subscription("https://b.example/", "", "X//Y/"),
        Subscription("https://c.example/", "ctl\x01", ""),
    ]
    assert read(write_opml(subs))[0] == [
        Subscription("https://a.example/", "A B", "X/Y"),
        Subscription("https://b.example/", None, "X/Y"),
        Subscription("https://c.example/", "ctl", None),
    ]


@pytest.mark.parametrize("seed", range(20))
def test_round_trip_random(seed: int) -> None:
    rng = random.Random(seed)
    words = ["News", "Tech", "Local", "R&D", "<b>", 'say "hi"', "café", "日本", "a b"]
    subs = [
        Subscription(
            f"https://h{n}.example/feed?n={n}&x=<{rng.randrange(9)}>",
            rng.choice([None, *words]),
            rng.choice([None, "/".join(rng.sample(words, rng.randint(1, 3)))]),
        )
        for n in range(rng.randint(1, 60))
    ]
    assert read(write_opml(subs)) == (subs, [])


def test_round_trip_of_fixtures() -> None:
    for name in ("nested.opml", "urls"):
        subs, _ = read_subscriptions((DATA / name).read_bytes())
        assert read(write_opml(subs)) == (subs, [])


# --------------------------------------------------------------------------------------------------
# Real-world lists


def corpus_files(corpus: Path) -> list[Path]:
    files = sorted(p for p in (corpus / "opml").rglob("*") if p.is_file())
    assert len(files) >= 130
    return files


def test_corpus_parses_or_is_refused(corpus: Path) -> None:
    urls: set[str] = set()
    refusals: list[str] = []
    for path in corpus_files(corpus):
        data = path.read_bytes()
        try:
            subs, notes = read_subscriptions(data)
        except SubscriptionFileError as exc:
            assert str(exc) and "\n" not in str(exc), path
            refusals.append(path.name)
            continue
        assert subs, path
        assert len({s.url for s in subs}) == len(subs), path
        for sub in subs:
            assert sub.url.lower().startswith(("http://", "https://")), (path, sub)
            assert sub.title is None or (sub.title.strip() == sub.title and "\n" not in sub.title)
            assert sub.folder is None or all(part.strip() for part in sub.folder.split("/"))
        assert all(note and "\n" not in note for note in notes), path
        assert read(write_opml(subs)) == (subs, []), path
        urls.update(s.url for s in subs)
    assert len(urls) >= 1400
    assert len(refusals) <= 3, refusals


def test_corpus_engineering_blogs(corpus: Path) -> None:
    path = corpus / "opml" / "engineering-blogs" / "engineering_blogs.opml"
    subs, notes = read_subscriptions(path.read_bytes())
    assert len(subs) >= 400
    assert all("duplicate" in note for note in notes)


def test_corpus_nested_folders(corpus: Path) -> None:
    path = corpus / "opml" / "capyreader" / "nested_import.xml"
    folders = {s.folder for s in read_subscriptions(path.read_bytes())[0]}
    assert "News/Local News" in folders


def test_corpus_documents_without_opml_element(corpus: Path) -> None:
    path = corpus / "opml" / "newsboat" / "opml-element-missing.opml"
    assert len(read_subscriptions(path.read_bytes())[0]) == 2

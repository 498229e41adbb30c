"""The watcher keeps the raw page behind every version, and `newsroom archive` writes it as WARC."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from reader.cli import main, run
from reader.config import load_config
from tests.server import LoopbackServer, Route, rss

BIN = Path(sys.executable).parent
PARAGRAPHS = [
    "The harbour board met on Tuesday to decide the future of the old lighthouse on the point.",
    "Members heard from engineers who said the tower needs urgent repairs to its foundations.",
    "A decision on funding is expected later this month after a public consultation.",
]


def page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body>"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def cli(home: Path, *args: str) -> str:
    """Run a command in this process and return what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["--home", str(home), *args]) == 0
    return out.getvalue()


def subscribe(home: Path, server: LoopbackServer, stories: list[str]) -> dict[str, int]:
    """A feed with a story per path, each page served and its baseline taken; ids by path."""
    stamp = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 600))
    items = []
    for path in stories:
        server.routes[path] = Route(page(f"Story {path}", PARAGRAPHS), content_type="text/html")
        items.append({"title": f"Story {path}", "guid": path, "link": server.url(path)})
        items[-1]["pubDate"] = stamp
    server.routes["/feed.xml"] = Route(rss("Harbour Times", items))
    cli(home, "add", server.url("/feed.xml"))
    assert json.loads(cli(home, "watch", "--once", "--all", "--json"))["checked"] == len(stories)
    listed = json.loads(cli(home, "articles", "--json"))
    return {server_path(a["url"]): a["id"] for a in listed}


def server_path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def records(data: bytes) -> list[object]:
    """Every record of a WARC, its payload read."""
    found = []
    for record in ArchiveIterator(io.BytesIO(data)):
        record.payload = record.content_stream().read()  # type: ignore[attr-defined]
        found.append(record)
    return found


def test_a_story_as_warc(
    home: Path, server: LoopbackServer, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """Both versions come back with the exact bytes served (the second gzip-encoded on the wire,
    stored decoded, its head made to match), the page URL, the time seen, and the text; the
    story that did not change is left out of --updated."""
    ids = subscribe(home, server, ["/story", "/calm"])
    first = page("Story /story", PARAGRAPHS)
    second = page("Story /story", [*PARAGRAPHS, "The board voted to restore the tower."])
    server.routes["/story"] = Route(
        gzip.compress(second), content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    assert json.loads(cli(home, "watch", "--once", "--all", "--json"))["changed"] == 1
    warc = home / "story.warc.gz"
    capsysbinary.readouterr()
    assert main(["--home", str(home), "archive", str(ids["/story"]), "--warc", str(warc)]) == 0
    assert b"2 page versions of 1 story" in capsysbinary.readouterr().err

    found = records(warc.read_bytes())
    assert [r.rec_type for r in found] == ["warcinfo", *["response", "metadata"] * 2]
    assert found[0].rec_headers.protocol == "WARC/1.1"
    history = json.loads(cli(home, "history", str(ids["/story"]), "--json"))
    pages = [v for v in history if v["source"] == "page"]
    for (response, metadata), body, version in zip(
        [found[1:3], found[3:5]], [first, second], pages, strict=True
    ):
        assert response.payload == body
        assert response.rec_headers.get_header("WARC-Target-URI") == server.url("/story")
        assert response.rec_headers.get_header("WARC-Date") == version["seen_at"].replace(
            "+00:00", "Z"
        )
        assert response.http_headers.get_statuscode() == "200"
        assert response.http_headers.get_header("Content-Length") == str(len(body))
        assert response.http_headers.get_header("Content-Encoding") is None
        assert metadata.rec_headers.get_header("WARC-Concurrent-To") == (
            response.rec_headers.get_header("WARC-Record-ID")
        )
        extracted = json.loads(metadata.payload)
        assert (extracted["version"], extracted["kind"]) == (version["version"], version["kind"])
        assert "urgent repairs" in extracted["text"]
    assert found[3].http_headers.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert extracted["kind"] == "update"

    index = subprocess.run(
        [str(BIN / "warcio"), "index", str(warc)], capture_output=True, text=True, check=True
    )
    lines = [json.loads(line) for line in index.stdout.splitlines()]
    assert [line["warc-type"] for line in lines] == ["warcinfo", *["response", "metadata"] * 2]

    assert main(["--home", str(home), "archive", "--updated", "--warc", "-"]) == 0
    updated = records(capsysbinary.readouterr().out)
    assert len(updated) == len(found)
    uris = {
        r.rec_headers.get_header("WARC-Target-URI") for r in updated if r.rec_type == "response"
    }
    assert uris == {server.url("/story")}


def test_keep_raw_false_stores_nothing_raw(
    home: Path, server: LoopbackServer, capsys: pytest.CaptureFixture
) -> None:
    (home / "config.toml").write_text("[watch]\nkeep_raw = false\n")
    ids = subscribe(home, server, ["/story"])
    with sqlite3.connect(load_config(home).db_path) as conn:
        assert conn.execute("SELECT count(*) FROM page_raw").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM versions WHERE source = 'page'").fetchone() == (
            1,
        )
    capsys.readouterr()
    warc = home / "none.warc"
    assert main(["--home", str(home), "archive", str(ids["/story"]), "--warc", str(warc)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no stored raw page" in err
    assert not warc.exists()


def test_bad_requests(home: Path, capsys: pytest.CaptureFixture) -> None:
    for args in (["archive", "99", "--warc", "x.warc"], ["archive", "--warc", "x.warc"]):
        capsys.readouterr()
        assert main(["--home", str(home), *args]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("newsroom: error:")


def test_opening_a_story_keeps_its_raw_page(home: Path, server: LoopbackServer) -> None:
    """The baseline taken when a story is first read keeps its response too."""
    served = page("Lighthouse", PARAGRAPHS)
    server.routes["/story"] = Route(served, content_type="text/html")
    item = {"title": "Lighthouse", "guid": "s1", "link": server.url("/story")}
    server.routes["/feed.xml"] = Route(rss("Harbour Times", [item]))
    cli(home, "add", server.url("/feed.xml"))
    story = json.loads(cli(home, "articles", "--json"))[0]["id"]
    assert json.loads(cli(home, "show", str(story), "--json"))["source"] == "extracted"
    warc = home / "story.warc"
    assert run(["--home", str(home), "archive", str(story), "--warc", str(warc)]) == 0
    [response] = [r for r in records(warc.read_bytes()) if r.rec_type == "response"]
    assert response.payload == served

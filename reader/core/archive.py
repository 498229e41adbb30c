"""Stored page versions as a WARC 1.1 file, the web archive format that warcio, pywb and
replayweb.page read: the evidence of what a page said, and when.

Each version is a ``response`` record (the page's URL, when it was seen, the status line, header
fields and body) and a ``metadata`` record concurrent to it with what was extracted. Bodies are
kept as libcurl handed them, with any Content-Encoding undone, so each record's HTTP head is made
to match its body: Content-Encoding, Transfer-Encoding and Content-Length become
X-Archive-Orig-* fields, and a Content-Length of the stored body is added.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterable
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from reader import __version__
from reader.core.store import ArchivedVersion, RawPage

REWRITTEN = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def warc_date(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def http_head(raw: RawPage) -> StatusAndHeaders:
    """The status line and header fields, consistent with the decoded body stored."""
    fields = [
        (f"X-Archive-Orig-{name}" if name.lower() in REWRITTEN else name, value)
        for name, value in raw.headers
    ]
    fields.append(("Content-Length", str(len(raw.body))))
    return StatusAndHeaders(f"{raw.status} {raw.reason}".strip(), fields, protocol=raw.protocol)


def write_warc(out: BinaryIO, versions: Iterable[ArchivedVersion], *, name: str, gzip: bool) -> int:
    """Write a warcinfo record, then two records per version; the number of versions."""
    writer = WARCWriter(out, gzip=gzip, warc_version="1.1")
    info = {"software": f"newsroom/{__version__}", "format": "WARC File Format 1.1"}
    writer.write_record(writer.create_warcinfo_record(name, info))
    count = 0
    for version in versions:
        raw, date = version.raw, warc_date(version.seen_at)
        response = writer.create_warc_record(
            raw.url,
            "response",
            payload=io.BytesIO(raw.body),
            length=len(raw.body),
            http_headers=http_head(raw),
            warc_headers_dict={"WARC-Date": date},
        )
        writer.write_record(response)
        extracted = {
            "story": version.article_id,
            "version": version.seq,
            "kind": version.kind,
            "title": version.title,
            "text": version.text,
        }
        payload = json.dumps(extracted, ensure_ascii=False).encode()
        concurrent = response.rec_headers.get_header("WARC-Record-ID")
        metadata = writer.create_warc_record(
            raw.url,
            "metadata",
            payload=io.BytesIO(payload),
            length=len(payload),
            warc_content_type="application/json",
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent},
        )
        writer.write_record(metadata)
        count += 1
    return count

"""Why a fetch failed, as one line for people: libcurl's error codes mapped to what went wrong
(a timeout, a refused proxy, a bad certificate, a broken response)."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pycurl

if TYPE_CHECKING:
    from reader.core.fetch.limits import FetchLimits
    from reader.core.fetch.transfer import Transfer

# libcurl codes pycurl has no name for.
_E_HTTP2_STREAM = 92
_E_PROXY = 97
_BROKEN = frozenset(
    {
        pycurl.E_UNSUPPORTED_PROTOCOL,  # "HTTP/0.9": the scheme was checked before, so garbage
        8,  # CURLE_WEIRD_SERVER_REPLY
        pycurl.E_HTTP2,
        pycurl.E_PARTIAL_FILE,
        pycurl.E_GOT_NOTHING,
        pycurl.E_RECV_ERROR,
        pycurl.E_SEND_ERROR,
        _E_HTTP2_STREAM,
    }
)


class FetchError(Exception):
    """A fetch that failed; str() is one line for people."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class TimedOut(FetchError):
    """The deadline or the low-speed limit ended a transfer."""


def failure(
    code: int,
    message: str,
    errno: int,
    transfer: Transfer,
    limits: FetchLimits,
    proxy: str | None,
) -> FetchError:
    """A libcurl failure as one line for people."""
    host = transfer.target.host
    if transfer.problem:
        return FetchError(transfer.problem)
    if code == pycurl.E_OPERATION_TIMEDOUT:
        if message.startswith("Operation too slow"):
            return TimedOut(
                f"too slow: under {limits.low_speed} bytes/s for {limits.low_speed_time} s"
            )
        return TimedOut(f"timed out after {limits.timeout:g} s")
    if proxy and (
        code in (pycurl.E_COULDNT_RESOLVE_PROXY, pycurl.E_COULDNT_CONNECT, _E_PROXY)
        or "CONNECT tunnel" in message
    ):
        proxy_host = urlsplit(proxy if "://" in proxy else "http://" + proxy).hostname or "?"
        if code == pycurl.E_COULDNT_RESOLVE_PROXY:
            return FetchError(f"proxy refused: name not resolved: {proxy_host}")
        if code == pycurl.E_COULDNT_CONNECT:
            return FetchError(f"proxy refused: cannot connect to {proxy_host}")
        return FetchError(f"proxy refused: {_one_line(message)}")
    if code == pycurl.E_COULDNT_RESOLVE_HOST:
        return FetchError(f"name not resolved: {host}")
    if code == pycurl.E_COULDNT_CONNECT:
        if errno == 111:  # ECONNREFUSED
            return FetchError(f"connection refused by {host}")
        reason = os.strerror(errno) if errno else _one_line(message)
        return FetchError(f"cannot connect to {host}: {reason}")
    if code == pycurl.E_PEER_FAILED_VERIFICATION:
        return FetchError(f"TLS certificate of {host} refused: {_tls_reason(message)}")
    if code == pycurl.E_SSL_CONNECT_ERROR:
        return FetchError(f"TLS error with {host}: {_tls_reason(message)}")
    if code == pycurl.E_SSL_CACERT_BADFILE:
        return FetchError(f"cannot read the trusted certificates: {_one_line(message)}")
    encoding = transfer.fields.get("content-encoding", "")[:30]
    if code == pycurl.E_BAD_CONTENT_ENCODING or (code == pycurl.E_WRITE_ERROR and encoding):
        if message.startswith("Unrecognized"):
            return FetchError(f"unsupported content encoding {encoding!r}")
        return FetchError(f"corrupt {encoding} body")
    if code in _BROKEN:
        return FetchError(f"broken HTTP response from {host}")
    return FetchError(f"cannot fetch from {host}: {_one_line(message)}")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _tls_reason(message: str) -> str:
    """OpenSSL's reason without libcurl's and OpenSSL's prefixes and codes:
    "SSL certificate OpenSSL verify result: self-signed certificate (18)" gives
    "self-signed certificate"."""
    return _one_line(re.sub(r" \(\d+\)$", "", re.split(r": |::", message)[-1]))

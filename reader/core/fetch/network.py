"""Where a fetch may go and how: URLs taken apart for libcurl, the address policy's judgement of
an address, proxy settings and the certificates to trust.

Address policy: private and loopback addresses are allowed only for the exact (host, port) of the
URL the user gave, when the caller trusts that host. It is applied at connect time on the address
libcurl actually uses (see transfer.py), so no second lookup can answer differently; with a proxy
the socket goes to the proxy, which the user configured, and the target's addresses are judged
here before the transfer.
"""

from __future__ import annotations

import ipaddress
import os
import select
import socket
import string
from typing import NamedTuple
from urllib.parse import quote, unquote, urlsplit

import pycurl

from reader.core.fetch.errors import FetchError
from reader.core.safety import display_url, is_public_address, is_safe_url

# Characters a request target may carry as they are; anything else (spaces, non-ASCII) is escaped.
_TARGET_SAFE = string.punctuation
_SYSTEM_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",  # Debian, Ubuntu, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",  # Fedora, RHEL
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # CentOS, RHEL 7
    "/etc/ssl/ca-bundle.pem",  # openSUSE
    "/etc/ssl/cert.pem",  # Alpine, macOS, BSDs
)
_SYSTEM_DIRS = ("/etc/ssl/certs", "/etc/pki/tls/certs")


def _ascii_host(host: str) -> str:
    """A host name as DNS and libcurl want it: IDNA (UTS 46) for non-ASCII names."""
    if host.isascii():
        return host.lower()
    import idna  # only for internationalised names

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise FetchError(f"refused: invalid host name {host[:100]!r}") from None


class Target(NamedTuple):
    """One hop's URL, taken apart and made ready for libcurl."""

    url: str  # as given, for the Response
    curl_url: str  # ASCII host, escaped target, no user name or password
    scheme: str
    host: str  # as written, for messages
    origin: tuple[str, int]  # (ASCII host, port)
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> Target:
        if not is_safe_url(url):
            raise FetchError(f"refused: not an http(s) URL: {display_url(url)[:100]!r}")
        parts = urlsplit(url)
        default = 443 if parts.scheme == "https" else 80
        try:
            host = parts.hostname or ""
            port = parts.port or default
        except ValueError:
            raise FetchError(f"refused: invalid URL {display_url(url)[:100]!r}") from None
        name = _ascii_host(host)
        shown = f"[{name}]" if ":" in name else name
        target = quote(parts.path or "/", safe=_TARGET_SAFE)
        if parts.query:
            target += "?" + quote(parts.query, safe=_TARGET_SAFE)
        netloc = shown if port == default else f"{shown}:{port}"
        username = unquote(parts.username) if parts.username is not None else None
        password = unquote(parts.password or "") if username is not None else None
        return cls(
            url,
            f"{parts.scheme}://{netloc}{target}",
            parts.scheme,
            host,
            (name, port),
            username,
            password,
        )


def socket_ends(fd: int) -> tuple[object, ...]:
    """(local address, local port, peer address, peer port) of a socket; () if not connected."""
    try:
        sock = socket.socket(fileno=fd)
    except OSError:
        return ()
    try:
        local, peer = sock.getsockname(), sock.getpeername()
    except OSError:
        return ()
    finally:
        sock.detach()  # the socket is libcurl's: never close it here
    return (local[0], local[1], peer[0], peer[1])


def readable(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def public_ip(text: str) -> bool:
    try:
        return is_public_address(ipaddress.ip_address(text.split("%")[0]))
    except ValueError:
        return False


class ProxySettings(NamedTuple):
    by_scheme: dict[str, str]
    no_proxy: tuple[str, ...]

    @classmethod
    def read(cls, proxy: str | None) -> ProxySettings:
        """The configured proxy, else the environment's ``*_proxy``; ``no_proxy`` applies to both.

        Read here rather than left to libcurl, so that we know which hops go through a proxy
        (libcurl also ignores upper-case ``HTTP_PROXY``, which people set)."""
        env = os.environ

        def variable(name: str) -> str:
            return env.get(name.lower()) or env.get(name.upper()) or ""

        fallback = variable("all_proxy")
        if proxy:
            by_scheme = {"http": proxy, "https": proxy}
        else:
            by_scheme = {s: variable(f"{s}_proxy") or fallback for s in ("http", "https")}
        entries = (e.strip().lower() for e in variable("no_proxy").split(","))
        return cls({s: p for s, p in by_scheme.items() if p}, tuple(e for e in entries if e))

    def for_target(self, target: Target) -> str | None:
        proxy = self.by_scheme.get(target.scheme)
        if proxy and not any(_bypass(entry, *target.origin) for entry in self.no_proxy):
            return proxy
        return None


def _bypass(entry: str, host: str, port: int) -> bool:
    """Whether a ``no_proxy`` entry (``*``, a domain, host:port, an address or a network)
    covers host:port."""
    if entry == "*":
        return True
    name, entry_port = entry, ""
    if entry.startswith("["):  # [v6]:port
        name, _, rest = entry[1:].partition("]")
        entry_port = rest.removeprefix(":")
    elif entry.count(":") == 1:
        name, _, entry_port = entry.partition(":")
    if entry_port and entry_port != str(port):
        return False
    try:
        return ipaddress.ip_address(host) in ipaddress.ip_network(name, strict=False)
    except ValueError:
        domain = name.lstrip(".")
        return host == domain or host.endswith("." + domain)


def trust_store(ca_file: str | None) -> list[tuple[int, str | bytes]]:
    """libcurl options for the certificates to trust: ``ca_file`` plus the system's store
    (``SSL_CERT_FILE``/``SSL_CERT_DIR`` when set), certifi's roots when there is no system
    store. The wheel's libcurl looks for a bundle where its build system keeps one, which is
    not where most systems do, so the paths are always given."""
    env_file, env_dir = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    bundle = env_file or next((p for p in _SYSTEM_BUNDLES if os.path.isfile(p)), None)
    if bundle is None:
        import certifi  # only where the system has no store

        bundle = certifi.where()
    directory = env_dir or next((d for d in _SYSTEM_DIRS if os.path.isdir(d)), None)
    folder: list[tuple[int, str | bytes]] = [(pycurl.CAPATH, directory)] if directory else []
    if ca_file is None:
        return [(pycurl.CAINFO, bundle), *folder]
    if directory:
        return [(pycurl.CAINFO, ca_file), *folder]
    try:  # no directory to add ca_file to: one blob with both (libcurl caches no blob)
        with open(bundle, "rb") as system, open(ca_file, "rb") as own:
            return [(pycurl.CAINFO_BLOB, system.read() + b"\n" + own.read())]
    except OSError:
        return [(pycurl.CAINFO, ca_file)]  # libcurl says what is wrong with it, per fetch

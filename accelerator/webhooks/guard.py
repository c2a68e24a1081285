"""No SSRF: a webhook goes only to a public address, over HTTPS, and never where it redirects.

At registration and again at every delivery: the URL must be https (http only to loopback,
and only where `webhook_allow_loopback` says so: tests, a local receiver), carry no user or
password, and its host must resolve only to public addresses (every address it resolves to:
a name that also answers with 10.0.0.1 is refused). A delivery connects to the address that
was checked (the URL's host is kept for the Host header, TLS SNI and the certificate check),
so DNS cannot answer differently between the check and the connection (no DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from services.kernel import Rejected

Resolver = Callable[[str, int], list[str]]
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def system_resolver(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise Rejected("url", f"{host} does not resolve ({error.strerror})") from error
    return list(dict.fromkeys(str(info[4][0]) for info in found))


@dataclass(frozen=True)
class Target:
    """Where one delivery goes: the checked address, and the URL's own host for Host and TLS."""

    url: httpx.URL
    address: str

    def request_url(self) -> httpx.URL:
        return self.url.copy_with(host=self.address)

    @property
    def host_header(self) -> str:
        default = {"https": 443, "http": 80}[self.url.scheme]
        port = self.url.port or default
        return self.url.host if port == default else f"{self.url.host}:{port}"


def checked_url(url: str, allow_loopback: bool) -> httpx.URL:
    """The URL's own rules (no DNS): https, or http to loopback where allowed; no credentials."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as error:
        raise Rejected("url", f"not a URL ({error})") from error
    if not parsed.host:
        raise Rejected("url", "must name a host")
    if parsed.userinfo:
        raise Rejected("url", "must not carry a user name or password (the signature authenticates)")
    if parsed.fragment:
        raise Rejected("url", "must not have a #fragment")
    loopback = parsed.host in LOOPBACK_NAMES
    if parsed.scheme == "https" or (parsed.scheme == "http" and loopback and allow_loopback):
        return parsed
    raise Rejected("url", f"must be https (got {parsed.scheme}://{parsed.host})")


def allowed(address: str, allow_loopback: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not ip.is_multicast


def target(url: str, allow_loopback: bool, resolve: Resolver = system_resolver) -> Target:
    """Check the URL and where its host resolves now; the address to connect to."""
    parsed = checked_url(url, allow_loopback)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = resolve(parsed.host, port)
    refused = [a for a in addresses if not allowed(a, allow_loopback)]
    if refused or not addresses:
        raise Rejected(
            "url",
            f"{parsed.host} resolves to a private, loopback or reserved address "
            f"({refused[0] if refused else 'none'})",
        )
    return Target(parsed, addresses[0])

"""No SSRF: what a webhook URL may be and where it may resolve, at registration and delivery."""

from __future__ import annotations

import pytest

from accelerator.webhooks import guard
from accelerator.webhooks.sender import Sender
from services.kernel import Rejected


def resolving(*addresses: str) -> guard.Resolver:
    """DNS as an attacker would run it (no name is looked up for real, no address contacted)."""
    return lambda host, port: list(addresses)


PUBLIC = resolving("93.184.216.34")


class TestTheUrlItself:
    @pytest.mark.parametrize(
        ("url", "rule"),
        [
            ("http://erp.brugge.example/hooks", "must be https"),
            ("ftp://erp.brugge.example/hooks", "must be https"),
            ("https://admin:hunter2@erp.brugge.example/hooks", "must not carry a user name or password"),
            ("https://erp.brugge.example/hooks#top", "must not have a #fragment"),
            ("http://127.0.0.1:8080/hooks", "must be https"),
            ("not a url", "must"),
        ],
    )
    def test_is_refused(self, url: str, rule: str) -> None:
        with pytest.raises(Rejected, match=rule):
            guard.target(url, allow_loopback=False, resolve=PUBLIC)

    def test_https_to_a_public_address_goes_there(self) -> None:
        found = guard.target(
            "https://erp.brugge.example:8443/hooks?x=1", allow_loopback=False, resolve=PUBLIC
        )
        assert found.address == "93.184.216.34"
        assert str(found.request_url()) == "https://93.184.216.34:8443/hooks?x=1"
        assert found.host_header == "erp.brugge.example:8443"

    def test_http_to_loopback_only_where_the_setting_allows_it(self) -> None:
        found = guard.target(
            "http://127.0.0.1:8080/hooks", allow_loopback=True, resolve=resolving("127.0.0.1")
        )
        assert found.address == "127.0.0.1"


class TestWhereItResolves:
    @pytest.mark.parametrize(
        "address",
        [
            "10.0.0.5",
            "172.16.3.4",
            "192.168.1.10",
            "127.0.0.1",
            "169.254.169.254",  # a cloud's metadata service
            "100.64.0.1",  # carrier-grade NAT
            "0.0.0.0",
            "224.0.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.5",  # an IPv4 private address in IPv6 clothing
        ],
    )
    def test_a_name_resolving_to_a_private_or_reserved_address_is_refused(self, address: str) -> None:
        with pytest.raises(Rejected, match="resolves to a private, loopback or reserved address"):
            guard.target("https://erp.brugge.example/hooks", allow_loopback=False, resolve=resolving(address))

    def test_one_private_address_among_public_ones_is_enough_to_refuse(self) -> None:
        with pytest.raises(Rejected, match=r"10\.1\.2\.3"):
            guard.target("https://erp.brugge.example/", False, resolving("93.184.216.34", "10.1.2.3"))

    def test_loopback_is_refused_even_in_tests_over_https_to_another_name(self) -> None:
        with pytest.raises(Rejected, match="private, loopback"):
            guard.target("https://erp.brugge.example/", False, resolving("127.0.0.1"))


class TestAtDelivery:
    """The sender checks again each time: a name that turned private since registration
    (DNS rebinding) is refused, and nothing is sent."""

    def test_a_name_that_now_resolves_privately_is_not_contacted(self) -> None:
        sender = Sender(timeout=1, allow_loopback=False, resolve=resolving("10.0.0.7"))
        try:
            result = sender.send("https://erp.brugge.example/hooks", ["whsec_c2VjcmV0"], "id-1", b"{}")
        finally:
            sender.close()
        assert not result.ok and result.status is None
        assert result.error is not None and result.error.startswith("refused: erp.brugge.example resolves")

    def test_plain_http_is_refused_at_delivery_too(self) -> None:
        sender = Sender(timeout=1, allow_loopback=False, resolve=PUBLIC)
        try:
            result = sender.send("http://erp.brugge.example/hooks", ["whsec_c2VjcmV0"], "id-1", b"{}")
        finally:
            sender.close()
        assert result.error == "refused: must be https (got http://erp.brugge.example)"

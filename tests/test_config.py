"""Client construction: addresses, credentials, environment fallbacks, options, repr."""

from __future__ import annotations

import pytest

import simplicate
from simplicate import Client, ConfigurationError

KEY, SECRET = "key-ABCDEF-123", "secret-GHIJKL-456"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SIMPLICATE_DOMAIN",
        "SIMPLICATE_BASE_URL",
        "SIMPLICATE_API_KEY",
        "SIMPLICATE_API_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)


def test_domain_means_the_nl_api_root() -> None:
    with Client("acme", api_key=KEY, api_secret=SECRET) as c:
        assert c.base_url == "https://acme.simplicate.nl/api/v2"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://acme.simplicate.com", "https://acme.simplicate.com/api/v2"),
        ("https://acme.simplicate.app/api/v2/", "https://acme.simplicate.app/api/v2"),
        ("http://127.0.0.1:9999/api/v2", "http://127.0.0.1:9999/api/v2"),
        ("http://127.8.0.3:9999/api/v2", "http://127.8.0.3:9999/api/v2"),
        ("http://localhost:9999", "http://localhost:9999/api/v2"),
        ("http://[::1]:9999/api/v2", "http://[::1]:9999/api/v2"),
    ],
)
def test_base_url_forms(given: str, expected: str) -> None:
    assert Client(base_url=given, api_key=KEY, api_secret=SECRET).base_url == expected


@pytest.mark.parametrize(
    "bad",
    [
        "http://acme.simplicate.nl/api/v2",
        "http://192.168.1.10/api/v2",
        "http://localhost.example.com/api/v2",
    ],
)
def test_plain_http_is_refused_off_loopback(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="SSL-only"):
        Client(base_url=bad, api_key=KEY, api_secret=SECRET)


@pytest.mark.parametrize("bad", ["", "acme corp", "-acme", "acme_x", "acme/api"])
def test_malformed_domain_is_refused(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="domain"):
        Client(bad, api_key=KEY, api_secret=SECRET)


def test_full_host_as_domain_gets_a_base_url_hint() -> None:
    with pytest.raises(
        ConfigurationError, match=r"base_url='https://acme\.simplicate\.com/api/v2'"
    ):
        Client("acme.simplicate.com", api_key=KEY, api_secret=SECRET)


@pytest.mark.parametrize(
    "bad", ["acme.simplicate.nl", "ftp://x.nl", "https://u:p@x.nl", "https://x.nl/api/v2?a=1"]
)
def test_malformed_base_url_is_refused(bad: str) -> None:
    with pytest.raises(ConfigurationError):
        Client(base_url=bad, api_key=KEY, api_secret=SECRET)


def test_domain_and_base_url_together_is_ambiguous() -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        Client("acme", base_url="https://acme.simplicate.nl", api_key=KEY, api_secret=SECRET)


def test_no_address_at_all() -> None:
    with pytest.raises(ConfigurationError, match="SIMPLICATE_DOMAIN"):
        Client(api_key=KEY, api_secret=SECRET)


@pytest.mark.parametrize(
    ("kwargs", "missing"),
    [
        ({"api_secret": SECRET}, "api_key"),
        ({"api_key": KEY}, "api_secret"),
        ({"api_key": "  ", "api_secret": SECRET}, "api_key"),
    ],
)
def test_missing_credentials_name_the_argument_and_variable(kwargs: dict, missing: str) -> None:
    with pytest.raises(ConfigurationError, match=f"{missing}.*SIMPLICATE_{missing.upper()}"):
        Client("acme", **kwargs)


def test_environment_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIMPLICATE_DOMAIN", "envco")
    monkeypatch.setenv("SIMPLICATE_API_KEY", KEY)
    monkeypatch.setenv("SIMPLICATE_API_SECRET", SECRET)
    assert Client().base_url == "https://envco.simplicate.nl/api/v2"
    monkeypatch.setenv("SIMPLICATE_BASE_URL", "https://envco.simplicate.com")
    assert Client().base_url == "https://envco.simplicate.com/api/v2"
    # An explicit argument beats the environment.
    assert Client("argco").base_url == "https://argco.simplicate.nl/api/v2"


def test_credentials_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    c = Client("acme", api_key=KEY, api_secret=SECRET)
    shown = repr(c) + str(vars(c)) + repr(c._transport)
    assert KEY not in shown and SECRET not in shown
    assert repr(c) == "<simplicate.Client base_url='https://acme.simplicate.nl/api/v2'>"


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"timeout": 0}, ValueError, "timeout"),
        ({"timeout": -1.5}, ValueError, "timeout"),
        ({"timeout": float("nan")}, ValueError, "timeout"),
        ({"timeout": "30"}, TypeError, "timeout"),
        ({"timeout": True}, TypeError, "timeout"),
        ({"connect_timeout": 0}, ValueError, "connect_timeout"),
        ({"ca_bundle": 42}, TypeError, "ca_bundle"),
    ],
)
def test_bad_options_name_the_argument(kwargs: dict, exc: type, name: str) -> None:
    with pytest.raises(exc, match=name):
        Client("acme", api_key=KEY, api_secret=SECRET, **kwargs)


def test_ca_bundle_must_be_a_readable_pem_bundle(tmp_path) -> None:
    with pytest.raises(ConfigurationError, match=r"ca_bundle.*cannot read"):
        Client("acme", api_key=KEY, api_secret=SECRET, ca_bundle=tmp_path / "missing.pem")
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ConfigurationError, match="ca_bundle"):
        Client("acme", api_key=KEY, api_secret=SECRET, ca_bundle=junk)


def test_ca_bundle_with_a_real_certificate_is_accepted(tmp_path) -> None:
    # A self-signed certificate (generated once, for tests only; no key is needed to trust it).
    pem = tmp_path / "ca.pem"
    pem.write_text(SELF_SIGNED_PEM)
    with Client("acme", api_key=KEY, api_secret=SECRET, ca_bundle=pem) as c:
        assert c.base_url.startswith("https://")


def test_configuration_error_is_also_a_value_error() -> None:
    assert issubclass(ConfigurationError, ValueError)
    assert issubclass(ConfigurationError, simplicate.SimplicateError)


SELF_SIGNED_PEM = """\
-----BEGIN CERTIFICATE-----
MIIDHTCCAgWgAwIBAgIUdGizdNjyXqovSLbHfe/O43jI9jQwDQYJKoZIhvcNAQEL
BQAwHTEbMBkGA1UEAwwSc2ltcGxpY2F0ZS10ZXN0LWNhMCAXDTI2MTEyODIxNTI0
N1oYDzIxMjYxMTA0MjE1MjQ3WjAdMRswGQYDVQQDDBJzaW1wbGljYXRlLXRlc3Qt
Y2EwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCbk1ntQ7f3Avwx8TX9
cP3bzC6uqigxmgWMf/x22JXaPcexSjxE+1roCc9qwI776Fhp++AWVOFQjhIfFsak
k9u/Uh24QlrfLtWuptilJjj8NzuUQw+Jh7IgjEVP8u1h8UZGLNodKda2vpiO7lpt
JprmCAEGSrk9oe1+0e2aZMJQXszcfNGRGidefnpFWgFbUaoy42JUw7Fjyqpa1geo
r7IBRiGhgbtvWqnzd1H9WRTmzVrYGBB8oPTFqYCkkRwkkWp/PZDbT6Q3IvHo8Nna
pTHZ5L9WPL1xl7urmfstU94YTXqSS1ZaCkT6noMF6C0rCyYQi7b5vXDnu4HzDgy1
dFcBAgMBAAGjUzBRMB0GA1UdDgQWBBRSfaEKdmXjEpsu3A4/GLqIpEa6bDAfBgNV
HSMEGDAWgBRSfaEKdmXjEpsu3A4/GLqIpEa6bDAPBgNVHRMBAf8EBTADAQH/MA0G
CSqGSIb3DQEBCwUAA4IBAQAOfQdUdAU7Xt0PU69WeBA7IbD7FJd8Pjscs9u6RIbS
Yv/1keyTl0lfaNg7RuOidOnd46yK3+A3JeuVkmjfYEBq6OLMsxkJGYLwsduKBX7F
IL4Aoe7a/hZs27E+IPMnYHIX2Du++BLeCnI6ysFg5flHXBV6o7boS7a2a9ZYL3Rl
um7Wfir9fOdW96LH2FFzlY4KpqspQAlCS+JwUkL//VAFhB95up/iffdHnm6icin8
xkT3eb1S5kgPXDCA2W6JaI9XpyNnB455aKdkbDsn2unGbLY/U/dfxzdPzCxd51O+
jeRD1KBjrh77ZA0hOIqoezFXAbedSvDZClqQ4AfeH3F5
-----END CERTIFICATE-----
"""

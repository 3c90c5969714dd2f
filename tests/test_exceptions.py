"""Every failure becomes the precise exception, with a readable message and no secrets."""

from __future__ import annotations

import json
import socket

import pytest

import simplicate
from simplicate import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    DecodeError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    SimplicateError,
    UnprocessableEntityError,
)
from simplicate.testing import FakeSimplicate

from .conftest import Reply, ScriptedServer

ERROR_ENVELOPE = {
    "data": None,
    "errors": ["No country code given in the visiting_address property"],
    "debug": None,
}


def test_the_tree() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(ServiceUnavailableError, ServerError)
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        UnprocessableEntityError,
        RateLimitError,
        ServerError,
    ):
        assert issubclass(cls, APIStatusError)
    for cls in (APIConnectionError, APIStatusError, DecodeError):
        assert issubclass(cls, SimplicateError)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, APIStatusError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServiceUnavailableError),
        (504, ServerError),
    ],
)
def test_status_maps_to_its_class(scripted: ScriptedServer, status: int, cls: type) -> None:
    scripted.on("PUT", "crm/organization/organization:1", Reply(status, ERROR_ENVELOPE))
    with scripted.client() as c, pytest.raises(APIStatusError) as info:
        c.put("crm/organization/organization:1", {"name": "x"})
    err = info.value
    assert type(err) is cls
    assert err.status_code == status
    assert err.method == "PUT"
    assert err.url == f"{scripted.url}/crm/organization/organization:1"
    assert err.errors == ["No country code given in the visiting_address property"]
    assert err.error_details == err.errors
    assert err.body == ERROR_ENVELOPE
    assert str(err) == (
        f"{status} {err_reason(status)} for PUT {scripted.url}/crm/organization/organization:1: "
        "No country code given in the visiting_address property"
    )


def err_reason(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


NOT_FOUND = {
    "code": 404,
    "type": "NotFound",
    "message": "Organization not found",
    "translated_message": "Organisatie niet gevonden",
}
UNTRANSLATED = {**NOT_FOUND, "message": ""}
NO_TEXT = {"code": 404, "type": "NotFound", "message": None}

# (the envelope's "errors", exc.errors, exc.error_details): the shapes real answers take beyond
# the documented list of strings. Shared with the async mirror.
ERROR_SHAPES = [
    pytest.param([NOT_FOUND], ["Organization not found"], [NOT_FOUND], id="list-of-objects"),
    pytest.param(NOT_FOUND, ["Organization not found"], [NOT_FOUND], id="one-object"),
    pytest.param("Not found", ["Not found"], ["Not found"], id="one-string"),
    pytest.param(
        [None, "Gone", UNTRANSLATED, None],
        ["Gone", "Organisatie niet gevonden"],
        ["Gone", UNTRANSLATED],
        id="nulls-strings-and-objects",
    ),
    pytest.param([NO_TEXT], ["NotFound (404)"], [NO_TEXT], id="type-and-code"),
    pytest.param([{"field": "x"}], ['{"field":"x"}'], [{"field": "x"}], id="nothing-readable"),
]


@pytest.mark.parametrize(("errors", "messages", "details"), ERROR_SHAPES)
def test_errors_holding_objects_read_as_their_messages(
    fake: FakeSimplicate, errors: object, messages: list[str], details: list[object]
) -> None:
    body = {"data": None, "errors": errors, "debug": None}
    fake.inject(status=404, body=json.dumps(body))
    with fake.client() as c, pytest.raises(NotFoundError) as info:
        c.crm.organization.get("organization:gone")
    err = info.value
    assert err.errors == messages
    assert err.error_details == details
    assert err.body == body
    url = f"{fake.url}/crm/organization/organization:gone"
    assert str(err) == f"404 Not Found for GET {url}: {'; '.join(messages)}"


def test_errors_are_read_from_a_text_plain_envelope_too(fake: FakeSimplicate) -> None:
    # The documentation allows text/plain for API-level errors; the words are the same.
    fake.inject(status=404, body=json.dumps({"errors": [NOT_FOUND]}), content_type="text/plain")
    with fake.client() as c, pytest.raises(NotFoundError) as info:
        c.get("crm/organization/organization:gone")
    assert info.value.errors == ["Organization not found"]
    assert info.value.error_details == [NOT_FOUND]
    assert isinstance(info.value.body, str)


def test_status_error_constructor_stays_compatible() -> None:
    # Code that builds these itself (tests, wrappers) keeps working without error_details.
    old = NotFoundError("gone", status_code=404, method="GET", url="u", errors=["x"], body=None)
    assert (old.errors, old.error_details) == (["x"], [])
    new = NotFoundError(
        "gone", status_code=404, method="GET", url="u", errors=["x"], error_details=[NOT_FOUND]
    )
    assert new.error_details == [NOT_FOUND]


def test_text_plain_error_body(scripted: ScriptedServer) -> None:
    scripted.on("GET", "crm/organization", Reply(400, "This is an SSL-only API\n", "text/plain"))
    with scripted.client() as c, pytest.raises(BadRequestError) as info:
        c.get("crm/organization")
    assert info.value.errors == []
    assert info.value.error_details == []
    assert info.value.body == "This is an SSL-only API\n"
    assert str(info.value).endswith(": This is an SSL-only API")


def test_html_error_page_gives_its_title_not_a_parser_traceback(scripted: ScriptedServer) -> None:
    page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>" + "x" * 5000
    scripted.on("GET", "crm/organization", Reply(502, page, "text/html"))
    with scripted.client() as c, pytest.raises(ServerError) as info:
        c.get("crm/organization")
    assert str(info.value).endswith(": 502 Bad Gateway")
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_long_server_words_are_cut(scripted: ScriptedServer) -> None:
    scripted.on("GET", "x/y", Reply(500, "boom " * 2000, "text/plain"))
    with scripted.client() as c, pytest.raises(ServerError) as info:
        c.get("x/y")
    assert len(str(info.value)) < 500
    assert str(info.value).endswith("…")
    assert len(info.value.body) == 10000  # the whole body stays available


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        ("<html>maintenance</html>", "text/html", "invalid JSON"),
        ('{"data": [1, 2', "application/json", "invalid JSON"),
        ("[1, 2, 3]", "application/json", "data"),
        ('{"result": 1}', "application/json", 'no "data" key'),
        ("", "application/json", "empty"),
    ],
)
def test_2xx_that_is_not_the_envelope_is_a_decode_error(
    scripted: ScriptedServer, body: str, content_type: str, reason: str
) -> None:
    scripted.on("GET", "crm/organization", Reply(200, body, content_type))
    with scripted.client() as c, pytest.raises(DecodeError, match=reason) as info:
        c.get("crm/organization")
    assert info.value.status_code == 200
    assert info.value.method == "GET"


def test_wrong_credentials_on_the_fake_are_authentication_errors(fake: FakeSimplicate) -> None:
    with (
        fake.client(api_secret="wrong-secret-999") as c,
        pytest.raises(AuthenticationError) as info,
    ):
        c.get("crm/organization")
    assert info.value.errors  # the JSON envelope's message
    assert "wrong-secret-999" not in str(info.value)


def test_connection_refused_is_a_connection_error() -> None:
    with socket.socket() as s:  # a port that was free a moment ago and now has no listener
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with (
        simplicate.Client(
            base_url=f"http://127.0.0.1:{port}", api_key="k-SECRETKEY", api_secret="s-SECRETVAL"
        ) as c,
        pytest.raises(APIConnectionError) as info,
    ):
        c.get("crm/organization")
    assert type(info.value) is APIConnectionError
    assert info.value.url == f"http://127.0.0.1:{port}/api/v2/crm/organization"
    assert "SECRETKEY" not in str(info.value) and "SECRETVAL" not in str(info.value)


def test_timeout_is_an_api_timeout_error(scripted: ScriptedServer) -> None:
    import threading

    release = threading.Event()
    scripted.on("GET", "slow/thing", Reply(action=lambda: release.wait(10), body={"data": 1}))
    try:
        with scripted.client(timeout=0.3) as c, pytest.raises(APITimeoutError) as info:
            c.get("slow/thing")
    finally:
        release.set()
    assert "timed out" in str(info.value)
    assert isinstance(info.value, APIConnectionError)


def test_secrets_never_in_any_message(scripted: ScriptedServer) -> None:
    # Even when the server echoes what it received, our own message text holds no credentials.
    scripted.on(
        "GET",
        "crm/organization",
        Reply(401, {"data": None, "errors": ["bad token"], "debug": None}),
    )
    with scripted.client() as c, pytest.raises(AuthenticationError) as info:
        c.get("crm/organization")
    text = str(info.value) + repr(info.value) + repr(vars(info.value))
    assert "scripted-key-1234" not in text and "scripted-secret-5678" not in text


def test_panic_in_the_core_is_an_exception_not_a_crash() -> None:
    from simplicate import _core

    with pytest.raises(SimplicateError, match="panicked: deliberate panic"):
        _core._panic_in_task()

"""Credentials never reach another origin, whatever a server's redirect says."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from simplicate import APIStatusError

from .conftest import Reply, ScriptedServer, envelope


def test_cross_origin_redirect_is_refused_and_leaks_nothing(
    scripted_factory: Callable[[], ScriptedServer],
) -> None:
    origin, elsewhere = scripted_factory(), scripted_factory()
    target = f"{elsewhere.url}/crm/organization"
    elsewhere.on("GET", "crm/organization", Reply(body=envelope([])))
    for status in (301, 302, 303, 307, 308):
        origin.on("GET", "crm/organization", Reply(status, "", "text/plain", {"Location": target}))
        with origin.client() as c, pytest.raises(APIStatusError, match="another origin") as info:
            c.get("crm/organization")
        assert info.value.status_code == status
        assert target in str(info.value)
    assert elsewhere.seen == []  # the second server never heard from us


def test_redirect_to_same_host_other_port_is_another_origin(
    scripted_factory: Callable[[], ScriptedServer],
) -> None:
    origin, elsewhere = scripted_factory(), scripted_factory()
    # Same host (127.0.0.1), different port: still a different origin.
    origin.on(
        "POST",
        "crm/person",
        Reply(307, "", "text/plain", {"Location": f"{elsewhere.url}/crm/person"}),
    )
    with origin.client() as c, pytest.raises(APIStatusError):
        c.post("crm/person", {"first_name": "A", "family_name": "Test"})
    assert elsewhere.seen == []


def test_same_origin_redirect_is_followed(scripted: ScriptedServer) -> None:
    scripted.on("GET", "old/path", Reply(301, "", "text/plain", {"Location": "/api/v2/new/path"}))
    scripted.on("GET", "new/path", Reply(body=envelope({"moved": True})))
    with scripted.client() as c:
        assert c.get("old/path") == {"moved": True}
    assert [s.path for s in scripted.seen] == ["/api/v2/old/path", "/api/v2/new/path"]
    assert scripted.seen[1].headers["authentication-key"] == "scripted-key-1234"

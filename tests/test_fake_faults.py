"""Faults on the fake, programmed from Python, and its own rate limit: observed with plain
urllib (not our client), so these tests say what any HTTP client receives."""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from simplicate import _core
from simplicate.testing import FakeSimplicate, InjectedFault
from simplicate.testing import _fake as fake_module

from .plain_http import Answer, call

ORGS = "crm/organization"
SMALL = {"crm/organization": 20, "crm/person": 20, "hours/hours": 20}


@pytest.fixture
def fake() -> Iterator[FakeSimplicate]:
    with FakeSimplicate(records=SMALL) as server:
        yield server


def get(fake: FakeSimplicate, path: str = ORGS) -> Answer:
    return call(fake.url, path)


# ---- status answers ----------------------------------------------------------------------------


def test_status_fault_answers_the_error_envelope_then_expires(fake: FakeSimplicate) -> None:
    fault = fake.inject("crm/organization*", status=503, times=2)
    assert isinstance(fault, InjectedFault)
    assert (fault.hits, fault.remaining, fault.active) == (0, 2, True)
    for _ in range(2):
        answer = get(fake)
        assert answer.status == 503
        assert answer.headers["content-type"] == "application/json"
        assert answer.json() == {
            "data": None,
            "errors": ["Service Unavailable (injected)"],
            "debug": None,
        }
        assert "retry-after" not in answer.headers
    assert get(fake, "crm/person").status == 200
    assert get(fake).status == 200
    assert (fault.hits, fault.remaining, fault.active) == (2, 0, False)
    assert [(r.status, r.fault) for r in fake.requests] == [
        (503, "status"),
        (503, "status"),
        (200, None),
        (200, None),
    ]
    assert "hits=2 remaining=0" in repr(fault)


def test_default_is_one_request_anywhere(fake: FakeSimplicate) -> None:
    fault = fake.inject(status=500)
    assert fault.path_glob == "*"
    assert get(fake, "hours/hours").status == 500
    assert get(fake, "hours/hours").status == 200


@pytest.mark.parametrize(
    ("retry_after", "header"),
    [
        (120, "120"),
        (2.0, "2"),
        (0.25, "0.25"),
        (0, "0"),
        ("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
    ],
)
def test_retry_after_numbers_and_verbatim_strings(
    fake: FakeSimplicate, retry_after: float | str, header: str
) -> None:
    fake.inject(status=429, retry_after=retry_after)
    answer = get(fake)
    assert answer.status == 429
    assert answer.headers["retry-after"] == header
    assert answer.json()["errors"] == ["Too Many Requests (injected)"]


def test_custom_text_and_bytes_bodies(fake: FakeSimplicate) -> None:
    fake.inject(status=503, body="Down for maintenance", content_type="text/plain")
    fake.inject(status=200, body=b"\xff{not json")
    answer = get(fake)
    assert (answer.status, answer.headers["content-type"]) == (503, "text/plain")
    assert answer.body == b"Down for maintenance"
    answer = get(fake)
    assert (answer.status, answer.headers["content-type"]) == (200, "application/json")
    assert answer.body == b"\xff{not json"


def test_injected_status_on_writes_changes_nothing(fake: FakeSimplicate) -> None:
    before = len(fake.records(ORGS))
    fault = fake.inject(ORGS, status=503, method="post")
    assert fault.method == "POST"
    assert get(fake).status == 200
    assert call(fake.url, ORGS, method="POST", body={"name": "X"}).status == 503
    assert len(fake.records(ORGS)) == before


# ---- delays, dropped connections, truncated bodies ---------------------------------------------


def test_delay_alone_and_with_status(fake: FakeSimplicate) -> None:
    normal = get(fake).body
    fake.inject(delay=0.3)
    started = time.monotonic()
    answer = get(fake)
    assert time.monotonic() - started >= 0.3
    assert (answer.status, answer.body) == (200, normal)

    fake.inject(delay=0.2, status=502)
    started = time.monotonic()
    assert get(fake).status == 502
    assert time.monotonic() - started >= 0.2
    assert [r.fault for r in fake.requests] == [None, "delay", "status"]


def test_drop_connection_gives_an_incomplete_read(fake: FakeSimplicate) -> None:
    expected = get(fake).body
    fault = fake.inject(ORGS, drop_connection=True)
    request = urllib.request.Request(
        f"{fake.url}/{ORGS}",
        headers={"Authentication-Key": "test-key", "Authentication-Secret": "test-secret"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert int(response.headers["Content-Length"]) == len(expected)
        with pytest.raises(http.client.IncompleteRead) as info:
            response.read()
    partial = info.value.partial
    assert 0 < len(partial) < len(expected)
    assert expected.startswith(partial)
    assert fault.hits == 1
    assert get(fake).body == expected
    assert [(r.status, r.fault) for r in fake.requests][-2:] == [
        (200, "drop_connection"),
        (200, None),
    ]


def test_truncate_gives_a_complete_answer_with_half_a_body(fake: FakeSimplicate) -> None:
    expected = get(fake).body
    fake.inject(ORGS, truncate=True)
    answer = get(fake)
    assert answer.status == 200
    assert int(answer.headers["content-length"]) == len(answer.body) == len(expected) // 2
    assert expected.startswith(answer.body)
    with pytest.raises(json.JSONDecodeError):
        answer.json()
    assert fake.requests[-1].fault == "truncate"


# ---- which requests are hit --------------------------------------------------------------------


def test_globs_and_methods(fake: FakeSimplicate) -> None:
    hour = fake.records("hours/hours")[0]["id"]
    items = fake.inject("hours/hours/*", status=503, times=None)
    assert get(fake, "hours/hours").status == 200
    assert get(fake, f"hours/hours/{hour}").status == 503
    assert get(fake, f"hours/hours/{hour}").status == 503
    assert (items.hits, items.remaining) == (2, None)
    items.cancel()
    assert get(fake, f"hours/hours/{hour}").status == 200
    # Full paths work as globs; faults come before routing, so unknown endpoints are hit too.
    fake.inject("/api/v2/crm/nothing", status=504)
    assert get(fake, "crm/nothing").status == 504
    assert get(fake, "crm/nothing").status == 400


def test_rules_apply_in_order_and_the_first_live_match_wins(fake: FakeSimplicate) -> None:
    first = fake.inject("crm/*", status=502)
    second = fake.inject(status=503, times=2)
    assert [get(fake).status for _ in range(4)] == [502, 503, 503, 200]
    assert (first.hits, second.hits) == (1, 2)


def test_unauthenticated_requests_are_not_faulted(fake: FakeSimplicate) -> None:
    fault = fake.inject(status=503, times=None)
    answer = call(fake.url, ORGS, auth=False)
    assert answer.status == 401
    assert answer.json()["errors"] == ["Invalid or missing authentication headers"]
    assert fault.hits == 0


def test_rate_faults_a_reproducible_fraction() -> None:
    def pattern(seed: int) -> list[int]:
        with FakeSimplicate(seed, records=SMALL) as fake:
            fault = fake.inject(status=503, times=None, rate=0.2)
            statuses = [get(fake).status for _ in range(150)]
            assert fault.hits == statuses.count(503)
            return statuses

    first = pattern(5)
    assert set(first) == {200, 503}
    assert 10 <= first.count(503) <= 50
    assert pattern(5) == first


def test_reset_and_clear_faults_withdraw_every_rule(fake: FakeSimplicate) -> None:
    a = fake.inject(status=503, times=None)
    b = fake.inject(delay=5, times=3)
    assert [f.path_glob for f in fake.faults] == ["*", "*"]
    fake.clear_faults()
    assert fake.faults == []
    assert (a.remaining, b.remaining, a.active) == (0, 0, False)
    assert get(fake).status == 200
    c = fake.inject(status=503, times=None)
    fake.reset()
    assert (c.remaining, fake.faults, fake.requests) == (0, [], [])
    assert get(fake).status == 200
    c.cancel()  # harmless after the fact


def test_handles_outlive_the_server() -> None:
    with FakeSimplicate(records=SMALL) as fake:
        fault = fake.inject(status=503)
        get(fake)
    assert (fault.hits, fault.remaining) == (1, 0)
    with pytest.raises(RuntimeError, match="not running"):
        fake.inject(status=503)


# ---- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "names"),
    [
        ({}, ValueError, "status="),
        ({"status": 503, "truncate": True}, ValueError, "status="),
        ({"drop_connection": True, "truncate": True}, ValueError, "drop_connection="),
        ({"delay": 1, "drop_connection": True}, ValueError, "delay="),
        ({"delay": 1, "truncate": True}, ValueError, "delay="),
        ({"delay": -1}, ValueError, "delay"),
        ({"delay": float("nan")}, ValueError, "delay"),
        ({"delay": "1"}, TypeError, "delay"),
        ({"status": 503, "times": 0}, ValueError, "times"),
        ({"status": 503, "times": -2}, ValueError, "times"),
        ({"status": 503, "times": 1.5}, TypeError, "times"),
        ({"status": 503, "times": True}, TypeError, "times"),
        ({"status": 503, "rate": 0}, ValueError, "rate"),
        ({"status": 503, "rate": 1.01}, ValueError, "rate"),
        ({"status": 503, "rate": "0.5"}, TypeError, "rate"),
        ({"status": 99}, ValueError, "status"),
        ({"status": 600}, ValueError, "status"),
        ({"status": 2**70}, ValueError, "status"),
        ({"status": 503, "times": 2**64}, ValueError, "times"),
        ({"status": "503"}, TypeError, "status"),
        ({"status": True}, TypeError, "status"),
        ({"status": 503, "body": 5}, TypeError, "body"),
        ({"truncate": True, "body": "x"}, ValueError, "body="),
        ({"delay": 0.1, "content_type": "text/plain"}, ValueError, "content_type="),
        ({"drop_connection": True, "retry_after": 5}, ValueError, "retry_after="),
        ({"status": 503, "retry_after": -1}, ValueError, "retry_after"),
        ({"status": 503, "retry_after": [1]}, TypeError, "retry_after"),
        ({"status": 503, "retry_after": "1\r\nX-Evil: 1"}, ValueError, "retry_after"),
        ({"status": 503, "content_type": "text/plain\n"}, ValueError, "content_type"),
        ({"status": 503, "method": "GE T"}, ValueError, "method"),
        ({"status": 503, "method": 1}, TypeError, "method"),
        ({"drop_connection": 1}, TypeError, "drop_connection"),
        ({"path_glob": None, "status": 503}, TypeError, "path_glob"),
    ],
)
def test_invalid_arguments_are_named(
    fake: FakeSimplicate, kwargs: dict[str, Any], error: type[Exception], names: str
) -> None:
    with pytest.raises(error, match=re.escape(names)):
        fake.inject(**kwargs)
    assert fake.faults == []


# ---- the rate limit ----------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after() -> None:
    with FakeSimplicate(records=SMALL, rate_limit=3) as fake:
        assert fake.rate_limit == 3
        assert "rate_limit=3" in repr(fake)
        assert [get(fake).status for _ in range(3)] == [200, 200, 200]
        assert call(fake.url, ORGS, auth=False).status == 401  # neither counted nor refused
        refused = get(fake)
        assert refused.status == 429
        assert refused.headers["content-type"] == "application/json"
        assert refused.json() == {
            "data": None,
            "errors": ["Too Many Requests: rate limit of 3 requests per minute exceeded"],
            "debug": None,
        }
        assert 59 <= int(refused.headers["retry-after"]) <= 60
        assert get(fake).status == 429
        assert fake.throttled == 2
        assert [r.fault for r in fake.requests][-2:] == ["rate_limit", "rate_limit"]
        # An injected 429 is a fault, not the limiter's.
        fake.reset()
        fake.inject(status=429)
        assert get(fake).status == 429
        assert fake.throttled == 0
        # reset() gave back the whole allowance (the injected 429 used one slot).
        assert [get(fake).status for _ in range(3)] == [200, 200, 429]


def test_slots_free_up_after_the_window() -> None:
    server = _core.FakeServer(
        api_key="test-key", api_secret="test-secret", rate_limit=2, rate_window=0.5
    )
    try:
        assert server.rate_limit == 2
        assert [call(server.url, ORGS).status for _ in range(3)] == [200, 200, 429]
        time.sleep(0.5)
        assert [call(server.url, ORGS).status for _ in range(3)] == [200, 200, 429]
    finally:
        server.stop()


def test_no_rate_limit_by_default(fake: FakeSimplicate) -> None:
    assert fake.rate_limit is None
    assert all(get(fake).status == 200 for _ in range(80))
    assert fake.throttled == 0


@pytest.mark.parametrize(
    ("rate_limit", "error"),
    [(0, ValueError), (-5, ValueError), (2**32, ValueError), (1.5, TypeError), (True, TypeError)],
)
def test_bad_rate_limits_are_refused(rate_limit: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="rate_limit"):
        FakeSimplicate(rate_limit=rate_limit)


def test_bad_rate_windows_are_refused() -> None:
    for window in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="rate_window"):
            _core.FakeServer(api_key="k", api_secret="s", rate_limit=1, rate_window=window)


@pytest.mark.simplicate(rate_limit=7, records=SMALL)
def test_the_plugin_marker_takes_a_rate_limit(simplicate_fake: FakeSimplicate) -> None:
    assert simplicate_fake.rate_limit == 7


# ---- fake.client() pacing ----------------------------------------------------------------------


class _Recorder:
    """Stands in for Client: records the keyword arguments it was built with."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


class _PacingRecorder(_Recorder):
    def __init__(self, *, rate_limit: int | None = 60, **kwargs: Any) -> None:
        super().__init__(rate_limit=rate_limit, **kwargs)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    fake_module._client_takes_rate_limit.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    fake_module._client_takes_rate_limit.cache_clear()


def test_client_paces_to_the_fakes_limit(recorder: pytest.MonkeyPatch) -> None:
    recorder.setattr(fake_module, "Client", _PacingRecorder)
    with FakeSimplicate(records=SMALL, rate_limit=30) as limited:
        client: Any = limited.client()
        assert client.kwargs["rate_limit"] == 30
        assert limited.client(rate_limit=5).kwargs["rate_limit"] == 5  # type: ignore[attr-defined]
    with FakeSimplicate(records=SMALL) as unlimited:
        # No limit on the fake: no pacing, rather than the client's real-API default.
        assert unlimited.client().kwargs["rate_limit"] is None  # type: ignore[attr-defined]


def test_client_without_pacing_support_is_not_told_about_no_limit(
    recorder: pytest.MonkeyPatch,
) -> None:
    recorder.setattr(fake_module, "Client", _Recorder)
    with FakeSimplicate(records=SMALL) as unlimited:
        assert "rate_limit" not in unlimited.client().kwargs  # type: ignore[attr-defined]
    with FakeSimplicate(records=SMALL, rate_limit=4) as limited:
        assert limited.client().kwargs["rate_limit"] == 4  # type: ignore[attr-defined]

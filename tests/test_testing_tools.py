"""The tools users test with: the request log, the pytest plugin, the standalone server."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import urllib.request

import pytest

from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET, FakeRequest, FakeSimplicate


def test_request_log_records_what_was_served(fake: FakeSimplicate, client) -> None:
    client.get("crm/organization", params={"limit": 3, "q[name]": "*B.V.*"})
    with pytest.raises(Exception):  # noqa: B017 - any error; only the log matters here
        client.get("crm/organization/organization:nope")
    log = fake.requests
    assert [(r.method, r.path, r.status) for r in log] == [
        ("GET", "/api/v2/crm/organization", 200),
        ("GET", "/api/v2/crm/organization/organization:nope", 404),
    ]
    assert isinstance(log[0], FakeRequest)
    assert log[0].params == {"limit": ["3"], "q[name]": ["*B.V.*"]}
    assert log[0].time <= log[1].time
    fake.clear_requests()
    assert fake.requests == []


def test_reset_restores_data_and_clears_the_log(fake: FakeSimplicate, client) -> None:
    before = fake.records("crm/organization")
    client.post("crm/organization", {"name": "Temp"})
    fake.reset()
    assert fake.records("crm/organization") == before
    assert fake.requests == []


@pytest.mark.parametrize(
    ("records", "exc"),
    [
        ({"crm/organization": -1}, ValueError),
        ({"crm/organization": 1.5}, ValueError),
        ({"crm/organization": True}, ValueError),
        ({3: 10}, TypeError),
        ([("crm/organization", 3)], TypeError),
    ],
)
def test_bad_record_counts_name_the_problem(records: object, exc: type) -> None:
    with pytest.raises(exc, match="records"):
        FakeSimplicate(records=records)  # type: ignore[arg-type]


def test_pytest_plugin_fixtures(tmp_path) -> None:
    test_file = tmp_path / "test_users_suite.py"
    test_file.write_text(
        textwrap.dedent(
            """
            import pytest

            def test_client_is_wired(simplicate_client, simplicate_fake):
                person = {"first_name": "Plugin", "family_name": "Test"}
                new = simplicate_client.post("crm/person", person)["id"]
                assert any(r["id"] == new for r in simplicate_fake.records("crm/person"))

            def test_each_test_starts_fresh(simplicate_fake):
                assert not any(
                    r.get("first_name") == "Plugin" for r in simplicate_fake.records("crm/person")
                )
                assert simplicate_fake.requests == []

            @pytest.mark.simplicate(seed=5)
            def test_marker_gives_a_dedicated_server(simplicate_fake):
                assert simplicate_fake.seed == 5
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_standalone_server_serves_until_interrupted() -> None:
    command = [sys.executable, "-m", "simplicate.testing", "serve", "--seed", "3", "--port", "0"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline().strip()
            assert first.startswith("FakeSimplicate serving http://127.0.0.1:"), first
            url = first.split()[-1]
            req = urllib.request.Request(
                f"{url}/crm/organization?limit=2",
                headers={
                    "Authentication-Key": DEFAULT_API_KEY,
                    "Authentication-Secret": DEFAULT_API_SECRET,
                },
            )
            with urllib.request.urlopen(req, timeout=10) as resp:
                assert len(json.loads(resp.read())["data"]) == 2
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()


def test_standalone_server_rejects_bad_record_counts() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simplicate.testing", "serve", "--records", "crm/organization=x"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "PATH=COUNT" in result.stderr

"""``simplicate sync``: runs against a fake started here (credentials from the environment, as
cron would give them), in every format. Applying each run's files in order to a copy must give
the fake's collection; an interrupted run must leave the state where the last complete
resource put it, and the next run must do the rest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.csv
import pyarrow.parquet
import pytest

from simplicate.__main__ import main
from simplicate.testing import FakeSimplicate

RECORDS = {"crm/organization": 30, "crm/person": 20, "hrm/employee": 12}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeSimplicate(seed=3, records=RECORDS) as server:
        for name, value in credentials(server).items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("SIMPLICATE_DOMAIN", raising=False)
        yield server


def credentials(fake: FakeSimplicate) -> dict[str, str]:
    return {
        "SIMPLICATE_BASE_URL": fake.url,
        "SIMPLICATE_API_KEY": fake.api_key,
        "SIMPLICATE_API_SECRET": fake.api_secret,
    }


def read(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    reader = pyarrow.csv.read_csv if path.suffix == ".csv" else pyarrow.parquet.read_table
    return [{k: v for k, v in row.items()} for row in reader(path).to_pylist()]


def files(out: Path, resource: str, what: str) -> list[Path]:
    return sorted(out.joinpath(*resource.split("/")).glob(f"*-{what}.*"))


def apply_runs(out: Path, resource: str) -> dict[str, dict[str, Any]]:
    """What a consumer does: every run's changes (upserts by id), then its deletions, in order."""
    runs = sorted({p.name.split("-")[0] for p in out.joinpath(*resource.split("/")).iterdir()})
    copy: dict[str, dict[str, Any]] = {}
    for run in runs:
        for path in files(out, resource, "changed"):
            if path.name.startswith(run):
                copy.update({row["id"]: row for row in read(path)})
        for path in files(out, resource, "deleted"):
            if path.name.startswith(run):
                for row in read(path):
                    copy.pop(row["id"])
    return copy


def sync(
    tmp_path: Path, *resources: str, format: str = "parquet", extra: tuple[str, ...] = ()
) -> int:
    argv = ["sync", *resources, "--state", str(tmp_path / "state.json")]
    return main([*argv, "--out", str(tmp_path / "lake"), "--format", format, *extra])


@pytest.mark.parametrize("format", ["parquet", "jsonl", "csv"])
def test_runs_applied_in_order_equal_the_collection(
    fake: FakeSimplicate, tmp_path: Path, format: str
) -> None:
    lake = tmp_path / "lake"
    assert sync(tmp_path, "crm/organization", "crm.person", format=format) == 0
    client = fake.client()
    organizations = list(client.crm.organization.list())
    first = files(lake, "crm/organization", "changed")
    assert len(first) == 1 and first[0].suffix == f".{format}"
    assert {row["id"] for row in read(first[0])} == {o["id"] for o in organizations}
    assert files(lake, "crm/organization", "deleted") == []  # no file without rows

    created = client.crm.organization.create({"name": "Nieuw B.V."})
    client.crm.organization.update(organizations[0]["id"], {"name": "Renamed B.V."})
    client.crm.organization.delete(organizations[1]["id"])
    person = next(iter(client.crm.person.list(limit=1)))
    client.crm.person.delete(person["id"])
    assert sync(tmp_path, "crm/organization", "crm/person", format=format) == 0

    second = files(lake, "crm/organization", "changed")[-1]
    assert {row["id"] for row in read(second)} == {created, organizations[0]["id"]}
    assert [row["id"] for row in read(files(lake, "crm/organization", "deleted")[0])] == [
        organizations[1]["id"]
    ]
    assert len(files(lake, "crm/person", "changed")) == 1  # nothing changed: no new file
    assert [row["id"] for row in read(files(lake, "crm/person", "deleted")[0])] == [person["id"]]
    for resource in ("crm/organization", "crm/person"):
        now = {r["id"]: r.get("name") for r in client._list(resource)}
        assert {i: r.get("name") for i, r in apply_runs(lake, resource).items()} == now

    state = json.loads((tmp_path / "state.json").read_text())
    assert state["kind"] == "simplicate-sync-state"
    assert sorted(state["resources"]) == ["crm/organization", "crm/person"]
    assert not list(tmp_path.rglob("*.part")), "temporary files left"


def test_nested_records_get_the_export_s_columns(fake: FakeSimplicate, tmp_path: Path) -> None:
    assert sync(tmp_path, "crm/organization", format="csv") == 0
    header = files(tmp_path / "lake", "crm/organization", "changed")[0].read_text().splitlines()[0]
    columns = [c.strip('"') for c in header.split(",")]
    assert "id" in columns and "updated_at" in columns
    assert any("." in column for column in columns), columns  # nested objects, dotted


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "xml"], "invalid choice"),
        (["--out", "FILE"], "is not a directory"),
        (["--state", "NOT_OURS"], "not a state file"),
        (["--filter", "name"], "KEY=VALUE"),
    ],
)
def test_bad_arguments_exit_2_before_any_request(
    fake: FakeSimplicate,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    (tmp_path / "FILE").write_text("x")
    (tmp_path / "NOT_OURS").write_text('{"watermark": null}')
    argv = [str(tmp_path / a) if a in ("FILE", "NOT_OURS") else a for a in argv]
    base = ["sync", "crm/organization", "--state", str(tmp_path / "s.json")]
    base += ["--out", str(tmp_path / "lake")]
    fake.clear_requests()
    with pytest.raises(SystemExit) as exited:
        main([*base, *argv])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
    assert fake.requests == []
    assert not (tmp_path / "lake").exists() and not (tmp_path / "s.json").exists()


def test_an_api_error_exits_1_naming_the_resource_and_keeps_what_was_done(
    fake: FakeSimplicate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.inject("*hrm/employee*", status=403, times=None)
    assert sync(tmp_path, "crm/organization", "hrm/employee") == 1
    err = capsys.readouterr().err
    assert "hrm/employee" in err and "the state moved on only" in err
    state = json.loads((tmp_path / "state.json").read_text())
    assert list(state["resources"]) == ["crm/organization"]


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_an_interrupted_run_is_redone_by_the_next(
    fake: FakeSimplicate, tmp_path: Path, how: signal.Signals
) -> None:
    state, lake = tmp_path / "state.json", tmp_path / "lake"
    command = [sys.executable, "-m", "simplicate", "sync", "crm/organization", "hrm/employee"]
    command += ["--state", str(state), "--out", str(lake), "--format", "jsonl"]
    stalled = fake.inject("*hrm/employee*", delay=60, times=None)
    env = {**os.environ, **credentials(fake)}
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as run:
        deadline = time.monotonic() + 60
        # The first resource is done once the state file names it; the second is then stalled.
        while not (state.exists() and "crm/organization" in state.read_text()):
            assert run.poll() is None and time.monotonic() < deadline, run.stderr
            time.sleep(0.05)
        run.send_signal(how)
        code = run.wait(timeout=30)
        err = run.stderr.read() if run.stderr else ""
    assert code == (130 if how == signal.SIGINT else -signal.SIGKILL), err
    if how == signal.SIGINT:
        assert "interrupted in hrm/employee" in err
    assert list(json.loads(state.read_text())["resources"]) == ["crm/organization"]
    assert not lake.joinpath("hrm").exists()
    assert not list(tmp_path.rglob("*.part")), "temporary files left"

    stalled.cancel()
    assert sync(tmp_path, "crm/organization", "hrm/employee", format="jsonl") == 0
    employees = {e["id"] for e in fake.client().hrm.employee.list()}
    assert set(apply_runs(lake, "hrm/employee")) == employees
    assert len(files(lake, "crm/organization", "changed")) == 1  # not written twice

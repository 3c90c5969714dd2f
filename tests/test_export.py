"""``simplicate export``: records into CSV, JSON Lines or Parquet, credentials from the
environment or ``--fake``, arguments checked before anything is sent, and never half a file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from simplicate.__main__ import main
from simplicate.testing import FakeSimplicate


@pytest.fixture
def env_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSimplicate]:
    """A fake the command reaches through the environment, as it would reach the real API."""
    with FakeSimplicate(seed=3, records={"crm/organization": 250}) as fake:
        for name in ("SIMPLICATE_DOMAIN", "SIMPLICATE_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("SIMPLICATE_BASE_URL", fake.url)
        monkeypatch.setenv("SIMPLICATE_API_KEY", fake.api_key)
        monkeypatch.setenv("SIMPLICATE_API_SECRET", fake.api_secret)
        yield fake


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_holds_every_record_as_the_api_gave_it(env_fake: FakeSimplicate, tmp_path) -> None:
    out = tmp_path / "orgs.jsonl"
    assert main(["export", "crm/organization", "--out", str(out), "--no-progress"]) == 0
    assert read_jsonl(out) == env_fake.records("crm/organization")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orgs.jsonl"]


def test_filters_select_sort_and_limit_reach_the_api(env_fake: FakeSimplicate, tmp_path) -> None:
    out = tmp_path / "some.ndjson"
    records = env_fake.records("crm/organization")
    since = sorted(r["created_at"] for r in records)[100]
    argv = [
        "export", "crm.organization", "--out", str(out), "--no-progress",
        "--filter", f"created_at[ge]={since}", "--select", "id,name,created_at",
        "--sort=-created_at", "--limit", "40",
    ]  # fmt: skip
    assert main(argv) == 0
    got = read_jsonl(out)
    expected = sorted(
        (r for r in records if r["created_at"] >= since),
        key=lambda r: (r["created_at"], r["id"]),
        reverse=True,
    )[:40]
    assert [r["id"] for r in got] == [r["id"] for r in expected]
    assert all(set(r) <= {"id", "name", "created_at"} for r in got)
    first = next(r for r in env_fake.requests if r.path.endswith("crm/organization"))
    assert first.params["q[created_at][ge]"] == [since]


def test_repeated_keys_mean_any_of_them(env_fake: FakeSimplicate, tmp_path) -> None:
    names = [r["name"] for r in env_fake.records("crm/organization")[:2]]
    out = tmp_path / "two.jsonl"
    argv = ["export", "crm/organization", "--out", str(out), "--no-progress"]
    argv += [arg for name in names for arg in ("--filter", f"name={name}")]
    assert main(argv) == 0
    assert {r["name"] for r in read_jsonl(out)} == set(names)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["crm/organisation", "--out", "x.jsonl"], "did you mean 'crm/organization'"),
        (["crm/organization", "--out", "x.xlsx"], "unknown extension '.xlsx'"),
        (["crm/organization", "--out", "x.jsonl", "--filter", "name"], "KEY=VALUE"),
        (["crm/organization", "--out", "x.jsonl", "--filter", "a[like]=1"], "unknown operator"),
        (["crm/organization", "--out", "x.jsonl", "--limit", "-1"], "--limit"),
        (["crm/organization", "--out", "x.jsonl", "--select", "a,,["], "select"),
    ],
)
def test_bad_arguments_exit_2_before_any_request(
    env_fake: FakeSimplicate, tmp_path, monkeypatch, capsys, argv: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["export", *argv, "--no-progress"])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert env_fake.requests == []
    assert list(tmp_path.iterdir()) == []


def test_a_failure_mid_export_leaves_the_old_file(env_fake: FakeSimplicate, tmp_path, capsys):
    out = tmp_path / "orgs.jsonl"
    out.write_text("the previous export\n")
    # Rules apply in order: the first page passes (a harmless delay), every later one fails,
    # after the first page's records were already written to the temporary file.
    env_fake.inject("crm/organization", delay=0.01, times=1)
    env_fake.inject("crm/organization", status=404, times=None)
    assert main(["export", "crm/organization", "--out", str(out), "--no-progress"]) == 1
    assert "simplicate export:" in capsys.readouterr().err
    assert out.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orgs.jsonl"]
    assert sum(r.path.endswith("crm/organization") for r in env_fake.requests) >= 2


def test_missing_credentials_are_a_clear_error(monkeypatch, tmp_path, capsys) -> None:
    for name in ("DOMAIN", "BASE_URL", "API_KEY", "API_SECRET"):
        monkeypatch.delenv(f"SIMPLICATE_{name}", raising=False)
    out = tmp_path / "x.jsonl"
    assert main(["export", "crm/organization", "--out", str(out), "--no-progress"]) == 1
    assert "SIMPLICATE_" in capsys.readouterr().err
    assert not out.exists()


def test_the_console_script_runs_against_the_bundled_fake(tmp_path) -> None:
    (script,) = metadata.entry_points(group="console_scripts", name="simplicate")
    assert script.value == "simplicate.__main__:main"
    out = tmp_path / "people.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "simplicate", "export", "crm/person", "--fake", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    with FakeSimplicate(seed=1) as fake:
        assert read_jsonl(out) == fake.records("crm/person")
    assert f"wrote {len(read_jsonl(out))} records of crm/person" in done.stderr


def test_csv_and_parquet_hold_the_flattened_table(env_fake: FakeSimplicate, tmp_path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.csv
    import pyarrow.parquet

    records = env_fake.records("crm/organization")
    for name in ("orgs.csv", "orgs.parquet"):
        out = tmp_path / name
        assert main(["export", "crm/organization", "--out", str(out), "--no-progress"]) == 0
        table = (
            pyarrow.csv.read_csv(out) if name.endswith(".csv") else pyarrow.parquet.read_table(out)
        )
        assert table.num_rows == len(records)
        assert table.column("id").to_pylist() == [r["id"] for r in records]
        assert "relation_type.label" in table.column_names  # nested objects flattened
    parquet = pyarrow.parquet.read_table(tmp_path / "orgs.parquet")
    assert pa.types.is_timestamp(parquet.schema.field("created_at").type)
    assert pa.types.is_list(parquet.schema.field("teams").type)
    csv_text = (tmp_path / "orgs.csv").read_text(encoding="utf-8")
    assert '"[{' in csv_text  # lists become JSON text in CSV


def test_parquet_without_pyarrow_names_the_extra(env_fake, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    out = tmp_path / "orgs.parquet"
    assert main(["export", "crm/organization", "--out", str(out), "--no-progress"]) == 1
    assert "simplicate[arrow]" in capsys.readouterr().err
    assert env_fake.requests == []
    assert not out.exists()


def test_a_terminal_gets_a_progress_bar(env_fake: FakeSimplicate, tmp_path, monkeypatch) -> None:
    import types

    made: list[dict] = []

    class Bar:
        def __init__(self, **kwargs: object) -> None:
            self.state = {"kwargs": kwargs, "total": None, "n": 0, "closed": False}
            made.append(self.state)

        @property
        def total(self) -> object:
            return self.state["total"]

        @total.setter
        def total(self, value: object) -> None:
            self.state["total"] = value

        @property
        def n(self) -> int:
            return self.state["n"]

        def update(self, step: int) -> None:
            self.state["n"] += step

        def close(self) -> None:
            self.state["closed"] = True

    module = types.ModuleType("tqdm.auto")
    module.tqdm = Bar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", module)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["export", "crm/organization", "--out", str(tmp_path / "o.jsonl")]) == 0
    (bar,) = made
    assert (bar["total"], bar["n"], bar["closed"]) == (250, 250, True)
    assert bar["kwargs"]["unit"] == "records"

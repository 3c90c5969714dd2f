"""``progress=`` on pulls: a bar (or callable) per pass, with the total from ``metadata=count``
at no extra request, ended when the loop is left early; sync and async alike."""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Iterator
from typing import ClassVar

import pytest

from simplicate.testing import FakeSimplicate


@pytest.fixture(scope="module")
def big() -> Iterator[FakeSimplicate]:
    with FakeSimplicate(seed=2, records={"crm/organization": 345}) as fake:
        yield fake


def list_requests(fake: FakeSimplicate) -> int:
    return sum(1 for r in fake.requests if r.path == "/api/v2/crm/organization")


class Bar:
    """Stands in for tqdm: records what a bar was told."""

    made: ClassVar[list[Bar]] = []

    def __init__(self, **kwargs: object) -> None:
        self.kwargs, self.total, self.n, self.closed = kwargs, None, 0, False
        Bar.made.append(self)

    def update(self, step: int) -> None:
        self.n += step

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[Bar]:
    module = types.ModuleType("tqdm.auto")
    module.tqdm = Bar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", module)
    Bar.made = []
    return Bar.made


def test_a_callable_sees_every_page_against_the_count(big: FakeSimplicate) -> None:
    big.clear_requests()
    seen: list[tuple[int, int | None]] = []
    with big.client() as client:
        records = client.crm.organization.list(progress=lambda d, t: seen.append((d, t))).to_list()
    assert len(records) == 345
    assert seen == [(0, 345), (100, 345), (200, 345), (300, 345), (345, 345)]
    assert list_requests(big) == 4  # the count rode on the first page


def test_the_total_respects_limit_and_offset(big: FakeSimplicate) -> None:
    seen: list[tuple[int, int | None]] = []
    with big.client() as client:
        pager = client.crm.organization.list(
            limit=150, offset=250, progress=lambda d, t: seen.append((d, t))
        )
        assert len(list(pager)) == 95
    assert seen[0] == (0, 95) and seen[-1] == (95, 95)


def test_progress_true_draws_a_bar_per_pass_and_ends_it_on_break(
    big: FakeSimplicate, bars: list[Bar]
) -> None:
    with big.client() as client:
        pager = client.crm.organization.list(progress=True)
        for n, _ in enumerate(pager):
            if n == 150:
                break
        assert sum(1 for _ in pager) == 345
    first, second = bars
    assert first.closed and first.total == 345 and first.n == 200
    assert second.closed and (second.total, second.n) == (345, 345)
    assert first.kwargs["unit"] == "records" and "crm/organization" in str(first.kwargs["desc"])


def test_no_progress_no_bar(big: FakeSimplicate, bars: list[Bar]) -> None:
    with big.client() as client:
        assert len(client.crm.organization.list().to_list()) == 345
    assert bars == []


def test_a_bad_progress_raises_before_any_request(big: FakeSimplicate) -> None:
    big.clear_requests()
    with big.client() as client, pytest.raises(TypeError, match="progress"):
        client.crm.organization.list(progress="yes")  # type: ignore[arg-type]
    aclient = big.async_client()
    with pytest.raises(TypeError, match="progress"):
        aclient.crm.organization.list(progress=3)  # type: ignore[arg-type]
    asyncio.run(aclient.aclose())
    assert list_requests(big) == 0


def test_the_async_pager_reports_the_same(big: FakeSimplicate, bars: list[Bar]) -> None:
    seen: list[tuple[int, int | None]] = []

    async def main() -> None:
        async with big.async_client() as client:
            pager = client.crm.organization.list(progress=lambda d, t: seen.append((d, t)))
            assert len(await pager.to_list()) == 345
            async for n_record in client.crm.organization.list(progress=True):
                assert n_record
                break

    big.clear_requests()
    asyncio.run(main())
    assert seen == [(0, 345), (100, 345), (200, 345), (300, 345), (345, 345)]
    (bar,) = bars
    assert bar.closed and bar.total == 345 and bar.n == 100


def test_tables_report_progress_too(big: FakeSimplicate, bars: list[Bar]) -> None:
    pytest.importorskip("pyarrow")
    seen: list[tuple[int, int | None]] = []
    big.clear_requests()
    with big.client() as client:
        table = client.crm.organization.list(
            offset=45, progress=lambda d, t: seen.append((d, t))
        ).to_arrow()
        assert table.num_rows == 300
        assert client.crm.organization.list(progress=True).to_arrow().num_rows == 345
    assert seen == [(100, 300), (200, 300), (300, 300)]
    (bar,) = bars
    assert bar.closed and (bar.total, bar.n) == (345, 345)
    assert list_requests(big) == 3 + 4  # nothing extra for the total


def test_async_tables_report_on_the_loop_thread(big: FakeSimplicate) -> None:
    pytest.importorskip("pyarrow")
    import threading

    seen: list[tuple[int, int | None, int]] = []

    async def main() -> int:
        async with big.async_client() as client:
            pager = client.crm.organization.list(
                progress=lambda d, t: seen.append((d, t, threading.get_ident()))
            )
            table = await pager.to_arrow()
            await asyncio.sleep(0)  # the last report is scheduled on this loop
            return table.num_rows

    assert asyncio.run(main()) == 345
    assert [s[:2] for s in seen] == [(100, 345), (200, 345), (300, 345), (345, 345)]
    assert {s[2] for s in seen} == {threading.get_ident()}

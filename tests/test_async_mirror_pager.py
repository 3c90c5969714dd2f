"""The sync pager's promises, kept by the async pager: counts, limit/offset and page size, no
request beyond the last page, filters, errors from every way of pulling, prefetch aborted when the
loop is left, records not kept, fresh passes. Mirrors ``test_pager.py``.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import pytest

import simplicate
from simplicate import _core
from simplicate._async_pager import AsyncPager
from simplicate.testing import FakeSimplicate

from .mirror_helpers import (
    BIG,
    org_requests,
)

pytestmark = pytest.mark.asyncio


@pytest.fixture
def fake(simplicate_fake: FakeSimplicate) -> FakeSimplicate:
    return simplicate_fake


@pytest.fixture
def aclient(simplicate_async_client: simplicate.AsyncClient) -> simplicate.AsyncClient:
    return simplicate_async_client


# ---- the async pager (test_pager.py) -----------------------------------------------------------


@BIG
async def test_count_is_the_filtered_total_ignoring_limit_and_offset(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    pager = aclient.crm.organization.list(params={"q[name]": "*B.V.*"}, limit=5, offset=3)
    expected = [r["id"] for r in fake.records("crm/organization") if "b.v." in r["name"].lower()]
    assert await pager.count() == len(expected)
    assert [r["id"] for r in await pager.to_list()] == expected[3:8]


@BIG
async def test_limit_offset_and_page_size(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    all_ids = [r["id"] for r in fake.records("crm/organization")]
    pager = aclient.crm.organization.list(limit=250, offset=10, page_size=60)
    assert [r["id"] for r in await pager.to_list()] == all_ids[10:260]
    requests = org_requests(fake)
    assert [int(r["limit"][0]) for r in requests] == [60, 60, 60, 60, 10]
    assert [int(r["offset"][0]) for r in requests] == [10, 70, 130, 190, 250]
    assert requests[0]["metadata"] == ["count"]


@BIG
async def test_limit_zero_sends_nothing(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    pager = aclient.crm.organization.list(limit=0)
    assert await pager.to_list() == []
    assert await pager.first() is None
    assert [r async for r in pager] == []
    assert [p async for p in pager.pages()] == []
    assert org_requests(fake) == []


@BIG
async def test_first_asks_for_one_record_in_the_pagers_order(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    first = await aclient.crm.organization.list(sort="-name", offset=2).first()
    names = sorted((r["name"] for r in fake.records("crm/organization")), key=str.lower)
    assert first is not None and first["name"] == names[-3]
    (request,) = org_requests(fake)
    assert request["limit"] == ["1"] and request["offset"] == ["2"]


@pytest.mark.simplicate(records={"crm/person": 300, "crm/organization": 150})
async def test_no_request_beyond_the_last_page(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    # An exact multiple of the page size: the count says when to stop.
    assert len(await aclient.crm.person.list().to_list()) == 300
    assert len(org_requests(fake, "crm/person")) == 3
    # A short page ends the pull too.
    assert len([r async for r in aclient.crm.organization.list()]) == 150
    assert len(org_requests(fake)) == 2


@BIG
async def test_filter_select_and_sort(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    options: dict[str, Any] = {
        "filter": {"name": "*B.V.*", "created_at": {"ge": datetime(2024, 6, 1)}},
        "select": ["id", "name", "created_at"],
        "sort": "name",
    }
    pager = aclient.crm.organization.list(**options)
    with simplicate.Client(base_url=fake.url, api_key="k", api_secret="s") as sync:
        assert pager.params == sync.crm.organization.list(**options).params
    records = await pager.to_list()
    expected = [
        r
        for r in fake.records("crm/organization")
        if "b.v." in r["name"].lower() and r["created_at"] >= "2024-06-01 00:00:00"
    ]
    assert 100 < len(records) == len(expected)  # more than one page
    assert {r["id"] for r in records} == {r["id"] for r in expected}
    assert all(set(r) == {"id", "name", "created_at"} for r in records)
    names = [r["name"].lower() for r in records]
    assert names == sorted(names)
    first = org_requests(fake)[0]
    assert first["q[name]"] == ["*B.V.*"]
    assert first["q[created_at][ge]"] == ["2024-06-01 00:00:00"]
    assert first["select"] == ["id,name,created_at"] and first["sort"] == ["name,id"]


@BIG
async def test_date_ranges_and_relation_filters(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    stored = fake.records("crm/organization")
    relation = next(r["relation_type"]["label"] for r in stored if r.get("relation_type"))
    window = {"ge": "2024-01-01 00:00:00", "lt": "2025-01-01 00:00:00"}
    pager = aclient.crm.organization.list(
        filter={"created_at": window, "relation_type.label": relation}
    )
    got = {r["id"] for r in await pager.to_list()}
    expected = {
        r["id"]
        for r in stored
        if window["ge"] <= r["created_at"] < window["lt"]
        and (r.get("relation_type") or {}).get("label") == relation
    }
    assert got == expected and got
    assert await pager.count() == len(expected)


@pytest.mark.parametrize("key", ["limit", "offset", "metadata"])
async def test_params_cannot_fight_the_pager(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient, key: str
) -> None:
    with pytest.raises(ValueError, match=key):
        aclient.crm.organization.list(params={key: "5"})
    assert fake.requests == []


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"page_size": 0}, ValueError, "page_size"),
        ({"page_size": "50"}, TypeError, "page_size"),
        ({"limit": -1}, ValueError, "limit"),
        ({"limit": 2.5}, TypeError, "limit"),
        ({"offset": -3}, ValueError, "offset"),
        ({"offset": True}, TypeError, "offset"),
        ({"filter": {"name": object()}}, TypeError, "name"),
        ({"sort": 5}, TypeError, "sort"),
    ],
)
async def test_bad_pager_arguments_raise_at_once(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient, kwargs: dict, exc: type, name: str
) -> None:
    with pytest.raises(exc, match=name):
        aclient.crm.organization.list(**kwargs)  # raises here: nothing to await
    assert fake.requests == []


@BIG
async def test_errors_surface_from_every_way_of_pulling(aclient: simplicate.AsyncClient) -> None:
    pager = aclient.crm.organization.list(params={"q[name][bogus]": "x"})
    with pytest.raises(simplicate.BadRequestError, match="bogus"):
        await pager.to_list()
    with pytest.raises(simplicate.BadRequestError, match="bogus"):
        async for _ in pager:
            pass
    with pytest.raises(simplicate.BadRequestError, match="bogus"):
        await pager.count()
    with pytest.raises(simplicate.BadRequestError, match="bogus"):
        await pager.first()


@BIG
async def test_an_error_on_a_later_page_ends_the_pull_after_the_earlier_ones(
    fake: FakeSimplicate,
) -> None:
    async with fake.async_client(max_retries=0) as c:
        got: list[dict[str, Any]] = []
        with pytest.raises(simplicate.ServerError):
            async for page in c.crm.organization.list().pages():
                got.extend(page)
                fake.inject("crm/organization", status=500, times=None)
    assert 100 <= len(got) < 1234
    assert [r["id"] for r in got] == [r["id"] for r in fake.records("crm/organization")[: len(got)]]


@BIG
@pytest.mark.parametrize("how", ["records", "pages"])
async def test_leaving_the_loop_aborts_the_prefetch(fake: FakeSimplicate, how: str) -> None:
    # Paced at one request a second with no burst: the prefetch of page 2 waits in the pacer
    # when the loop breaks. The next call queues behind it; it reaches the server alone only
    # if the prefetch was dropped.
    async with fake.async_client(rate_limit=60, rate_burst=1) as c:
        pager = c.crm.organization.list()
        if how == "records":
            async for _ in pager:
                break
        else:
            async for _ in pager.pages():
                break
        await c.get("crm/person", params={"limit": 1})
    assert [r.path for r in fake.requests] == ["/api/v2/crm/organization", "/api/v2/crm/person"]


@BIG
async def test_consumed_records_are_not_kept(aclient: simplicate.AsyncClient) -> None:
    records = aiter(aclient.crm.organization.list())
    first = await anext(records)
    for _ in range(250):  # well into page 3
        await anext(records)
    # pyo3-async-runtimes lets go of each finished asyncio future from a runtime thread, where
    # pyo3 can only defer the decref to the next time Python is entered; on a busy machine that
    # can come after this line and keep page 1 alive a moment longer. `drain_runtime` waits for
    # those tasks and re-enters Python, so what is left is what the pager really holds.
    _core.drain_runtime()
    # Only `first` and getrefcount's own argument refer to it.
    assert sys.getrefcount(first) == 2


@BIG
async def test_records_are_plain_dicts(aclient: simplicate.AsyncClient) -> None:
    record = await aclient.crm.organization.list(limit=1).first()
    assert type(record) is dict
    assert type(record["visiting_address"]) is dict
    assert type(record["custom_fields"]) is list


@BIG
async def test_each_iteration_is_a_fresh_pass(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    pager = aclient.crm.organization.list(limit=150)
    assert isinstance(pager, AsyncPager)
    first = [r["id"] async for r in pager]
    second = [r["id"] for page in [p async for p in pager.pages()] for r in page]
    assert first == second == [r["id"] for r in fake.records("crm/organization")[:150]]
    assert len(org_requests(fake)) == 4


@pytest.mark.simplicate(records={"crm/organization": 500})
async def test_creates_during_a_pull_are_not_delivered_twice(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    seen: list[str] = []
    inserted = 0
    async for page in aclient.crm.organization.list(sort="name").pages():
        seen.extend(r["id"] for r in page)
        fake.add("crm/organization", {"name": f"  aaa {inserted}"})  # sorts before everything
        inserted += 1
    assert len(seen) == len(set(seen)), "a record was delivered twice"
    originals = {r["id"] for r in fake.records("crm/organization")[:500]}
    assert originals <= set(seen), "an original record was skipped"

"""Clients that travel to workers: a ``Client``/``AsyncClient`` pickles as its configuration and
makes its connections anew where it lands; a pager pickles as its query. Proven in this
process, in spawned worker processes, and on a Dask cluster with worker processes, all pulling
over loopback from fakes that run here."""

from __future__ import annotations

import asyncio
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

import simplicate
from simplicate.testing import FakeSimplicate

COLLECTIONS = ["crm/organization", "crm/person", "projects/project", "hours/hours"]


@pytest.fixture(scope="module")
def fake() -> Any:
    with FakeSimplicate(seed=7) as server:
        yield server


def ids(records: Any) -> list[str]:
    return [record["id"] for record in records]


def test_a_client_pickles_as_its_configuration(fake: FakeSimplicate) -> None:
    client = fake.client(timeout=12, max_retries=5, rate_limit=6000)
    restored = pickle.loads(pickle.dumps(client))
    assert type(restored) is simplicate.Client
    assert restored is not client and restored._transport is not client._transport
    assert (restored.base_url, restored.rate_limit) == (client.base_url, 6000)
    assert restored._transport.max_retries == 5
    # The credentials travelled: the fake refuses a request without them.
    assert ids(restored.crm.organization.list(limit=3)) == ids(
        client.crm.organization.list(limit=3)
    )
    # Closing one does not close the other: each has its own connections.
    restored.close()
    assert not client.closed and client.get("crm/organization", params={"limit": 1})


def test_the_secret_travels_in_the_pickle_but_nowhere_else(fake: FakeSimplicate) -> None:
    client = fake.client(api_secret=fake.api_secret)
    assert fake.api_secret.encode() in pickle.dumps(client)
    assert fake.api_secret not in repr(client) and fake.api_secret not in repr(vars(client))


def test_a_closed_client_refuses_to_pickle(fake: FakeSimplicate) -> None:
    client = fake.client()
    client.close()
    with pytest.raises(TypeError, match="closed client"):
        pickle.dumps(client)


def test_a_wrong_secret_stays_wrong_after_the_trip(fake: FakeSimplicate) -> None:
    client = pickle.loads(pickle.dumps(fake.client(api_secret="not-the-secret")))
    with pytest.raises(simplicate.AuthenticationError):
        client.get("crm/organization", params={"limit": 1})


def test_an_async_client_pickles_and_awaits_in_its_new_home(fake: FakeSimplicate) -> None:
    restored = pickle.loads(pickle.dumps(fake.async_client()))
    assert type(restored) is simplicate.AsyncClient

    async def pull() -> list[str]:
        async with restored:
            return [r["id"] async for r in restored.crm.organization.list(limit=5)]

    assert asyncio.run(pull()) == ids(fake.client().crm.organization.list(limit=5))


def test_a_pager_pickles_as_its_query_and_starts_from_the_first_record(
    fake: FakeSimplicate,
) -> None:
    client = fake.client()
    wanted = {"name": "*a*"}
    pager = client.crm.organization.list(filter=wanted, sort="name", limit=30, page_size=7)
    expected = ids(client.crm.organization.list(filter={"name": "*a*"}, sort="name", limit=30))
    first = next(iter(pager))  # partly consumed: the copy still starts at the beginning
    wanted["name"] = "*zzz*"  # changing the filter afterwards changes neither pager
    restored = pickle.loads(pickle.dumps(pager))
    assert type(restored) is simplicate.Pager
    assert restored.params == pager.params
    assert ids(restored) == expected and first["id"] == expected[0]
    assert len(expected) == 30


def test_a_pager_with_a_progress_function_that_cannot_travel_says_so(
    fake: FakeSimplicate,
) -> None:
    pager = fake.client().crm.organization.list(limit=3, progress=lambda done, total: None)
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle.dumps(pager)


# ---- spawned worker processes ----------------------------------------------------------------


def pull_ids(pager: simplicate.Pager) -> tuple[str, list[str], int]:
    """Runs in a spawned worker: iterate the pager that arrived there."""
    import os

    return pager.path, ids(pager), os.getpid()


def count_over(client: simplicate.Client, path: str) -> tuple[str, int]:
    return path, len(ids(client._list(path, page_size=100)))


def test_spawned_workers_pull_several_collections_at_once(fake: FakeSimplicate) -> None:
    import os

    client = fake.client()
    pagers = [client._list(path, limit=120, page_size=50) for path in COLLECTIONS]
    expected = {path: ids(client._list(path, limit=120, page_size=50)) for path in COLLECTIONS}
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        results = list(pool.map(pull_ids, pagers))
        counts = dict(pool.map(count_over, [client] * len(COLLECTIONS), COLLECTIONS))
    assert {path: got for path, got, _ in results} == expected
    assert all(pid != os.getpid() for _, _, pid in results)
    assert counts == dict(count_over(client, path) for path in COLLECTIONS)
    assert all(count > 120 for count in counts.values()), counts


# ---- a Dask cluster ---------------------------------------------------------------------------


def organizations_of(client: simplicate.Client) -> tuple[str, list[str]]:
    return client.base_url, ids(client.crm.organization.list(select=["id"]))


def test_a_dask_cluster_maps_a_pull_over_several_accounts() -> None:
    distributed = pytest.importorskip("distributed")
    accounts = [
        FakeSimplicate(seed=seed, records={"crm/organization": 40 + seed}) for seed in (1, 2, 3)
    ]
    for account in accounts:
        account.start()
    try:
        clients = [account.client() for account in accounts]
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as dask,
        ):
            futures = dask.map(organizations_of, clients)
            results = dict(dask.gather(futures))
            workers = dask.run(lambda: __import__("os").getpid())
        assert results == {c.base_url: organizations_of(c)[1] for c in clients}
        assert [len(results[c.base_url]) for c in clients] == [41, 42, 43]
        assert len(set(workers.values())) == 2
    finally:
        for account in accounts:
            account.stop()

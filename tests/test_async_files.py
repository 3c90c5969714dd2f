"""Files through the AsyncClient, against the fake: the same guarantees as the sync suite
(tests/test_files.py) — byte-exact round trips, faults mid-transfer, nothing half-written, bad
input before anything is sent — plus what only async has: progress on the loop's thread,
cancellation, and an event loop that keeps running during a transfer."""

from __future__ import annotations

import asyncio
import io
import threading
import time

import pytest

import simplicate
from simplicate.testing import FakeSimplicate

from .test_files import FAST, chunk_puts, doc_type, payload, person


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def make_document(client: simplicate.AsyncClient, fake: FakeSimplicate, data: bytes) -> str:
    return await client.upload_document(
        data,
        file_name="report.pdf",
        title="Report",
        document_type_id=doc_type(fake),
        linked_to={"person_id": person(fake)},
    )


@pytest.mark.parametrize("size", [1, 375_000, 750_001])
def test_round_trip(fake: FakeSimplicate, tmp_path, size: int) -> None:
    data = payload(size)
    source = tmp_path / "report.pdf"
    source.write_bytes(data)

    async def main() -> simplicate.DownloadedBytes:
        async with fake.async_client() as client:
            doc = await client.upload_document(
                source,
                title="Report",
                document_type_id=doc_type(fake),
                linked_to={"person_id": person(fake)},
            )
            return await client.download(doc)

    got = run(main())
    assert isinstance(got, simplicate.DownloadedBytes)
    assert got == data
    assert (got.content_type, got.file_name) == ("application/pdf", "report.pdf")
    assert len(chunk_puts(fake)) == -(-size // 375_000)


def test_sources_and_destinations(fake: FakeSimplicate, tmp_path) -> None:
    data = payload(400_000, seed=3)
    (tmp_path / "c.bin").write_bytes(data)

    async def main() -> None:
        async with fake.async_client() as client:
            ids = {
                await client.upload(data, file_name="a.bin"),
                await client.upload(memoryview(data), file_name="b.bin"),
                await client.upload(tmp_path / "c.bin"),
                await client.upload(io.BytesIO(data), file_name="d.bin"),
            }
            assert len(ids) == 4 and all(i.startswith("uploadqueue:") for i in ids)
            doc = await make_document(client, fake, data)
            written = await client.download(doc, tmp_path / "out.bin")
            buffer = io.BytesIO()
            into = await client.download(doc, buffer)
            assert written == simplicate.DownloadedFile(
                tmp_path / "out.bin", len(data), "application/pdf", "report.pdf"
            )
            assert into.path is None and buffer.getvalue() == data

    run(main())
    assert (tmp_path / "out.bin").read_bytes() == data


def test_the_upload_module_stays_the_raw_endpoint(fake: FakeSimplicate) -> None:
    async def main() -> dict:
        async with fake.async_client() as client:
            return await client.upload.chunked.create({"file_name": "x.bin", "file_size": 3})

    opened = run(main())
    assert opened  # the raw create answers the chunked upload's id
    assert fake.requests[-1].method == "POST" and fake.requests[-1].path.endswith("upload/chunked")


def test_lost_and_failed_chunk_answers_never_append_twice(fake: FakeSimplicate) -> None:
    data = payload(1_000_000, seed=11)
    dropped = fake.inject("upload/chunked/*", method="PUT", drop_connection=True, times=1)
    unavailable = fake.inject("upload/chunked/*", method="PUT", status=503, times=1)

    async def main() -> bytes:
        async with fake.async_client(**FAST) as client:
            return await client.download(await make_document(client, fake, data))

    assert run(main()) == data
    assert (dropped.hits, unavailable.hits) == (1, 1)


def test_bad_input_raises_before_anything_is_sent(fake: FakeSimplicate, tmp_path) -> None:
    async def main() -> None:
        async with fake.async_client() as client:
            with pytest.raises(FileNotFoundError, match=r"missing\.pdf"):
                await client.upload(tmp_path / "missing.pdf")
            with pytest.raises(ValueError, match="file_name"):
                await client.upload(b"abc")
            with pytest.raises(ValueError, match="empty"):
                await client.upload(b"", file_name="x")
            with pytest.raises(TypeError, match="binary mode"):
                await client.upload(io.StringIO("text"))
            with pytest.raises(ValueError, match="linked_to"):
                await client.upload_document(
                    b"x", file_name="x", title="t", document_type_id="d", linked_to={}
                )
            with pytest.raises(ValueError, match="document_id"):
                await client.download("a/../b")
            with pytest.raises(FileNotFoundError, match="does not exist"):
                await client.download("document:x", tmp_path / "no" / "dir.bin")
            with pytest.raises(TypeError, match="binary mode"):
                await client.download("document:x", io.StringIO())
            with pytest.raises(ValueError, match="invoice_id"):
                await client.download_invoice_pdf(" ")
            with pytest.raises(IsADirectoryError):
                await client.download_invoice_pdf("invoice:x", tmp_path)

    run(main())
    assert fake.requests == []


def test_a_failed_download_leaves_no_file_and_a_broken_one_starts_over(
    fake: FakeSimplicate, tmp_path
) -> None:
    data = payload(600_000, seed=2)

    async def main() -> None:
        async with fake.async_client(**FAST) as client:
            doc = await make_document(client, fake, data)
            fake.inject(f"documents/download/{doc}", drop_connection=True, times=2)
            assert (await client.download(doc, tmp_path / "w.bin")).size == len(data)
        async with fake.async_client(max_retries=0) as client:
            fake.inject(f"documents/download/{doc}", drop_connection=True, times=1)
            with pytest.raises(simplicate.APIConnectionError):
                await client.download(doc, tmp_path / "broken.bin")

    run(main())
    assert (tmp_path / "w.bin").read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.bin"]


def test_invoice_pdf_use_case(fake: FakeSimplicate, tmp_path) -> None:
    invoice = fake.records("invoices/invoice")[0]["id"]

    async def main() -> simplicate.DownloadedFile:
        async with fake.async_client() as client:
            with pytest.raises(simplicate.NotFoundError, match="no PDF"):
                await client.download_invoice_pdf("invoice:0000000000000000")
            return await client.download_invoice_pdf(invoice, tmp_path / "invoice.pdf")

    info = run(main())
    assert info.content_type == "application/pdf"
    assert (tmp_path / "invoice.pdf").read_bytes().startswith(b"%PDF")


def test_progress_is_reported_on_the_event_loop_thread(fake: FakeSimplicate) -> None:
    data = payload(900_000)
    seen: list[tuple[int, int | None, int]] = []

    def progress(done: int, total: int | None) -> None:
        seen.append((done, total, threading.get_ident()))

    async def main() -> None:
        async with fake.async_client() as client:
            doc = await client.upload_document(
                data, file_name="p.bin", title="P", document_type_id=doc_type(fake),
                linked_to={"person_id": person(fake)}, progress=progress,
            )  # fmt: skip
            await asyncio.sleep(0)  # let the last scheduled callback run
            uploaded = list(seen)
            seen.clear()
            await client.download(doc, progress=progress)
            await asyncio.sleep(0)
            assert uploaded[0][:2] == (0, len(data))
            assert uploaded[-1][:2] == (len(data), len(data))
            assert seen[-1][:2] == (len(data), len(data))
            assert {thread for *_, thread in uploaded + seen} == {threading.get_ident()}

    run(main())


def test_cancelling_an_upload_stops_it(fake: FakeSimplicate) -> None:
    """``asyncio.wait_for`` timing out drops the Rust upload: no chunk is sent afterwards."""
    data = payload(375_000 * 20, seed=4)
    fake.inject("upload/chunked/*", method="PUT", delay=0.2, times=None)

    async def main() -> None:
        async with fake.async_client() as client:
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(client.upload(data, file_name="big.bin"), 0.5)
            await asyncio.sleep(0.3)  # the chunk in flight is logged when the fake answers it
            sent = len(chunk_puts(fake))
            await asyncio.sleep(0.6)
            assert len(chunk_puts(fake)) == sent < 20

    run(main())


def test_cancelling_a_download_to_a_path_leaves_nothing(fake: FakeSimplicate, tmp_path) -> None:
    data = payload(2_000_000, seed=6)

    async def main() -> None:
        async with fake.async_client() as client:
            doc = await make_document(client, fake, data)
            fake.inject(f"documents/download/{doc}", delay=2.0)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(client.download(doc, tmp_path / "d.bin"), 0.3)

    run(main())
    # The cancelled future is dropped on the runtime's thread, just after the task gives up;
    # dropping it removes the temporary file.
    for _ in range(500):
        if not any(tmp_path.iterdir()):
            break
        time.sleep(0.01)
    assert list(tmp_path.iterdir()) == []


def test_the_event_loop_keeps_ticking_during_a_transfer(
    fake: FakeSimplicate, frozen_gc: None
) -> None:
    data = payload(8_000_000, seed=8)
    lateness: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lateness.append(time.perf_counter() - before - 0.01)

    async def main() -> None:
        stop = asyncio.Event()
        tick = asyncio.create_task(ticker(stop))
        async with fake.async_client() as client:
            doc = await make_document(client, fake, data)
            assert await client.download(doc) == data
        stop.set()
        await tick

    run(main())
    assert len(lateness) > 5
    assert max(lateness) < 0.05

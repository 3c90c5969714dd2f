"""Uploads, documents and downloads against the fake: byte-exact round trips, chunk boundaries,
faults mid-transfer, bad input before anything is sent, and bounded memory."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import textwrap

import pytest

import simplicate
from simplicate.testing import FakeSimplicate

from .interrupt import assert_ctrl_c_interrupts

FAST = {"retry_backoff": 0.01, "retry_backoff_max": 0.05}


def payload(size: int, seed: int = 7) -> bytes:
    """Deterministic bytes that are not compressible or base64-friendly."""
    out = bytearray()
    block = seed.to_bytes(8, "little")
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


def doc_type(fake: FakeSimplicate) -> str:
    return fake.records("documents/documenttype")[0]["id"]


def person(fake: FakeSimplicate) -> str:
    return fake.records("crm/person")[0]["id"]


def chunk_puts(fake: FakeSimplicate) -> list:
    return [r for r in fake.requests if r.method == "PUT" and "upload/chunked/" in r.path]


@pytest.mark.parametrize("size", [1, 858, 374_999, 375_000, 375_001, 750_001, 5_000_000])
def test_round_trip(fake: FakeSimplicate, tmp_path, size: int) -> None:
    data = payload(size)
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    with fake.client() as client:
        doc = client.upload_document(
            source,
            title="Report",
            document_type_id=doc_type(fake),
            linked_to={"person_id": person(fake)},
        )
        got = client.download(doc)
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    assert got.content_type == "application/pdf"
    assert got.file_name == "report.pdf"
    assert len(chunk_puts(fake)) == -(-size // 375_000)


def test_sources_bytes_and_file_objects(fake: FakeSimplicate, tmp_path) -> None:
    data = payload(400_000, seed=3)
    with fake.client() as client:
        from_bytes = client.upload(data, file_name="a.bin")
        from_view = client.upload(memoryview(data), file_name="b.bin")
        with open(tmp_path / "c.bin", "wb") as f:
            f.write(data)
        with open(tmp_path / "c.bin", "rb") as f:
            from_file = client.upload(f)
        from_buffer = client.upload(io.BytesIO(data), file_name="d.bin")
    ids = {from_bytes, from_view, from_file, from_buffer}
    assert len(ids) == 4 and all(i.startswith("uploadqueue:") for i in ids)


def test_octet_stream_for_other_files_and_dest_forms(fake: FakeSimplicate, tmp_path) -> None:
    data = payload(100_000, seed=5)
    with fake.client() as client:
        doc = client.upload_document(
            data,
            file_name="data.bin",
            title="Data",
            document_type_id=doc_type(fake),
            linked_to={"person_id": person(fake)},
        )
        written = client.download(doc, tmp_path / "out.bin")
        buffer = io.BytesIO()
        into = client.download(doc, buffer)
    assert written.path == tmp_path / "out.bin"
    assert (tmp_path / "out.bin").read_bytes() == data
    assert (written.size, written.content_type) == (len(data), "application/octet-stream")
    assert buffer.getvalue() == data and into.path is None and into.size == len(data)


def test_a_chunk_answered_503_is_sent_again_and_lands_once(fake: FakeSimplicate) -> None:
    data = payload(1_000_000, seed=9)
    fake.inject("upload/chunked/*", method="PUT", status=503, times=1)
    with fake.client(**FAST) as client:
        doc = client.upload_document(
            data, file_name="x.bin", title="X", document_type_id=doc_type(fake),
            linked_to={"person_id": person(fake)},
        )  # fmt: skip
        assert client.download(doc) == data


def test_a_chunk_whose_answer_was_lost_is_not_appended_twice(fake: FakeSimplicate) -> None:
    """The server applied the chunk, then the connection broke before the answer arrived: the
    client asks where the upload stands and moves on instead of sending the chunk again."""
    data = payload(1_000_000, seed=11)
    fault = fake.inject("upload/chunked/*", method="PUT", drop_connection=True, times=1)
    with fake.client(**FAST) as client:
        doc = client.upload_document(
            data, file_name="y.bin", title="Y", document_type_id=doc_type(fake),
            linked_to={"person_id": person(fake)},
        )  # fmt: skip
        assert client.download(doc) == data
    assert fault.hits == 1


def test_bad_sources_raise_before_anything_is_sent(fake: FakeSimplicate, tmp_path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    unreadable = tmp_path / "secret.pdf"
    unreadable.write_bytes(b"x")
    unreadable.chmod(0)
    with fake.client() as client:
        with pytest.raises(FileNotFoundError, match=r"missing\.pdf"):
            client.upload(tmp_path / "missing.pdf")
        with pytest.raises(IsADirectoryError):
            client.upload(tmp_path)
        with pytest.raises(ValueError, match="empty"):
            client.upload(empty)
        with pytest.raises(ValueError, match="empty"):
            client.upload(b"", file_name="x")
        with pytest.raises(ValueError, match="file_name"):
            client.upload(b"abc")
        with pytest.raises(TypeError, match="binary mode"):
            client.upload(io.StringIO("text"))
        with pytest.raises(TypeError, match="source must be"):
            client.upload(12345)  # type: ignore[arg-type]
        if os.geteuid() != 0:  # root reads anything
            with pytest.raises(PermissionError):
                client.upload(unreadable)
        with pytest.raises(ValueError, match="linked_to"):
            client.upload_document(
                b"x", file_name="x", title="t", document_type_id="d", linked_to={}
            )
    assert fake.requests == []


def test_non_seekable_streams_are_refused(fake: FakeSimplicate) -> None:
    read_end, write_end = os.pipe()
    os.close(write_end)
    with (
        open(read_end, "rb") as pipe,
        fake.client() as client,
        pytest.raises(ValueError, match="seekable"),
    ):
        client.upload(pipe, file_name="p.bin")
    assert fake.requests == []


def test_a_failed_download_leaves_no_file(fake: FakeSimplicate, tmp_path) -> None:
    with fake.client(max_retries=0) as client:
        doc = client.upload_document(
            payload(300_000), file_name="z.bin", title="Z", document_type_id=doc_type(fake),
            linked_to={"person_id": person(fake)},
        )  # fmt: skip
        fake.inject(f"documents/download/{doc}", drop_connection=True, times=1)
        with pytest.raises(simplicate.APIConnectionError):
            client.download(doc, tmp_path / "z.bin")
        with pytest.raises(simplicate.NotFoundError):
            client.download("document:doesnotexist", tmp_path / "z.bin")
    assert list(tmp_path.iterdir()) == []


def test_a_broken_download_starts_over(fake: FakeSimplicate, tmp_path) -> None:
    data = payload(600_000, seed=2)
    with fake.client(**FAST) as client:
        doc = client.upload_document(
            data, file_name="w.bin", title="W", document_type_id=doc_type(fake),
            linked_to={"person_id": person(fake)},
        )  # fmt: skip
        # Broken twice (a truncated body with an honest Content-Length cannot be told from a
        # whole one, so the faults are dropped connections).
        fake.inject(f"documents/download/{doc}", drop_connection=True, times=2)
        assert client.download(doc, tmp_path / "w.bin").size == len(data)
        assert client.download(doc) == data
    assert (tmp_path / "w.bin").read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.bin"]


def test_bad_download_arguments(fake: FakeSimplicate, tmp_path) -> None:
    with fake.client() as client:
        with pytest.raises(ValueError, match="document_id"):
            client.download("")
        with pytest.raises(ValueError, match="document_id"):
            client.download("a/../b")
        with pytest.raises(FileNotFoundError, match="does not exist"):
            client.download("document:x", tmp_path / "no" / "such" / "dir.bin")
        with pytest.raises(IsADirectoryError):
            client.download("document:x", tmp_path)
        with pytest.raises(TypeError, match="binary mode"):
            client.download("document:x", io.StringIO())
        with pytest.raises(IsADirectoryError):  # checked before the invoice's lookup
            client.download_invoice_pdf("invoice:x", tmp_path)
        with pytest.raises(ValueError, match="invoice_id"):
            client.download_invoice_pdf(" ")
    assert fake.requests == []


def test_invoice_pdf_use_case(fake: FakeSimplicate, tmp_path) -> None:
    invoice = fake.records("invoices/invoice")[0]["id"]
    with fake.client() as client:
        info = client.download_invoice_pdf(invoice, tmp_path / "invoice.pdf")
        with pytest.raises(simplicate.NotFoundError, match="no PDF"):
            client.download_invoice_pdf("invoice:0000000000000000")
    assert info.content_type == "application/pdf"
    assert (tmp_path / "invoice.pdf").read_bytes().startswith(b"%PDF")
    queries = [r.params for r in fake.requests if r.path.endswith("invoices/document")]
    assert queries[0]["q[linked_to.invoice_id]"] == [invoice]


def test_timeline_attachment(fake: FakeSimplicate) -> None:
    message = fake.records("timeline/message")
    if not message:
        message_id = fake.add("timeline/message", {"title": "Hello"})
    else:
        message_id = message[0]["id"]
    with fake.client() as client:
        doc = client.upload_document(
            b"%PDF-1.4 tiny", file_name="t.pdf", title="T", document_type_id=doc_type(fake),
            linked_to={"person_id": person(fake)},
        )  # fmt: skip
        attachment = client.timeline.attachment.create(
            {"message_id": message_id, "document_id": doc}
        )
    assert attachment.startswith("attachment:")


def test_progress_callbacks(fake: FakeSimplicate) -> None:
    data = payload(900_000)
    seen: list[tuple[int, int | None]] = []
    with fake.client() as client:
        doc = client.upload_document(
            data, file_name="p.bin", title="P", document_type_id=doc_type(fake),
            linked_to={"person_id": person(fake)}, progress=lambda d, t: seen.append((d, t)),
        )  # fmt: skip
        assert seen[0] == (0, len(data)) and seen[-1] == (len(data), len(data))
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
        seen.clear()
        client.download(doc, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (len(data), len(data))


def test_progress_true_draws_a_tqdm_bar(fake: FakeSimplicate, monkeypatch) -> None:
    import types

    bars: list[object] = []

    class Bar:
        def __init__(self, **kwargs: object) -> None:
            self.kwargs, self.total, self.n, self.closed = kwargs, None, 0, False
            bars.append(self)

        def update(self, step: int) -> None:
            self.n += step

        def close(self) -> None:
            self.closed = True

    module = types.ModuleType("tqdm.auto")
    module.tqdm = Bar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", module)
    data = payload(500_000)
    with fake.client() as client:
        client.upload(data, file_name="bar.bin", progress=True)
    (bar,) = bars
    assert (bar.total, bar.n, bar.closed) == (len(data), len(data), True)
    assert bar.kwargs["unit"] == "B"


def test_progress_true_without_tqdm_warns(fake: FakeSimplicate, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with fake.client() as client, pytest.warns(UserWarning, match="tqdm"):
        client.upload(b"abc", file_name="a.bin", progress=True)


def test_memory_stays_flat_for_a_200_mb_file(tmp_path) -> None:
    """A client process uploads and downloads 200 MB from a fake in another process; its peak
    RSS grows by at most 20 MB."""
    source = tmp_path / "big.bin"
    with open(source, "wb") as f:
        block = payload(1 << 20, seed=13)
        for _ in range(200):
            f.write(block)
    script = textwrap.dedent(
        f"""
        import subprocess, sys, simplicate
        from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET

        def status(field):
            for line in open("/proc/self/status"):
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024

        server = subprocess.Popen(
            [sys.executable, "-m", "simplicate.testing", "serve", "--seed", "1"],
            stdout=subprocess.PIPE, text=True,
        )
        try:
            url = server.stdout.readline().split()[-1]
            client = simplicate.Client(
                base_url=url, api_key=DEFAULT_API_KEY, api_secret=DEFAULT_API_SECRET,
                rate_limit=None,
            )
            kind = client.documents.documenttype.list(limit=1).first()["id"]
            who = client.crm.person.list(limit=1).first()["id"]
            client.upload(b"warm up", file_name="w.bin")
            base = status("VmRSS")
            doc = client.upload_document(
                {str(source)!r}, title="big", document_type_id=kind,
                linked_to={{"person_id": who}},
            )
            info = client.download(doc, {str(tmp_path / "back.bin")!r})
            print(info.size, status("VmHWM") - base)
        finally:
            server.terminate()
            server.wait(10)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    ).stdout.split()
    size, growth = int(out[0]), float(out[1])
    assert size == 200 << 20
    assert growth <= 20, f"peak RSS grew {growth:.1f} MB"
    with open(tmp_path / "back.bin", "rb") as back, open(source, "rb") as original:
        assert hashlib.sha256(back.read()).digest() == hashlib.sha256(original.read()).digest()


@pytest.mark.parametrize("call", ["upload", "download"])
def test_ctrl_c_interrupts_a_transfer(fake: FakeSimplicate, call: str) -> None:
    """The transfer loops wait with the GIL released and still honour Ctrl-C."""
    fake.clear_faults()
    with fake.client() as client:
        doc = client.upload_document(
            b"x", file_name="x.bin", title="X", document_type_id=doc_type(fake),
            linked_to={"person_id": person(fake)},
        )  # fmt: skip
    fake.inject("upload/chunked/*", method="PUT", delay=5, times=None)
    fake.inject("documents/download/*", delay=5, times=None)
    action = (
        'c.upload(b"y" * 1_000_000, file_name="y.bin")'
        if call == "upload"
        else f"c.download({doc!r})"
    )
    # The fake logs a request when it answers, so the delayed one cannot be seen in flight:
    # give the child time to reach it (the delay is 5 s; the interrupt must not wait it out).
    assert_ctrl_c_interrupts(
        f"c = simplicate.Client(base_url={fake.url!r}, api_key={fake.api_key!r}, "
        f"api_secret={fake.api_secret!r}, rate_limit=None)",
        action,
        settle=1.0,
        timeout=3,
    )

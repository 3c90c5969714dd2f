"""The fake's file endpoints seen from Python with plain urllib (not our client): the
documentation's upload flow (``upload/chunked``, then ``documents/document`` with an
``upload_queue_id``, then a timeline attachment), downloads with their content types, the
invoice PDF use case, the empty-chunk probe a client resumes with, and the error answers.
Base64 comes from Python's standard library, sharing no code with the fake."""

from __future__ import annotations

import base64
import hashlib
import http.client
import random
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from simplicate.testing import FakeSimplicate

from .plain_http import Answer, call

UPLOAD = "upload/chunked"
DOCUMENTS = "documents/document"
DOWNLOAD = "documents/download"
CHUNK_BYTES = 375_000  # encodes to exactly 500,000 base64 characters
SMALL = {
    "crm/organization": 10,
    "crm/person": 10,
    "hours/hours": 10,
    "invoices/invoice": 8,
    "documents/document": 12,
}


@pytest.fixture
def fake() -> Iterator[FakeSimplicate]:
    with FakeSimplicate(records=SMALL) as server:
        yield server


def some_bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def start(fake: FakeSimplicate, name: str, size: int) -> str:
    body = {"file_name": name, "file_size": size}
    upload_id = call(fake.url, UPLOAD, method="POST", body=body).data["chunked_upload_id"]
    assert upload_id.startswith("chunkedupload:") and len(upload_id) == 14 + 32
    return upload_id


def put(fake: FakeSimplicate, upload_id: str, chunk: bytes | str) -> Answer:
    text = chunk if isinstance(chunk, str) else base64.b64encode(chunk).decode()
    return call(fake.url, f"{UPLOAD}/{upload_id}", method="PUT", body={"chunk": text})


def probe(fake: FakeSimplicate, upload_id: str) -> dict[str, Any]:
    return put(fake, upload_id, "").data


def upload(fake: FakeSimplicate, name: str, content: bytes, chunk: int = CHUNK_BYTES) -> str:
    """The upload_queue_id of `content`, uploaded in `chunk`-byte slices."""
    upload_id = start(fake, name, len(content))
    for offset in range(0, len(content), chunk):
        data = put(fake, upload_id, content[offset : offset + chunk]).data
    assert data["state"] == "done"
    return data["upload_queue_id"]


def first_id(fake: FakeSimplicate, path: str) -> str:
    return fake.records(path)[0]["id"]


def make_document(fake: FakeSimplicate, queue_id: str, title: str) -> str:
    body = {
        "upload_queue_id": queue_id,
        "title": title,
        "document_type_id": first_id(fake, "documents/documenttype"),
        "linked_to": {"person_id": first_id(fake, "crm/person")},
    }
    data = call(fake.url, DOCUMENTS, method="POST", body=body).data
    assert list(data) == ["id"]
    return data["id"]


def post_message(fake: FakeSimplicate, title: str) -> str:
    """A timeline message, of a message type planted for it (the seed has none, and a
    message's ``messagetype_id`` must name one)."""
    message_type = fake.add("timeline/messagetype", {"label": "Notitie"})
    body = {"messagetype_id": message_type, "title": title}
    return call(fake.url, "timeline/message", method="POST", body=body).data["id"]


def download(fake: FakeSimplicate, document_id: str) -> Answer:
    return call(fake.url, f"{DOWNLOAD}/{document_id}")


# ---- the documented flow -----------------------------------------------------------------------


def test_the_documented_flow(fake: FakeSimplicate) -> None:
    logo = b"\x89PNG\r\n\x1a\n" + some_bytes(850, 858)
    upload_id = start(fake, "simplicate-logo.png", 858)
    answer = put(fake, upload_id, logo).json()
    queue_id = answer["data"]["upload_queue_id"]
    assert queue_id.startswith("uploadqueue:") and len(queue_id) == 12 + 32
    assert answer == {
        "data": {
            "pointer": 1,
            "state": "done",
            "upload_queue_id": queue_id,
            "file_size_current": 858,
            "file_size_expected": 858,
            "download_url": "/download?name=simplicate-logo.png",
        },
        "errors": None,
        "debug": None,
    }
    document_id = make_document(fake, queue_id, "simplicate-logo.png")
    record = call(fake.url, f"{DOCUMENTS}/{document_id}").data
    assert (record["file_name"], record["file_size"]) == ("simplicate-logo.png", 858)
    assert record["content_type"] == "application/octet-stream"

    got = download(fake, document_id)
    assert got.status == 200
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-length"] == "858"
    assert got.headers["content-disposition"] == 'attachment; filename="simplicate-logo.png"'
    assert hashlib.sha256(got.body).hexdigest() == hashlib.sha256(logo).hexdigest()

    message = post_message(fake, "Logo")
    body = {"message_id": message, "document_id": document_id}
    attachment = call(fake.url, "timeline/attachment", method="POST", body=body).data["id"]
    assert attachment.startswith("attachment:")
    listed = call(fake.url, f"timeline/message/{message}").data["attachments"]
    assert [a["id"] for a in listed] == [attachment]
    assert call(fake.url, f"timeline/attachment/{attachment}", method="DELETE").data is None
    assert call(fake.url, f"timeline/message/{message}").data["attachments"] == []


@pytest.mark.parametrize(
    ("size", "pointers"),
    [(374_999, [1]), (375_000, [1]), (375_001, [1, 2]), (750_000, [1, 2])],
)
def test_chunk_boundaries(fake: FakeSimplicate, size: int, pointers: list[int]) -> None:
    content = some_bytes(size, size)
    upload_id = start(fake, "data.bin", size)
    answers = [
        put(fake, upload_id, content[offset : offset + CHUNK_BYTES]).data
        for offset in range(0, size, CHUNK_BYTES)
    ]
    assert [a["pointer"] for a in answers] == pointers
    assert [a["state"] for a in answers] == ["in_progress"] * (len(pointers) - 1) + ["done"]
    assert [a["file_size_current"] for a in answers] == [
        min(p * CHUNK_BYTES, size) for p in pointers
    ]
    document_id = make_document(fake, answers[-1]["upload_queue_id"], "data.bin")
    assert download(fake, document_id).body == content


def test_a_pdf_is_served_as_a_pdf(fake: FakeSimplicate) -> None:
    content = b"%PDF-1.7\n" + some_bytes(5000, 1) + b"\n%%EOF\n"
    document_id = make_document(fake, upload(fake, "Offerte café.pdf", content, 999), "Offerte")
    got = download(fake, document_id)
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"Offerte caf_.pdf\"; filename*=UTF-8''Offerte%20caf%C3%A9.pdf"
    )
    assert got.body == content


# ---- resuming with the probe -------------------------------------------------------------------


def test_a_client_resumes_after_a_lost_answer_with_the_empty_probe(fake: FakeSimplicate) -> None:
    """The assumption our client makes about the real API: when a PUT's answer is lost, an
    empty chunk tells how many bytes arrived, so nothing is appended twice or skipped."""
    content = some_bytes(10_000, 3)
    upload_id = start(fake, "resume.bin", len(content))
    assert probe(fake, upload_id) == {
        "pointer": 0,
        "state": "in_progress",
        "file_size_current": 0,
        "file_size_expected": 10_000,
    }
    put(fake, upload_id, content[:4000])
    put(fake, upload_id, content[4000:7000])  # pretend this answer never came back
    state = probe(fake, upload_id)
    assert (state["pointer"], state["file_size_current"]) == (2, 7000)
    done = put(fake, upload_id, content[state["file_size_current"] :]).data
    assert done["state"] == "done"
    # The probe answers the done state too, with the same upload_queue_id.
    assert probe(fake, upload_id) == done
    assert download(fake, make_document(fake, done["upload_queue_id"], "r")).body == content


# ---- error answers -----------------------------------------------------------------------------


def test_chunk_errors(fake: FakeSimplicate) -> None:
    upload_id = start(fake, "x.bin", 10)
    assert put(fake, upload_id, "A" * 500_001).error(400) == (
        "chunk exceeds 500 kB (base64 encoded): 500001 characters"
    )
    for bad in ["abc", "ab!d", "QUJD\n", "-_AA", "A==="]:
        assert put(fake, upload_id, bad).error(400).startswith("chunk is not valid base64")
    answer = call(fake.url, f"{UPLOAD}/{upload_id}", method="PUT", body={"chunk": 5})
    assert '"chunk"' in answer.error(400)
    assert probe(fake, upload_id)["file_size_current"] == 0

    put(fake, upload_id, b"12345678")
    message = put(fake, upload_id, b"abc").error(400)
    assert "nothing was appended" in message
    assert probe(fake, upload_id)["file_size_current"] == 8
    assert put(fake, upload_id, b"90").data["state"] == "done"
    assert put(fake, upload_id, b"!").error(400) == "upload is done; no new chunks are accepted"

    nobody = "chunkedupload:" + "0" * 32
    assert nobody in put(fake, nobody, b"abc").error(404)
    assert nobody in put(fake, nobody, "").error(404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "file_name"),
        ({"file_name": "", "file_size": 3}, "file_name"),
        ({"file_name": 3, "file_size": 3}, "file_name"),
        ({"file_name": "a"}, "file_size"),
        ({"file_name": "a", "file_size": 0}, "file_size"),
        ({"file_name": "a", "file_size": -5}, "file_size"),
        ({"file_name": "a", "file_size": 2.5}, "file_size"),
        ({"file_name": "a", "file_size": "many"}, "file_size"),
    ],
)
def test_starting_an_upload_names_the_bad_field(
    fake: FakeSimplicate, body: dict[str, Any], field: str
) -> None:
    assert f'"{field}"' in call(fake.url, UPLOAD, method="POST", body=body).error(400)


def test_an_upload_backs_one_document(fake: FakeSimplicate) -> None:
    queue_id = upload(fake, "once.bin", b"once")
    document_id = make_document(fake, queue_id, "once")
    body = {
        "upload_queue_id": queue_id,
        "title": "twice",
        "document_type_id": first_id(fake, "documents/documenttype"),
        "linked_to": {"person_id": first_id(fake, "crm/person")},
    }
    message = call(fake.url, DOCUMENTS, method="POST", body=body).error(400)
    assert "already used" in message and document_id in message
    body["upload_queue_id"] = "uploadqueue:" + "0" * 32
    assert (
        call(fake.url, DOCUMENTS, method="POST", body=body)
        .error(400)
        .startswith("unknown upload_queue_id")
    )
    assert "document:nope" in download(fake, "document:nope").error(404)


# ---- seeded documents and the invoice PDF ------------------------------------------------------


def test_seeded_documents_download(fake: FakeSimplicate) -> None:
    for record in fake.records(DOCUMENTS):
        got = download(fake, record["id"])
        assert got.status == 200
        quoted = record["title"].replace("\\", "\\\\").replace('"', '\\"')
        assert got.headers["content-disposition"].startswith("attachment; filename=")
        if record["title"].lower().endswith(".pdf"):
            assert got.headers["content-type"] == "application/pdf"
            assert got.body.startswith(b"%PDF-1.4\n") and got.body.endswith(b"%%EOF\n")
            assert f"({record['id']})".encode() in got.body
        else:
            assert got.headers["content-type"] == "application/octet-stream"
            assert 256 <= len(got.body) < 1024
        if quoted.isascii():
            assert got.headers["content-disposition"] == f'attachment; filename="{quoted}"'
        assert download(fake, record["id"]).body == got.body


def test_the_invoice_pdf_use_case(fake: FakeSimplicate) -> None:
    invoices = call(fake.url, "invoices/invoice").data
    assert len(invoices) == 8
    assert len(fake.records("invoices/document")) == 8
    for invoice in invoices:
        query = urllib.parse.urlencode({"q[linked_to.invoice_id]": invoice["id"]})
        [document] = call(fake.url, f"invoices/document?{query}").data
        title = f"Factuur {invoice['invoice_number']}.pdf"
        assert document["title"] == title
        assert document["linked_to"] == {"invoice_id": invoice["id"]}
        got = download(fake, document["id"])
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["content-disposition"] == f'attachment; filename="{title}"'
        assert len(got.body) == document["file_size"]
        assert got.body.startswith(b"%PDF-1.4\n")


def test_timeline_attachment_errors(fake: FakeSimplicate) -> None:
    message = post_message(fake, "m")
    invoice_document = first_id(fake, "invoices/document")
    ok = {"message_id": message, "document_id": invoice_document}
    assert call(fake.url, "timeline/attachment", method="POST", body=ok).status == 200
    for body, status, field in [
        ({"document_id": invoice_document}, 400, "message_id"),
        ({"message_id": message}, 400, "document_id"),
        ({"message_id": "message:nope", "document_id": invoice_document}, 400, "message_id"),
        ({"message_id": message, "document_id": "document:nope"}, 400, "document_id"),
    ]:
        answer = call(fake.url, "timeline/attachment", method="POST", body=body)
        assert field in answer.error(status)
    assert call(fake.url, "timeline/attachment/attachment:nope", method="DELETE").status == 404


# ---- faults and reset --------------------------------------------------------------------------


def test_faults_cut_the_download(fake: FakeSimplicate) -> None:
    content = some_bytes(100_000, 9)
    document_id = make_document(fake, upload(fake, "cut.bin", content), "cut")
    fake.inject(f"{DOWNLOAD}/*", truncate=True)
    got = download(fake, document_id)
    assert (got.status, got.headers["content-length"]) == (200, "50000")
    assert got.body == content[:50_000]

    fake.inject(f"{DOWNLOAD}/*", drop_connection=True)
    with pytest.raises(http.client.IncompleteRead) as cut:
        download(fake, document_id)
    assert 0 < len(cut.value.partial) < len(content)
    assert content.startswith(cut.value.partial)
    assert download(fake, document_id).body == content


def test_reset_forgets_uploads(fake: FakeSimplicate) -> None:
    upload_id = start(fake, "gone.bin", 4)
    document_id = make_document(fake, upload(fake, "doc.bin", b"doc"), "doc")
    fake.reset()
    assert put(fake, upload_id, "").status == 404
    assert download(fake, document_id).status == 404

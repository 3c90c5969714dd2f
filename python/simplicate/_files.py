"""Files in and out: chunked upload, documents, downloads (the Rust side is
``crates/py/src/files.rs``).

This module checks a transfer's arguments and plans it, before anything is sent; the clients
hand the plan to their native transport, sync or async, and present what it returns.

Everything streams: an upload reads and base64-encodes one 375,000-byte slice at a time (500 kB
of base64, the API's limit per chunk), a download writes the body as it arrives, so memory
stays bounded whatever the file size.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Union

from ._exceptions import NotFoundError
from ._progress import ProgressCallback, reporter

__all__ = ["DownloadedBytes", "DownloadedFile", "UploadSource"]


UploadSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]


class DownloadedBytes(bytes):
    """The downloaded file's bytes, with what the server said about them."""

    content_type: str | None
    file_name: str | None

    def __new__(
        cls, data: bytes, content_type: str | None, file_name: str | None
    ) -> DownloadedBytes:
        obj = super().__new__(cls, data)
        obj.content_type = content_type
        obj.file_name = file_name
        return obj


@dataclass(frozen=True)
class DownloadedFile:
    """A download written to ``dest``."""

    path: Path | None
    """Where it was written (None when ``dest`` was a file object)."""
    size: int
    content_type: str | None
    file_name: str | None
    """The file name the server suggested (Content-Disposition), if any."""


def upload_args(
    source: UploadSource, file_name: str | None, progress: bool | ProgressCallback | None
) -> dict[str, Any]:
    """Check an upload's arguments (before anything is sent) and turn them into the keyword
    arguments of the native ``upload`` (sync and async alike)."""
    if file_name is not None and (not isinstance(file_name, str) or not file_name.strip()):
        raise ValueError(f"file_name must be a non-empty str, got {file_name!r}")
    kwargs: dict[str, Any] = {}
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"source {str(path)!r} does not exist")
        if path.is_dir():
            raise IsADirectoryError(f"source {str(path)!r} is a directory, not a file")
        if not os.access(path, os.R_OK):
            raise PermissionError(f"source {str(path)!r} is not readable")
        size = path.stat().st_size
        kwargs["path"] = os.fspath(path)
        name = file_name or path.name
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source) if isinstance(source, memoryview) else source
        size = len(data)
        kwargs["data"] = data
        if file_name is None:
            raise ValueError("file_name is required when the source is bytes")
        name = file_name
    elif hasattr(source, "read"):
        if isinstance(source, io.TextIOBase):
            raise TypeError("source is a text file: open it in binary mode ('rb')")
        try:
            start = source.tell()
            size = source.seek(0, io.SEEK_END) - start
            source.seek(start)
        except (AttributeError, OSError, io.UnsupportedOperation) as exc:
            raise ValueError(
                "source must be seekable, so that its size is known before the upload starts "
                "(or pass the bytes)"
            ) from exc
        kwargs["reader"] = source
        given = getattr(source, "name", None)
        named = file_name or (os.path.basename(given) if isinstance(given, str) else None)
        if not named:
            raise ValueError("file_name is required: the file object has no name")
        name = named
    else:
        raise TypeError(
            "source must be a path, bytes-like, or a binary file object, "
            f"got {type(source).__name__}"
        )
    if size == 0:
        raise ValueError("source is empty: there is nothing to upload")
    kwargs.update(
        file_name=name,
        file_size=size,
        progress=reporter(progress, f"upload {name}", unit="B", stacklevel=4),
    )
    return kwargs


class DownloadPlan:
    """A checked download: what to fetch, the native keyword arguments, and how to present the
    native result (sync and async alike)."""

    __slots__ = ("kwargs", "path", "target")

    def __init__(
        self,
        what: str,
        path: str,
        dest: str | os.PathLike[str] | BinaryIO | None,
        progress: bool | ProgressCallback | None,
    ) -> None:
        self.path = path
        self.target: Path | None = None
        self.kwargs: dict[str, Any] = {}
        if isinstance(dest, str | os.PathLike):
            target = Path(dest)
            if target.is_dir():
                raise IsADirectoryError(f"dest {str(target)!r} is a directory; name the file")
            parent = target.parent
            if not parent.is_dir():
                raise FileNotFoundError(f"dest's directory {str(parent)!r} does not exist")
            self.target = target
            self.kwargs["dest_path"] = os.fspath(target)
        elif dest is not None:
            if not hasattr(dest, "write"):
                raise TypeError(
                    f"dest must be a path or a binary file object, got {type(dest).__name__}"
                )
            if isinstance(dest, io.TextIOBase):
                raise TypeError("dest is a text file: open it in binary mode ('wb')")
            self.kwargs["writer"] = dest
        self.kwargs["progress"] = reporter(progress, f"download {what}", unit="B", stacklevel=5)

    def result(
        self, native: tuple[bytes | None, str | None, int, str | None]
    ) -> DownloadedBytes | DownloadedFile:
        data, content_type, size, name = native
        if data is not None:
            return DownloadedBytes(data, content_type, name)
        return DownloadedFile(self.target, size, content_type, name)


def document_download(
    document_id: str,
    dest: str | os.PathLike[str] | BinaryIO | None,
    progress: bool | ProgressCallback | None,
) -> DownloadPlan:
    if not isinstance(document_id, str) or not document_id.strip():
        raise ValueError(f"document_id must be a non-empty str, got {document_id!r}")
    if "/" in document_id or document_id in (".", ".."):
        raise ValueError(f"document_id {document_id!r} is not a document id")
    return DownloadPlan(document_id, f"documents/download/{document_id}", dest, progress)


def document_body(
    *,
    title: str,
    document_type_id: str,
    linked_to: dict[str, str],
    description: str | None,
) -> dict[str, Any]:
    """Check a document's fields (before the upload starts); the create body without its
    ``upload_queue_id``."""
    for name, value in (("title", title), ("document_type_id", document_type_id)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty str, got {value!r}")
    if not isinstance(linked_to, dict) or not linked_to:
        raise ValueError(
            "linked_to must name what the document belongs to, e.g. {'person_id': 'person:...'}"
        )
    if description is not None and not isinstance(description, str):
        raise TypeError(f"description must be a str, got {type(description).__name__}")
    body: dict[str, Any] = {
        "title": title,
        "document_type_id": document_type_id,
        "linked_to": linked_to,
    }
    if description is not None:
        body["description"] = description
    return body


class InvoicePdf:
    """The documented invoice use case, checked before anything is sent: the lookup of the
    invoice's PDF document (``invoices/document?q[linked_to.invoice_id]=...``), then the download
    of the document it finds (sync and async alike)."""

    path = "invoices/document"

    def __init__(
        self,
        invoice_id: str,
        dest: str | os.PathLike[str] | BinaryIO | None,
        progress: bool | ProgressCallback | None,
    ) -> None:
        if not isinstance(invoice_id, str) or not invoice_id.strip():
            raise ValueError(f"invoice_id must be a non-empty str, got {invoice_id!r}")
        self.invoice_id = invoice_id
        self.params: dict[str, Any] = {"q[linked_to.invoice_id]": invoice_id, "limit": 1}
        self._plan = DownloadPlan(invoice_id, "", dest, progress)  # its path once found

    def download_plan(self, envelope: dict[str, Any], base_url: str) -> DownloadPlan:
        """The download of the document the lookup answered, or NotFoundError."""
        documents = envelope.get("data") or []
        if not documents:
            raise NotFoundError(
                f"no PDF document is linked to invoice {self.invoice_id}",
                status_code=404,
                method="GET",
                url=f"{base_url}/{self.path}",
                errors=[],
                body=envelope,
            )
        self._plan.path = f"documents/download/{documents[0]['id']}"
        return self._plan

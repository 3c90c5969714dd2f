"""The public API is pinned: adding or removing a name is a decision, not an accident."""

from __future__ import annotations

import simplicate
import simplicate.testing


def test_public_names() -> None:
    assert sorted(simplicate.__all__) == [
        "APIConnectionError",
        "APIStatusError",
        "APITimeoutError",
        "AsyncClient",
        "AsyncPager",
        "AuthenticationError",
        "BadRequestError",
        "Client",
        "ConfigurationError",
        "DecodeError",
        "DownloadedBytes",
        "DownloadedFile",
        "NotFoundError",
        "Pager",
        "PermissionDeniedError",
        "RateLimitError",
        "ServerError",
        "ServiceUnavailableError",
        "SimplicateError",
        "SyncResult",
        "UnprocessableEntityError",
        "__version__",
    ]
    for name in simplicate.__all__:
        assert getattr(simplicate, name) is not None
    assert sorted(simplicate.testing.__all__) == [
        "DEFAULT_API_KEY",
        "DEFAULT_API_SECRET",
        "FakeRequest",
        "FakeSimplicate",
        "InjectedFault",
    ]


def test_exceptions_present_themselves_as_public() -> None:
    assert simplicate.NotFoundError.__module__ == "simplicate._exceptions"
    assert simplicate.__version__.count(".") == 2


def test_importing_starts_no_threads() -> None:
    import subprocess
    import sys

    code = "import threading, simplicate; print(threading.active_count())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"
    # and no native runtime threads either
    code = "import os, simplicate;print(len(os.listdir(f'/proc/{os.getpid()}/task')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"

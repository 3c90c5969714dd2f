"""The extension links no OpenSSL (rustls only), so one manylinux wheel runs everywhere."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from simplicate import _core


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF check")
@pytest.mark.skipif(shutil.which("ldd") is None, reason="needs ldd")
def test_native_module_does_not_link_openssl() -> None:
    libs = subprocess.run(
        ["ldd", _core.__file__], capture_output=True, text=True, check=True
    ).stdout
    assert "libssl" not in libs and "libcrypto" not in libs, libs
    assert _core.__file__.endswith(".abi3.so")

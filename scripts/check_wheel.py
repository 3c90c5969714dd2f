"""Prove that each built wheel is what its file name says, before anyone installs it.

For every wheel given:

- it is one abi3 wheel for CPython >= 3.10 (``cp310-abi3``);
- for manylinux: ``auditwheel show`` finds it consistent with the platform tag in its name (no
  symbol needs a newer glibc than the tag allows);
- for musllinux (``auditwheel show`` needs a musl system to find the libc, so by inspection,
  against auditwheel's own musllinux policy): its shared objects need only the libraries that
  policy allows (``libc.so``), or musl's libc under Alpine's name (``libc.musl-<arch>.so.1``),
  and no glibc symbol version. musl's loader answers any ``libc.*`` request with itself
  (``load_library`` in musl's ``ldso/dynlink.c``), so both names load on every musl system;
  ``scripts/musl_python.sh`` builds a musl CPython to prove it by running one;
- no shared object in it links OpenSSL or carries OpenSSL symbols (TLS is rustls).

    python scripts/check_wheel.py dist/*.whl        # exit 1, with the reasons, on any failure

Needs ``auditwheel`` (which brings ``pyelftools``) from PyPI; it works on any machine, whatever
the wheel's architecture, because it only reads the files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import zipfile
from importlib.resources import files
from pathlib import Path

from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile

OPENSSL_LIBS = re.compile(r"^lib(ssl|crypto)\.so")
OPENSSL_SYMBOLS = re.compile(r"^(SSL_|OPENSSL_|EVP_|ERR_get_error$)")
CONSISTENT = re.compile(r'is consistent with the following platform tag:\s*"([^"]+)"', re.S)


def platform_tags(wheel: Path) -> list[str]:
    """``simplicate-0.1.0-cp310-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl`` →
    ``["manylinux2014_x86_64", "manylinux_2_17_x86_64"]``."""
    return wheel.name.removesuffix(".whl").split("-")[-1].split(".")


def check_abi(wheel: Path) -> list[str]:
    parts = wheel.name.removesuffix(".whl").split("-")
    if parts[-3:-1] != ["cp310", "abi3"]:
        return [f"expected a cp310-abi3 wheel, got {'-'.join(parts[-3:-1])}"]
    return []


def check_auditwheel(wheel: Path) -> list[str]:
    shown = subprocess.run(
        [sys.executable, "-m", "auditwheel", "show", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    found = CONSISTENT.search(" ".join(shown.stdout.split()))
    if shown.returncode != 0 or found is None:
        return [f"auditwheel show failed: {shown.stdout.strip()} {shown.stderr.strip()}"]
    consistent = found.group(1)
    if consistent not in platform_tags(wheel):
        return [f"named {platform_tags(wheel)} but auditwheel finds it {consistent!r}"]
    return []


def shared_objects(archive: zipfile.ZipFile, into: str) -> list[tuple[str, Path]]:
    return [
        (name, Path(archive.extract(name, into)))
        for name in archive.namelist()
        if re.search(r"\.so(\.|$)", name)
    ]


def needed(elf: ELFFile) -> list[str]:
    return [
        tag.needed
        for section in elf.iter_sections()
        if isinstance(section, DynamicSection)
        for tag in section.iter_tags()
        if tag.entry.d_tag == "DT_NEEDED"
    ]


def musl_allowed(tag: str) -> set[str]:
    """The libraries a ``musllinux_1_2_x86_64`` wheel may need: auditwheel's whitelist for
    ``musllinux_1_2``, plus the name Alpine gives musl's libc."""
    parsed = re.fullmatch(r"(musllinux_\d+_\d+)_(.+)", tag)
    if parsed is None:
        raise ValueError(f"not a musllinux platform tag: {tag!r}")
    policy, arch = parsed.groups()
    policies = json.loads(files("auditwheel.policy").joinpath("musllinux-policy.json").read_text())
    whitelist = next(p["lib_whitelist"] for p in policies if p["name"] == policy)
    return {*whitelist, f"libc.musl-{arch}.so.1"}


def check_musl(wheel: Path) -> list[str]:
    allowed = musl_allowed(platform_tags(wheel)[0])
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as archive:
        for name, path in shared_objects(archive, tmp):
            with path.open("rb") as handle:
                elf = ELFFile(handle)
                for lib in needed(elf):
                    if lib not in allowed:
                        problems.append(f"{name} needs {lib}; musllinux allows {sorted(allowed)}")
                versions = elf.get_section_by_name(".gnu.version_r")
                if versions is not None:
                    for _, auxiliaries in versions.iter_versions():
                        for aux in auxiliaries:
                            if aux.name.startswith("GLIBC_"):
                                problems.append(f"{name} needs the glibc symbol version {aux.name}")
                                break
    return problems


def check_no_openssl(wheel: Path) -> list[str]:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as archive:
        for name, path in shared_objects(archive, tmp):
            with path.open("rb") as handle:
                elf = ELFFile(handle)
                openssl = [lib for lib in needed(elf) if OPENSSL_LIBS.match(lib)]
                problems += [f"{name} links {lib}" for lib in openssl]
                symbols = elf.get_section_by_name(".dynsym")
                for symbol in symbols.iter_symbols() if symbols is not None else ():
                    if OPENSSL_SYMBOLS.match(symbol.name):
                        problems.append(f"{name} has the OpenSSL symbol {symbol.name}")
                        break
    return problems


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: python scripts/check_wheel.py WHEEL...", file=sys.stderr)
        return 2
    failed = False
    for wheel in map(Path, paths):
        musl = platform_tags(wheel)[0].startswith("musllinux")
        tag_check = check_musl(wheel) if musl else check_auditwheel(wheel)
        problems = check_abi(wheel) + tag_check + check_no_openssl(wheel)
        if problems:
            failed = True
            print(f"FAIL {wheel.name}")
            for problem in problems:
                print(f"  - {problem}")
        else:
            how = "musl libc only, by auditwheel's policy" if musl else "tag proven by auditwheel"
            print(f"ok   {wheel.name}: abi3, {how}, no OpenSSL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

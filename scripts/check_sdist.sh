#!/usr/bin/env bash
# Prove the sdist is enough to build from, the way pip builds it where no wheel fits: every
# file the build needs is in it, and pip, from its own clean unpack in an isolated build
# environment, turns it into a wheel.
#
#   bash scripts/check_sdist.sh dist/simplicate-*.tar.gz OUT_DIR
#
# Extra maturin options go in MATURIN_PEP517_ARGS, which maturin's build backend reads; CI
# asks for the manylinux2014 wheel this way, so the wheel it checks and smoke-tests is built
# from the sdist (`--zig` needs the `ziglang` package beside the `python3` on PATH).
set -euo pipefail
sdist=$(realpath "${1:?usage: check_sdist.sh SDIST OUT_DIR}")
out=$(realpath -m "${2:?usage: check_sdist.sh SDIST OUT_DIR}")
root=$(basename "$sdist" .tar.gz)

listing=$(tar tzf "$sdist")
missing=()
for member in Cargo.toml Cargo.lock pyproject.toml README.md \
  crates/api/Cargo.toml crates/fake/Cargo.toml crates/core/Cargo.toml crates/py/Cargo.toml \
  crates/py/src/lib.rs python/simplicate/__init__.py python/simplicate/py.typed \
  python/simplicate/_core.pyi python/simplicate/_resources/crm.pyi; do
  grep -qxF "$root/$member" <<<"$listing" || missing+=("$member")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "the sdist lacks: ${missing[*]}" >&2
  exit 1
fi
echo "sdist has the lock file, the four crates, the stubs and the README"

fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
python3 -m venv "$fresh/venv"
"$fresh/venv/bin/python" -m pip install -q --upgrade pip
"$fresh/venv/bin/python" -m pip wheel -q --no-deps --no-cache-dir "$sdist" -w "$out"
echo "built from the sdist: $(cd "$out" && ls -- *.whl)"

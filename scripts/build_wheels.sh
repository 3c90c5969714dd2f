#!/usr/bin/env bash
# Build the Linux wheels pip needs where our users run, plus the sdist, into dist/:
#
#   manylinux2014 (glibc 2.17) x86_64 and aarch64: RHEL/Rocky 8+, Debian 11, Ubuntu 20.04,
#     Amazon Linux 2, Graviton, Docker on Apple Silicon;
#   musllinux_1_2 x86_64 and aarch64: Alpine.
#
# Cross-compiled on one x86_64 Linux machine: rustup's targets for the Rust standard library,
# and zig (the `ziglang` package on PyPI) as the C compiler and linker, which links against the
# old glibc the tag promises instead of the machine's own. Each wheel is one abi3 wheel
# (CPython >= 3.10). Run from the repository root, in a virtualenv:
#
#   bash scripts/build_wheels.sh [TARGET ...]     # default: all four
#
# Then prove and try them (each script says what it needs):
#   python scripts/check_wheel.py dist/*.whl                         # tags, libc, no OpenSSL
#   bash scripts/smoke_wheel.sh dist/*manylinux2014_x86_64*.whl      # install and use
#   bash scripts/musl_python.sh && WHEELHOUSE=... bash scripts/smoke_wheel.sh \
#       dist/*musllinux_1_2_x86_64*.whl .cache/musl-python/bin/python3
#   bash scripts/smoke_wheel_aarch64.sh dist/*manylinux2014_aarch64*.whl   # under qemu
#   bash scripts/check_sdist.sh dist/*.tar.gz /tmp/from-sdist          # pip builds the sdist
# (zig links musl's libc by the name `libc.so`, which musl's loader answers with itself and
# auditwheel's musllinux policy allows; Alpine's own builds say `libc.musl-<arch>.so.1`.)
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A COMPAT=(
  [x86_64-unknown-linux-gnu]=manylinux2014
  [aarch64-unknown-linux-gnu]=manylinux2014
  [x86_64-unknown-linux-musl]=musllinux_1_2
  [aarch64-unknown-linux-musl]=musllinux_1_2
)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl)
fi

python -m pip install -q "maturin>=1.9.4,<2" ziglang
mkdir -p dist
for target in "${targets[@]}"; do
  compat=${COMPAT[$target]:?"unknown target $target; known: ${!COMPAT[*]}"}
  rustup target add "$target" >/dev/null
  echo "=== $target ($compat)"
  maturin build --release --zig --target "$target" --compatibility "$compat" --out dist
done
echo "=== sdist"
maturin sdist --out dist
ls -l dist

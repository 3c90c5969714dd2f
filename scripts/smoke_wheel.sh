#!/usr/bin/env bash
# Install one built wheel into a fresh virtualenv and use it the way a user first does
# (smoke_wheel.py: import, a pull from the bundled fake server over loopback, to_arrow). Run
# outside the repository, so nothing but the wheel can be imported. PYTHON may be another
# interpreter, such as the musl one scripts/musl_python.sh builds.
#
#   bash scripts/smoke_wheel.sh dist/simplicate-*-manylinux2014_x86_64*.whl [PYTHON=python3]
#   WHEELHOUSE=DIR bash scripts/smoke_wheel.sh WHEEL PYTHON
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wheel=$(realpath "${1:?usage: smoke_wheel.sh WHEEL [PYTHON]}")
python=${2:-python3}
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
"$python" -m venv "$fresh/venv"
bin="$fresh/venv/bin"
[ -d "$bin" ] || bin="$fresh/venv/Scripts"  # Windows
# WHEELHOUSE: a folder of wheels to install from instead of PyPI, for an interpreter that has
# no TLS of its own (the musl one) or no network.
"$bin/python" -m pip install -q ${WHEELHOUSE:+--no-index --find-links "$WHEELHOUSE"} "$wheel" "pyarrow>=14"
cd "$fresh"
"$bin/python" "$here/smoke_wheel.py"

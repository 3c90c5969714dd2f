#!/usr/bin/env bash
# Install one built wheel into a fresh virtualenv and use it the way a user first does: import,
# a pull from the bundled fake server over loopback, and a table (to_arrow). Run outside the
# repository, so nothing but the wheel can be imported.
#
#   bash scripts/smoke_wheel.sh dist/simplicate-*-manylinux2014_x86_64*.whl [PYTHON=python3]
set -euo pipefail
wheel=$(realpath "${1:?usage: smoke_wheel.sh WHEEL [PYTHON]}")
python=${2:-python3}
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
"$python" -m venv "$fresh/venv"
bin="$fresh/venv/bin"
[ -d "$bin" ] || bin="$fresh/venv/Scripts"  # Windows
"$bin/python" -m pip install -q "$wheel" "pyarrow>=14"
cd "$fresh"
"$bin/python" - <<'PY'
import simplicate
from simplicate.testing import FakeSimplicate

with FakeSimplicate() as fake, fake.client() as client:
    pager = client.crm.organization.list(limit=250, select=["id", "name"])
    records = list(pager)
    assert len(records) == 250 and all(r["id"].startswith("organization:") for r in records)
    table = client.crm.organization.list(limit=250).to_arrow()
    assert table.num_rows == 250 and "name" in table.column_names, table.schema
print(f"smoke ok: simplicate {simplicate.__version__} from {simplicate.__file__}")
PY

"""The first thing a user does with a freshly installed wheel: import it, pull from the bundled
fake server over loopback, and build a table. Run by ``smoke_wheel.sh`` and
``smoke_wheel_aarch64.sh`` with the interpreter the wheel was installed into, outside the
repository, so nothing but the wheel can be imported."""

import platform
import sys

import simplicate
from simplicate.testing import FakeSimplicate

with FakeSimplicate() as fake, fake.client() as client:
    pager = client.crm.organization.list(limit=250, select=["id", "name"])
    records = list(pager)
    assert len(records) == 250 and all(r["id"].startswith("organization:") for r in records)
    table = client.crm.organization.list(limit=250).to_arrow()
    assert table.num_rows == 250 and "name" in table.column_names, table.schema

libc = "-".join(filter(None, platform.libc_ver())) or "not glibc (musl)"
print(
    f"smoke ok: simplicate {simplicate.__version__} from {simplicate.__file__}\n"
    f"  on {platform.machine()}, {libc}, Python {sys.version.split()[0]}"
)

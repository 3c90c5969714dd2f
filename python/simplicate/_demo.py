"""The README's first command: a short tour of the client against the bundled fake server."""

from __future__ import annotations

from datetime import date

from ._exceptions import NotFoundError
from .testing import FakeSimplicate


def _show(label: str, value: object) -> None:
    print(f"{label:<28} {value}")


def run_demo(seed: int = 1) -> int:
    with FakeSimplicate(seed=seed) as fake, fake.client() as client:
        print(f"FakeSimplicate serving {fake.url}\n")

        envelope = client.request(
            "GET", "crm/organization", params={"limit": 3, "metadata": "count"}
        )
        _show("organizations on the server", envelope["metadata"]["count"])
        for org in envelope["data"]:
            _show("  " + org["id"], org["name"])

        new_id = client.post(
            "crm/organization",
            {
                "name": "Demo Consultancy B.V.",
                "email": "info@demo.example",
                "note": "created by `python -m simplicate demo`",
                "founded": date(2020, 5, 17),
            },
        )["id"]
        _show("\ncreated", new_id)

        client.put(f"crm/organization/{new_id}", {"email": "hello@demo.example"})
        org = client.get(f"crm/organization/{new_id}")
        _show("updated email", org["email"])
        _show("name kept", org["name"])
        _show("founded (sent as a date)", org["founded"])

        client.delete(f"crm/organization/{new_id}")
        try:
            client.get(f"crm/organization/{new_id}")
        except NotFoundError as exc:
            _show("after delete", f"NotFoundError: {exc}")
    return 0

"""What the query-language tests (``test_fake_queries*.py``) share: a plain urllib client for the
fake (never our client), and planting records.

Query strings are written as the documentation writes them; :func:`get` only percent-encodes
what a URL cannot carry (spaces, quotes, ...), keeping ``[]=&,*`` readable, plus ``%`` (so
``My%20Company`` stays as written) and ``+`` (form encoding's space, as in the tracking use case).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, NamedTuple

from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET, FakeSimplicate

AUTH = {"Authentication-Key": DEFAULT_API_KEY, "Authentication-Secret": DEFAULT_API_SECRET}

# Kept as written: the docs' own punctuation, existing escapes, and '+' (a space).
READABLE = "[]=&,*%+:"

ORG = "crm/organization"
PROJECT = "projects/project"
SERVICE = "projects/service"

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
HEX_ID = re.compile(r"^[a-z_]+:(?:[0-9a-f]{16}|[0-9a-f]{32})$")
UUID_V7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


# ---- plumbing --------------------------------------------------------------------------------


class Reply(NamedTuple):
    status: int
    body: Any
    headers: dict[str, str]


def request(
    fake: FakeSimplicate,
    method: str,
    path: str,
    query: str = "",
    body: object = None,
    *,
    encode: bool = True,
) -> Reply:
    """One HTTP request with both auth headers; every response is closed."""
    if query and encode:
        query = urllib.parse.quote(query, safe=READABLE)
    url = f"{fake.url}/{path}" + (f"?{query}" if query else "")
    data = None if body is None else json.dumps(body).encode()
    headers = {**AUTH, "Content-Type": "application/json"}
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return Reply(
                resp.status,
                json.loads(resp.read()),
                {k.lower(): v for k, v in resp.headers.items()},
            )
    except urllib.error.HTTPError as err:
        with err:
            return Reply(
                err.code, json.loads(err.read()), {k.lower(): v for k, v in err.headers.items()}
            )


def get(fake: FakeSimplicate, path: str, query: str = "", *, encode: bool = True):
    """GET ``path?query`` → (status, parsed JSON)."""
    reply = request(fake, "GET", path, query, encode=encode)
    return reply.status, reply.body


def ok(fake: FakeSimplicate, path: str, query: str = "", *, encode: bool = True) -> dict:
    status, body = get(fake, path, query, encode=encode)
    assert status == 200, body
    assert body["errors"] is None
    return body


def ids(fake: FakeSimplicate, path: str, query: str = "") -> list[str]:
    return [record["id"] for record in ok(fake, path, query)["data"]]


def plant(fake: FakeSimplicate, path: str, *records: dict) -> list[str]:
    return [fake.add(path, record) for record in records]


def named(fake: FakeSimplicate, *names: object, path: str = ORG) -> dict[object, str]:
    """Plants one organization per name (``...`` = no name key at all); name → id."""
    out = {}
    for name in names:
        out[name] = fake.add(path, {} if name is ... else {"name": name})
    return out


def custom_fields(**values: object) -> list[dict]:
    """Custom fields as Simplicate lists them; ``...`` = the field exists but has no value."""
    fields = []
    for position, (name, value) in enumerate(values.items()):
        field: dict[str, Any] = {
            "id": f"customfield:{position:016x}",
            "name": name,
            "label": name.replace("_", " ").capitalize(),
            "render_type": "textbox",
            "position": position,
            "options": [],
        }
        if value is not ...:
            field["value"] = value
        fields.append(field)
    return fields


def stamp(created: str, updated: str | None = None) -> dict[str, str]:
    return {"created_at": created, "updated_at": updated or created}

"""A plain urllib client for tests that check the fake independently of ours: it sends what
any HTTP client would and returns status, headers and body untouched."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def data(self) -> Any:
        assert self.status == 200, self.body
        envelope = self.json()
        assert envelope["errors"] is None
        return envelope["data"]

    def error(self, status: int) -> str:
        assert self.status == status, self.body
        envelope = self.json()
        assert envelope["data"] is None
        [message] = envelope["errors"]
        return message


def call(
    url: str,
    path: str,
    *,
    method: str = "GET",
    body: Any = None,
    auth: bool = True,
    timeout: float = 30,
) -> Answer:
    """``method url/path`` with the fake's default credentials (unless ``auth=False``) and a
    JSON ``body``; an HTTP error status is an answer, not an exception."""
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authentication-Key"] = DEFAULT_API_KEY
        headers["Authentication-Secret"] = DEFAULT_API_SECRET
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}/{path}", data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        with error:
            return Answer(
                error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
            )

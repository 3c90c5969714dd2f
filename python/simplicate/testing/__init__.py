"""Test helpers: a faithful fake Simplicate on loopback, and pytest fixtures.

>>> from simplicate.testing import FakeSimplicate
>>> with FakeSimplicate(seed=1) as fake:
...     client = fake.client()
...     client.get("crm/organization", params={"limit": 2})
"""

from ._fake import (
    DEFAULT_API_KEY,
    DEFAULT_API_SECRET,
    FakeRequest,
    FakeSimplicate,
    InjectedFault,
)

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_SECRET",
    "FakeRequest",
    "FakeSimplicate",
    "InjectedFault",
]

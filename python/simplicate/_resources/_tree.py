"""The trees the clients subclass: one cached property per API module (``client.crm``).

Planted from the registry at import; ``_tree.pyi`` types each property with its module's class
(written by ``scripts/generate_stubs.py``).
"""

from __future__ import annotations

from ._assemble import ASYNC, SYNC, plant_modules
from ._base import TreeBase

__all__ = ["AsyncResourceTree", "ResourceTree"]


class ResourceTree(TreeBase):
    """A base class for :class:`simplicate.Client`: one attribute per API module
    (``client.crm``, ``client.hours``, ...), made on first access and kept."""

    __slots__ = ()


class AsyncResourceTree(TreeBase):
    """A base class for :class:`simplicate.AsyncClient`: one attribute per API module
    (``client.crm``, ``client.hours``, ...), made on first access and kept."""

    __slots__ = ()


plant_modules(ResourceTree, SYNC)
plant_modules(AsyncResourceTree, ASYNC)
